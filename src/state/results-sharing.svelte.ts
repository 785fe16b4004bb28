// The results view's state: the document this visit's results make, a shared document opened from a
// `#results=` link (read-only), imported files (the fleet table of all of them), the permalink, and
// which two documents to compare.
import type { SessionResults } from './session-results.svelte';
import type { HardwareReportState } from './hardware-report.svelte';
import type { MachineInfo, ResultsDocument } from '../lib/results/result-types';
import type { LeftOut } from '../lib/results/results-limits';
import { buildResultsDocument, hasResults, machineFromReport, resultsFileName } from '../lib/export/results-document';
import { resultsJson } from '../lib/export/results-json';
import { importResultsFiles, type ResultsFile } from '../lib/export/results-import';
import { fleetCsv, fleetFileName, fleetMarkdown, fleetModels } from '../lib/export/fleet-table';
import { benchmarkCsv, scorecardSummaryCsv, scorecardTasksCsv } from '../lib/export/results-csv';
import { resultsMarkdown } from '../lib/export/results-markdown';
import { decodeResultsFragment, encodePermalink, hasResultsFragment } from '../lib/export/permalink';
import type { NamedDocument } from '../lib/export/comparison';
import { nextTask } from '../lib/async/next-task';

/** A document the comparison can pick; its name is "This session", "Shared link" or the file's name. */
export interface ResultsSource extends NamedDocument {
  id: string;
}

/** An imported file, with the fingerprint that tells a repeat of it apart from new results. */
export interface ImportedSource extends ResultsSource {
  fingerprint: string;
  /** What the file held beyond what the app reads; null when it was read whole. */
  leftOut: LeftOut | null;
}

export type ExportKind = 'json' | 'markdown' | 'benchmark-csv' | 'scorecard-csv' | 'scorecard-summary-csv';

export interface ExportFile {
  name: string;
  text: string;
  mime: string;
}

export type SharedStatus = 'none' | 'reading' | 'ready' | 'error';
export type CopyState = 'idle' | 'copied' | 'denied';

interface ClipboardLike {
  writeText(text: string): Promise<void>;
}

export const SESSION_ID = 'session';
export const SHARED_ID = 'shared';

/** Before the hardware report is in: what the navigator alone says. */
function navigatorMachine(): MachineInfo {
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  const cores = nav?.hardwareConcurrency || null;
  return {
    label: `This browser${cores ? ` · ${cores} ${cores === 1 ? 'core' : 'cores'}` : ''}`,
    userAgent: nav?.userAgent ?? '',
    logicalCores: cores,
    deviceMemoryGB: nav?.deviceMemory ?? null,
    gpu: null,
  };
}

export class ResultsSharing {
  shared = $state.raw<ResultsDocument | null>(null);
  /** What the link held beyond what the app reads; null when it was read whole. */
  sharedLeftOut = $state.raw<LeftOut | null>(null);
  sharedStatus = $state<SharedStatus>('none');
  sharedError = $state<string | null>(null);

  imported = $state.raw<ImportedSource[]>([]);
  importErrors = $state.raw<string[]>([]);
  /** Files left out because their results were already in (duplicates). */
  importNotes = $state.raw<string[]>([]);
  /** Every imported file in one table per model. */
  readonly fleet = $derived(fleetModels(this.imported));

  link = $state<string | null>(null);
  linkError = $state<string | null>(null);
  copyState = $state<CopyState>('idle');

  /** Comparison picks by source id; '' means the default (first and last available). */
  firstId = $state('');
  secondId = $state('');

  readonly #results: SessionResults;
  readonly #hardware: HardwareReportState;
  readonly #clipboard: () => ClipboardLike | undefined;
  #importCount = 0;
  #fragmentReads = 0;

