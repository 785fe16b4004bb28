// The models stored in this browser and the storage they use: what the Models view
// shows, and what it deletes.
import { ModelStore, type CachedModel, type ModelLocation } from '../lib/models/model-store';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import { deleteStoredWebLLMModel, listStoredWebLLMModels, type StoredWebLLMModel } from '../lib/models/webllm-store';

export interface StorageUse {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export class StoredModels {
  models = $state.raw<CachedModel[]>([]);
  /** WebLLM builds, stored in WebLLM's own buckets. */
  webllm = $state.raw<StoredWebLLMModel[]>([]);
  storage = $state.raw<StorageUse>({ usage: null, quota: null, persisted: null });
  error = $state.raw<ErrorSummary | null>(null);
  /** True until the first listing is in. */
  loading = $state(true);

  async refresh(): Promise<void> {
    try {
      const store = await ModelStore.open();
      const [models, webllm, estimate, persisted] = await Promise.all([
        store.list(),
        listStoredWebLLMModels(),
        navigator.storage?.estimate?.() ?? Promise.resolve<StorageEstimate>({}),
        navigator.storage?.persisted?.() ?? Promise.resolve(null),
      ]);
      this.models = models;
      this.webllm = webllm;
      this.storage = { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
      this.error = null;
    } catch (error) {
      this.error = summarizeError(error);
    } finally {
      this.loading = false;
    }
  }

  isStored(location: ModelLocation): boolean {
    return this.models.some(
      (m) => m.hub === location.hub && m.repoId === location.repoId && m.revision === location.revision && m.manifest?.completeDtypes.length,
    );
  }

  async delete(model: ModelLocation): Promise<void> {
    const store = await ModelStore.open();
    await store.deleteModel(model);
    await this.refresh();
  }

  async deleteWebLLM(model: StoredWebLLMModel): Promise<void> {
    await deleteStoredWebLLMModel(model, this.webllm);
    await this.refresh();
  }

  async deleteAll(): Promise<void> {
    const store = await ModelStore.open();
    await store.deleteUrls(this.models.flatMap((m) => m.urls));
    // All of them at once: each deletion then owns its files, shared libraries included.
    for (const model of this.webllm) await deleteStoredWebLLMModel(model, [model]);
    await this.refresh();
  }
}
