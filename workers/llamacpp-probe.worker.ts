// llama.cpp probe worker entry: exposes the probe API; wllama loads on the first probe, from this
// origin's WebAssembly (the same file the llama.cpp worker runs models with), never from a CDN.
import { expose } from 'comlink';
import { createLlamaCppProbeApi } from '../src/lib/hardware/probe/llamacpp-probe-api';
import type { WllamaLike } from '../src/lib/hardware/probe/llamacpp-probe-runner';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { dependencies } from '../package.json';

const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;

const api = createLlamaCppProbeApi({
  async createWllama() {
    const { Wllama } = await import('@wllama/wllama');
    const quiet = { debug: () => {}, log: () => {}, warn: console.warn, error: console.error };
    return () => {
      const wllama = new Wllama({ default: new URL(wasmUrl, self.location.href).href }, { suppressNativeLog: true, logger: quiet });
      // Without this wllama fetches a "compat" build from a CDN for some browsers.
      wllama.setCompat(null);
      return wllama as unknown as WllamaLike;
    };
  },
  wllamaVersion: dependencies['@wllama/wllama'],
  hasAdapter: async () => Boolean(await gpu?.requestAdapter().catch(() => null)),
});

expose(api);
