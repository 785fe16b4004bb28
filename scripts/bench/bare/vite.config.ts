// Builds the bare transformers.js reference page used by `npm run bench`, served with the same
// cross-origin isolation headers as the app so both get the same WASM threads.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../bench/.build/bare', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 5000,
  },
  worker: { format: 'es' },
  preview: { headers },
  server: { headers },
});
