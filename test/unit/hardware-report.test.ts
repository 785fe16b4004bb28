// The hardware report from fakes shaped like the browser APIs it reads (node has no WebGPU,
// userAgentData or StorageManager): what it records in each situation and how it says it.
import { describe, expect, it } from 'vitest';
import {
  collectHardwareReport,
  hardwareReportFileName,
  hardwareReportJson,
  hardwareReportSummary,
  reportCapabilities,
  type GpuAdapterLike,
  type HardwareEnvironment,
  type NavigatorLike,
} from '../../src/lib/hardware/hardware-report';

const GB = 1024 ** 3;

// What Chromium's SwiftShader adapter reports (taken from headless Chromium 156).
function swiftShaderAdapter(): GpuAdapterLike {
  return {
    features: new Set(['timestamp-query', 'subgroups', 'core-features-and-limits', 'bgra8unorm-storage']),
    limits: {
      maxBufferSize: GB,
      maxStorageBufferBindingSize: GB,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 256,
      maxComputeWorkgroupSizeX: 256,
      maxTextureDimension2D: 8192,
    },
    info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
  };
}

function nvidiaAdapter(): GpuAdapterLike {
  return {
    features: new Set(['shader-f16', 'timestamp-query']),
    limits: { ...swiftShaderAdapter().limits, maxBufferSize: 4 * GB },
    info: { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false },
  };
}

function chromeNavigator(overrides: Partial<NavigatorLike> = {}): NavigatorLike {
  return {
    gpu: { requestAdapter: async () => swiftShaderAdapter() },
    hardwareConcurrency: 2,
    deviceMemory: 8,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    userAgentData: {
      brands: [
        { brand: 'Not:A-Brand', version: '8' },
        { brand: 'Chromium', version: '156' },
      ],
      platform: 'Linux',
      mobile: false,
      getHighEntropyValues: async () => ({
        fullVersionList: [
          { brand: 'Not:A-Brand', version: '8.0.0.0' },
          { brand: 'Chromium', version: '156.0.8078.79' },
        ],
      }),
    },
    storage: {
      estimate: async () => ({ usage: 1.2 * GB, quota: 10 * GB }),
      persisted: async () => true,
    },
    ...overrides,
  };
}

function environment(nav: NavigatorLike, overrides: Partial<HardwareEnvironment> = {}): HardwareEnvironment {
  return {
    navigator: nav,
    crossOriginIsolated: true,
    isSecureContext: true,
    hasSharedArrayBuffer: true,
    // Node's real engine: it has SIMD, so the probe module must validate here.
    webAssembly: WebAssembly,
    now: () => new Date('2025-03-04T05:06:07.000Z'),
    ...overrides,
  };
}

