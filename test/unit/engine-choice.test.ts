import { describe, expect, it } from 'vitest';
import { chooseEngine, type EngineVariant } from '../../src/lib/engines/engine-choice';
import { familyVariants, measuredSpeeds } from '../../src/lib/engines/engine-variants';
import { modelFamily } from '../../src/lib/models/model-family';
import type { OutlookRow } from '../../src/lib/hardware/device-outlook';

const ONNX = 'onnx-community/Qwen3-0.6B-ONNX';
const GGUF = 'unsloth/Qwen3-0.6B-GGUF';

function variant(over: Partial<EngineVariant> & Pick<EngineVariant, 'repoId' | 'engine'>): EngineVariant {
  return {
    backend: 'wasm',
    dtype: over.engine === 'llamacpp' ? 'q4' : 'q8',
    weights: over.engine === 'llamacpp' ? 'Q4_K_M' : 'q8',
    unavailable: null,
    fit: 'fits',
    fitReason: 'Fits.',
    measured: null,
    predicted: null,
    peakBytes: null,
    ...over,
  };
}

const auto = { override: null, picked: ONNX };

describe('chooseEngine', () => {
  it('says a build is the only one that runs here when the others cannot (WebLLM without WebGPU)', () => {
    const webllm = variant({ repoId: 'mlc/Qwen3-0.6B', engine: 'webllm', unavailable: 'WebLLM needs WebGPU.' });
    const choice = chooseEngine([variant({ repoId: ONNX, engine: 'transformers', predicted: 0.2 }), webllm], auto);
    expect(choice.headline).toBe('The only build that runs here: 0.2 tok/s predicted.');
  });

  it('takes the build measured fastest here, whichever engine it is, and says the numbers', () => {
    const choice = chooseEngine(
      [variant({ repoId: ONNX, engine: 'transformers', measured: 3.8 }), variant({ repoId: GGUF, engine: 'llamacpp', measured: 5.3 })],
      auto,
    );
    expect(choice.variant.repoId).toBe(GGUF);
    expect(choice.basis).toBe('measured');
    expect(choice.reason).toContain('5.3 tok/s measured here');
    expect(choice.reason).toContain('3.8 tok/s measured here for ONNX q8 on WASM');
    // The same numbers the other way round pick the other engine: no engine is preferred as such.
    const reversed = chooseEngine(
      [variant({ repoId: ONNX, engine: 'transformers', measured: 5.3 }), variant({ repoId: GGUF, engine: 'llamacpp', measured: 3.8 })],
      auto,
    );
    expect(reversed.variant.repoId).toBe(ONNX);
  });

  it("trusts a build's measured speed over its prediction", () => {
    const choice = chooseEngine(
      [
        // Predicted fast, but measured here far slower.
        variant({ repoId: ONNX, engine: 'transformers', predicted: 20, measured: 4 }),
        variant({ repoId: GGUF, engine: 'llamacpp', predicted: 6 }),
      ],
      auto,
    );
    expect(choice.variant.repoId).toBe(GGUF);
    expect(choice.basis).toBe('predicted');
    expect(choice.reason).toContain('4.0 tok/s measured here for ONNX');
  });

  it("passes over a faster build that won't fit, and says so", () => {
    const choice = chooseEngine(
      [
        variant({ repoId: ONNX, engine: 'transformers', measured: 4 }),
        variant({ repoId: GGUF, engine: 'llamacpp', measured: 9, fit: 'wont-fit', fitReason: 'Loading needs about 9 GB of memory.' }),
      ],
      auto,
    );
    expect(choice.variant.repoId).toBe(ONNX);
    expect(choice.reason).toContain("llama.cpp Q4_K_M on WASM won't fit here.");
  });

  it('says an engine is not measured here and what the choice rests on', () => {
    const partly = chooseEngine(
      [variant({ repoId: ONNX, engine: 'transformers', predicted: 7 }), variant({ repoId: GGUF, engine: 'llamacpp' })],
      auto,
    );
    expect(partly.variant.repoId).toBe(ONNX);
    expect(partly.basis).toBe('predicted');
    expect(partly.reason).toContain('7.0 tok/s predicted');
    expect(partly.reason).toContain('llama.cpp not measured here yet: Measure this device in Models, or run it once.');

    // No numbers at all: the build the user picked, with the reason.
    const none = chooseEngine([variant({ repoId: ONNX, engine: 'transformers' }), variant({ repoId: GGUF, engine: 'llamacpp' })], { override: null, picked: GGUF });
    expect(none.variant.repoId).toBe(GGUF);
    expect(none.basis).toBe('none');
    expect(none.reason).toContain('No speed here yet for ONNX and llama.cpp');
  });

  it('settles speeds within 5 % by the smaller peak memory, and says so', () => {
    const choice = chooseEngine(
      [
        variant({ repoId: ONNX, engine: 'transformers', measured: 5.0, peakBytes: 2_270 * 2 ** 20 }),
        variant({ repoId: GGUF, engine: 'llamacpp', measured: 4.9, peakBytes: 618 * 2 ** 20 }),
      ],
      auto,
    );
    expect(choice.variant.repoId).toBe(GGUF);
    expect(choice.reason).toContain('Within 5 % of ONNX q8 on WASM');
    expect(choice.reason).toContain('needs less memory (about 618 MB against 2.2 GB)');
    // Beyond 5 % the speed wins even against more memory.
    const apart = chooseEngine(
      [
        variant({ repoId: ONNX, engine: 'transformers', measured: 5.0, peakBytes: 2_270 * 2 ** 20 }),
        variant({ repoId: GGUF, engine: 'llamacpp', measured: 4.7, peakBytes: 618 * 2 ** 20 }),
      ],
      auto,
    );
    expect(apart.variant.repoId).toBe(ONNX);
  });

  it("follows the user's engine even where another is faster", () => {
    const variants = [variant({ repoId: ONNX, engine: 'transformers', measured: 9 }), variant({ repoId: GGUF, engine: 'llamacpp', measured: 3 })];
    const choice = chooseEngine(variants, { override: 'llamacpp', picked: ONNX });
    expect(choice.variant.repoId).toBe(GGUF);
    expect(choice.basis).toBe('user');
    expect(choice.reason).toBe('llama.cpp chosen by you.');
    // A build picked by name runs as picked, unless an engine is chosen too.
    const build = chooseEngine(variants, { override: null, picked: GGUF, pickedBuild: true });
    expect(build).toMatchObject({ variant: { repoId: GGUF }, basis: 'user', reason: 'The llama.cpp build you picked.' });
    expect(chooseEngine(variants, { override: 'transformers', picked: GGUF, pickedBuild: true }).variant.repoId).toBe(ONNX);
    // An engine the family has no runnable build of: Auto decides, and says the request couldn't be met.
    const webllm = chooseEngine([...variants, variant({ repoId: 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC', engine: 'webllm', unavailable: 'No WebGPU.' })], {
      override: 'webllm',
      picked: ONNX,
    });
    expect(webllm.variant.repoId).toBe(ONNX);
    expect(webllm.reason).toMatch(/^WebLLM was requested, but this model has no build of it that runs here\./);
  });
});

describe('modelFamily', () => {
  it('gathers the ONNX entry and its WebLLM and GGUF builds, from any of them', () => {
    const family = modelFamily(GGUF);
    expect(family.base).toBe(ONNX);
    expect(family.members[0]).toEqual({ repoId: ONNX, engine: 'transformers' });
    expect(family.members).toContainEqual({ repoId: GGUF, engine: 'llamacpp' });
    expect(family.members).toContainEqual({ repoId: 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC', engine: 'webllm' });
    expect(modelFamily(ONNX).members).toEqual(family.members);
  });

  it('pairs an id outside the catalog with its -GGUF build only once that build is known here', () => {
    expect(modelFamily('fixtures/tiny-qwen3').members).toEqual([{ repoId: 'fixtures/tiny-qwen3', engine: 'transformers' }]);
    const known = ['fixtures/tiny-qwen3-gguf', 'fixtures/tiny-glm-edge-gguf', GGUF];
    expect(modelFamily('fixtures/tiny-qwen3', known).members).toEqual([
      { repoId: 'fixtures/tiny-qwen3', engine: 'transformers' },
      { repoId: 'fixtures/tiny-qwen3-gguf', engine: 'llamacpp' },
    ]);
    expect(modelFamily('fixtures/tiny-qwen3-gguf', ['fixtures/tiny-qwen3']).base).toBe('fixtures/tiny-qwen3');
  });
});

describe('familyVariants', () => {
  it("weighs a catalog build by its outlook row and an id outside the catalog by what it measured here", () => {
    const row = {
      repoId: GGUF,
      label: 'Qwen3 0.6B GGUF',
      engine: 'llamacpp',
      backend: 'wasm',
      dtype: 'q4',
      weights: 'Q4_K_M',
      unavailable: null,
      predictedRaw: null,
      predicted: null,
      learnedRuns: 1,
      verdict: { verdict: 'fits', reason: 'Fits.', checks: [] },
      measured: 5.3,
      notes: [],
      estimatedBytes: 400e6,
    } satisfies OutlookRow;
    const [onnx, gguf] = familyVariants(modelFamily(GGUF), [row], []).filter((v) => v.repoId === ONNX || v.repoId === GGUF);
    expect(onnx).toMatchObject({ engine: 'transformers', backend: null, measured: null });
    // llama.cpp reads the file once: its measured rule, a fixed part and 1.07× the file's bytes.
    expect(gguf).toMatchObject({ engine: 'llamacpp', weights: 'Q4_K_M', measured: 5.3, peakBytes: 780 * 2 ** 20 + 400e6 * 1.07 });

    const measured = measuredSpeeds({ 'fixtures/tiny-qwen3|wasm|q8': 10, 'fixtures/tiny-qwen3-gguf|wasm|q4': 40 });
    const family = modelFamily('fixtures/tiny-qwen3', measured.map((m) => m.repoId));
    const choice = chooseEngine(familyVariants(family, [], measured), { override: null, picked: 'fixtures/tiny-qwen3' });
    expect(choice.variant).toMatchObject({ repoId: 'fixtures/tiny-qwen3-gguf', backend: 'wasm', dtype: 'q4' });
  });
});
