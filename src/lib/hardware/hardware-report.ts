// The hardware report: every fact about this browser and machine that decides which models run
// and how fast, as plain JSON (to copy into a bug report or compare two laptops), plus a few
// lines that say what the facts mean. Reads the browser through an injectable environment, so it
// is unit-tested in node with fakes of the browser APIs' shapes.
import { chooseWasmThreads, type DeviceCapabilities } from '../engines/backend-selection';
import { formatBytes } from '../render/format';
import type { Backend } from '../engines/types';
import type { ProbeResult } from './probe/probe-runner';
import type { LlamaCppProbeResult } from './probe/llamacpp-probe-runner';

/** The adapter limits that bound model size and kernel shapes; the spec has ~40, these matter here. */
export const KEY_WEBGPU_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
] as const;
export type KeyWebGpuLimit = (typeof KEY_WEBGPU_LIMITS)[number];

export type WebGpuUnavailableReason = 'no-navigator-gpu' | 'no-adapter' | 'request-adapter-threw';

export interface WebGpuAdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software or otherwise limited adapter (SwiftShader): works, but slowly. */
  isFallbackAdapter: boolean;
}

export type WebGpuReport =
  | { available: false; reason: WebGpuUnavailableReason; detail: string }
  | {
      available: true;
      adapter: WebGpuAdapterFacts;
      /** Sorted. `shader-f16` decides whether fp16 weight formats (q4f16, fp16) can run. */
      features: string[];
      /** The adapter's maxima (what a device may request), not the defaults a device gets. Null where unreported. */
      limits: Record<KeyWebGpuLimit, number | null>;
    };

export interface HardwareReport {
  /** ISO 8601. */
  takenAt: string;
  browser: {
    /** "Chromium", "Google Chrome", "Firefox", ... or null when it can't be told. */
    name: string | null;
    version: string | null;
    platform: string | null;
    mobile: boolean | null;
    /** userAgentData brands (without the deliberately fake "Not A Brand" entries); empty without userAgentData. */
    brands: { brand: string; version: string }[];
    userAgent: string;
  };
  webgpu: WebGpuReport;
  cpu: {
    /** navigator.hardwareConcurrency: logical cores the browser admits to. */
    logicalCores: number | null;
  };
  wasm: {
    crossOriginIsolated: boolean;
    sharedArrayBuffer: boolean;
    /** Both of the above: onnxruntime-web can run more than one thread. */
    threadsUsable: boolean;
    /** Threads the app's WASM backend runs with here. */
    threads: number;
    /** Null when WebAssembly itself is missing. */
    simd: boolean | null;
  };
  memory: {
    /** navigator.deviceMemory in GB: rounded to a power of two and capped by the browser; null where unsupported. */
    deviceMemoryGB: number | null;
  };
  storage: {
    usageBytes: number | null;
    quotaBytes: number | null;
    /** navigator.storage.persisted(): false means the browser may evict stored models under pressure. */
    persisted: boolean | null;
  };
  /**
   * What "Measure this device" timed here, once it has run: onnxruntime's probe and llama.cpp's,
   * per backend, as the speed predictions read them.
   */
  probes?: Partial<Record<Backend, ProbeResult>>;
  llamaCppProbes?: Partial<Record<Backend, LlamaCppProbeResult>>;
}

// --- The browser, as far as the report reads it ------------------------------------------------

export interface GpuAdapterLike {
  features: Iterable<string>;
  limits: Partial<Record<string, number>>;
  info?: Partial<WebGpuAdapterFacts>;
  /** Before `info` existed (Chromium < 127): on the adapter itself, and info behind a promise. */
  isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<Partial<WebGpuAdapterFacts>>;
}

export interface NavigatorLike {
  gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null> };
  hardwareConcurrency?: number;
  deviceMemory?: number;
  userAgent?: string;
  userAgentData?: {
    brands?: { brand: string; version: string }[];
    platform?: string;
    mobile?: boolean;
    getHighEntropyValues?(hints: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[] }>;
  };
  storage?: { estimate?(): Promise<{ usage?: number; quota?: number }>; persisted?(): Promise<boolean> };
}

export interface HardwareEnvironment {
  navigator: NavigatorLike;
  crossOriginIsolated: boolean;
  isSecureContext: boolean;
  hasSharedArrayBuffer: boolean;
  webAssembly: { validate(bytes: Uint8Array<ArrayBuffer>): boolean } | undefined;
  now(): Date;
}

export function browserEnvironment(): HardwareEnvironment {
  return {
    navigator: globalThis.navigator as unknown as NavigatorLike,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    isSecureContext: globalThis.isSecureContext === true,
    hasSharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    webAssembly: globalThis.WebAssembly,
    now: () => new Date(),
  };
}

