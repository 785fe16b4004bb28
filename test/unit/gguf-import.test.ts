// A GGUF picked from disk is taken as it is: its header is read, it is hashed, and it is planned
// under a local id that names it GGUF (so the load picks llama.cpp) with the dtype its
// quantization stands for; a file that isn't GGUF, is cut short, or holds an architecture the
// bundled llama.cpp can't run is refused by its own error name, with the file named in the message.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtypeOfQuantization, ggufPickName, isGgufPick, localGgufRepoId, planGgufImport } from '../../src/lib/models/gguf/gguf-import';
import { engineOfModel } from '../../src/lib/models/model-engine';
import type { PickedFile } from '../../src/lib/models/folder-import';
import { GgmlType } from '../../src/lib/models/gguf/gguf-format';
import { encodeGguf, gv } from '../fixtures/gguf-writer';
import { encodeTensorData } from '../fixtures/gguf-quants';
import { generateGgufRepo, TINY_QWEN3_GGUF } from '../fixtures/tiny-gguf';

// The tiny GGUF test model, written for this file alone (unit tests run before the browser tests
// generate the shared fixtures).
const ROOT = mkdtempSync(join(tmpdir(), 'gguf-import-'));
const DIR = join(ROOT, TINY_QWEN3_GGUF.id);
beforeAll(() => generateGgufRepo(ROOT, TINY_QWEN3_GGUF), 60_000);
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));
const ORIGIN = 'http://127.0.0.1:4173';

function pick(path: string, bytes: Uint8Array): PickedFile {
  return { path, file: new Blob([bytes as Uint8Array<ArrayBuffer>]) };
}
const fixture = (path: string) => readFileSync(join(DIR, path));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('a GGUF picked from disk', () => {
  it('is planned with its header, its sha256 and a local id the load sends to llama.cpp', async () => {
    const bytes = fixture('tiny-qwen3-Q8_0.gguf');
    const picked = [pick('tiny-qwen3-Q8_0.gguf', bytes)];
    expect(isGgufPick(picked)).toBe(true);
    const name = ggufPickName(null, picked);
    expect(name).toBe('tiny-qwen3-Q8_0');
    const plan = await planGgufImport(name, picked, ORIGIN);
    expect(plan).toMatchObject({
      hub: `${ORIGIN}/local-models`,
      repoId: 'local-folder/tiny-qwen3-Q8_0-GGUF',
      modelType: 'qwen3',
      dtypes: ['q8'],
      filesByDtype: { q8: ['tiny-qwen3-Q8_0.gguf'] },
      totalBytes: bytes.byteLength,
      sha256: { 'tiny-qwen3-Q8_0.gguf': sha256(bytes) },
    });
    expect(plan.info.quantization).toBe('Q8_0');
    expect(engineOfModel(plan.repoId)).toBe('llamacpp');
  });

  it('takes every part of a split model, in order, and refuses a folder missing one or holding two models', async () => {
    const parts = ['tiny-qwen3-Q8_0-00002-of-00002.gguf', 'tiny-qwen3-Q8_0-00001-of-00002.gguf'].map((p) => pick(`split/${p}`, fixture(`split/${p}`)));
    expect(ggufPickName(null, parts)).toBe('tiny-qwen3-Q8_0');
    const plan = await planGgufImport('my-split', parts, ORIGIN);
    expect(plan.filesByDtype.q8).toEqual(['split/tiny-qwen3-Q8_0-00001-of-00002.gguf', 'split/tiny-qwen3-Q8_0-00002-of-00002.gguf']);
    expect(plan.repoId).toBe('local-folder/my-split-GGUF');

    const partial = await refusal(planGgufImport('my-split', [parts[1]!], ORIGIN));
    expect(partial).toMatchObject({ name: 'FolderImportError', message: expect.stringMatching(/without tiny-qwen3-Q8_0-00002-of-00002\.gguf/) });
    const two = await refusal(planGgufImport('two', [pick('a-Q8_0.gguf', fixture('tiny-qwen3-Q8_0.gguf')), pick('b-Q4_0.gguf', fixture('tiny-qwen3-Q4_0.gguf'))], ORIGIN));
    expect(two).toMatchObject({ name: 'FolderImportError', message: expect.stringMatching(/more than one GGUF model \(a-Q8_0\.gguf, b-Q4_0\.gguf\)/) });
    // A hub-layout folder with a GGUF beside it is still an ONNX folder import.
    expect(isGgufPick([pick('config.json', new Uint8Array(2)), pick('x.gguf', new Uint8Array(4))])).toBe(false);
  });

  it('refuses a file that is not GGUF, a cut one, and an architecture llama.cpp cannot run, by name', async () => {
    const notGguf = await refusal(planGgufImport('weights', [pick('weights.gguf', new TextEncoder().encode('PK\u0003\u0004 a zip, not a model'))], ORIGIN));
    expect(notGguf.name).toBe('GgufBadMagicError');
    expect(notGguf.message).toMatch(/^"weights\.gguf": This is not a GGUF file/);

    const whole = fixture('tiny-qwen3-Q8_0.gguf');
    const cut = await refusal(planGgufImport('cut', [pick('cut-Q8_0.gguf', whole.subarray(0, whole.byteLength - 4096))], ORIGIN));
    expect(cut.name).toBe('GgufTruncatedError');
    expect(cut.message).toMatch(/^"cut-Q8_0\.gguf": The GGUF file is \d+ bytes but its tensors need \d+/);

    const mamba = encodeGguf({
      metadata: [
        ['general.architecture', gv.str('mamba2')],
        ['general.file_type', gv.u32(7)],
      ],
      tensors: [{ name: 'a.weight', dims: [64, 2], type: GgmlType.Q8_0, data: () => [encodeTensorData(GgmlType.Q8_0, new Float32Array(128))] }],
    });
    const arch = await refusal(planGgufImport('mamba', [pick('mamba-Q8_0.gguf', mamba)], ORIGIN));
    expect(arch.name).toBe('GgufUnsupportedArchitectureError');
    expect(arch.message).toMatch(/^"mamba-Q8_0\.gguf": This GGUF model's architecture "mamba2" isn't one the app runs/);
  });

  it('labels quantizations with the app dtypes and ids with GGUF', () => {
    expect(['Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q4_0', 'IQ4_XS', 'Q3_K_S', 'F16', 'BF16', 'F32'].map(dtypeOfQuantization)).toEqual([
      'q8', 'q8', 'q8', 'q4', 'q4', 'q4', 'q4', 'fp16', 'fp16', 'fp32',
    ]);
    expect(localGgufRepoId('My fine-tune (v2).gguf')).toBe('local-folder/My-fine-tune-v2-GGUF');
    expect(localGgufRepoId('Qwen3-0.6B-GGUF')).toBe('local-folder/Qwen3-0.6B-GGUF');
  });
});
