// Checking a picked folder before anything is stored: layout, model type, weights per dtype; the id
// it is stored under, which no other stored folder loses to it.
import { describe, expect, it } from 'vitest';
import { importFolderModel, localRepoId, planFolderImport, relativeToModelFolder, type PickedFile } from '../../src/lib/models/folder-import';
import { isValidRepoId } from '../../src/lib/models/hub-urls';
import { ModelStore } from '../../src/lib/models/model-store';
import { MemoryCache } from './support/memory-cache';

const ORIGIN = 'http://localhost:4173';
const blob = (text: string) => new Blob([text]);
const config = (type = 'qwen3') => blob(JSON.stringify({ model_type: type, max_position_embeddings: 4096 }));

function folder(paths: Record<string, Blob>): PickedFile[] {
  return Object.entries(paths).map(([path, file]) => ({ path, file }));
}

const complete = () =>
  folder({
    'config.json': config(),
    'tokenizer.json': blob('{}'),
    'tokenizer_config.json': blob('{}'),
    'generation_config.json': blob('{}'),
    'README.md': blob('# hi'),
    'onnx/model_q4.onnx': blob('graph'),
    'onnx/model_q4.onnx_data': blob('weights!'),
    'onnx/model_quantized.onnx': blob('int8'),
  });

describe('planFolderImport', () => {
  it('finds every dtype with its files, skipping what no load reads', async () => {
    const plan = await planFolderImport('Tiny Qwen (v2)', complete(), ORIGIN);
    expect(plan).toMatchObject({ hub: `${ORIGIN}/local-models`, repoId: 'local-folder/Tiny-Qwen-v2', modelType: 'qwen3', contextLength: 4096 });
    expect(plan.dtypes.sort()).toEqual(['q4', 'q8']);
    expect(plan.filesByDtype.q4).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']);
    expect(plan.files.map((f) => f.path)).not.toContain('README.md');
    expect(plan.totalBytes).toBe(plan.files.reduce((sum, f) => sum + f.file.size, 0));
  });

  it("takes a Qwen3.5 folder's three sessions: every dtype carries the embeddings and vision encoder it may need", async () => {
    const qwen35 = folder({
      'config.json': config('qwen3_5'),
      'tokenizer.json': blob('{}'),
      'tokenizer_config.json': blob('{}'),
      'preprocessor_config.json': blob('{}'),
      'chat_template.jinja': blob('{{ x }}'),
      'onnx/embed_tokens_q4.onnx': blob('gbq'),
      'onnx/embed_tokens_quantized.onnx': blob('int8'),
      'onnx/vision_encoder.onnx': blob('vision'),
      'onnx/vision_encoder.onnx_data': blob('vision weights'),
      'onnx/decoder_model_merged_q4.onnx': blob('decoder'),
      'onnx/decoder_model_merged_quantized.onnx': blob('decoder int8'),
    });
    const plan = await planFolderImport('Qwen3.5 mine', qwen35, ORIGIN);
    expect(plan.dtypes.sort()).toEqual(['q4', 'q8']);
    const sessions = ['onnx/embed_tokens_q4.onnx', 'onnx/embed_tokens_quantized.onnx', 'onnx/vision_encoder.onnx', 'onnx/vision_encoder.onnx_data', 'preprocessor_config.json'];
    expect(plan.filesByDtype.q4).toEqual(expect.arrayContaining([...sessions, 'onnx/decoder_model_merged_q4.onnx']));
    expect(plan.filesByDtype.q8).toEqual(expect.arrayContaining([...sessions, 'onnx/decoder_model_merged_quantized.onnx']));
    expect(plan.files.map((f) => f.path)).not.toContain('chat_template.jinja');
  });

  it('names the missing files of a folder that is not a model', async () => {
    const files = complete().filter((f) => f.path !== 'tokenizer.json' && f.path !== 'config.json');
    await expect(planFolderImport('stuff', files, ORIGIN)).rejects.toMatchObject({
      name: 'FolderImportError',
      message: expect.stringContaining('it has no config.json, tokenizer.json'),
    });
  });

  it('rejects unsupported model types and folders without ONNX weights', async () => {
    const bert = complete().map((f) => (f.path === 'config.json' ? { ...f, file: config('bert') } : f));
    await expect(planFolderImport('bert', bert, ORIGIN)).rejects.toMatchObject({ name: 'UnsupportedModelError' });
    const noWeights = complete().filter((f) => !f.path.startsWith('onnx/'));
    await expect(planFolderImport('empty', noWeights, ORIGIN)).rejects.toMatchObject({
      name: 'FolderImportError',
      message: expect.stringContaining('no ONNX weights'),
    });
  });
});

describe('folder paths', () => {
  it('strips the folder name that <input webkitdirectory> puts first', () => {
    const rel = relativeToModelFolder(['tiny/config.json', 'tiny/onnx/model.onnx']);
    expect(rel.folderName).toBe('tiny');
    expect(rel.strip('tiny/onnx/model.onnx')).toBe('onnx/model.onnx');
    expect(relativeToModelFolder(['config.json', 'onnx/model.onnx']).folderName).toBeNull();
  });

  it('makes a valid repo id from any folder name', () => {
    expect(localRepoId('my model')).toBe('local-folder/my-model');
    expect(localRepoId('..')).toBe('local-folder/model');
    expect(localRepoId('Qwen3--0.6B..onnx')).toBe('local-folder/Qwen3-0.6B.onnx');
  });
});

