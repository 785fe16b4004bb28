// Hub URL building/parsing, including the path-traversal cases the mirror relies on.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HUB,
  HubUrlError,
  REMOTE_PATH_TEMPLATE,
  isValidRepoId,
  normalizeHubBase,
  parseHubPath,
  resolveFileUrl,
  treeUrl,
} from '../../src/lib/models/hub-urls';

describe('normalizeHubBase', () => {
  it('trims and strips trailing slashes', () => {
    expect(normalizeHubBase('  https://huggingface.co/ ')).toBe('https://huggingface.co');
    expect(normalizeHubBase('http://localhost:8080///')).toBe('http://localhost:8080');
    expect(normalizeHubBase('https://corp.example/hf/')).toBe('https://corp.example/hf');
    expect(normalizeHubBase(DEFAULT_HUB)).toBe(DEFAULT_HUB);
  });

  it.each(['', '   ', 'huggingface.co', 'localhost:8080', 'ftp://x.example', 'javascript:alert(1)', 'http://', 'https://u:p@x.example', 'http://x.example/?a=1', 'http://x.example/#f'])(
    'rejects %j with a HubUrlError',
    (input) => {
      let err: unknown;
      try {
        normalizeHubBase(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HubUrlError);
      expect((err as Error).name).toBe('HubUrlError');
      expect((err as Error).message.length).toBeGreaterThan(10);
    },
  );
});

describe('isValidRepoId', () => {
  it.each(['onnx-community/Qwen3-0.6B-ONNX', 'Xenova/gpt2', 'zai-org/GLM_4.1', 'a/b'])('accepts %s', (id) => {
    expect(isValidRepoId(id)).toBe(true);
  });

  it.each(['gpt2', 'a/b/c', '/b', 'a/', '', '../b', 'a/..', 'a/b..c', 'a/-b', 'a/b-', '.a/b', 'a/b.', 'a/b c', 'a/b%2Fc', 'a\\b', 'a/b--c', 'a/b.git', 'a/ü', `a/${'x'.repeat(97)}`])(
    'rejects %j',
    (id) => {
      expect(isValidRepoId(id)).toBe(false);
    },
  );

  it('accepts letters of any script only in a folder import\'s name, with the same rules otherwise', () => {
    for (const id of ['local-folder/模型', 'local-folder/Modèle-2', 'local-folder/नमूना']) expect(isValidRepoId(id), id).toBe(true);
    for (const id of ['模型/x', 'org/模型', 'local-folder/..', 'local-folder/.模型', 'local-folder/模 型', 'local-folder/模--型', `local-folder/${'模'.repeat(97)}`]) {
      expect(isValidRepoId(id), id).toBe(false);
    }
    expect(resolveFileUrl('http://localhost:4173/local-models', 'local-folder/模型', 'main', 'config.json')).toBe(
      'http://localhost:4173/local-models/local-folder/%E6%A8%A1%E5%9E%8B/resolve/main/config.json',
    );
  });
});

describe('URL builders', () => {
  it('builds resolve URLs like the hub, keeping / in file paths', () => {
    expect(resolveFileUrl('https://huggingface.co/', 'onnx-community/Qwen3-0.6B-ONNX', 'main', 'onnx/model_q4f16.onnx')).toBe(
      'https://huggingface.co/onnx-community/Qwen3-0.6B-ONNX/resolve/main/onnx/model_q4f16.onnx',
    );
  });

  it('encodes each segment, and slashes inside a revision', () => {
    expect(resolveFileUrl('http://m:1', 'a/b', 'refs/pr/1', 'dir/a b#c.json')).toBe('http://m:1/a/b/resolve/refs%2Fpr%2F1/dir/a%20b%23c.json');
  });

  it('matches what transformers.js builds from REMOTE_PATH_TEMPLATE', () => {
    const hub = 'http://127.0.0.1:8080';
    const viaTemplate =
      hub + '/' + REMOTE_PATH_TEMPLATE.replaceAll('{model}', 'a/b').replaceAll('{revision}', encodeURIComponent('main')) + 'config.json';
    expect(resolveFileUrl(hub, 'a/b', 'main', 'config.json')).toBe(viaTemplate);
  });

  it('builds tree URLs', () => {
    expect(treeUrl('https://huggingface.co', 'Xenova/gpt2', 'main')).toBe('https://huggingface.co/api/models/Xenova/gpt2/tree/main?recursive=true');
  });

  it.each([
    ['bad repo', 'nope', 'main', 'x'],
    ['traversal in file', 'a/b', 'main', '../x'],
    ['empty file', 'a/b', 'main', ''],
    ['absolute file', 'a/b', 'main', '/etc/passwd'],
    ['dot revision', 'a/b', '..', 'x'],
    ['empty revision', 'a/b', '', 'x'],
  ])('rejects %s', (_label, repo, rev, file) => {
    expect(() => resolveFileUrl(DEFAULT_HUB, repo, rev, file)).toThrow(HubUrlError);
  });
});

describe('parseHubPath', () => {
  it('parses resolve paths with nested files', () => {
    expect(parseHubPath('/a/b/resolve/main/onnx/model.onnx')).toEqual({ kind: 'resolve', repoId: 'a/b', revision: 'main', filePath: 'onnx/model.onnx' });
  });

  it('decodes segments once and keeps revisions with encoded slashes', () => {
    expect(parseHubPath('/a/b/resolve/refs%2Fpr%2F1/a%20b.json')).toEqual({ kind: 'resolve', repoId: 'a/b', revision: 'refs/pr/1', filePath: 'a b.json' });
    // Double encoding stays a literal name, never a separator.
    expect(parseHubPath('/a/b/resolve/main/%252e%252e')).toMatchObject({ filePath: '%2e%2e' });
  });

  it('round-trips what resolveFileUrl builds', () => {
    const url = new URL(resolveFileUrl('http://h', 'o-1/n.2', 'refs/pr/3', 'sub dir/f#1.bin'));
    expect(parseHubPath(url.pathname)).toEqual({ kind: 'resolve', repoId: 'o-1/n.2', revision: 'refs/pr/3', filePath: 'sub dir/f#1.bin' });
  });

  it('parses tree paths with and without a sub path', () => {
    expect(parseHubPath('/api/models/a/b/tree/main')).toEqual({ kind: 'tree', repoId: 'a/b', revision: 'main', subPath: '' });
    expect(parseHubPath('/api/models/a/b/tree/main/onnx/x')).toEqual({ kind: 'tree', repoId: 'a/b', revision: 'main', subPath: 'onnx/x' });
  });

  it.each([
    '/a/b/resolve/main/../../../etc/passwd',
    '/a/b/resolve/main/onnx/../../x',
    '/a/b/resolve/main/%2e%2e/%2e%2e/etc/passwd',
    '/a/b/resolve/main/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/a/b/resolve/main/onnx%2Fmodel.onnx',
    '/a/b/resolve/main/..%5C..%5Cwin.ini',
    '/a/b/resolve/main/x%00.json',
    '/a/b/resolve/main/./x',
    '/a/b/resolve/main//x',
    '/a/b/resolve/main/x/',
    '/a/b/resolve/main/',
    '/a/b/resolve/main',
    '/a/b/resolve/%2e%2e/x',
    '/a/b/resolve/refs%2F..%2Fx/y',
    '/a/b/resolve//x',
    '/../b/resolve/main/x',
    '/%2e%2e/b/resolve/main/x',
    '/a%2Fb/c/resolve/main/x',
    '/a/b/blob/main/x',
    '/a/b/c/resolve/main/x',
    '/a/b/resolve/main/%E0%A4%A',
    'a/b/resolve/main/x',
    '/api/models/a/b/tree/main/..',
    '/api/models/a/b/tree/main/%2e%2e/%2e%2e',
    '/api/models/a/b/tree/main/x%2Fy',
    '/api/models/../b/tree/main',
    '/api/models/a/b/tree',
    '/api/models/a/b/blob/main',
    '/',
    '',
  ])('rejects %j', (p) => {
    expect(parseHubPath(p)).toBeNull();
  });
});