// The smallest module that uses a v128 instruction (i8x16.splat then i8x16.popcnt): it validates
// only where the engine has fixed-width SIMD. The same probe wasm-feature-detect uses.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export async function collectHardwareReport(env: HardwareEnvironment = browserEnvironment()): Promise<HardwareReport> {
  const nav = env.navigator;
  const [webgpu, browser, storage] = await Promise.all([readWebGpu(env), readBrowser(nav), readStorage(nav)]);
  const logicalCores = positiveNumber(nav.hardwareConcurrency);
  const threadsUsable = env.crossOriginIsolated && env.hasSharedArrayBuffer;
  return {
    takenAt: env.now().toISOString(),
    browser,
    webgpu,
    cpu: { logicalCores },
    wasm: {
      crossOriginIsolated: env.crossOriginIsolated,
      sharedArrayBuffer: env.hasSharedArrayBuffer,
      threadsUsable,
      // The same rule the app loads models with, so the report never promises more threads than a load gets.
      threads: chooseWasmThreads({
        webgpu: { available: false, shaderF16: false, isFallbackAdapter: false, detail: '' },
        crossOriginIsolated: threadsUsable,
        hardwareConcurrency: logicalCores ?? 1,
      }).value,
      simd: env.webAssembly ? safely(() => env.webAssembly!.validate(SIMD_PROBE), false) : null,
    },
    memory: { deviceMemoryGB: positiveNumber(nav.deviceMemory) },
    storage,
  };
}

async function readWebGpu(env: HardwareEnvironment): Promise<WebGpuReport> {
  const gpu = env.navigator.gpu;
  if (!gpu) {
    const detail = env.isSecureContext
      ? 'this browser has no navigator.gpu (WebGPU is not supported or is turned off)'
      : 'this page is not a secure context (https or localhost), so the browser hides navigator.gpu';
    return { available: false, reason: 'no-navigator-gpu', detail };
  }
  let adapter: GpuAdapterLike | null;
  try {
    // The same preference the app loads models with (capabilities.ts), so the report describes that adapter.
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: 'request-adapter-threw', detail: `requestAdapter() threw: ${errorText(error)}` };
  }
  if (!adapter) {
    return {
      available: false,
      reason: 'no-adapter',
      detail: 'requestAdapter() offered no adapter (WebGPU is turned off, or the GPU or its driver is blocklisted)',
    };
  }
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  const limits = Object.fromEntries(
    KEY_WEBGPU_LIMITS.map((name) => [name, positiveNumber(adapter.limits[name])]),
  ) as Record<KeyWebGpuLimit, number | null>;
  return {
    available: true,
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    },
    features: [...adapter.features].sort(),
    limits,
  };
}

// userAgentData carries GREASE brands ("Not:A-Brand", "Not A(Brand") so that sites can't rely on
// the list's order or contents; they name no browser.
const GREASE_BRAND = /not.?a.?brand/i;
// A product built on Chromium lists both brands; the product is the one to name.
const GENERIC_BRAND = 'Chromium';

async function readBrowser(nav: NavigatorLike): Promise<HardwareReport['browser']> {
  const userAgent = nav.userAgent ?? '';
  const uaData = nav.userAgentData;
  if (uaData?.brands?.length) {
    const brands = uaData.brands.filter((b) => !GREASE_BRAND.test(b.brand));
    const main = brands.find((b) => b.brand !== GENERIC_BRAND) ?? brands[0];
    // brands carry only the major version; the full one is a "high entropy" value behind a promise.
    const full = await uaData
      .getHighEntropyValues?.(['fullVersionList'])
      .then((values) => values.fullVersionList?.find((b) => b.brand === main?.brand)?.version)
      .catch(() => undefined);
    return {
      name: main?.brand ?? null,
      version: full ?? main?.version ?? null,
      platform: uaData.platform || null,
      mobile: uaData.mobile ?? null,
      brands,
      userAgent,
    };
  }
  return { ...browserFromUserAgent(userAgent), mobile: /Mobi/.test(userAgent) ? true : userAgent ? false : null, brands: [], userAgent };
}

