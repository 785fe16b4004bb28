// Three machines of a team, built with the app's own document builders from the realistic visit:
// a MacBook (the reference), a Windows desktop with a discrete GPU that is faster on both backends,
// and a laptop whose WebGPU decode is a quarter of the others' (a fallback adapter).
import type { HardwareReport } from '../../../src/lib/hardware/hardware-report';
import type { GpuCorrectness, ResultsDocument, SummaryStat } from '../../../src/lib/results/result-types';
import { buildResultsDocument, machineFromReport } from '../../../src/lib/export/results-document';
import { REALISTIC_MODEL, REALISTIC_REPORT, realisticDocument } from './realistic-results';

function scaled(stat: SummaryStat, factor: number): SummaryStat {
  return { ...stat, median: stat.median * factor, min: stat.min * factor, max: stat.max * factor };
}

function machineDocument(
  report: HardwareReport,
  speed: { webgpu: number; wasm: number },
  gpuCorrectness?: GpuCorrectness[],
): ResultsDocument {
  const base = realisticDocument();
  const document = buildResultsDocument({
    benchmark: base.benchmark.map((row) => ({
      ...row,
      decodeTokensPerSecond: scaled(row.decodeTokensPerSecond, speed[row.backend]),
      prefillTokensPerSecond: scaled(row.prefillTokensPerSecond, speed[row.backend]),
    })),
    scorecard: base.scorecard,
    hardware: report,
    machine: machineFromReport(report),
    exportedAt: new Date('2026-12-02T10:00:00.000Z'),
  });
  return gpuCorrectness ? { ...document, gpuCorrectness } : document;
}

export const MAC = REALISTIC_REPORT;

export const DESKTOP: HardwareReport = {
  ...REALISTIC_REPORT,
  browser: { ...REALISTIC_REPORT.browser, platform: 'Windows', version: '143.0.7499.52' },
  webgpu: {
    ...REALISTIC_REPORT.webgpu,
    adapter: { vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4070', isFallbackAdapter: false },
  } as HardwareReport['webgpu'],
  cpu: { logicalCores: 16 },
};

export const LAPTOP: HardwareReport = {
  ...REALISTIC_REPORT,
  browser: { ...REALISTIC_REPORT.browser, platform: 'Linux' },
  webgpu: {
    ...REALISTIC_REPORT.webgpu,
    adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', isFallbackAdapter: true },
  } as HardwareReport['webgpu'],
  cpu: { logicalCores: 4 },
};

export function teamDocuments(): { name: string; document: ResultsDocument }[] {
  return [
    {
      name: 'team-mac.json',
      document: machineDocument(MAC, { webgpu: 1, wasm: 1 }, [
        { repoId: REALISTIC_MODEL, dtype: 'q4f16', positions: 512, agreeing: 511, agreement: 99.8, verdict: 'ok' },
      ]),
    },
    { name: 'team-desktop.json', document: machineDocument(DESKTOP, { webgpu: 1.4, wasm: 1.2 }) },
    {
      name: 'team-laptop.json',
      document: machineDocument(LAPTOP, { webgpu: 0.25, wasm: 0.8 }, [
        { repoId: REALISTIC_MODEL, dtype: 'q4f16', positions: 512, agreeing: 466, agreement: 91, verdict: 'warning' },
      ]),
    },
  ];
}
