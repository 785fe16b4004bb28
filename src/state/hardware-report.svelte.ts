// The hardware report as the "Hardware report" view shows it: taken once on demand (and again on
// Refresh), with the outcome of copying its JSON to the clipboard.
import {
  collectHardwareReport,
  hardwareReportJson,
  hardwareReportSummary,
  type HardwareReport,
} from '../lib/hardware/hardware-report';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import type { Backend } from '../lib/engines/types';
import type { ProbeResult } from '../lib/hardware/probe/probe-runner';
import type { LlamaCppProbeResult } from '../lib/hardware/probe/llamacpp-probe-runner';

export type ReportStatus = 'idle' | 'collecting' | 'ready' | 'error';
/** 'denied': the browser refused (no permission, no focus, or no Clipboard API); the view offers the text instead. */
export type CopyState = 'idle' | 'copied' | 'denied';

/** How long "Copied" stays up: long enough to read, short enough that a second copy shows again. */
export const COPIED_NOTICE_MS = 3000;

interface ClipboardLike {
  writeText(text: string): Promise<void>;
}

export class HardwareReportState {
  #collected = $state.raw<HardwareReport | null>(null);
  /** The app's one storage figure (the Models view's), shown in place of the report's own reading. */
  #storage = $state.raw<HardwareReport['storage'] | null>(null);
  /** The device outlook's probes (onnxruntime's and llama.cpp's), carried in the report once taken. */
  #probes = $state.raw<Pick<HardwareReport, 'probes' | 'llamaCppProbes'> | null>(null);
  readonly report = $derived(
    this.#collected ? { ...this.#collected, ...(this.#storage ? { storage: this.#storage } : {}), ...this.#probes } : null,
  );
  status = $state<ReportStatus>('idle');
  error = $state.raw<ErrorSummary | null>(null);
  copyState = $state<CopyState>('idle');
  readonly summary = $derived(this.report ? hardwareReportSummary(this.report) : []);
  readonly json = $derived(this.report ? hardwareReportJson(this.report) : '');

  readonly #collect: () => Promise<HardwareReport>;
  readonly #clipboard: () => ClipboardLike | undefined;
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    collect: () => Promise<HardwareReport> = () => collectHardwareReport(),
    clipboard: () => ClipboardLike | undefined = () => globalThis.navigator?.clipboard,
  ) {
    this.#collect = collect;
    this.#clipboard = clipboard;
  }

  async refresh(): Promise<void> {
    this.status = 'collecting';
    this.copyState = 'idle';
    try {
      this.#collected = await this.#collect();
      this.error = null;
      this.status = 'ready';
    } catch (error) {
      this.error = summarizeError(error);
      this.status = 'error';
    }
  }

  /** Takes storage figures from the one place that reads them, so two views never disagree. */
  useStorage(storage: { usage: number | null; quota: number | null; persisted: boolean | null }): void {
    if (storage.usage === null && storage.quota === null) return;
    this.#storage = { usageBytes: storage.usage, quotaBytes: storage.quota, persisted: storage.persisted };
  }

  /** Takes the probes from the device outlook, their one owner; nothing until one has run. */
  useProbes(probes: Partial<Record<Backend, ProbeResult>>, llamaCppProbes: Partial<Record<Backend, LlamaCppProbeResult>>): void {
    const any = Object.keys(probes).length > 0 || Object.keys(llamaCppProbes).length > 0;
    this.#probes = any ? { probes, llamaCppProbes } : null;
  }

  async copy(): Promise<void> {
    if (!this.report) return;
    clearTimeout(this.#copiedTimer);
    try {
      const clipboard = this.#clipboard();
      if (!clipboard) throw new Error('no Clipboard API');
      await clipboard.writeText(this.json);
      this.copyState = 'copied';
      this.#copiedTimer = setTimeout(() => (this.copyState = 'idle'), COPIED_NOTICE_MS);
    } catch {
      this.copyState = 'denied';
    }
  }
}
