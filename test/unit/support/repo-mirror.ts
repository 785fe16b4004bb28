// A real mirror over loopback serving one repo built from the given files, for download tests.
// Faults and the request log are reset after each test.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createMirrorServer, type MirrorServer } from '../../../scripts/mirror-server';

export function useRepoMirror(repoId: string, files: Record<string, Buffer | string>): { readonly server: MirrorServer } {
  let dir = '';
  let server: MirrorServer | null = null;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'repo-mirror-'));
    for (const [file, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, repoId, file)), { recursive: true });
      writeFileSync(path.join(dir, repoId, file), data);
    }
    server = await createMirrorServer({ root: dir, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    server?.clearFaults();
    if (server) server.requests.length = 0;
  });
  return {
    get server() {
      return server!;
    },
  };
}
