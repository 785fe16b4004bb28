// The fixed benchmark suite and the plan of a run: which model × backend × prompt size cases run,
// which are skipped and why, and how many steps (loads and answers) the progress bar counts.
import type { Backend, GenerationParams } from '../engines/types';
import type { PromptSize } from '../results/result-types';
import { label } from '../engines/backend-selection';
import { PROMPT_SIZES } from './prompts';

/** New tokens per answer; greedy, thinking off, so every repeat does the same work. */
export const NEW_TOKENS = 128;

export const BENCHMARK_PARAMS: Readonly<GenerationParams> = Object.freeze({
  maxNewTokens: NEW_TOKENS,
  temperature: 0,
  topP: 1,
  enableThinking: false,
});

export const DEFAULT_REPEATS = 3;
export const MAX_REPEATS = 20;

export const BACKENDS: readonly Backend[] = Object.freeze(['wasm', 'webgpu']);

/** One model on one backend: loaded 1 + N times, then its three prompt sizes run. */
export interface PlannedGroup {
  modelId: string;
  backend: Backend;
  /** Set when this backend can't run here: every case of the group is reported as skipped. */
  skipReason: string | null;
  sizes: readonly PromptSize[];
}

export interface BenchmarkPlan {
  groups: PlannedGroup[];
  repeats: number;
  /** Cases that will really run (not skipped). */
  caseCount: number;
  /** Loads and answers the run will do: what the progress bar counts. */
  stepCount: number;
}

export interface BenchmarkRequest {
  modelIds: readonly string[];
  backends: readonly Backend[];
  repeats: number;
  /** Whether this browser gave a WebGPU adapter, and if not, why. */
  webgpu: { available: boolean; detail: string };
}

/** Throws a RangeError with a message for the user when the request can't run. */
export function planBenchmark(request: BenchmarkRequest): BenchmarkPlan {
  const modelIds = [...new Set(request.modelIds.map((id) => id.trim()).filter((id) => id.length > 0))];
  if (modelIds.length === 0) throw new RangeError('Add at least one model id to benchmark.');
  const backends = BACKENDS.filter((b) => request.backends.includes(b));
  if (backends.length === 0) throw new RangeError('Choose at least one backend (WASM or WebGPU).');
  const repeats = request.repeats;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS) {
    throw new RangeError(`Repeats must be a whole number from 1 to ${MAX_REPEATS}.`);
  }
  const groups: PlannedGroup[] = [];
  for (const modelId of modelIds) {
    for (const backend of backends) {
      const skipReason =
        backend === 'webgpu' && !request.webgpu.available
          ? `${label(backend)} is not available in this browser: ${request.webgpu.detail}`
          : null;
      groups.push({ modelId, backend, skipReason, sizes: PROMPT_SIZES });
    }
  }
  const runnable = groups.filter((g) => g.skipReason === null);
  const caseCount = runnable.reduce((sum, g) => sum + g.sizes.length, 0);
  return { groups, repeats, caseCount, stepCount: runnable.reduce((sum, g) => sum + groupSteps(g, repeats), 0) };
}

/** One warm-up load and N timed loads, then per size one warm-up answer and N timed answers. */
export function groupSteps(group: PlannedGroup, repeats: number): number {
  return repeats + 1 + group.sizes.length * (repeats + 1);
}
