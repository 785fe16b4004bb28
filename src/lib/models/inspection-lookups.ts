// One lookup per model and hub, shared by the "before download" preview and Load, so pressing
// Load right after picking a model doesn't ask the hub the same questions again. The lookups run in
// a worker of their own (workers/hub-lookup.worker.ts): a plain mirror has no listing, so its files
// are probed by name and most probes are answered 404, which Chromium logs as a console error for
// a page's requests and not for a worker's.
import { wrap, type Remote } from 'comlink';
import { workerGate } from '../security/worker-gate';
import { inspectModel, type ModelInspection } from './model-inspection';
import { ModelStore } from './model-store';

const REVISION = 'main';

/** What the lookup worker exposes. */
export const hubLookupApi = {
  async inspect(repoId: string, hub: string): Promise<ModelInspection> {
    const store = await ModelStore.tryOpen();
    return inspectModel(repoId, { hub, revision: REVISION, store });
  },
};

export type HubLookupApi = typeof hubLookupApi;

export class InspectionLookups {
  #lookups = new Map<string, Promise<ModelInspection>>();
  #api: Pick<HubLookupApi, 'inspect'> | null = null;

  /** `startWorker` gives the lookup worker, or null to look up on this thread (no Worker, or the gate refused). */
  constructor(private readonly startWorker: () => Remote<HubLookupApi> | null = startLookupWorker) {}

  get(repoId: string, hub: string): Promise<ModelInspection> {
    const key = `${hub}\n${repoId}`;
    let lookup = this.#lookups.get(key);
    if (!lookup) {
      lookup = this.#lookupApi().inspect(repoId, hub);
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

  #lookupApi(): Pick<HubLookupApi, 'inspect'> {
    if (!this.#api) {
      let remote: Remote<HubLookupApi> | null = null;
      try {
        remote = this.startWorker();
      } catch {
        // The gate refused workers: the lookups still work here, only less quietly.
      }
      this.#api = remote ?? hubLookupApi;
    }
    return this.#api;
  }
}

/** One lookup worker for the page's lifetime; it only fetches from the hub and reads the store. */
function startLookupWorker(): Remote<HubLookupApi> | null {
  if (typeof Worker === 'undefined') return null;
  workerGate.assertAllowed('model');
  return wrap<HubLookupApi>(new Worker(new URL('../../../workers/hub-lookup.worker.ts', import.meta.url), { type: 'module', name: 'hub-lookup' }));
}