describe('collectHardwareReport', () => {
  it('records the adapter, its sorted features and the key limits', async () => {
    const report = await collectHardwareReport(environment(chromeNavigator()));
    expect(report.webgpu).toEqual({
      available: true,
      adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
      features: ['bgra8unorm-storage', 'core-features-and-limits', 'subgroups', 'timestamp-query'],
      limits: {
        maxBufferSize: GB,
        maxStorageBufferBindingSize: GB,
        maxComputeWorkgroupStorageSize: 32768,
        maxComputeInvocationsPerWorkgroup: 256,
        maxComputeWorkgroupSizeX: 256,
      },
    });
    expect(report.takenAt).toBe('2025-03-04T05:06:07.000Z');
    expect(report.cpu.logicalCores).toBe(2);
    expect(report.wasm).toEqual({ crossOriginIsolated: true, sharedArrayBuffer: true, threadsUsable: true, threads: 2, simd: true });
    expect(report.memory.deviceMemoryGB).toBe(8);
    expect(report.storage).toEqual({ usageBytes: 1.2 * GB, quotaBytes: 10 * GB, persisted: true });
  });

  it('asks for the high-performance adapter, like a model load does', async () => {
    const asked: unknown[] = [];
    const nav = chromeNavigator({
      gpu: {
        requestAdapter: async (options) => {
          asked.push(options);
          return swiftShaderAdapter();
        },
      },
    });
    await collectHardwareReport(environment(nav));
    expect(asked).toEqual([{ powerPreference: 'high-performance' }]);
  });

  it('reads isFallbackAdapter and the info from older Chromium adapters without `info`', async () => {
    const old: GpuAdapterLike = {
      ...swiftShaderAdapter(),
      info: undefined,
      isFallbackAdapter: true,
      requestAdapterInfo: async () => ({ vendor: 'google', architecture: 'swiftshader' }),
    };
    const report = await collectHardwareReport(environment(chromeNavigator({ gpu: { requestAdapter: async () => old } })));
    expect(report.webgpu).toMatchObject({ available: true, adapter: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } });
  });

  it('says there is no navigator.gpu, and when that is because the page is not a secure context', async () => {
    const nav = chromeNavigator({ gpu: undefined });
    const report = await collectHardwareReport(environment(nav));
    expect(report.webgpu).toMatchObject({ available: false, reason: 'no-navigator-gpu' });
    expect(report.webgpu.available === false && report.webgpu.detail).toMatch(/no navigator\.gpu/);
    const insecure = await collectHardwareReport(environment(nav, { isSecureContext: false }));
    expect(insecure.webgpu.available === false && insecure.webgpu.detail).toMatch(/not a secure context/);
  });

  it('says when requestAdapter offers no adapter', async () => {
    const report = await collectHardwareReport(environment(chromeNavigator({ gpu: { requestAdapter: async () => null } })));
    expect(report.webgpu).toMatchObject({ available: false, reason: 'no-adapter' });
  });

  it('says when requestAdapter throws, with the error', async () => {
    const nav = chromeNavigator({
      gpu: {
        requestAdapter: async () => {
          throw new DOMException('GPU process crashed', 'OperationError');
        },
      },
    });
    const report = await collectHardwareReport(environment(nav));
    expect(report.webgpu).toMatchObject({ available: false, reason: 'request-adapter-threw' });
    expect(report.webgpu.available === false && report.webgpu.detail).toBe('requestAdapter() threw: OperationError: GPU process crashed');
  });

  it('names the product rather than Chromium, with its full version', async () => {
    const nav = chromeNavigator({
      userAgentData: {
        brands: [
          { brand: 'Chromium', version: '131' },
          { brand: 'Not_A Brand', version: '24' },
          { brand: 'Google Chrome', version: '131' },
        ],
        platform: 'macOS',
        mobile: false,
        getHighEntropyValues: async () => ({ fullVersionList: [{ brand: 'Google Chrome', version: '131.0.6778.86' }] }),
      },
    });
    const { browser } = await collectHardwareReport(environment(nav));
    expect(browser).toMatchObject({ name: 'Google Chrome', version: '131.0.6778.86', platform: 'macOS', mobile: false });
    expect(browser.brands.map((b) => b.brand)).toEqual(['Chromium', 'Google Chrome']);
  });

  it('keeps the major version when high-entropy values are refused', async () => {
    const nav = chromeNavigator();
    nav.userAgentData!.getHighEntropyValues = async () => {
      throw new DOMException('denied', 'NotAllowedError');
    };
    const { browser } = await collectHardwareReport(environment(nav));
    expect(browser).toMatchObject({ name: 'Chromium', version: '156' });
  });

  it('falls back to the user agent string without userAgentData (Firefox, Safari)', async () => {
    const firefox = await collectHardwareReport(
      environment(
        chromeNavigator({
          userAgentData: undefined,
          userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
        }),
      ),
    );
    expect(firefox.browser).toEqual({
      name: 'Firefox',
      version: '133.0',
      platform: 'Windows',
      mobile: false,
      brands: [],
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    });
    const safari = await collectHardwareReport(
      environment(
        chromeNavigator({
          userAgentData: undefined,
          userAgent:
            'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
        }),
      ),
    );
    expect(safari.browser).toMatchObject({ name: 'Safari', version: '18.1', platform: 'iOS', mobile: true });
  });

  it('reports storage, memory and cores as unknown where the browser has no API for them', async () => {
    const nav = chromeNavigator({ storage: undefined, deviceMemory: undefined, hardwareConcurrency: undefined });
    const report = await collectHardwareReport(environment(nav));
    expect(report.storage).toEqual({ usageBytes: null, quotaBytes: null, persisted: null });
    expect(report.memory.deviceMemoryGB).toBeNull();
    expect(report.cpu.logicalCores).toBeNull();
    expect(report.wasm.threads).toBe(1);
    expect(hardwareReportSummary(report)).toContain('Storage: this browser does not report its quota');
  });

  it('treats a rejected storage estimate as unknown rather than failing the report', async () => {
    const nav = chromeNavigator({
      storage: { estimate: () => Promise.reject(new Error('private mode')), persisted: async () => false },
    });
    const report = await collectHardwareReport(environment(nav));
    expect(report.storage).toEqual({ usageBytes: null, quotaBytes: null, persisted: false });
  });

  it('runs WASM on one thread without cross-origin isolation or SharedArrayBuffer', async () => {
    const nav = chromeNavigator({ hardwareConcurrency: 8 });
    const isolated = await collectHardwareReport(environment(nav));
    expect(isolated.wasm.threads).toBe(8);
    const notIsolated = await collectHardwareReport(environment(nav, { crossOriginIsolated: false, hasSharedArrayBuffer: false }));
    expect(notIsolated.wasm).toMatchObject({ threadsUsable: false, threads: 1 });
    const noSab = await collectHardwareReport(environment(nav, { hasSharedArrayBuffer: false }));
    expect(noSab.wasm).toMatchObject({ crossOriginIsolated: true, threadsUsable: false, threads: 1 });
  });

  it('reports no SIMD where the engine rejects the SIMD module, and null without WebAssembly', async () => {
    const noSimd = await collectHardwareReport(environment(chromeNavigator(), { webAssembly: { validate: () => false } }));
    expect(noSimd.wasm.simd).toBe(false);
    const none = await collectHardwareReport(environment(chromeNavigator(), { webAssembly: undefined }));
    expect(none.wasm.simd).toBeNull();
  });
});

