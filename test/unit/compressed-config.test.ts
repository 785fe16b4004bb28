// The first file a lookup reads, config.json, has no size from the hub yet: a small compressed
// answer that inflates past 64 MB is stopped there, by the real mirror's gzip faults over loopback.
import { describe, expect, it } from 'vitest';
import { useRepoMirror } from './support/repo-mirror';
import { UNSIZED_FILE_LIMIT } from '../../src/lib/models/download/file-download';
import { inspectModel } from '../../src/lib/models/model-inspection';

const REPO = 'org/padded';
// Valid JSON all the way: only its size is wrong.
const padded = Buffer.concat([Buffer.from('{"model_type":"qwen3"'), Buffer.alloc(UNSIZED_FILE_LIMIT + (4 << 20), 0x20), Buffer.from('}')]);
const mirror = useRepoMirror(REPO, { 'config.json': padded, 'onnx/model_quantized.onnx': 'x' });

describe('looking up a model whose config.json arrives compressed', () => {
  for (const kind of ['gzip-unsized', 'gzip-sized'] as const) {
    it(`stops reading it past 64 MB decoded and names it (${kind})`, async () => {
      mirror.server.setFaults([{ kind, path: 'config.json' }]);
      await expect(inspectModel(REPO, { hub: mirror.server.url, revision: 'main' })).rejects.toMatchObject({
        name: 'FileTooLargeError',
        message: expect.stringMatching(/^"config\.json" kept arriving past 64 MB/),
      });
      const [get] = mirror.server.requests.filter((r) => r.method === 'GET');
      expect(get.faults).toEqual([kind]);
      expect(get.bytes).toBeLessThan(1 << 20);
    });
  }
});
