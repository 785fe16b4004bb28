/// <reference types="vitest/config" />
// Build and serve the app. Every server (dev and preview) sends COOP/COEP so the page is
// cross-origin isolated: SharedArrayBuffer exists and onnxruntime-web can run WASM threads.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [svelte()],
  server: { headers: crossOriginIsolationHeaders },
  preview: {
    headers: crossOriginIsolationHeaders,
    port: Number(process.env.PORT ?? 4173),
    strictPort: true,
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // ORT's wasm binary is ~27 MB; it is fetched once by the worker, never inlined.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
  optimizeDeps: {
    // Pre-bundling would rewrite ORT's dynamic import of its own glue module.
    exclude: ['@huggingface/transformers', 'onnxruntime-web'],
  },
});
