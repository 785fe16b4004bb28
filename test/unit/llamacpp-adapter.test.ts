// The llama.cpp adapter's pure parts: wllama's errors as the app's named ones, llama.cpp's timings
// as the app's metrics, and which GGUF file of a repo a dtype loads.
import { describe, expect, it } from 'vitest';
import { WllamaAbortError, WllamaError } from '@wllama/wllama';
import { isWllamaAbort, translateWllamaError } from '../../src/lib/engines/llamacpp/llamacpp-errors';
import { metricsFromTimings, stopReasonOf } from '../../src/lib/engines/llamacpp/llamacpp-metrics';
import { ggufDtypes, ggufFilesFor } from '../../src/lib/models/gguf/gguf-repo';
import { GgufUnsupportedArchitectureError } from '../../src/lib/models/gguf/gguf-errors';
import type { GenerationMetrics } from '../../src/lib/engines/types';

const context = { repoId: 'org/model-GGUF', backend: 'wasm' as const, contextLength: 4096 };

describe('translateWllamaError', () => {
  it('names a full context, a failed load and a WebAssembly trap', () => {
    const full = translateWllamaError(new WllamaError('context is full', 'kv_cache_full'), context) as Error;
    expect(full.name).toBe('LlamaCppContextFullError');
    expect(full.message).toContain('4096-token context');
    const load = translateWllamaError(new WllamaError('failed to load model', 'load_error'), context) as Error;
    expect(load.name).toBe('UnsupportedModelError');
    expect(load.message).toContain('org/model-GGUF');
    const trap = translateWllamaError(Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' }), context) as Error;
    expect(trap.name).toBe('LlamaCppRuntimeError');
  });

  it("keeps the app's own errors, and turns a lost GPU into GpuDeviceLostError", () => {
    const own = new GgufUnsupportedArchitectureError('bert', 'not a chat model');
    expect(translateWllamaError(own, context)).toBe(own);
    expect((translateWllamaError(new Error('GPU device was lost'), { ...context, backend: 'webgpu' }) as Error).name).toBe('GpuDeviceLostError');
  });

  it("recognises wllama's abort as Stop, not a failure", () => {
    expect(isWllamaAbort(new WllamaAbortError())).toBe(true);
    expect(isWllamaAbort(new WllamaError('x'))).toBe(false);
  });
});

describe('metricsFromTimings', () => {
  const measured: GenerationMetrics = {
    promptTokens: 0,
    cachedTokens: 0,
    prefillTokens: 0,
    prefillMs: 120,
    prefillTokensPerSecond: 0,
    timeToFirstTokenMs: 120,
    generatedTokens: 11,
    decodeMs: 200,
    decodeTokensPerSecond: 50,
    totalMs: 330,
    stopReason: 'eos',
  };

  it("takes llama.cpp's prompt and decode figures, counting decode speed without the first token", () => {
    const metrics = metricsFromTimings(measured, { cache_n: 10, prompt_n: 30, prompt_ms: 100, predicted_n: 11, predicted_ms: 250 });
    expect(metrics).toMatchObject({ promptTokens: 40, cachedTokens: 10, prefillTokens: 30, prefillMs: 100, prefillTokensPerSecond: 300, decodeMs: 250, decodeTokensPerSecond: 40, generatedTokens: 11 });
    // The time to first token and the whole time stay as the worker measured them.
    expect(metrics.timeToFirstTokenMs).toBe(120);
    expect(metrics.totalMs).toBe(330);
  });

  it("keeps the clock's figures when llama.cpp gave none (a stopped stream)", () => {
    expect(metricsFromTimings(measured, null)).toBe(measured);
    expect(metricsFromTimings(measured, { cache_n: 0, prompt_n: Number.NaN, prompt_ms: 1, predicted_n: 1, predicted_ms: 1 })).toBe(measured);
  });

  it('reads the stop reason', () => {
    expect(stopReasonOf('stop', false, false)).toBe('eos');
    expect(stopReasonOf('length', false, false)).toBe('max-tokens');
    expect(stopReasonOf('length', false, true)).toBe('context-full');
    expect(stopReasonOf('length', true, false)).toBe('interrupted');
  });
});

describe('ggufFilesFor', () => {
  const repo = ['README.md', 'Qwen3-0.6B-Q8_0.gguf', 'Qwen3-0.6B-Q4_0.gguf', 'Qwen3-0.6B-Q4_K_M.gguf', 'mmproj-Qwen3-F16.gguf'];

  it('picks Q8_0 for q8 and Q4_K_M before Q4_0 for q4, never a projector', () => {
    expect(ggufFilesFor(repo, 'q8')).toEqual(['Qwen3-0.6B-Q8_0.gguf']);
    expect(ggufFilesFor(repo, 'q4')).toEqual(['Qwen3-0.6B-Q4_K_M.gguf']);
    expect(ggufFilesFor(repo, 'fp16')).toBeNull();
    expect(ggufDtypes(repo)).toEqual(['q4', 'q8']);
  });

  it('loads every part of a split file in order, and only when all parts are there', () => {
    const split = ['split/m-Q8_0-00002-of-00002.gguf', 'split/m-Q8_0-00001-of-00002.gguf'];
    expect(ggufFilesFor(split, 'q8')).toEqual(['split/m-Q8_0-00001-of-00002.gguf', 'split/m-Q8_0-00002-of-00002.gguf']);
    expect(ggufFilesFor(split.slice(0, 1), 'q8')).toBeNull();
  });
});

describe('llama.cpp catalog entries', () => {
  it('are valid, and an entry naming an architecture llama.cpp here does not run, or no file, is not', async () => {
    const { LLAMACPP_CATALOG, validateCatalogEntry, findCatalogEntry } = await import('../../src/lib/models/catalog');
    expect(LLAMACPP_CATALOG.length).toBeGreaterThanOrEqual(4);
    for (const entry of LLAMACPP_CATALOG) expect(validateCatalogEntry(entry), entry.repoId).toEqual([]);
    expect(findCatalogEntry('Qwen/Qwen3-0.6B-GGUF')?.engine).toBe('llamacpp');
    const bad = { ...LLAMACPP_CATALOG[0]!, modelType: 'bert', ggufFiles: {} };
    const problems = validateCatalogEntry(bad);
    expect(problems.some((p) => p.includes('"bert"'))).toBe(true);
    expect(problems.some((p) => p.includes('names no file'))).toBe(true);
  });
});
