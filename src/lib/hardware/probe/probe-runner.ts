// Times the probe graphs with onnxruntime on one backend and turns the medians into the few
// numbers the speed prediction needs: the cost of a run, of a node, of handing a tensor in and
// out, and how fast each weight format's matrix kernels go (weights read per second at one row,
// GFLOP/s at many). `ort` is injected: onnxruntime-web in the browser, onnxruntime-web's WASM
// backend or onnxruntime-node in tests.
import type { Backend } from '../../engines/types';
import {
  PROBE_DTYPES,
  type ProbeDtype,
  type ProbeFeed,
  type ProbeGraph,
  floatFeeds,
  matmulChainGraph,
  matrixBytes,
  opChainGraph,
  tensorPassingGraph,
} from './probe-graphs';

/** The part of an onnxruntime module the probe uses (onnxruntime-web and -node both fit). */
export interface OrtLike {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<SessionLike> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  env: { versions?: Record<string, string | undefined> };
}

interface SessionLike {
  run(feeds: Record<string, unknown>): Promise<Record<string, { dispose?(): void }>>;
  release(): Promise<void>;
}

export interface ProbeResult {
  backend: Backend;
  /** The onnxruntime build that was timed (the web build's version in the browser). */
  ortVersion: string;
  threads: number;
  /** ISO 8601. */
  takenAt: string;
  /** Wall time of the whole probe, building the graphs included. */
  durationMs: number;
  /** A run of a one-node graph: the fixed cost of every `session.run`. */
  perRunMs: number;
  /** Each extra node in a run (dispatch, allocation, a tiny kernel). */
  perOpMs: number;
  /** Each tensor handed in or out of a run, apart from its bytes. */
  perTensorMs: number;
  /** Bytes per second of tensors handed in and out of a run (copies across the runtime boundary). */
  tensorBytesPerSecond: number;
  /** Weight bytes per second of one-row matrix products: what a decode step of a big model pays. */
  bandwidth: Partial<Record<ProbeDtype, number>>;
  /** GFLOP/s (2 × multiply-adds) of the same matrices at `batchRows` rows: prefill's rate. */
  matmulGflops: Partial<Record<ProbeDtype, number>>;
  /** The sizes that were timed, so a reader knows what the numbers stand for. */
  setup: { matrix: [number, number]; weightBytes: Partial<Record<ProbeDtype, number>>; batchRows: number; opChain: number; tensors: number };
}

export interface ProbeOptions {
  backend: Backend;
  /** The onnxruntime execution provider; defaults to the backend's name ('cpu' for onnxruntime-node). */
  executionProvider?: string;
  /** WASM threads the runtime was configured with (reported, not set here). */
  threads: number;
  dtypes?: readonly ProbeDtype[];
  /** Rough total time to spend timing (graph building and session creation come on top). */
  budgetMs?: number;
  /**
   * 'full' times model-sized matrices (1024×4096, ~32 MB of weights per format, past the CPU's
   * caches like a real model's weights); 'quick' tiny ones, for tests of the probe itself.
   */
  size?: 'full' | 'quick';
  now?: () => number;
}

const SIZES = {
  full: { k: 1024, n: 4096, targetBytes: 32 * 2 ** 20, batchRows: 64, opChain: 200, tensors: 16, bigLen: 65536 },
  quick: { k: 128, n: 256, targetBytes: 256 * 2 ** 10, batchRows: 16, opChain: 40, tensors: 4, bigLen: 4096 },
} as const;

