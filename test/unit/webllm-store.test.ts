// Grouping WebLLM's stored files by model; the Cache API part runs in the e2e suite.
import { describe, expect, it } from 'vitest';
import { filesOnlyFor, groupWebLLMFiles, type StoredFile } from '../../src/lib/models/webllm-store';
import { findCatalogEntry } from '../../src/lib/models/catalog';

const HUB = 'http://127.0.0.1:5181';
const LIB_15B = `${HUB}/mlc-ai/binary-mlc-llm-libs/resolve/main/web-llm-models/v0_2_86/base/Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm`;

function file(cacheName: string, url: string, bytes: number): StoredFile {
  return { cacheName, url, bytes };
}

describe('groupWebLLMFiles', () => {
  const files = [
    file('webllm/model', `${HUB}/mlc-ai/Qwen2.5-1.5B-Instruct-q4f16_1-MLC/resolve/main/params_shard_0.bin`, 1000),
    file('webllm/config', `${HUB}/mlc-ai/Qwen2.5-1.5B-Instruct-q4f16_1-MLC/resolve/main/mlc-chat-config.json`, 10),
    file('webllm/model', `${HUB}/mlc-ai/Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC/resolve/main/params_shard_0.bin`, 2000),
    file('webllm/wasm', LIB_15B, 300),
    file('webllm/model', `${HUB}/mlc-ai/Unknown-Model-MLC/resolve/main/params_shard_0.bin`, 5),
  ];

  it('groups weights and config per model and gives each the library it uses', () => {
    const models = groupWebLLMFiles(files);
    expect(models.map((m) => [m.entry.webllmModelId, m.hub, m.bytes, m.files.length])).toEqual([
      ['Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC', HUB, 2300, 2],
      ['Qwen2.5-1.5B-Instruct-q4f16_1-MLC', HUB, 1310, 3],
    ]);
    expect(models[0].entry).toBe(findCatalogEntry('mlc-ai/Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC'));
  });

  it('keeps a shared library while another stored model still uses it', () => {
    const models = groupWebLLMFiles(files);
    const coderOnly = filesOnlyFor(models[0], models).map((f) => f.url);
    expect(coderOnly).toHaveLength(1);
    expect(coderOnly).not.toContain(LIB_15B);
    expect(filesOnlyFor(models[0], [models[0]]).map((f) => f.url)).toContain(LIB_15B);
  });
});
