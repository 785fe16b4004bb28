/// <reference types="vitest/config" />
// Build and serve the app. scripts/vite-csp-plugin.ts gives index.html its Content-Security-Policy
// and has every dev and preview response carry its security headers, COOP/COEP included, so the page
// is cross-origin isolated (SharedArrayBuffer, onnxruntime-web's WASM threads). In the build, the
// service worker (src/pwa/sw.ts) adds the same headers for hosts that cannot, and offline, and
// scripts/vite-host-headers-plugin.ts writes them as dist/_headers for hosts that can.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy } from './scripts/vite-csp-plugin.ts';
import { hostHeaders } from './scripts/vite-host-headers-plugin.ts';
import { workerEntryFileName } from './src/lib/security/host-headers.ts';

// transformers.js' onnxruntime-web import goes to a module that can also run the JSPI build
// (src/lib/engines/transformers/ort-bundle.ts); every other import of it is left as it is. The
// workers that run transformers.js are bundled apart in a build, so they need it as well
// (`worker.plugins`); without it they would run the WebGPU bundle beside the engine's choice.
const onnxruntimeBundleChoice = (): Plugin => ({
  name: 'onnxruntime-bundle-choice',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === 'onnxruntime-web/webgpu' && importer?.includes('@huggingface/transformers')) {
      return fileURLToPath(new URL('./src/lib/engines/transformers/ort-bundle.ts', import.meta.url));
    }
    return null;
  },
});

export default defineConfig({
  plugins: [
    svelte(),
    onnxruntimeBundleChoice(),
    contentSecurityPolicy(),
    hostHeaders(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      // A new version waits for the user's "Reload" (src/features/app-update/UpdatePrompt.svelte).
      registerType: 'prompt',
      // main.ts registers through 'virtual:pwa-register'.
      injectRegister: false,
      // The icons are precached by the glob below, once.
      includeManifestIcons: false,
      manifest: {
        name: 'On-Device Playground',
        short_name: 'Playground',
        description: 'Run Qwen and GLM language models on your own device, in the browser.',
        theme_color: '#1f6f5c',
        background_color: '#f6f7f5',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      injectManifest: {
        // The shell only: everything the build emits (worker and engine chunks, ORT's .mjs/.wasm),
        // icons and the manifest. Model weights never come from this origin, so none can match.
        // The plugin adds manifest.webmanifest itself.
        globPatterns: ['**/*.{html,js,mjs,css,wasm,svg,png}'],
        // ORT's plain build runs only when `?ort-build=plain` forces it, to measure it against the
        // others: it is fetched then, never precached (JSPI and asyncify are the ones loads use).
        globIgnores: ['**/ort-wasm-simd-threaded-*.{wasm,mjs}'],
        // ORT's threaded wasm is ~25 MB.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      // No service worker in `vite dev`: it would cache modules HMR has to replace.
      devOptions: { enabled: false },
    }),
  ],
  preview: {
    port: Number(process.env.PORT ?? 4173),
    strictPort: true,
  },
  worker: {
    format: 'es',
    plugins: () => [onnxruntimeBundleChoice()],
    // One folder per worker policy, so a static host can give each its header by path.
    rolldownOptions: { output: { entryFileNames: (chunk) => workerEntryFileName(chunk.name) } },
  },
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