describe('local ids', () => {
  it('keeps letters of any script and stays a valid repo id', () => {
    expect(localRepoId('模型')).toBe('local-folder/模型');
    expect(localRepoId('Modèle français')).toBe('local-folder/Modèle-français');
    // The same name typed with a combining accent gives the same id.
    expect(localRepoId('Mode\u0300le')).toBe(localRepoId('Mod\u00e8le'));
    expect(localRepoId('नमूना मॉडल')).toBe('local-folder/नमूना-मॉडल');
    expect(localRepoId('repo.git')).toBe('local-folder/repo-git');
    const long = localRepoId('模'.repeat(200));
    expect(Array.from(long.slice('local-folder/'.length))).toHaveLength(96);
    for (const name of ['模型', 'Modèle français', 'repo.git', '模'.repeat(200), 'a/b\\c', '🦙 llama']) expect(isValidRepoId(localRepoId(name)), name).toBe(true);
  });

  it('never makes a "." or ".." name, or one that starts with a dot', () => {
    for (const name of ['..', '.', '...', '../..', '.hidden', '-..-', '%2e%2e', ' .. ']) {
      const id = localRepoId(name);
      const [, part] = id.split('/');
      expect(part, name).not.toMatch(/^\./);
      expect(part, name).not.toContain('..');
      expect(isValidRepoId(id), name).toBe(true);
    }
    expect(localRepoId('..')).toBe('local-folder/model');
    expect(localRepoId('.hidden')).toBe('local-folder/hidden');
  });
});

describe('importFolderModel', () => {
  const store = () => new ModelStore(new MemoryCache() as unknown as Cache);
  async function importAs(s: ModelStore, folderName: string, files = complete()) {
    const plan = await planFolderImport(folderName, files, ORIGIN);
    return importFolderModel(plan, folderName, s, () => {});
  }
  const config = async (s: ModelStore, repoId: string) =>
    (await s.readJson(s.fileUrl({ hub: `${ORIGIN}/local-models`, repoId, revision: 'main' }, 'config.json'))) as { model_type: string } | null;
  const withType = (type: string) => complete().map((f) => (f.path === 'config.json' ? { ...f, file: blob(JSON.stringify({ model_type: type })) } : f));

  it('gives a second folder whose name makes the same id a numbered id, keeping the first', async () => {
    const s = store();
    const first = await importAs(s, 'My Model', withType('qwen3'));
    expect(first).toMatchObject({ repoId: 'local-folder/My-Model', clashedWith: null });
    const second = await importAs(s, 'My-Model', withType('glm'));
    expect(second).toMatchObject({ repoId: 'local-folder/My-Model-2', clashedWith: 'local-folder/My-Model' });
    const third = await importAs(s, 'My  Model!', withType('qwen2'));
    expect(third).toMatchObject({ repoId: 'local-folder/My-Model-3', clashedWith: 'local-folder/My-Model' });

    expect((await config(s, 'local-folder/My-Model'))?.model_type).toBe('qwen3');
    expect((await config(s, 'local-folder/My-Model-2'))?.model_type).toBe('glm');
    expect((await s.list()).map((m) => m.repoId).sort()).toEqual(['local-folder/My-Model', 'local-folder/My-Model-2', 'local-folder/My-Model-3']);
  });

  it('replaces the copy when the same folder is imported again', async () => {
    const s = store();
    await importAs(s, 'My Model', withType('qwen3'));
    await importAs(s, 'My-Model', withType('glm'));
    const again = await importAs(s, 'My Model', withType('qwen2'));
    expect(again).toMatchObject({ repoId: 'local-folder/My-Model', clashedWith: null });
    expect((await config(s, 'local-folder/My-Model'))?.model_type).toBe('qwen2');
    expect((await config(s, 'local-folder/My-Model-2'))?.model_type).toBe('glm');
    expect(await s.list()).toHaveLength(2);
  });

  it('does not replace a model stored before imports recorded their folder name', async () => {
    const s = store();
    const hub = `${ORIGIN}/local-models`;
    await s.writeManifest({
      version: 1, hub, repoId: 'local-folder/tiny', revision: 'main', modelType: 'qwen3', contextLength: null, files: {}, repoFiles: null,
      completeDtypes: ['q4'], filesByDtype: {}, source: 'folder', updatedAt: '', lastUsedAt: null,
    });
    expect((await importAs(s, 'tiny')).repoId).toBe('local-folder/tiny-2');
    expect(await s.readManifest({ hub, repoId: 'local-folder/tiny', revision: 'main' })).toMatchObject({ completeDtypes: ['q4'] });
  });

  it('keeps a numbered id of a long name valid', async () => {
    const s = store();
    await importAs(s, 'x'.repeat(120));
    const second = await importAs(s, `${'x'.repeat(120)}!`);
    expect(second.repoId).toBe(`local-folder/${'x'.repeat(94)}-2`);
    expect(isValidRepoId(second.repoId)).toBe(true);
  });

  it('stores and lists a folder named in another script under that name', async () => {
    const s = store();
    const imported = await importAs(s, '模型');
    expect(imported.repoId).toBe('local-folder/模型');
    expect((await config(s, 'local-folder/模型'))?.model_type).toBe('qwen3');
    const [listed] = await s.list();
    expect(listed).toMatchObject({ repoId: 'local-folder/模型', manifest: { folderName: '模型', source: 'folder' } });
    // And a second folder called ".." gets the plain fallback name, not a path.
    expect((await importAs(s, '..')).repoId).toBe('local-folder/model');
  });
});
