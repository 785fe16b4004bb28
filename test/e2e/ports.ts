// Where the e2e servers listen. The app on its usual port, the mirrors on loopback.
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 4173);
export const MIRROR_PORT = 5181;
export const STATIC_MIRROR_PORT = 5182;
export const FIXTURE_MODELS_DIR = 'test/.generated/models';
export const MIRROR = `http://127.0.0.1:${MIRROR_PORT}`;
export const STATIC_MIRROR = `http://127.0.0.1:${STATIC_MIRROR_PORT}`;
