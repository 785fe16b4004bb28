// How onnxruntime-web is set up for a load: which of its WebAssembly builds runs, the session
// options transformers.js passes it, and the hooks that time its start and each session's creation.
// The defaults come from measuring loads of a Qwen3-0.6B-shaped q8 model on WASM (see README,
// Performance); `?ort-build=` and `?ort-opt=` in the page's URL force a build or a graph
// optimisation level so each choice can be measured against the others.
import type { Backend, GraphOptimizationLevel, OrtBuild, OrtOverrides } from '../types';
import { ElemType, encodeOnnxModel } from '../../hardware/probe/onnx-model-encoder';

/** Same-origin URLs of one onnxruntime-web build's glue module and binary (never a CDN). */
export interface OrtAssetUrls {
  mjs: string;
  wasm: string;
}

export type OrtAssets = Readonly<Record<OrtBuild, OrtAssetUrls>>;

export const ORT_BUILDS: readonly OrtBuild[] = ['asyncify', 'plain', 'jspi'];
export const GRAPH_OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/**
 * The build a WASM load runs when nothing is forced: JSPI, the one that reads external data from a
 * Blob a range at a time, so JS never holds the weights (asyncify where JSPI is missing).
 */
export const DEFAULT_WASM_BUILD: OrtBuild = 'jspi';
/** The optimisation level every load uses when nothing is forced. */
export const DEFAULT_GRAPH_OPTIMIZATION_LEVEL: GraphOptimizationLevel = 'all';

/** Whether this engine can run the JSPI build (WebAssembly JavaScript Promise Integration). */
export function jspiAvailable(wasm: object = WebAssembly): boolean {
  return 'Suspending' in wasm;
}

/**
 * The build for a load, and why. WebGPU needs the asyncify build (its kernels wait on the GPU from
 * inside WebAssembly); the JSPI build needs `WebAssembly.Suspending`, and asyncify is the fallback
 * wherever it is missing.
 */
export function chooseOrtBuild(backend: Backend, overrides: OrtOverrides | undefined, jspi: boolean): OrtBuild {
  if (backend === 'webgpu') return 'asyncify';
  const wanted = overrides?.build ?? DEFAULT_WASM_BUILD;
  return wanted === 'jspi' && !jspi ? 'asyncify' : wanted;
}

/** Where the engine leaves its choice of bundle for ort-bundle.ts to read when it is first imported. */
export const ORT_BUNDLE_CHOICE = Symbol.for('on-device-playground.ort-bundle');

/**
 * Picks the onnxruntime-web bundle transformers.js will run on (ort-bundle.ts): the JSPI build's
 * own bundle (its JS is the one that reads external data from a Blob a range at a time), else the
 * WebGPU bundle, whose glue module and binary are chosen by wasmPaths. Must run before
 * transformers.js is first imported in this worker; the worker keeps that bundle for its life.
 */
export function chooseOrtBundle(build: OrtBuild, scope: object = globalThis): void {
  (scope as Record<symbol, unknown>)[ORT_BUNDLE_CHOICE] = build === 'jspi' ? 'jspi' : 'asyncify';
}

/**
 * onnxruntime session config entries a load may be given to measure them (`?ort-config=`): each
 * is a way the runtime could avoid a second copy of the weights while it creates a session.
 * None is set by default.
 */
export const SESSION_CONFIG_ENTRIES = ['session.disable_prepacking', 'session.use_device_allocator_for_initializers', 'session.use_env_allocators'] as const;
export type SessionConfigEntry = (typeof SESSION_CONFIG_ENTRIES)[number];

/** The overrides with the config entries forced on, as the query gives them. */
export interface MeasuredOrtOverrides extends OrtOverrides {
  sessionConfig?: SessionConfigEntry[];
}

