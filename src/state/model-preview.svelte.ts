// What the picked model is before anything downloads: its type, the weights this device would
// use, how many bytes that is, and whether it is already stored. Looked up once per model and hub.
import { chooseBackend, chooseDtype, runnableDtypes, type DeviceCapabilities } from '../lib/engines/backend-selection';
import type { Backend, Dtype } from '../lib/engines/types';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import type { ModelInspection } from '../lib/models/model-inspection';
import type { InspectionLookups } from '../lib/models/inspection-lookups';
import { downloadSizeFor, type DownloadSize } from '../lib/models/download-size';

export interface Preview {
  repoId: string;
  hub: string;
  inspection: ModelInspection;
  backend: Backend;
  dtype: Dtype;
  size: DownloadSize | null;
  stored: boolean;
  /**
   * Other weight formats of this model already stored that this backend can run. Auto never swaps
   * to one of them (the chosen format is faster here); the user may pick one to skip the download.
   */
  storedAlternatives: Dtype[];
}

/** Stored formats the backend runs, ranked after the chosen one (the backend's order is fastest first). */
function slowerStoredFormats(backend: Backend, caps: DeviceCapabilities, chosen: Dtype, stored: readonly Dtype[]): Dtype[] {
  const ranked = runnableDtypes(backend, caps);
  return ranked.slice(ranked.indexOf(chosen) + 1).filter((d) => stored.includes(d));
}

export class ModelPreview {
  current = $state.raw<Preview | null>(null);
  error = $state.raw<ErrorSummary | null>(null);
  looking = $state(false);

  #seq = 0;

  constructor(private readonly lookups: InspectionLookups) {}

  async show(repoId: string, hub: string, caps: DeviceCapabilities, overrides: { backend: Backend | null; dtype: Dtype | null }): Promise<void> {
    const seq = ++this.#seq;
    this.looking = true;
    this.error = null;
    try {
      const inspection = await this.lookups.get(repoId, hub);
      if (seq !== this.#seq) return;
      const backend = chooseBackend(caps, overrides.backend).value;
      const dtype = chooseDtype(backend, caps, inspection.dtypes, overrides.dtype).value;
      this.current = {
        repoId,
        hub,
        inspection,
        backend,
        dtype,
        size: downloadSizeFor(inspection, dtype, backend),
        stored: inspection.storedDtypes.includes(dtype),
        storedAlternatives: slowerStoredFormats(backend, caps, dtype, inspection.storedDtypes),
      };
    } catch (error) {
      if (seq !== this.#seq) return;
      this.current = null;
      this.error = summarizeError(error);
    } finally {
      if (seq === this.#seq) this.looking = false;
    }
  }
}
