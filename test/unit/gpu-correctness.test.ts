// The GPU correctness check: the comparison and its verdict, and the check itself end to end below
// the views — a WebGPU session and a WASM reference of the same weights, each in its (fake) worker
// running the real worker API.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AGREEMENT_THRESHOLD,
  CHECK_POSITIONS,
  CHECK_TEXT,
  TokenizationMismatchError,
  compareTopTokens,
  correctnessCheck,
  describeCheck,
} from '../../src/lib/hardware/gpu-correctness';
import { GpuCorrectnessChecks, type CheckStore } from '../../src/state/gpu-correctness.svelte';
import { ModelSession } from '../../src/state/model-session.svelte';
import { fakeInferenceWorkers, type ScriptedEngine } from './support/fake-inference-worker';

describe('compareTopTokens and the verdict', () => {
  const fed = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  it('counts the positions where both backends chose the same next token', () => {
    expect(compareTopTokens({ tokens: fed, top: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, { tokens: fed, top: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0] })).toEqual({ positions: 10, agreeing: 9 });
  });
  it('refuses to compare when the backends were fed different tokens', () => {
    expect(() => compareTopTokens({ tokens: [1, 2], top: [1, 2] }, { tokens: [1, 3], top: [1, 2] })).toThrow(TokenizationMismatchError);
  });
  it(`flags agreement below ${AGREEMENT_THRESHOLD * 100} %, and says so in words`, () => {
    const parts = { repoId: 'org/m', dtype: 'q4' as const, device: 'gpu', takenAt: new Date('2026-12-03T00:00:00Z') };
    const nine = correctnessCheck(parts, { tokens: fed, top: fed }, { tokens: fed, top: [...fed.slice(0, 9), 0] });
    expect(nine).toMatchObject({ positions: 10, agreeing: 9, agreement: 90, verdict: 'ok', takenAt: '2026-12-03T00:00:00.000Z' });
    expect(describeCheck(nine)).toBe('90 % of 10 positions agree with the CPU');
    const eight = correctnessCheck(parts, { tokens: fed, top: fed }, { tokens: fed, top: [...fed.slice(0, 8), 0, 0] });
    expect(eight.verdict).toBe('warning');
    expect(describeCheck(eight)).toBe('Only 80 % of 10 positions agree with the CPU: this GPU computes this model wrongly. Use WASM for this model here.');
  });
  it('names flat output: a flagged GPU that picks one token nearly everywhere while the CPU does not', () => {
    const parts = { repoId: 'org/m', dtype: 'q4' as const, device: 'gpu' };
    const flat = correctnessCheck(parts, { tokens: fed, top: fed.map(() => 33) }, { tokens: fed, top: fed });
    expect(flat).toMatchObject({ verdict: 'warning', agreeing: 0, sameTokenPositions: 10 });
    expect(describeCheck(flat)).toBe(
      'Only 0 % of 10 positions agree with the CPU: this GPU computes this model wrongly. It predicts the same token at 10 of 10 positions: flat output, as from a GPU that computes zeros. Use WASM for this model here.',
    );
    // Nine of ten the same is still flat; a GPU that agrees is never named, whatever it repeats.
    expect(correctnessCheck(parts, { tokens: fed, top: [...fed.slice(0, 9).map(() => 33), 1] }, { tokens: fed, top: fed }).sameTokenPositions).toBe(9);
    expect(correctnessCheck(parts, { tokens: fed, top: fed.map(() => 33) }, { tokens: fed, top: fed.map(() => 33) })).not.toHaveProperty('sameTokenPositions');
    // Wrong but varied: flagged without the flat-output diagnosis.
    const varied = correctnessCheck(parts, { tokens: fed, top: fed.map((t) => t + 1) }, { tokens: fed, top: fed });
    expect(varied.verdict).toBe('warning');
    expect(varied).not.toHaveProperty('sameTokenPositions');
    // A repetitive CPU answer that the GPU repeats less is not flat output either.
    expect(correctnessCheck(parts, { tokens: fed, top: [...fed.slice(0, 1), ...fed.slice(1).map(() => 33)] }, { tokens: fed, top: fed.map(() => 34) })).not.toHaveProperty('sameTokenPositions');
  });
  it('checks a text long enough for every position', () => {
    expect([...CHECK_TEXT].length).toBeGreaterThan(CHECK_POSITIONS);
  });
});

