// The hardware probe: end to end on onnxruntime (the web build's WASM backend and onnxruntime-node)
// with a short budget, its arithmetic against a runtime with known costs, and the per-device
// cache behind the worker API.
import ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import * as onnxProtoNs from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/lib/hardware/key-value-store';
import { createProbeApi, type ProbeHost } from '../../src/lib/hardware/probe/probe-api';
import { ProbeCache, PROBE_MAX_AGE_MS } from '../../src/lib/hardware/probe/probe-cache';
import { matrixBytes, type ProbeDtype } from '../../src/lib/hardware/probe/probe-graphs';
import { type OrtLike, type ProbeResult, runProbe } from '../../src/lib/hardware/probe/probe-runner';

type OnnxNs = typeof onnxProtoNs.onnx;
const onnx: OnnxNs = (onnxProtoNs as unknown as { default?: { onnx?: OnnxNs } }).default?.onnx ?? onnxProtoNs.onnx;

function expectSane(result: ProbeResult, dtypes: ProbeDtype[]) {
  for (const value of [result.perRunMs, result.perOpMs, result.perTensorMs, result.tensorBytesPerSecond, result.durationMs]) {
    expect(Number.isFinite(value) && value >= 0, String(value)).toBe(true);
  }
  expect(result.tensorBytesPerSecond).toBeGreaterThan(0);
  expect(Object.keys(result.bandwidth).sort()).toEqual([...dtypes].sort());
  for (const dtype of dtypes) {
    expect(result.bandwidth[dtype]).toBeGreaterThan(1e6);
    expect(result.bandwidth[dtype]).toBeLessThan(1e13);
    expect(result.matmulGflops[dtype]).toBeGreaterThan(0.001);
    expect(Number.isFinite(result.matmulGflops[dtype])).toBe(true);
  }
}

describe('runProbe on real runtimes', () => {
  it("times every kernel on onnxruntime-web's WASM backend within a short budget", async () => {
    ortWeb.env.wasm.numThreads = 1;
    const result = await runProbe(ortWeb as unknown as OrtLike, { backend: 'wasm', threads: 1, size: 'quick', budgetMs: 300 });
    expectSane(result, ['q8', 'q8-integer', 'q4', 'fp32']);
    expect(result.backend).toBe('wasm');
    expect(result.ortVersion).toMatch(/^1\.\d+/);
    expect(result.durationMs).toBeLessThan(20_000);
  });

  it('runs on onnxruntime-node with its cpu provider and the formats asked for', async () => {
    const result = await runProbe(ort as unknown as OrtLike, { backend: 'wasm', executionProvider: 'cpu', threads: 1, size: 'quick', budgetMs: 200, dtypes: ['q4'] });
    expectSane(result, ['q4']);
  });
});

/**
 * A runtime whose every cost is known: a fake clock advances by a fixed cost per run, per node,
 * per tensor and byte handed over, per weight byte read (one row) or per FLOP (many rows).
 */
function runtimeWithKnownCosts(costs: { run: number; op: number; tensor: number; tensorBytesPerMs: number; bytesPerMs: Record<ProbeDtype, number>; flopsPerMs: Record<ProbeDtype, number> }) {
  let clock = 0;
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: readonly number[],
    ) {}
  }
  const ortFake: OrtLike = {
    Tensor: Tensor as unknown as OrtLike['Tensor'],
    env: { versions: { web: '9.9.9' } },
    InferenceSession: {
      async create(model: Uint8Array) {
        const graph = onnx.ModelProto.decode(model).graph!;
        const nodes = graph.node!;
        const q8 = nodes.some((n) => n.opType === 'DynamicQuantizeLinear') ? 'q8' : 'q8-integer';
        const matrices = nodes.flatMap((n) => {
          const dtype: ProbeDtype | null = n.opType === 'MatMul' ? 'fp32' : n.opType === 'MatMulInteger' ? q8 : n.opType === 'MatMulNBits' ? 'q4' : null;
          if (!dtype) return [];
          const weight = graph.initializer!.find((t) => t.name === n.input![1])!;
          const [k, nn] = dtype === 'q4' ? [Number(n.attribute!.find((a) => a.name === 'K')!.i), Number(weight.dims![0])] : weight.dims!.map(Number);
          return [{ dtype, k, n: nn }];
        });
        return {
          async run(feeds: Record<string, unknown>) {
            const inputs = Object.values(feeds) as Tensor[];
            const rows = inputs[0].dims[0];
            // Outputs are as big as the inputs they come from (the one-element `step` aside).
            const bytes = inputs.reduce((a, t) => a + (t.data.length > 1 ? 2 : 1) * t.data.byteLength, 0);
            let ms = costs.run + nodes.length * costs.op + (inputs.length + graph.output!.length) * costs.tensor + bytes / costs.tensorBytesPerMs;
            for (const m of matrices) {
              ms += rows === 1 ? matrixBytes(m.dtype, m.k, m.n) / costs.bytesPerMs[m.dtype] : (2 * m.k * m.n * rows) / costs.flopsPerMs[m.dtype];
            }
            clock += ms;
            return {};
          },
          async release() {},
        };
      },
    },
  };
  return { ortFake, now: () => clock };
}

