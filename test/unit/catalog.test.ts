// The model catalog: every shipped entry passes the validator, the required models are there, and the
// validator really rejects each kind of broken entry.

import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import {
  CATALOG,
  LLAMACPP_CATALOG,
  WEBLLM_CATALOG,
  UNAVAILABLE_MODELS,
  findCatalogEntry,
  modelCardUrl,
  validateCatalogEntry,
  type CatalogEntry,
  type TransformersCatalogEntry,
  type WebLLMCatalogEntry,
} from '../../src/lib/models/catalog';

const REQUIRED_TRANSFORMERS_MODELS = [
  'onnx-community/Qwen3-0.6B-ONNX',
  'onnx-community/Qwen3-1.7B-ONNX',
  'onnx-community/Qwen2.5-0.5B-Instruct',
  'onnx-community/Qwen2.5-1.5B-Instruct',
  'onnx-community/Qwen2.5-Coder-0.5B-Instruct',
  'onnx-community/Qwen2.5-Coder-1.5B-Instruct',
  'onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX',
  'onnx-community/Qwen3.5-0.8B-ONNX-OPT',
  'onnx-community/Qwen3.5-2B-ONNX-OPT',
  'onnx-community/Qwen3.5-4B-ONNX-OPT',
  'onnx-community/glm-edge-1.5b-chat-ONNX',
];

const good: TransformersCatalogEntry = {
  engine: 'transformers',
  repoId: 'onnx-community/Qwen3-0.6B-ONNX',
  label: 'Qwen3 0.6B',
  family: 'Qwen3',
  lab: 'Alibaba Qwen',
  country: 'China',
  licence: 'Apache-2.0',
  parametersB: 0.6,
  parameters: '0.6B',
  contextLength: 40960,
  modelType: 'qwen3',
  dtypes: { wasm: ['q8', 'q4'], webgpu: ['q4f16', 'q4'] },
  strengths: 'Fast general chat.',
  modelCardUrl: 'https://huggingface.co/onnx-community/Qwen3-0.6B-ONNX',
};

const goodWebLLM: WebLLMCatalogEntry = {
  engine: 'webllm',
  repoId: 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC',
  webllmModelId: 'Qwen3-0.6B-q4f16_1-MLC',
  label: 'Qwen3 0.6B (WebLLM)',
  family: 'Qwen3',
  lab: 'Alibaba Qwen',
  country: 'China',
  licence: 'Apache-2.0',
  parametersB: 0.6,
  parameters: '0.6B',
  contextLength: 40960,
  dtypes: { wasm: [], webgpu: ['q4f16'] },
  strengths: 'Fast general chat through WebLLM.',
  modelCardUrl: 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC',
  vramRequiredMB: 1403,
  requiredFeatures: ['shader-f16'],
  modelLib: 'Qwen3-0.6B-q4f16_1_cs1k-webgpu.wasm',
  modelType: 'qwen3',
  sameModelAs: 'onnx-community/Qwen3-0.6B-ONNX',
};

/** A copy of `base` with some fields replaced, typed loosely so tests can build invalid entries. */
function broken(changes: Record<string, unknown>, base: CatalogEntry = good): CatalogEntry {
  return { ...base, ...changes } as CatalogEntry;
}