// Firefox and Safari have no userAgentData. Order matters: Edge and Opera also say "Chrome", and
// Chrome also says "Safari".
const UA_PATTERNS: [name: string, pattern: RegExp][] = [
  ['Firefox', /Firefox\/([\d.]+)/],
  ['Microsoft Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
  ['Opera', /OPR\/([\d.]+)/],
  ['Chromium', /(?:Headless)?Chrom(?:e|ium)\/([\d.]+)/],
  ['Safari', /Version\/([\d.]+).*Safari\//],
];
const UA_PLATFORMS: [name: string, pattern: RegExp][] = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad|iPod/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Windows', /Windows/],
  ['ChromeOS', /CrOS/],
  ['Linux', /Linux/],
];

function browserFromUserAgent(userAgent: string): { name: string | null; version: string | null; platform: string | null } {
  const browser = UA_PATTERNS.find(([, pattern]) => pattern.test(userAgent));
  return {
    name: browser?.[0] ?? null,
    version: browser ? browser[1].exec(userAgent)![1] : null,
    platform: UA_PLATFORMS.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? null,
  };
}

async function readStorage(nav: NavigatorLike): Promise<HardwareReport['storage']> {
  // Either call can be missing (insecure context, old browser) or reject (some private modes).
  const [estimate, persisted] = await Promise.all([
    nav.storage?.estimate?.().catch(() => undefined),
    nav.storage?.persisted?.().catch(() => undefined),
  ]);
  return {
    usageBytes: estimate?.usage ?? null,
    quotaBytes: estimate?.quota ?? null,
    persisted: persisted ?? null,
  };
}

// --- What the facts mean ----------------------------------------------------------------------

/** The report as the capabilities the app's backend selection decides from. */
export function reportCapabilities(report: HardwareReport): DeviceCapabilities {
  const gpu = report.webgpu;
  return {
    webgpu: gpu.available
      ? {
          available: true,
          shaderF16: gpu.features.includes('shader-f16'),
          isFallbackAdapter: gpu.adapter.isFallbackAdapter,
          detail: adapterName(gpu.adapter),
        }
      : { available: false, shaderF16: false, isFallbackAdapter: false, detail: gpu.detail },
    crossOriginIsolated: report.wasm.threadsUsable,
    hardwareConcurrency: report.cpu.logicalCores ?? 1,
  };
}

const PROPER_NAMES: Record<string, string> = {
  swiftshader: 'SwiftShader',
  nvidia: 'NVIDIA',
  amd: 'AMD',
  ati: 'AMD',
  intel: 'Intel',
  apple: 'Apple',
  google: 'Google',
  qualcomm: 'Qualcomm',
  arm: 'Arm',
  microsoft: 'Microsoft',
};

/** "Google SwiftShader", "NVIDIA ampere", or the driver's description when vendor and architecture are hidden. */
export function adapterName(adapter: WebGpuAdapterFacts): string {
  const parts = [adapter.vendor, adapter.architecture].filter(Boolean).map((part) => PROPER_NAMES[part.toLowerCase()] ?? part);
  return parts.join(' ') || adapter.description || adapter.device || 'an unnamed GPU';
}

/** Short plain-language lines, most important first: what runs where, then the numbers behind it. */
export function hardwareReportSummary(report: HardwareReport): string[] {
  return [webGpuLine(report.webgpu), wasmLine(report), memoryLine(report), storageLine(report), browserLine(report)];
}

function webGpuLine(gpu: WebGpuReport): string {
  if (!gpu.available) return `WebGPU: unavailable — ${gpu.detail}`;
  const name = adapterName(gpu.adapter);
  if (gpu.adapter.isFallbackAdapter) {
    // A software rasteriser runs shaders on the CPU, behind a translation layer the WASM path doesn't pay.
    return `WebGPU: ${name} (software fallback adapter — slower than the CPU path for LLMs)`;
  }
  const f16 = gpu.features.includes('shader-f16')
    ? 'shader-f16, so q4f16 weights run'
    : 'no shader-f16, so q4 weights (fp32 math) rather than q4f16';
  const largest = gpu.limits.maxBufferSize === null ? '' : `; largest buffer ${formatBytes(gpu.limits.maxBufferSize)}`;
  return `WebGPU: ${name} — ${f16}${largest}`;
}

function wasmLine(report: HardwareReport): string {
  const { wasm } = report;
  const threads = `${wasm.threads} ${wasm.threads === 1 ? 'thread' : 'threads'}`;
  const why = wasm.threadsUsable
    ? ''
    : !wasm.crossOriginIsolated
      ? ' (the page is not cross-origin isolated, so no SharedArrayBuffer)'
      : ' (this browser has no SharedArrayBuffer)';
  const simd = wasm.simd === null ? 'no WebAssembly' : wasm.simd ? 'SIMD' : 'no SIMD (several times slower)';
  return `WASM: ${threads}${why}, ${simd}`;
}

function memoryLine(report: HardwareReport): string {
  const gb = report.memory.deviceMemoryGB;
  if (gb === null) return 'Memory: not reported by this browser';
  return `Memory: about ${gb} GB reported (browsers round it and cap it, often at 8 GB, so there may be more)`;
}

function storageLine(report: HardwareReport): string {
  const { usageBytes, quotaBytes, persisted } = report.storage;
  if (quotaBytes === null) return 'Storage: this browser does not report its quota';
  const eviction = persisted === false ? '; not persistent, so the browser may evict models under storage pressure' : '';
  return `Storage: ${formatBytes(usageBytes ?? 0)} used of ${formatBytes(quotaBytes)}${eviction}`;
}

function browserLine(report: HardwareReport): string {
  const { name, version, platform } = report.browser;
  const browser = name ? `${name}${version ? ` ${version}` : ''}` : 'unknown';
  return `Browser: ${browser}${platform ? ` on ${platform}` : ''}`;
}

export function hardwareReportJson(report: HardwareReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `hardware-report-2025-01-31.json`, dated in UTC like `takenAt`. */
export function hardwareReportFileName(report: HardwareReport): string {
  return `hardware-report-${report.takenAt.slice(0, 10)}.json`;
}

function positiveNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