describe('runProbe arithmetic', () => {
  it('recovers the per-run, per-node, per-tensor and per-byte costs of a runtime that has exactly those', async () => {
    const costs = {
      run: 0.5,
      op: 0.01,
      tensor: 0.02,
      tensorBytesPerMs: 2e6,
      // Slow enough that the quick probe's matrices take longer than the run around them.
      bytesPerMs: { q8: 3e5, 'q8-integer': 6e5, q4: 1e5, fp32: 8e5 },
      flopsPerMs: { q8: 2e6, 'q8-integer': 3e6, q4: 4e6, fp32: 5e6 },
    };
    const { ortFake, now } = runtimeWithKnownCosts(costs);
    const result = await runProbe(ortFake, { backend: 'webgpu', threads: 1, now, budgetMs: 0, size: 'quick' });
    expect(result.ortVersion).toBe('9.9.9');
    // The one-node run's two small tensors' bytes can't be told apart from the run itself.
    expect(result.perRunMs).toBeCloseTo(costs.run + (2 * 64 * 4) / costs.tensorBytesPerMs, 4);
    expect(result.perOpMs).toBeCloseTo(costs.op, 6);
    expect(result.perTensorMs / costs.tensor).toBeCloseTo(1, 2);
    expect(result.tensorBytesPerSecond / (costs.tensorBytesPerMs * 1000)).toBeCloseTo(1, 3);
    for (const dtype of ['q8', 'q8-integer', 'q4', 'fp32'] as const) {
      expect(result.bandwidth[dtype]! / (costs.bytesPerMs[dtype] * 1000)).toBeCloseTo(1, 2);
      expect(result.matmulGflops[dtype]! / (costs.flopsPerMs[dtype] / 1e6)).toBeCloseTo(1, 2);
    }
  });
});

function host(overrides: Partial<ProbeHost> = {}): ProbeHost {
  return {
    async loadOrt() {
      ortWeb.env.wasm.numThreads = 1;
      return ortWeb as unknown as OrtLike;
    },
    threads: 1,
    userAgent: 'test-agent',
    hardwareConcurrency: 2,
    adapter: async () => null,
    cache: new ProbeCache(memoryStore()),
    probeOptions: { size: 'quick', budgetMs: 100 },
    ...overrides,
  };
}

describe('probe API', () => {
  it('probes only when asked, then answers from the per-device cache until asked to re-run', async () => {
    const api = createProbeApi(host());
    expect(await api.cached('wasm')).toBeNull();
    const first = await api.probe('wasm');
    expect(await api.cached('wasm')).toEqual(first);
    expect(await api.probe('wasm')).toEqual(first);
    const again = await api.probe('wasm', { rerun: true });
    expect(again.takenAt >= first.takenAt).toBe(true);
    expect(again).not.toEqual(first);
    expect(await api.cached('wasm')).toEqual(again);
    await api.forget('wasm');
    expect(await api.cached('wasm')).toBeNull();
  });

  it('keeps probes of different devices apart', async () => {
    const cache = new ProbeCache(memoryStore());
    const a = createProbeApi(host({ cache }));
    const b = createProbeApi(host({ cache, hardwareConcurrency: 8 }));
    await a.probe('wasm');
    expect(await a.deviceKey()).not.toBe(await b.deviceKey());
    expect(await b.cached('wasm')).toBeNull();
  });

  it('reads cached results without loading the runtime when the build names its version', async () => {
    const cache = new ProbeCache(memoryStore());
    const version = '1.31.0-test';
    const first = createProbeApi(host({ cache, ortVersion: version }));
    const stored = await first.probe('wasm');
    let loads = 0;
    const later = createProbeApi(
      host({
        cache,
        ortVersion: version,
        loadOrt: async () => {
          loads++;
          return ortWeb as unknown as OrtLike;
        },
      }),
    );
    expect(await later.cached('wasm')).toEqual(stored);
    expect(await later.deviceKey()).toBe(await first.deviceKey());
    expect(loads).toBe(0);
  });

  it('refuses a WebGPU probe without an adapter, by error name', async () => {
    const api = createProbeApi(host());
    await expect(api.probe('webgpu')).rejects.toMatchObject({ name: 'BackendUnavailableError' });
  });

  it('forgets a probe older than the maximum age', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const cache = new ProbeCache(memoryStore(), () => now);
    const result = { backend: 'wasm', takenAt: new Date(now).toISOString() } as ProbeResult;
    await cache.put('dev', result);
    expect(await cache.get('dev', 'wasm')).toEqual(result);
    now += PROBE_MAX_AGE_MS + 1;
    expect(await cache.get('dev', 'wasm')).toBeNull();
  });
});