describe('hardwareReportSummary', () => {
  it('calls a fallback adapter what it is, and gives threads, SIMD and storage in words', async () => {
    const report = await collectHardwareReport(environment(chromeNavigator()));
    expect(hardwareReportSummary(report)).toEqual([
      'WebGPU: Google SwiftShader (software fallback adapter — slower than the CPU path for LLMs)',
      'WASM: 2 threads, SIMD',
      'Memory: about 8 GB reported (browsers round it and cap it, often at 8 GB, so there may be more)',
      'Storage: 1.2 GB used of 10 GB',
      'Browser: Chromium 156.0.8078.79 on Linux',
    ]);
  });

  it('says what a real GPU with and without shader-f16 can run', async () => {
    const withF16 = await collectHardwareReport(environment(chromeNavigator({ gpu: { requestAdapter: async () => nvidiaAdapter() } })));
    expect(hardwareReportSummary(withF16)[0]).toBe('WebGPU: NVIDIA ampere — shader-f16, so q4f16 weights run; largest buffer 4.0 GB');
    const noF16Adapter = { ...nvidiaAdapter(), features: new Set(['timestamp-query']) };
    const withoutF16 = await collectHardwareReport(environment(chromeNavigator({ gpu: { requestAdapter: async () => noF16Adapter } })));
    expect(hardwareReportSummary(withoutF16)[0]).toMatch(/no shader-f16, so q4 weights .* rather than q4f16/);
  });

  it('names the adapter by its description when vendor and architecture are hidden', async () => {
    const hidden = { ...nvidiaAdapter(), info: { vendor: '', architecture: '', description: 'ANGLE (Intel, Iris Xe)', isFallbackAdapter: false } };
    const report = await collectHardwareReport(environment(chromeNavigator({ gpu: { requestAdapter: async () => hidden } })));
    expect(hardwareReportSummary(report)[0]).toMatch(/^WebGPU: ANGLE \(Intel, Iris Xe\) — /);
  });

  it('gives the reason WebGPU is unavailable, why WASM is single-threaded and that storage can be evicted', async () => {
    const nav = chromeNavigator({
      gpu: { requestAdapter: async () => null },
      storage: { estimate: async () => ({ usage: 0, quota: 10 * GB }), persisted: async () => false },
    });
    const lines = hardwareReportSummary(
      await collectHardwareReport(environment(nav, { crossOriginIsolated: false, webAssembly: { validate: () => false } })),
    );
    expect(lines[0]).toMatch(/^WebGPU: unavailable — requestAdapter\(\) offered no adapter/);
    expect(lines[1]).toBe('WASM: 1 thread (the page is not cross-origin isolated, so no SharedArrayBuffer), no SIMD (several times slower)');
    expect(lines[3]).toBe('Storage: 0 B used of 10 GB; not persistent, so the browser may evict models under storage pressure');
  });
});

describe('report as JSON and as capabilities', () => {
  it('survives a JSON round trip unchanged', async () => {
    const report = await collectHardwareReport(environment(chromeNavigator()));
    expect(JSON.parse(hardwareReportJson(report))).toEqual(report);
    const noGpu = await collectHardwareReport(environment(chromeNavigator({ gpu: undefined, storage: undefined })));
    expect(JSON.parse(hardwareReportJson(noGpu))).toEqual(noGpu);
  });

  it('names the download file by the day it was taken', async () => {
    const report = await collectHardwareReport(environment(chromeNavigator()));
    expect(hardwareReportFileName(report)).toBe('hardware-report-2025-03-04.json');
  });

  it('gives backend selection the same facts', async () => {
    const report = await collectHardwareReport(environment(chromeNavigator({ gpu: { requestAdapter: async () => nvidiaAdapter() } })));
    expect(reportCapabilities(report)).toEqual({
      webgpu: { available: true, shaderF16: true, isFallbackAdapter: false, detail: 'NVIDIA ampere' },
      crossOriginIsolated: true,
      hardwareConcurrency: 2,
    });
  });
});