describe('CATALOG', () => {
  it.each(CATALOG.map((entry) => [entry.repoId, entry] as const))('%s is valid', (_id, entry) => {
    expect(validateCatalogEntry(entry)).toEqual([]);
  });

  it('has unique repo ids', () => {
    const ids = CATALOG.map((entry) => entry.repoId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(REQUIRED_TRANSFORMERS_MODELS)('offers %s through transformers.js', (repoId) => {
    expect(findCatalogEntry(repoId)?.engine).toBe('transformers');
  });

  it('starts with Qwen3 0.6B, the default model', () => {
    expect(CATALOG[0]?.repoId).toBe('onnx-community/Qwen3-0.6B-ONNX');
    expect(CATALOG[0]?.label).toBe('Qwen3 0.6B');
  });

  it('marks GLM-Edge as the `glm` model type transformers.js runs', () => {
    const glm = findCatalogEntry('onnx-community/glm-edge-1.5b-chat-ONNX');
    expect(glm?.engine === 'transformers' && glm.modelType).toBe('glm');
  });

  it('keeps the chat flags the UI reads', () => {
    expect(findCatalogEntry('onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX')?.reasoningStartsOpen).toBe(true);
    expect(findCatalogEntry('onnx-community/Qwen3-0.6B-ONNX')?.thinkingToggle).toBe(true);
    expect(findCatalogEntry('onnx-community/Qwen3-1.7B-ONNX')?.thinkingToggle).toBe(true);
  });

  it('returns undefined for a model it does not list', () => {
    expect(findCatalogEntry('someone/unknown-model')).toBeUndefined();
  });
});

describe('UNAVAILABLE_MODELS', () => {
  it.each(UNAVAILABLE_MODELS.map((model) => [model.name, model] as const))('%s says why it cannot run', (_name, model) => {
    expect(model.reason.trim().length).toBeGreaterThan(20);
    expect(model.lab.trim()).not.toBe('');
    expect(model.country.trim()).not.toBe('');
    expect(model.parametersB).toBeGreaterThan(0);
    if (model.tryInstead) expect(findCatalogEntry(model.tryInstead)).toBeDefined();
  });

  it('covers the models stakeholders ask about', () => {
    const names = UNAVAILABLE_MODELS.map((model) => model.name);
    for (const name of ['Kimi K2', 'GLM-4.5', 'GLM-4.6', 'GLM-4.5-Air', 'GLM-4-9B-Chat', 'DeepSeek-V3', 'DeepSeek-R1', 'Qwen3-235B-A22B']) {
      expect(names).toContain(name);
    }
  });

  it('does not overlap with the runnable catalog', () => {
    const labels = new Set(CATALOG.map((entry) => entry.label));
    for (const model of UNAVAILABLE_MODELS) expect(labels.has(model.name)).toBe(false);
  });
});

describe('validateCatalogEntry', () => {
  it('accepts well-formed transformers.js and WebLLM entries', () => {
    expect(validateCatalogEntry(good)).toEqual([]);
    expect(validateCatalogEntry(goodWebLLM)).toEqual([]);
  });

  it('builds card URLs on the public hub', () => {
    expect(modelCardUrl('onnx-community/Qwen3-0.6B-ONNX')).toBe('https://huggingface.co/onnx-community/Qwen3-0.6B-ONNX');
  });

  it('rejects an invalid repo id', () => {
    expect(validateCatalogEntry(broken({ repoId: 'not a repo' }))).toContainEqual(expect.stringMatching(/repoId/));
  });

  it('rejects a repo id with a path traversal', () => {
    expect(validateCatalogEntry(broken({ repoId: 'onnx-community/..', modelCardUrl: 'https://huggingface.co/onnx-community/..' }))).not.toEqual([]);
  });

  it('rejects a card URL for another repo', () => {
    const problems = validateCatalogEntry(broken({ modelCardUrl: 'https://huggingface.co/onnx-community/Qwen3-1.7B-ONNX' }));
    expect(problems).toContainEqual(expect.stringMatching(/modelCardUrl/));
  });

  it('rejects a card URL on another host', () => {
    const problems = validateCatalogEntry(broken({ modelCardUrl: 'https://example.com/onnx-community/Qwen3-0.6B-ONNX' }));
    expect(problems).toContainEqual(expect.stringMatching(/modelCardUrl/));
  });

  it('rejects q4f16 on wasm', () => {
    const problems = validateCatalogEntry(broken({ dtypes: { wasm: ['q4f16'], webgpu: ['q4f16'] } }));
    expect(problems).toContainEqual(expect.stringMatching(/wasm.*q4f16|q4f16.*shader-f16/));
  });

  it('rejects fp16 on wasm', () => {
    expect(validateCatalogEntry(broken({ dtypes: { wasm: ['q8', 'fp16'], webgpu: [] } }))).not.toEqual([]);
  });

  it('rejects a zero context length', () => {
    expect(validateCatalogEntry(broken({ contextLength: 0 }))).toContainEqual(expect.stringMatching(/contextLength/));
  });

  it('rejects a fractional context length', () => {
    expect(validateCatalogEntry(broken({ contextLength: 4096.5 }))).toContainEqual(expect.stringMatching(/contextLength/));
  });

  it('rejects multi-line strengths', () => {
    const problems = validateCatalogEntry(broken({ strengths: 'Good at chat.\nAlso at code.' }));
    expect(problems).toContainEqual(expect.stringMatching(/one line/));
  });

  it('rejects strengths longer than 120 characters', () => {
    expect(validateCatalogEntry(broken({ strengths: 'x'.repeat(121) }))).toContainEqual(expect.stringMatching(/strengths/));
  });

  it('rejects an entry with no dtypes at all', () => {
    expect(validateCatalogEntry(broken({ dtypes: { wasm: [], webgpu: [] } }))).toContainEqual(expect.stringMatching(/No dtype/));
  });

  it('rejects an unknown dtype', () => {
    expect(validateCatalogEntry(broken({ dtypes: { wasm: ['int3'], webgpu: ['q4'] } }))).toContainEqual(
      expect.stringMatching(/unknown dtype/),
    );
  });

  it.each(['licence', 'lab', 'country'])('rejects an empty %s', (field) => {
    expect(validateCatalogEntry(broken({ [field]: '  ' }))).toContainEqual(`${field} is empty.`);
  });

  it('rejects a model type transformers.js does not run', () => {
    expect(validateCatalogEntry(broken({ modelType: 'chatglm' }))).toContainEqual(expect.stringMatching(/modelType/));
  });

  it('rejects a WebLLM entry that offers wasm weights', () => {
    const problems = validateCatalogEntry(broken({ dtypes: { wasm: ['q4'], webgpu: ['q4f16'] } }, goodWebLLM));
    expect(problems).toContainEqual(expect.stringMatching(/WebGPU only/));
  });

  it('rejects a WebLLM entry without a positive VRAM estimate', () => {
    expect(validateCatalogEntry(broken({ vramRequiredMB: 0 }, goodWebLLM))).toContainEqual(expect.stringMatching(/vramRequiredMB/));
    expect(validateCatalogEntry(broken({ vramRequiredMB: undefined }, goodWebLLM))).toContainEqual(
      expect.stringMatching(/vramRequiredMB/),
    );
  });

  it('rejects a WebLLM entry whose repo or model library does not match its build', () => {
    expect(validateCatalogEntry(broken({ repoId: 'mlc-ai/Other-MLC', modelCardUrl: 'https://huggingface.co/mlc-ai/Other-MLC' }, goodWebLLM))).toContainEqual(
      expect.stringMatching(/repoId must be mlc-ai\/Qwen3-0.6B-q4f16_1-MLC/),
    );
    expect(validateCatalogEntry(broken({ modelLib: 'Qwen3.wasm' }, goodWebLLM))).toContainEqual(expect.stringMatching(/modelLib/));
    expect(validateCatalogEntry(broken({ sameModelAs: 'mlc-ai/Other' }, goodWebLLM))).toContainEqual(expect.stringMatching(/sameModelAs/));
  });

  it('rejects an f16 WebLLM entry that does not require shader-f16', () => {
    expect(validateCatalogEntry(broken({ requiredFeatures: [] }, goodWebLLM))).toContainEqual(expect.stringMatching(/shader-f16/));
  });

  it('returns messages, not exceptions, for an entry missing fields', () => {
    expect(() => validateCatalogEntry({} as CatalogEntry)).not.toThrow();
    expect(validateCatalogEntry({} as CatalogEntry).length).toBeGreaterThan(3);
  });
});

describe('WEBLLM_CATALOG', () => {
  const prebuilt = new Map(prebuiltAppConfig.model_list.map((record) => [record.model_id, record]));

  it.each(WEBLLM_CATALOG.map((entry) => [entry.webllmModelId, entry] as const))('%s matches WebLLM 0.2.86\'s own record', (id, entry) => {
    expect(validateCatalogEntry(entry)).toEqual([]);
    const record = prebuilt.get(id);
    expect(record, `${id} is in prebuiltAppConfig`).toBeDefined();
    expect(record!.model).toBe(`https://huggingface.co/${entry.repoId}`);
    expect(record!.model_lib.endsWith(`/${entry.modelLib}`)).toBe(true);
    expect(entry.vramRequiredMB).toBe(record!.vram_required_MB);
    expect(entry.contextLength).toBe(record!.overrides?.context_window_size);
    for (const feature of record!.required_features ?? []) expect(entry.requiredFeatures).toContain(feature);
    expect(entry.maxHistorySize).toBe(record!.overrides?.max_history_size);
    expect(entry.parametersB).toBeLessThanOrEqual(4);
  });

  it('offers Qwen3 builds with and without shader-f16, all WebGPU only', () => {
    const ids = WEBLLM_CATALOG.map((entry) => entry.webllmModelId);
    expect(ids).toEqual(expect.arrayContaining(['Qwen3-0.6B-q4f16_1-MLC', 'Qwen3-0.6B-q4f32_1-MLC', 'Qwen3-1.7B-q4f16_1-MLC']));
    for (const entry of WEBLLM_CATALOG) expect(entry.dtypes.wasm).toEqual([]);
    expect(findCatalogEntry('mlc-ai/Qwen3-0.6B-q4f32_1-MLC')?.engine).toBe('webllm');
  });
});

describe('LLAMACPP_CATALOG', () => {
  /** Architecture names compiled into the bundled llama.cpp: its arch table holds each as a NUL-ended C string. */
  async function wllamaArchitectures(names: readonly string[]): Promise<string[]> {
    const root = dirname(createRequire(import.meta.url).resolve('@wllama/wllama/package.json'));
    const wasm = await readFile(join(root, 'esm', 'wasm', 'wllama.wasm'));
    return names.filter((name) => wasm.includes(Buffer.from(`\0${name}\0`)));
  }

  it('offers Qwen3 0.6B and 1.7B, Qwen3.5 0.8B and 2B as GGUF in both Q8_0 and Q4_K_M', () => {
    for (const onnx of ['Qwen3-0.6B-ONNX', 'Qwen3-1.7B-ONNX', 'Qwen3.5-0.8B-ONNX-OPT', 'Qwen3.5-2B-ONNX-OPT']) {
      const files = LLAMACPP_CATALOG.filter((entry) => entry.sameModelAs === `onnx-community/${onnx}`).flatMap((entry) => Object.values(entry.ggufFiles).flat());
      expect(files.some((file) => /-Q8_0\.gguf$/.test(String(file))), `${onnx}: a Q8_0 file`).toBe(true);
      expect(files.some((file) => /-Q4_K_M\.gguf$/.test(String(file))), `${onnx}: a Q4_K_M file`).toBe(true);
    }
  });

  it('offers Qwen3.5 0.8B and 2B as GGUF in Q4_K_M and Q8_0, said to run text only, each tied to its ONNX build', async () => {
    const builds = ['0.8B', '2B'].map((size) => LLAMACPP_CATALOG.find((entry) => entry.sameModelAs === `onnx-community/Qwen3.5-${size}-ONNX-OPT`));
    for (const entry of builds) {
      expect(entry, 'a Qwen3.5 GGUF build').toBeDefined();
      expect(validateCatalogEntry(entry!)).toEqual([]);
      expect(entry!.modelType).toBe('qwen35');
      expect(entry!.ggufFiles).toEqual({ q4: expect.stringMatching(/-Q4_K_M\.gguf$/), q8: expect.stringMatching(/-Q8_0\.gguf$/) });
      expect(entry!.dtypes).toEqual({ wasm: ['q4', 'q8'], webgpu: ['q4', 'q8'] });
      // The ONNX build reads pictures; the GGUF runs the language model only, and says so.
      expect(findCatalogEntry(entry!.sameModelAs!)?.vision).toBe(true);
      expect(entry!.vision).toBeUndefined();
      expect(entry!.label).toMatch(/text only/);
      expect(entry!.strengths).toMatch(/text only: pictures need the ONNX build/);
      expect(entry!.parameters).toBe(findCatalogEntry(entry!.sameModelAs!)?.parameters);
    }
    // Every architecture the GGUF builds declare is compiled into the bundled wllama's llama.cpp.
    const declared = [...new Set(LLAMACPP_CATALOG.map((entry) => entry.modelType))];
    expect(declared).toContain('qwen35');
    expect(await wllamaArchitectures(declared)).toEqual(declared);
  });
});