/** Session options for every session of a load. */
export function sessionOptionsFor(overrides: MeasuredOrtOverrides | undefined): { graphOptimizationLevel: GraphOptimizationLevel; extra?: Record<string, Record<string, string>> } {
  const entries = overrides?.sessionConfig ?? [];
  const extra: Record<string, Record<string, string>> = {};
  // onnxruntime-web flattens `extra` into config keys: { session: { disable_prepacking: '1' } } → session.disable_prepacking=1.
  for (const entry of entries) {
    const [group, key] = entry.split('.') as [string, string];
    (extra[group] ??= {})[key] = '1';
  }
  return { graphOptimizationLevel: overrides?.graphOptimizationLevel ?? DEFAULT_GRAPH_OPTIMIZATION_LEVEL, ...(entries.length > 0 ? { extra } : {}) };
}

/** `?ort-build=plain&ort-opt=basic&ort-config=session.disable_prepacking` → the overrides; unknown values are ignored. */
export function ortOverridesFromQuery(search: string): MeasuredOrtOverrides {
  const query = new URLSearchParams(search);
  const build = query.get('ort-build');
  const level = query.get('ort-opt');
  const config = (query.get('ort-config') ?? '').split(',').filter((entry): entry is SessionConfigEntry => SESSION_CONFIG_ENTRIES.includes(entry as SessionConfigEntry));
  return {
    ...(ORT_BUILDS.includes(build as OrtBuild) ? { build: build as OrtBuild } : {}),
    ...(GRAPH_OPTIMIZATION_LEVELS.includes(level as GraphOptimizationLevel) ? { graphOptimizationLevel: level as GraphOptimizationLevel } : {}),
    ...(config.length > 0 ? { sessionConfig: config } : {}),
  };
}

interface InferenceSessionStatics {
  create(...args: never[]): Promise<{ release(): Promise<void> }>;
}

/**
 * A graph with one Identity node (float[1] → float[1]): creating a session from it makes
 * onnxruntime-web fetch and compile its WebAssembly and start its threads, and almost nothing
 * else, so that cost can be timed (and started early) apart from the model's sessions.
 */
export function engineStartModel(): Uint8Array {
  return encodeOnnxModel(
    {
      name: 'engine-start',
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, shape: [1] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, shape: [1] }],
    },
    [{ domain: '', version: 13 }],
  );
}

/** Starts the runtime (a no-op once it runs) by creating and releasing a one-node session. */
export async function startEngine(session: InferenceSessionStatics): Promise<void> {
  const created = await session.create(...([engineStartModel(), { executionProviders: ['wasm'] }] as never[]));
  await created.release();
}

type CreateListener = (ms: number) => void;
const listeners = new WeakMap<InferenceSessionStatics, Set<CreateListener>>();

/**
 * Reports the duration of every session created through `session.create` (transformers.js calls
 * it once per ONNX file) to `listener` until the returned function is called. The runtime's
 * `InferenceSession` class is shared with transformers.js, so its static `create` is wrapped once.
 *
 * The wrapper also creates sessions one at a time. transformers.js starts a vision-language
 * model's sessions together, but the runtime keeps one set of mounted external data files and
 * drops all of them when any creation ends; a creation that waits on a Blob read (JSPI) or the GPU
 * would lose its files to another's end. Each duration counts from its own start, not its wait.
 */
export function onSessionCreated(session: InferenceSessionStatics, listener: CreateListener): () => void {
  let set = listeners.get(session);
  if (!set) {
    const subscribers = new Set<CreateListener>();
    set = subscribers;
    listeners.set(session, subscribers);
    const create = session.create.bind(session);
    let previous: Promise<unknown> = Promise.resolve();
    session.create = (...args: never[]) => {
      const turn = previous.then(async () => {
        const started = performance.now();
        try {
          return await create(...args);
        } finally {
          const ms = performance.now() - started;
          for (const notify of subscribers) notify(ms);
        }
      });
      previous = turn.catch(() => {});
      return turn;
    };
  }
  set.add(listener);
  return () => set.delete(listener);
}
