// Times the probe graphs with onnxruntime on one backend and turns the timings into the few
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
  /** GFLOP/s (2 × multiply-adds) of the same kernel on a batch of rows: prefill's rate. */
  matmulGflops: Partial<Record<ProbeDtype, number>>;
  /** The sizes that were timed, so a reader knows what the numbers stand for. */
  setup: { matrix: [number, number]; weightBytes: Partial<Record<ProbeDtype, number>>; batch: [number, number]; opChain: number; tensors: number };
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
   * 'full' times model-sized matrices (1024×4096, up to 64 MB of weights per format, past most
   * CPUs' caches like a real model's weights); 'quick' tiny ones, for tests of the probe itself.
   */
  size?: 'full' | 'quick';
  now?: () => number;
}

const SIZES = {
  full: { k: 1024, n: 4096, targetBytes: 64 * 2 ** 20, batch: 512, batchRows: 32, opChain: 200, tensors: 16, bigLen: 65536, settleMs: 300 },
  quick: { k: 128, n: 256, targetBytes: 512 * 2 ** 10, batch: 64, batchRows: 16, opChain: 40, tensors: 4, bigLen: 4096, settleMs: 0 },
} as const;

/**
 * A slow kernel (int4 in WASM, anything on a software GPU) is timed on fewer matrices: past a
 * run of this length more bytes only cost probe time — such kernels are bound by compute, not by
 * the caches the big chain is there to defeat.
 */
const MAX_RUN_MS = 25;

const WARMUPS = 2;
const MIN_REPEATS = 5;
const MAX_REPEATS = 25;

/**
 * The fastest fifth of the repeats stands for a stage, not the median: between two probe runs the
 * WASM thread pool goes idle, and on a busy machine waking it costs some runs several times their
 * work, which a decode — hundreds of back-to-back nodes per run — mostly doesn't pay.
 */
