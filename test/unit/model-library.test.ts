// The Models view's one list: catalog rows joined with what is stored, stored-only models after them.
import { describe, expect, it } from 'vitest';
import { libraryRows, isLoadable, storedFormats } from '../../src/lib/models/model-library';
import type { OutlookRow } from '../../src/lib/hardware/device-outlook';
import type { CachedModel, ModelManifest } from '../../src/lib/models/model-store';
import type { StoredWebLLMModel } from '../../src/lib/models/webllm-store';
import { WEBLLM_CATALOG } from '../../src/lib/models/catalog';

const HUB = 'https://huggingface.co';
const MIRROR = 'http://127.0.0.1:5181';

function outlook(repoId: string, engine: 'transformers' | 'webllm' = 'transformers'): OutlookRow {
  return {
    repoId, label: repoId, engine, backend: 'wasm', dtype: 'q8', unavailable: null, predictedRaw: null, predicted: null,
    learnedRuns: 0, verdict: null, measured: null, notes: [], estimatedBytes: 1e9,
  };
}

function cached(repoId: string, hub: string, complete: ModelManifest['completeDtypes'], lastUsedAt: string | null = null): CachedModel {
  const location = { hub, repoId, revision: 'main' };
  return {
    ...location, bytes: 1234, fileCount: 3, urls: [`${hub}/${repoId}/x`],
    manifest: {
      ...location, version: 1, modelType: 'qwen3', contextLength: 4096, files: {}, repoFiles: null, completeDtypes: complete,
      filesByDtype: {}, source: repoId.startsWith('local-folder/') ? 'folder' : 'hub', updatedAt: '2026-01-01', lastUsedAt,
    },
  };
}

const isCatalog = (id: string) => id.startsWith('onnx-community/') || id.startsWith('mlc-ai/');

describe('libraryRows', () => {
  it('joins a stored copy to its catalog row and lists stored models first, the rest in catalog order', () => {
    const rows = libraryRows(
      [outlook('onnx-community/a'), outlook('onnx-community/b'), outlook('onnx-community/c')],
      [cached('onnx-community/c', HUB, ['q8'])],
      [],
      isCatalog,
    );
    expect(rows.map((r) => [r.repoId, r.source, r.stored?.engine ?? null])).toEqual([
      ['onnx-community/c', 'catalog', 'transformers'],
      ['onnx-community/a', 'catalog', null],
      ['onnx-community/b', 'catalog', null],
    ]);
    expect(rows[0].outlook?.repoId).toBe('onnx-community/c');
  });

  it('lists a second hub copy, a folder import and a custom id as their own rows, most recently used first', () => {
    const rows = libraryRows(
      [outlook('onnx-community/a')],
      [
        cached('onnx-community/a', HUB, ['q8']),
        cached('onnx-community/a', MIRROR, ['q4'], '2026-02-01T00:00:00Z'),
        cached('local-folder/mine', 'http://app/local-models', ['fp32'], '2026-03-01T00:00:00Z'),
        cached('someone/custom', HUB, [], null),
      ],
      [],
      isCatalog,
    );
    expect(rows.map((r) => [r.repoId, r.source, r.outlook === null])).toEqual([
      ['local-folder/mine', 'folder', true],
      ['onnx-community/a', 'catalog', true],
      ['onnx-community/a', 'catalog', false],
      ['someone/custom', 'custom', true],
    ]);
    expect(rows[1].stored?.model.hub).toBe(MIRROR);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    // An interrupted download is listed (it takes space) but can't load.
    expect(isLoadable(rows[3].stored!)).toBe(false);
    expect(isLoadable(rows[2].stored!)).toBe(true);
  });

  it('puts a picked custom id that no row has yet first, and never twice', () => {
    const rows = libraryRows([outlook('onnx-community/a')], [], [], isCatalog, 'someone/new');
    expect(rows.map((r) => [r.repoId, r.source, r.stored])).toEqual([
      ['someone/new', 'custom', null],
      ['onnx-community/a', 'catalog', null],
    ]);
    expect(libraryRows([outlook('onnx-community/a')], [], [], isCatalog, 'onnx-community/a')).toHaveLength(1);
  });

  it('joins a stored WebLLM build only to the WebLLM row of that model', () => {
    const entry = WEBLLM_CATALOG[0];
    const webllm: StoredWebLLMModel = { entry, hub: HUB, bytes: 5, files: [] };
    const rows = libraryRows([outlook(entry.sameModelAs), outlook(entry.repoId, 'webllm')], [], [webllm], isCatalog);
    expect(rows.map((r) => [r.repoId, r.stored?.engine ?? null])).toEqual([
      [entry.repoId, 'webllm'],
      [entry.sameModelAs, null],
    ]);
    expect(storedFormats(rows[0].stored!)).toEqual([...entry.dtypes.webgpu]);
  });
});
