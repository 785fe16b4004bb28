// What this browser can run, in the shape backend-selection.ts decides from: read from the same
// hardware report the "Hardware report" view shows, so the two never disagree.
import type { DeviceCapabilities } from '../engines/backend-selection';
import { collectHardwareReport, reportCapabilities } from './hardware-report';

export async function detectCapabilities(): Promise<DeviceCapabilities> {
  return reportCapabilities(await collectHardwareReport());
}