describe('GpuCorrectnessChecks', () => {
  beforeEach(() => vi.stubGlobal('navigator', {}));
  afterEach(() => vi.unstubAllGlobals());

  function setup(gpu: (engine: ScriptedEngine) => void, cpu: (engine: ScriptedEngine) => void = () => {}) {
    const settings = { modelId: 'org/model', hub: 'http://127.0.0.1:9', hubFor: () => 'http://127.0.0.1:9', backendOverride: 'webgpu', dtypeOverride: null, fallbackToWasm: false };
    const inspection = { repoId: 'org/model', modelType: 'qwen3', dtypes: ['q8', 'q4'], files: null, storedDtypes: [], storedPaths: [] };
    const lookups = { get: vi.fn(async () => inspection), forget: vi.fn() };
    const caps = { webgpu: { available: true, shaderF16: false, isFallbackAdapter: false, detail: 'test gpu' }, crossOriginIsolated: false, hardwareConcurrency: 2 };
    const gpuWorkers = fakeInferenceWorkers(gpu);
    const cpuWorkers = fakeInferenceWorkers(cpu);
    const session = new ModelSession(settings as never, lookups as never, gpuWorkers.start);
    session.capabilities = caps;
    const saved: Record<string, unknown>[] = [];
    const store: CheckStore = { read: () => ({}), write: (checks) => saved.push(checks) };
    const checks = new GpuCorrectnessChecks(() => {
      const reference = new ModelSession(settings as never, lookups as never, cpuWorkers.start);
      reference.capabilities = caps;
      return reference;
    }, store);
    return { session, checks, cpuWorkers, saved };
  }

  it('compares the WebGPU session with a WASM copy of the same weights, remembers it and ends the copy', async () => {
    const { session, checks, cpuWorkers, saved } = setup(() => {});
    await session.load();
    expect(session.runtime).toMatchObject({ backend: 'webgpu', dtype: 'q4' });
    const check = await checks.run(session, 'http://127.0.0.1:9', 'test gpu');
    expect(check).toMatchObject({ repoId: 'org/model', dtype: 'q4', positions: CHECK_POSITIONS, agreeing: CHECK_POSITIONS, agreement: 100, verdict: 'ok' });
    expect(cpuWorkers.started[0].engine.loads[0]).toMatchObject({ backend: 'wasm', dtype: 'q4' });
    expect(cpuWorkers.started[0].terminated).toBe(true);
    expect(checks.find('test gpu', 'org/model', 'q4')).toEqual(check);
    expect(saved).toHaveLength(1);
    expect(checks.running).toBe(false);
  });

  it('flags a GPU that gets most positions wrong', async () => {
    const { session, checks } = setup((engine) => {
      engine.predict = (tokens) => tokens.map((_, i) => (i % 4 === 0 ? (tokens[i + 1] ?? 0) : 64));
    });
    await session.load();
    const check = await checks.run(session, 'http://127.0.0.1:9', 'test gpu');
    expect(check?.verdict).toBe('warning');
    expect(check!.agreement).toBeLessThan(30);
  });

  it('says why when the WASM reference cannot load, and remembers nothing', async () => {
    const { session, checks, saved } = setup(
      () => {},
      (engine) => (engine.failLoad = Object.assign(new Error('no room'), { name: 'QuotaExceededError' })),
    );
    await session.load();
    expect(await checks.run(session, 'http://127.0.0.1:9', 'test gpu')).toBeNull();
    expect(checks.error).toEqual({ name: 'QuotaExceededError', message: 'no room' });
    expect(saved).toEqual([]);
  });
});
