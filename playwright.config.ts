// Real-browser tests: Debian's Chromium against the production build (vite preview) and the
// project's model mirror serving the generated fixture models. WASM and WebGPU (SwiftShader)
// run as separate projects.
import { defineConfig } from '@playwright/test';
import { APP_PORT, MIRROR_PORT, STATIC_MIRROR_PORT, FIXTURE_MODELS_DIR } from './test/e2e/ports';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quietFlags = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${APP_PORT}`,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'wasm',
      testIgnore: /webgpu\.spec\.ts/,
      use: {
        launchOptions: { executablePath: chromium, args: [...quietFlags, '--disable-features=WebGPU'] },
      },
    },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: {
        launchOptions: { executablePath: chromium, args: [...quietFlags, '--enable-unsafe-webgpu'] },
      },
    },
  ],
  webServer: [
    {
      command: `npx vite preview --port ${APP_PORT} --strictPort`,
      url: `http://localhost:${APP_PORT}`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx tsx scripts/mirror.ts ${FIXTURE_MODELS_DIR} --port ${MIRROR_PORT}`,
      url: `http://127.0.0.1:${MIRROR_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx tsx scripts/mirror.ts ${FIXTURE_MODELS_DIR} --port ${STATIC_MIRROR_PORT} --no-tree`,
      url: `http://127.0.0.1:${STATIC_MIRROR_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
