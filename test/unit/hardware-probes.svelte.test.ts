// The Hardware view shows what "Measure this device" timed, onnxruntime's probe beside llama.cpp's
// (decode GB/s per weight format and the fixed cost of a step), and the report's JSON carries both
// probes once they have run.
import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { HardwareReportState } from '../../src/state/hardware-report.svelte';
import { collectHardwareReport, type HardwareEnvironment } from '../../src/lib/hardware/hardware-report';
import { probeFigures, probeFiguresName } from '../../src/lib/hardware/probe-figures';
import { llamaCppProbe, onnxProbe } from './support/probe-results';

const GIB = 2 ** 30;

const ONNX_PROBE = onnxProbe({ bandwidth: { q8: 3 * GIB, q4: 0.5 * GIB, fp32: 4 * GIB } });

const LLAMA_PROBE = llamaCppProbe({
  wllamaVersion: '3.13.0',
  takenAt: '2026-12-07T00:01:00.000Z',
  perTokenMs: 1.5,
  decodeBytesPerSecond: { Q4_K: 2 * GIB, Q8_0: 3.5 * GIB },
});

const env: HardwareEnvironment = {
  navigator: { hardwareConcurrency: 2, userAgent: 'test' },
  crossOriginIsolated: true,
  isSecureContext: true,
  hasSharedArrayBuffer: true,
  webAssembly: undefined,
  now: () => new Date('2026-12-07T00:00:00.000Z'),
};

describe('the probes in the Hardware view', () => {
  it("list onnxruntime's and llama.cpp's figures side by side: GB/s per format and the cost of a step", () => {
    const figures = probeFigures({ wasm: ONNX_PROBE }, { wasm: LLAMA_PROBE });
    expect(figures.map(probeFiguresName)).toEqual(['onnxruntime · WASM', 'llama.cpp · WASM']);
    expect(figures[0]).toMatchObject({ bandwidth: 'q8 3.0 GB/s · q4 512 MB/s · fp32 4.0 GB/s', perStep: '0.20 ms a run + 10 µs a node' });
    expect(figures[1]).toMatchObject({ bandwidth: 'Q4_K 2.0 GB/s · Q8_0 3.5 GB/s', perStep: '1.5 ms a token + 20 ns a vocabulary entry' });
    // Small costs keep two significant figures rather than reading as nothing.
    expect(probeFigures({ wasm: { ...ONNX_PROBE, perOpMs: 0.0031 } }, { wasm: { ...LLAMA_PROBE, perVocabEntryNs: 0.42 } }).map((f) => f.perStep)).toEqual([
      '0.20 ms a run + 3.1 µs a node',
      '1.5 ms a token + 0.42 ns a vocabulary entry',
    ]);
    expect(probeFigures({}, {})).toEqual([]);
  });

  it("put both probes in the report's JSON once measured, and none before", async () => {
    const hardware = new HardwareReportState(() => collectHardwareReport(env));
    await hardware.refresh();
    hardware.useProbes({}, {});
    flushSync();
    expect(JSON.parse(hardware.json)).not.toHaveProperty('llamaCppProbes');
    hardware.useProbes({ wasm: ONNX_PROBE }, { wasm: LLAMA_PROBE });
    flushSync();
    const json = JSON.parse(hardware.json);
    expect(json.llamaCppProbes.wasm).toMatchObject({ wllamaVersion: '3.13.0', perTokenMs: 1.5, decodeBytesPerSecond: { Q4_K: 2 * GIB } });
    expect(json.probes.wasm).toMatchObject({ perRunMs: 0.2 });
    // The browser's own facts are still there.
    expect(json.cpu.logicalCores).toBe(2);
  });
});
