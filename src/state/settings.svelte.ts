// User settings: which hub and model, backend/dtype overrides and generation parameters.
// Kept in localStorage; `?hub=` and `?model=` in the URL take precedence for one visit.
import type { Backend, Dtype, EngineKind, GenerationParams } from '../lib/engines/types';
import { DEFAULT_HUB, normalizeHubBase } from '../lib/models/hub-urls';
import { hubPolicyProblem } from '../lib/security/allowed-hubs';
import { CATALOG } from '../lib/models/catalog';
import { ENGINES } from '../lib/models/model-engine';
import { isLocalModel, localModelsHub } from '../lib/models/folder-import';
import { safeLocalStorage } from './local-storage';

const STORAGE_KEY = 'playground.settings.v1';

interface StoredSettings {
  hub: string;
  modelId: string;
  backendOverride: Backend | null;
  dtypeOverride: Dtype | null;
  /** The engine a model family loads on; null: Auto, from this device's measurements. */
  engineOverride: EngineKind | null;
  /** Retry a model on WASM when WebGPU fails to load it. */
  fallbackToWasm: boolean;
  systemPrompt: string;
  params: GenerationParams;
}

const DEFAULTS: StoredSettings = {
  hub: DEFAULT_HUB,
  modelId: CATALOG[0].repoId,
  backendOverride: null,
  dtypeOverride: null,
  engineOverride: null,
  fallbackToWasm: true,
  systemPrompt: 'You are a helpful assistant.',
  params: { maxNewTokens: 512, temperature: 0.7, topP: 0.9, enableThinking: false },
};

export class Settings {
  hub = $state(DEFAULTS.hub);
  modelId = $state(DEFAULTS.modelId);
  backendOverride = $state<Backend | null>(DEFAULTS.backendOverride);
  dtypeOverride = $state<Dtype | null>(DEFAULTS.dtypeOverride);
  engineOverride = $state<EngineKind | null>(DEFAULTS.engineOverride);
  fallbackToWasm = $state(DEFAULTS.fallbackToWasm);
  systemPrompt = $state(DEFAULTS.systemPrompt);
  params = $state<GenerationParams>({ ...DEFAULTS.params });
  /** Set when the hub in the URL was not a usable address. */
  hubError = $state<string | null>(null);
  /**
   * A link's `?hub=` is for this visit: saving keeps the hub stored before, unless the user has
   * since typed another one. Otherwise one click on a shared link would point every later visit at
   * the link author's server.
   */
  #linkHub: { fromLink: string; stored: string } | null = null;

  /** The hub that serves a model id: this app's own origin for an imported folder, else the configured hub. */
  hubFor(repoId: string): string {
    return isLocalModel(repoId) ? localModelsHub(location.origin) : this.hub;
  }

  constructor(search: string = location.search, storage: Storage | null = safeLocalStorage()) {
    const stored = readStored(storage);
    Object.assign(this, { ...stored, params: { ...stored.params } });
    const query = new URLSearchParams(search);
    const hub = query.get('hub');
    if (hub) {
      try {
        this.hub = normalizeHubBase(hub);
        this.#linkHub = { fromLink: this.hub, stored: stored.hub };
        this.hubError = hubPolicyProblem(this.hub);
      } catch (error) {
        this.hubError = error instanceof Error ? error.message : String(error);
      }
    }
    const model = query.get('model');
    if (model) this.modelId = model.trim();
  }

  save(storage: Storage | null = safeLocalStorage()): void {
    const value: StoredSettings = {
      hub: this.#linkHub && this.hub === this.#linkHub.fromLink ? this.#linkHub.stored : this.hub,
      modelId: this.modelId,
      backendOverride: this.backendOverride,
      dtypeOverride: this.dtypeOverride,
      engineOverride: this.engineOverride,
      fallbackToWasm: this.fallbackToWasm,
      systemPrompt: this.systemPrompt,
      params: { ...this.params },
    };
    storage?.setItem(STORAGE_KEY, JSON.stringify(value));
  }
}

function readStored(storage: Storage | null): StoredSettings {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return DEFAULTS;
    const parsed = JSON.parse(raw) as Partial<StoredSettings>;
    const engine = ENGINES.find((e) => e === parsed.engineOverride) ?? null;
    return { ...DEFAULTS, ...parsed, engineOverride: engine, params: validParams(parsed.params) };
  } catch {
    return DEFAULTS;
  }
}

/** A cleared number field binds to null: fall back to the default for anything not a number. */
export function validParams(params: Partial<GenerationParams> | undefined): GenerationParams {
  const number = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  return {
    maxNewTokens: Math.max(1, Math.round(number(params?.maxNewTokens, DEFAULTS.params.maxNewTokens))),
    temperature: Math.max(0, number(params?.temperature, DEFAULTS.params.temperature)),
    topP: Math.min(1, Math.max(0.01, number(params?.topP, DEFAULTS.params.topP))),
    enableThinking: params?.enableThinking === true,
  };
}
