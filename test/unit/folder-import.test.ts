// Checking a picked folder before anything is stored: layout, model type, weights per dtype.
import { describe, expect, it } from 'vitest';
import { localRepoId, planFolderImport, relativeToModelFolder, type PickedFile } from '../../src/lib/models/folder-import';

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
