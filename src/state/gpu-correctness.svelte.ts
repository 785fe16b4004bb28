// The GPU correctness check for the chat's model: its top-1 tokens on WebGPU (the loaded session)
// against the same weights on WASM (a second session, loaded for the check and then ended).
// Results are remembered per device × model × weights, so the badge is there before a demo.
import {
  CHECK_POSITIONS,
  CHECK_TEXT,
  checkKey,
  correctnessCheck,
  type CorrectnessCheck,
} from '../lib/hardware/gpu-correctness';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import type { Dtype } from '../lib/engines/types';
import type { ModelSession } from './model-session.svelte';
import { safeLocalStorage } from './local-storage';

const STORAGE_KEY = 'playground.gpu-correctness.v1';

/** A small synchronous store: localStorage where there is one. */
export interface CheckStore {
  read(): Record<string, CorrectnessCheck>;
  write(checks: Record<string, CorrectnessCheck>): void;
}

export function localCheckStore(storage: Storage | null = safeLocalStorage()): CheckStore {
  return {
    read() {
      try {
        const parsed = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as unknown;
        return parsed && typeof parsed === 'object' ? (parsed as Record<string, CorrectnessCheck>) : {};
      } catch {
        return {};
      }
    },
    write(checks) {
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(checks));
      } catch {
        // A full or refused storage only loses the memory of the check, not the result on screen.
      }
    },
  };
}

export class GpuCorrectnessChecks {
  /** Every remembered check on this browser, by device × model × weights. */
  checks = $state.raw<Record<string, CorrectnessCheck>>({});
  running = $state(false);
  /** What the check is doing, in words, while it runs. */
  phase = $state<string | null>(null);
  error = $state.raw<ErrorSummary | null>(null);

  constructor(
    private readonly createReference: () => ModelSession,
    private readonly store: CheckStore = localCheckStore(),
  ) {
    this.checks = store.read();
  }

  /** The remembered check for this device, model and weights, if any. */
  find(device: string, repoId: string, dtype: Dtype): CorrectnessCheck | null {
    return this.checks[checkKey(device, repoId, dtype)] ?? null;
  }

  /** Checks for the current exported results: the ones taken on this device. */
  forDevice(device: string): CorrectnessCheck[] {
    return Object.values(this.checks).filter((check) => check.device === device);
  }

  /**
   * Runs the check for the model `session` has loaded on WebGPU. `hub` is where the reference copy
   * loads from (the model is stored by then, so nothing is downloaded again).
   */
  async run(session: ModelSession, hub: string, device: string): Promise<CorrectnessCheck | null> {
    const runtime = session.runtime;
    const repoId = session.loadedModelId;
    if (this.running || !runtime || !repoId) return null;
    this.running = true;
    this.error = null;
    const reference = this.createReference();
    try {
      this.phase = 'Reading the text on WebGPU…';
      const gpu = await session.topTokens(CHECK_TEXT, CHECK_POSITIONS);
      this.phase = `Loading the same ${runtime.dtype} weights on WASM…`;
      await reference.loadModel({ repoId, hub, backendOverride: 'wasm', dtypeOverride: runtime.dtype });
      if (!reference.ready) {
        this.error = reference.error ?? { name: 'EngineError', message: 'The WASM reference did not load.' };
        return null;
      }
      this.phase = 'Reading the text on WASM…';
      const cpu = await reference.topTokens(CHECK_TEXT, CHECK_POSITIONS);
      const check = correctnessCheck({ repoId, dtype: runtime.dtype, device }, gpu, cpu);
      this.checks = { ...this.checks, [checkKey(device, repoId, runtime.dtype)]: check };
      this.store.write(this.checks);
      return check;
    } catch (error) {
      this.error = summarizeError(error);
      return null;
    } finally {
      reference.dispose();
      this.running = false;
      this.phase = null;
    }
  }
}
