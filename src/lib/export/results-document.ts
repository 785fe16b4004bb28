// Builds the ResultsDocument the exports, permalinks and imports carry: this visit's benchmark rows
// and scorecard runs, the hardware report when one was taken, and the machine in a recognisable line.
import { adapterName, type HardwareReport } from '../hardware/hardware-report';
import {
  RESULTS_FORMAT,
  type BenchmarkRow,
  type GpuCorrectness,
  type MachineInfo,
  type ResultsDocument,
  type ScorecardRun,
} from '../results/result-types';

/** "Chromium 156 · Linux · 2 cores" and the GPU, from the hardware report's facts. */
export function machineFromReport(report: HardwareReport): MachineInfo {
  const { name, version, platform } = report.browser;
  const major = version?.split('.')[0];
  const cores = report.cpu.logicalCores;
  const label = [
    name ? `${name}${major ? ` ${major}` : ''}` : 'Unknown browser',
    platform,
    cores === null ? null : `${cores} ${cores === 1 ? 'core' : 'cores'}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const gpu = report.webgpu.available
    ? `${adapterName(report.webgpu.adapter)}${report.webgpu.adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}`
    : null;
  return {
    label,
    userAgent: report.browser.userAgent,
    logicalCores: cores,
    deviceMemoryGB: report.memory.deviceMemoryGB,
    gpu,
  };
}

export interface DocumentParts {
  benchmark: readonly BenchmarkRow[];
  scorecard: readonly ScorecardRun[];
  hardware: HardwareReport | null;
  machine: MachineInfo;
  exportedAt?: Date;
  gpuCorrectness?: readonly GpuCorrectness[];
}

export function buildResultsDocument(parts: DocumentParts): ResultsDocument {
  return {
    format: RESULTS_FORMAT,
    version: 1,
    exportedAt: (parts.exportedAt ?? new Date()).toISOString(),
    machine: parts.machine,
    benchmark: [...parts.benchmark],
    scorecard: [...parts.scorecard],
    hardware: parts.hardware,
    // Only the fields the format defines: where and when a check ran is the machine's business.
    ...(parts.gpuCorrectness?.length
      ? { gpuCorrectness: parts.gpuCorrectness.map(({ repoId, dtype, positions, agreeing, agreement, verdict, sameTokenPositions }) => ({
            repoId,
            dtype,
            positions,
            agreeing,
            agreement,
            verdict,
            ...(sameTokenPositions === undefined ? {} : { sameTokenPositions }),
          })) }
      : {}),
  };
}

export function hasResults(document: ResultsDocument): boolean {
  return document.benchmark.length > 0 || document.scorecard.length > 0 || (document.gpuCorrectness?.length ?? 0) > 0;
}

/** `results-2026-11-25.json`, `results-benchmark-2026-11-25.csv`: dated in UTC like `exportedAt`. */
export function resultsFileName(document: ResultsDocument, extension: 'json' | 'csv' | 'md', part?: string): string {
  return `results${part ? `-${part}` : ''}-${document.exportedAt.slice(0, 10)}.${extension}`;
}

/** "2026-11-25 07:42 UTC": the same text on every machine, so a shared link reads the same everywhere. */
export function formatTakenAt(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