  constructor(
    results: SessionResults,
    hardware: HardwareReportState,
    clipboard: () => ClipboardLike | undefined = () => globalThis.navigator?.clipboard,
  ) {
    this.#results = results;
    this.#hardware = hardware;
    this.#clipboard = clipboard;
    this.machine = $derived(this.#hardware.report ? machineFromReport(this.#hardware.report) : navigatorMachine());
  }

  /** Named from the hardware report once it is in. */
  readonly machine: MachineInfo;

  /** This visit's results as a document, dated now. */
  sessionDocument(): ResultsDocument {
    return buildResultsDocument({
      benchmark: this.#results.benchmark,
      scorecard: this.#results.scorecard,
      hardware: this.#hardware.report,
      machine: this.machine,
      gpuCorrectness: this.#results.gpuCorrectness,
    });
  }

  readonly session = $derived(this.sessionDocument());
  /** What the view shows and exports: the shared document when the page was opened from a link. */
  readonly shown = $derived(this.shared ?? this.session);
  readonly readOnly = $derived(this.shared !== null);

  readonly sources: ResultsSource[] = $derived([
    ...(hasResults(this.session) ? [{ id: SESSION_ID, name: 'This session', document: this.session }] : []),
    ...(this.shared ? [{ id: SHARED_ID, name: 'Shared link', document: this.shared }] : []),
    ...this.imported,
  ]);

  readonly first = $derived(this.sources.find((s) => s.id === this.firstId) ?? this.sources[0] ?? null);
  readonly second = $derived(this.sources.find((s) => s.id === this.secondId) ?? this.sources.at(-1) ?? null);
  /** Two different sources to compare, or null while there are fewer than two. */
  readonly comparison = $derived(
    this.sources.length >= 2 && this.first && this.second ? { first: this.first, second: this.second } : null,
  );

  /** Reads a `#results=` fragment; any other hash leaves the view on this session's results. */
  async openFragment(hash: string): Promise<void> {
    // A link opened while another is still being read replaces it: only the latest read shows.
    const reading = ++this.#fragmentReads;
    this.link = null;
    this.linkError = null;
    if (!hasResultsFragment(hash)) {
      this.shared = null;
      this.sharedLeftOut = null;
      this.sharedStatus = 'none';
      this.sharedError = null;
      return;
    }
    this.sharedStatus = 'reading';
    const result = await decodeResultsFragment(hash);
    // Reading a link of a thousand rows is one task and showing them another.
    await nextTask();
    if (reading !== this.#fragmentReads) return;
    if (result.ok) {
      this.shared = result.document;
      this.sharedLeftOut = result.leftOut ?? null;
      this.sharedError = null;
      this.sharedStatus = 'ready';
    } else {
      this.shared = null;
      this.sharedLeftOut = null;
      this.sharedError = result.error;
      this.sharedStatus = 'error';
    }
  }

  /** Back to this session's results (the caller drops the fragment from the address). */
  closeShared(): void {
    void this.openFragment('');
  }

  exportFile(kind: ExportKind): ExportFile {
    const document = this.shared ?? this.sessionDocument();
    switch (kind) {
      case 'json':
        return { name: resultsFileName(document, 'json'), text: resultsJson(document), mime: 'application/json' };
      case 'markdown':
        return { name: resultsFileName(document, 'md'), text: resultsMarkdown(document), mime: 'text/markdown' };
      case 'benchmark-csv':
        return { name: resultsFileName(document, 'csv', 'benchmark'), text: benchmarkCsv(document), mime: 'text/csv' };
      case 'scorecard-csv':
        return { name: resultsFileName(document, 'csv', 'scorecard'), text: scorecardTasksCsv(document), mime: 'text/csv' };
      case 'scorecard-summary-csv':
        return { name: resultsFileName(document, 'csv', 'scorecard-summary'), text: scorecardSummaryCsv(document), mime: 'text/csv' };
    }
  }

  /** Makes the link for what is shown and tries to copy it; the view shows it either way. */
  async copyPermalink(base: string): Promise<void> {
    this.copyState = 'idle';
    const result = await encodePermalink(this.shared ?? this.sessionDocument(), base);
    if (!result.ok) {
      this.link = null;
      this.linkError = result.error;
      return;
    }
    this.link = result.url;
    this.linkError = null;
    try {
      const clipboard = this.#clipboard();
      if (!clipboard) throw new Error('no Clipboard API');
      await clipboard.writeText(result.url);
      this.copyState = 'copied';
    } catch {
      this.copyState = 'denied';
    }
  }

  /** Reads each file; good ones join the comparison and the fleet, each bad one gets its own error line. */
  async importFiles(files: Iterable<ResultsFile>): Promise<void> {
    const outcome = await importResultsFiles(files, this.imported);
    // Checking a file of a thousand rows is one task and showing them another.
    await nextTask();
    const added = outcome.added.map((file): ImportedSource => ({ id: `import-${++this.#importCount}`, ...file }));
    this.importErrors = outcome.errors;
    this.importNotes = outcome.notes;
    if (!added.length) return;
    this.imported = [...this.imported, ...added];
    // Compare the newest import with what was there before it (this session, when it has results).
    this.firstId = '';
    this.secondId = added.at(-1)!.id;
    if (added.length >= 2 && this.sources.length === added.length) this.firstId = added[0].id;
  }

  removeImport(id: string): void {
    this.imported = this.imported.filter((source) => source.id !== id);
    if (this.firstId === id) this.firstId = '';
    if (this.secondId === id) this.secondId = '';
  }

  /** Every imported file out, with its errors and notes: a fresh start for the next fleet. */
  clearImports(): void {
    this.imported = [];
    this.importErrors = [];
    this.importNotes = [];
    this.firstId = '';
    this.secondId = '';
  }

  fleetFile(kind: 'csv' | 'markdown', now = new Date()): ExportFile {
    return kind === 'csv'
      ? { name: fleetFileName('csv', now), text: fleetCsv(this.fleet), mime: 'text/csv' }
      : { name: fleetFileName('md', now), text: fleetMarkdown(this.fleet), mime: 'text/markdown' };
  }
}