const WARMUPS = 2;
const MIN_REPEATS = 3;
const MAX_REPEATS = 25;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function runProbe(ort: OrtLike, options: ProbeOptions): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const size = SIZES[options.size ?? 'full'];
  const dtypes = options.dtypes ?? PROBE_DTYPES;
  const budgetMs = options.budgetMs ?? 3000;
  // Six fixed stages plus two per weight format share the budget.
  const stageMs = budgetMs / (4 + 2 * dtypes.length);
  const sessionOptions = { executionProviders: [options.executionProvider ?? options.backend], graphOptimizationLevel: 'all' };

  const tensors = (feeds: Record<string, ProbeFeed>) =>
    Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.type, f.data, f.dims)]));

  /** Median ms of `session.run` on fixed feeds, after warm-up (kernels compile, caches fill). */
  async function time(session: SessionLike, feeds: Record<string, ProbeFeed>): Promise<number> {
    const input = tensors(feeds);
    const samples: number[] = [];
    const stageStart = now();
    for (let i = 0; i < WARMUPS + MAX_REPEATS; i++) {
      const t0 = now();
      const out = await session.run(input);
      const ms = now() - t0;
      for (const t of Object.values(out)) t.dispose?.();
      if (i >= WARMUPS) samples.push(ms);
      if (samples.length >= MIN_REPEATS && now() - stageStart > stageMs) break;
    }
    return median(samples);
  }

  async function withSession<T>(graph: ProbeGraph, use: (s: SessionLike) => Promise<T>): Promise<T> {
    const session = await ort.InferenceSession.create(graph.model, sessionOptions);
    try {
      return await use(session);
    } finally {
      await session.release();
    }
  }

  const x16 = floatFeeds(['x'], 1, 64);
  const oneNodeMs = await withSession(opChainGraph(1), (s) => time(s, x16));
  const chainMs = await withSession(opChainGraph(size.opChain + 1), (s) => time(s, x16));
  const perOpMs = Math.max(0, (chainMs - oneNodeMs) / size.opChain);

  const names = Array.from({ length: size.tensors }, (_, i) => `in${i}`);
  const [smallMs, bigMs] = await withSession(tensorPassingGraph(size.tensors), async (s) => [
    await time(s, floatFeeds(names, 1, 16)),
    await time(s, floatFeeds(names, 1, size.bigLen)),
  ]);
  // Each input comes with an output. The one-node graph hands over two tensors too, so the
  // difference is (tensors - 1) nodes and 2 × (tensors - 1) tensors.
  const handed = 2 * size.tensors;
  const perTensorMs = Math.max(0, (smallMs - oneNodeMs - (size.tensors - 1) * perOpMs) / (handed - 2));
  const perRunMs = Math.max(0, oneNodeMs - perOpMs - 2 * perTensorMs);
  const tensorBytesPerSecond = (handed * (size.bigLen - 16) * 4 * 1000) / Math.max(bigMs - smallMs, 1e-3);

  const bandwidth: ProbeResult['bandwidth'] = {};
  const matmulGflops: ProbeResult['matmulGflops'] = {};
  const weightBytes: ProbeResult['setup']['weightBytes'] = {};
  for (const dtype of dtypes) {
    // An even count, so the chain ends at the input's width; enough matrices to pass the caches.
    const pair = matrixBytes(dtype, size.k, size.n) + matrixBytes(dtype, size.n, size.k);
    const count = 2 * Math.max(1, Math.round(size.targetBytes / pair));
    const graph = matmulChainGraph({ dtype, k: size.k, n: size.n, count });
    weightBytes[dtype] = graph.weightBytes;
    const [rowMs, batchMs] = await withSession(graph, async (s) => [
      await time(s, floatFeeds(['x'], 1, size.k)),
      await time(s, floatFeeds(['x'], size.batchRows, size.k)),
    ]);
    // What the matrices themselves took: the run, its nodes and its [rows, K] input and output
    // are paid separately (the floor keeps a noisy overhead from making the rate absurd).
    const overhead = (rows: number) => perRunMs + graph.nodes * perOpMs + 2 * perTensorMs + (2 * rows * size.k * 4 * 1000) / tensorBytesPerSecond;
    bandwidth[dtype] = (graph.weightBytes * 1000) / Math.max(rowMs - overhead(1), rowMs * 0.05);
    matmulGflops[dtype] = (2 * graph.macsPerRow * size.batchRows) / Math.max(batchMs - overhead(size.batchRows), batchMs * 0.05) / 1e6;
  }

  const versions = ort.env.versions ?? {};
  return {
    backend: options.backend,
    ortVersion: versions.web ?? versions.node ?? versions.common ?? 'unknown',
    threads: options.threads,
    takenAt: new Date().toISOString(),
    durationMs: now() - started,
    perRunMs,
    perOpMs,
    perTensorMs,
    tensorBytesPerSecond,
    bandwidth,
    matmulGflops,
    setup: { matrix: [size.k, size.n], weightBytes, batchRows: size.batchRows, opChain: size.opChain, tensors: size.tensors },
  };
}
