// One lookup per model and hub, shared by the "before download" preview and Load, so pressing
// Load right after picking a model doesn't ask the hub the same questions again.
import { inspectModel, type ModelInspection } from './model-inspection';
import { ModelStore } from './model-store';

const REVISION = 'main';

export class InspectionLookups {
  #lookups = new Map<string, Promise<ModelInspection>>();

  get(repoId: string, hub: string): Promise<ModelInspection> {
    const key = `${hub}\n${repoId}`;
    let lookup = this.#lookups.get(key);
    if (!lookup) {
      lookup = ModelStore.tryOpen().then((store) => inspectModel(repoId, { hub, revision: REVISION, store }));
      // A failure is not remembered: the next try asks again.
      lookup.catch(() => this.#lookups.delete(key));
      this.#lookups.set(key, lookup);
    }
    return lookup;
  }

  /** What is stored for this model changed (a load finished or failed): look again next time. */
  forget(repoId: string, hub: string): void {
    this.#lookups.delete(`${hub}\n${repoId}`);
  }
}
