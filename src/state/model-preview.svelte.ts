// What the picked model is before anything downloads: its type, the weights this device would
// use, how many bytes that is, and whether it is already stored. Looked up once per model and hub.
import { chooseBackend, chooseDtype, type DeviceCapabilities } from '../lib/engines/backend-selection';
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
        size: downloadSizeFor(inspection, dtype),
        stored: inspection.storedDtypes.includes(dtype),
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
