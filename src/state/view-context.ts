// What the app's views share: settings, hub lookups, the results of this visit and the token
// ledger. Each view builds its own sessions (and workers) from these.
import type { Settings } from './settings.svelte';
import type { InspectionLookups } from '../lib/models/inspection-lookups';
import type { SessionResults } from './session-results.svelte';
import type { UsageLedger } from './usage-ledger.svelte';
import type { HardwareReportState } from './hardware-report.svelte';
import type { DeviceClaim } from './device-claim.svelte';
import type { DeviceCapabilities } from '../lib/engines/backend-selection';

export interface ViewContext {
  settings: Settings;
  lookups: InspectionLookups;
  results: SessionResults;
  ledger: UsageLedger;
  hardware: HardwareReportState;
  /** Held by the view whose run is using the device now. */
  device: DeviceClaim;
  /** This device as Auto sees it (probed speeds included); null until detected. */
  readonly capabilities: DeviceCapabilities | null;
  /** True while the chat model is loading or answering: views that load models wait for it. */
  readonly chatBusy: boolean;
}