const QUANTILE = 0.2;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function runProbe(ort: OrtLike, options: ProbeOptions): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const size = SIZES[options.size ?? 'full'];
  const dtypes = options.dtypes ?? PROBE_DTYPES;
  const budgetMs = options.budgetMs ?? 3000;
  // Four fixed stages plus three per weight format share the budget.
  const stageMs = budgetMs / (4 + 3 * dtypes.length);
  const sessionOptions = { executionProviders: [options.executionProvider ?? options.backend], graphOptimizationLevel: 'all' };

  const tensors = (feeds: Record<string, ProbeFeed>) =>
    Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.type, f.data, f.dims)]));

  /**
   * Typical ms of `session.run` after warm-up (kernels compile, caches fill). With `feedBack`,
   * each output `present{i}` becomes the next run's `past{i}`, as a decode step's KV cache does.
   */
  async function time(session: SessionLike, feeds: Record<string, ProbeFeed>, feedBack = false): Promise<number> {
    let input = tensors(feeds);
    const samples: number[] = [];
    const stageStart = now();
    for (let i = 0; i < WARMUPS + MAX_REPEATS; i++) {
      const t0 = now();
      const out = await session.run(input);
      const ms = now() - t0;
      if (feedBack) {
        const next = { ...input };
        for (const [name, t] of Object.entries(out)) next[name.replace('present', 'past')] = t;
        input = next;
      } else for (const t of Object.values(out)) t.dispose?.();
      if (i >= WARMUPS) samples.push(ms);
      if (samples.length >= MIN_REPEATS && now() - stageStart > stageMs) break;
    }
    return quantile(samples, QUANTILE);
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

  // Building a graph and its session leaves tens of MB for the garbage collector, whose work on
  // the same cores slowed the next stage several-fold in Chromium; each matrix stage starts after
  // a pause, and the allocation-heavy tensor-passing stage comes last.
  const settle = () => new Promise((resolve) => setTimeout(resolve, size.settleMs));
  type Sizes = Pick<ProbeGraph, 'nodes' | 'weightBytes' | 'macsPerRow'>;
  const sizes = ({ nodes, weightBytes, macsPerRow }: ProbeGraph): Sizes => ({ nodes, weightBytes, macsPerRow });
  const timings: { dtype: ProbeDtype; graph: Sizes; rowMs: number; batch: Sizes; batchMs: number }[] = [];
  const oneRow = floatFeeds(['x'], 1, size.k);
  for (const dtype of dtypes) {
    await settle();
    // One pair first (K×N then N×K); then as many pairs as the size target and MAX_RUN_MS allow.
    const pair = matmulChainGraph({ dtype, k: size.k, n: size.n, count: 2 });
    let [graph, rowMs] = [sizes(pair), await withSession(pair, (s) => time(s, oneRow))];
    const pairs = Math.min(Math.round(size.targetBytes / pair.weightBytes), Math.floor(MAX_RUN_MS / rowMs));
    if (pairs > 1) {
      const chain = matmulChainGraph({ dtype, k: size.k, n: size.n, count: 2 * pairs });
      await settle();
      [graph, rowMs] = [sizes(chain), await withSession(chain, (s) => time(s, oneRow))];
    }
    // Prefill's batched products: square matrices, few enough FLOPs for a software GPU.
    const batch = matmulChainGraph({ dtype, k: size.batch, n: size.batch, count: 2 });
    const batchMs = await withSession(batch, (s) => time(s, floatFeeds(['x'], size.batchRows, size.batch)));
    timings.push({ dtype, graph, rowMs, batch: sizes(batch), batchMs });
  }

  const names = Array.from({ length: size.tensors }, (_, i) => `past${i}`);
  const kvFeeds = (len: number) => ({ ...floatFeeds(names, 1, len), ...floatFeeds(['step'], 1, 1) });
  const [smallMs, bigMs] = await withSession(tensorPassingGraph(size.tensors), async (s) => [
    await time(s, kvFeeds(16), true),
    await time(s, kvFeeds(size.bigLen), true),
  ]);
  // Each past comes with a present, plus the `step` input. The one-node graph hands over two
  // tensors, so the difference is (tensors - 1) nodes and 2 × tensors - 1 tensors.
  const handed = 2 * size.tensors + 1;
  const perTensorMs = Math.max(0, (smallMs - oneNodeMs - (size.tensors - 1) * perOpMs) / (handed - 2));
  const perRunMs = Math.max(0, oneNodeMs - perOpMs - 2 * perTensorMs);
  const tensorBytesPerSecond = (2 * size.tensors * (size.bigLen - 16) * 4 * 1000) / Math.max(bigMs - smallMs, 1e-3);

  // What a chain's matrices took: the run, its nodes and its [rows, K] input and output are
  // paid separately (the floor keeps a noisy overhead from making a rate absurd).
  const matricesMs = (graph: Sizes, ms: number, rows: number, width: number) =>
    Math.max(ms - (perRunMs + graph.nodes * perOpMs + 2 * perTensorMs + (2 * rows * width * 4 * 1000) / tensorBytesPerSecond), ms * 0.05);
  const bandwidth: ProbeResult['bandwidth'] = {};
  const matmulGflops: ProbeResult['matmulGflops'] = {};
  const weightBytes: ProbeResult['setup']['weightBytes'] = {};
  for (const { dtype, graph, rowMs, batch, batchMs } of timings) {
    weightBytes[dtype] = graph.weightBytes;
    bandwidth[dtype] = (graph.weightBytes * 1000) / matricesMs(graph, rowMs, 1, size.k);
    matmulGflops[dtype] = (2 * batch.macsPerRow * size.batchRows) / matricesMs(batch, batchMs, size.batchRows, size.batch) / 1e6;
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
    setup: { matrix: [size.k, size.n], weightBytes, batch: [size.batchRows, size.batch], opChain: size.opChain, tensors: size.tensors },
  };
}
