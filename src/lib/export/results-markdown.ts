// The results as one Markdown report: the machine, then the benchmark, scorecard summary and
// hardware summary tables exactly as the results view shows them.
import type { ResultsDocument } from '../results/result-types';
import { formatTakenAt } from './results-document';
import { markdownTable } from './markdown-table';
import { documentTables } from './results-tables';

export function resultsMarkdown(document: ResultsDocument): string {
  const tables = documentTables(document);
  const { machine } = document;
  const parts = [
    '# On-Device Playground results',
    '',
    `Taken on ${machine.label}, exported ${formatTakenAt(document.exportedAt)}.`,
    '',
    `- Browser: ${machine.userAgent || 'not reported'}`,
    `- Logical cores: ${machine.logicalCores ?? 'not reported'}`,
    `- Device memory: ${machine.deviceMemoryGB === null ? 'not reported' : `${machine.deviceMemoryGB} GB`}`,
    `- GPU: ${machine.gpu ?? 'none available to WebGPU'}`,
    '',
    '## Benchmark',
    '',
    document.benchmark.length
      ? `${markdownTable(tables.benchmark.header, tables.benchmark.rows)}\n\nEach figure is the median over the repeats, with the range in brackets when repeats differed.`
      : 'No benchmark was run.',
    '',
    '## Scorecard',
    '',
    document.scorecard.length ? markdownTable(tables.scorecard.header, tables.scorecard.rows) : 'No scorecard was run.',
    '',
    '## Hardware',
    '',
    tables.hardware ? markdownTable(tables.hardware.header, tables.hardware.rows) : 'No hardware report was taken.',
    '',
  ];
  return parts.join('\n');
}
