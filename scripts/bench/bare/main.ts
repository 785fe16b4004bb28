// Reference point for `npm run bench`: transformers.js used the plain way, in a worker of its
// own, with none of the app's code. The harness calls window.__bench.load(params) once and then
// window.__bench.run() for each measured generation; window.__bench.encode({size}) times a picture
// through a vision-language model's vision session; window.__bench.fetchFiles({urls}) times plain fetches.
// window.__bench.probe(backend) runs the app's own hardware probe worker, in the same browser as
// the generations it is compared with (`npm run bench -- --predict`).
import { wrap } from 'comlink';
import type { ProbeApi } from '../../../src/lib/hardware/probe/probe-api';

type Reply = { id: number; result?: unknown; error?: string };

const worker = new Worker(new URL('./bare.worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 0;
worker.onmessage = (event: MessageEvent<Reply>) => {
  const call = pending.get(event.data.id);
  pending.delete(event.data.id);
  if (event.data.error) call?.reject(new Error(event.data.error));
  else call?.resolve(event.data.result);
};

function call(type: 'load' | 'run' | 'fetch' | 'encode', params?: Record<string, string>): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, params });
  });
}

let probeApi: ReturnType<typeof wrap<ProbeApi>> | null = null;
function probe(backend: 'wasm' | 'webgpu') {
  probeApi ??= wrap<ProbeApi>(new Worker(new URL('../../../workers/probe.worker.ts', import.meta.url), { type: 'module' }));
  return probeApi.probe(backend, { rerun: true });
}

(window as unknown as { __bench: unknown }).__bench = {
  probe,
  load: (params: Record<string, string>) => call('load', params),
  run: () => call('run'),
  encode: (params: Record<string, string>) => call('encode', params),
  fetchFiles: (params: Record<string, string>) => call('fetch', params),
};
document.getElementById('status')!.textContent = 'ready';
