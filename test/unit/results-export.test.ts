// Results exports read back: JSON, CSV and Markdown made from one document parse back to the same
// numbers; an imported file with a problem gets an error naming it; comparisons match and divide.
import { describe, expect, it } from 'vitest';
import type { HardwareReport } from '../../src/lib/hardware/hardware-report';
import type { BenchmarkRow, ResultsDocument, ScorecardRun, SummaryStat } from '../../src/lib/results/result-types';
import { buildResultsDocument, machineFromReport, resultsFileName } from '../../src/lib/export/results-document';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';
import {
  MAX_BENCHMARK_ROWS,
  MAX_GPU_CHECKS,
  MAX_SCORECARD_RUNS,
  MAX_TASKS_PER_RUN,
  leftOutLines,
} from '../../src/lib/results/results-limits';
import { CATALOG, WEBLLM_CATALOG } from '../../src/lib/models/catalog';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';
import { bigDocument } from './support/big-results';
import { benchmarkCsv, scorecardSummaryCsv, scorecardTasksCsv, statColumn } from '../../src/lib/export/results-csv';
import { csvRecords, parseCsv, toCsv, CsvSyntaxError } from '../../src/lib/export/csv';
import { resultsMarkdown } from '../../src/lib/export/results-markdown';
import { markdownTable, parseMarkdownTables, tableRecords } from '../../src/lib/export/markdown-table';
import { BENCHMARK_MEASURES, formatStat, formatValue, scorecardSummary } from '../../src/lib/export/results-tables';
import { CATEGORY_LABELS } from '../../src/lib/scorecard/suite-types';
import {
  benchmarkComparisonTable,
  compareBenchmark,
  compareScorecard,
  formatRatio,
  passRateRatio,
  ratio,
  scorecardComparisonTable,
} from '../../src/lib/export/comparison';

const report: HardwareReport = {
  takenAt: '2026-11-25T07:00:00.000Z',
  browser: {
    name: 'Chromium',
    version: '156.0.8078.79',
    platform: 'Linux',
    mobile: false,
    brands: [{ brand: 'Chromium', version: '156' }],
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0',
  },
  webgpu: {
    available: true,
    adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
    features: ['subgroups'],
    limits: {
      maxBufferSize: 1024 ** 3,
      maxStorageBufferBindingSize: 1024 ** 3,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 256,
      maxComputeWorkgroupSizeX: 256,
    },
  },
  cpu: { logicalCores: 2 },
  wasm: { crossOriginIsolated: true, sharedArrayBuffer: true, threadsUsable: true, threads: 2, simd: true },
  memory: { deviceMemoryGB: 8 },
  storage: { usageBytes: 1000, quotaBytes: 10 * 1024 ** 3, persisted: false },
};

function stat(median: number, min: number, max: number, n = 3): SummaryStat {
  return { median, min, max, n };
}

const benchmark: BenchmarkRow[] = [
  {
    modelId: 'fixtures/tiny-qwen3',
    backend: 'wasm',
    dtype: 'q8',
    promptSize: 'short',
    promptTokens: 64,
    newTokens: 128,
    loadMs: stat(812.4, 812.4, 812.4, 1),
    ttftMs: stat(41.26, 38.9, 55.05),
    prefillTokensPerSecond: stat(1551.27, 1162.3, 1645.1),
    decodeTokensPerSecond: stat(212.349, 200.01, 230.96),
  },
  {
    modelId: 'fixtures/tiny-glm',
    backend: 'webgpu',
    dtype: 'q4',
    promptSize: 'long',
    promptTokens: 1031,
    newTokens: 128,
    loadMs: stat(1500, 1500, 1500, 1),
    ttftMs: stat(980.5, 980.5, 980.5, 1),
    prefillTokensPerSecond: stat(1051.5, 1051.5, 1051.5, 1),
    decodeTokensPerSecond: stat(19.96, 19.96, 19.96, 1),
  },
];

// Answers with everything that breaks naive CSV and Markdown: commas, quotes, line breaks, pipes.
const scorecard: ScorecardRun[] = [
  {
    modelId: 'fixtures/tiny-qwen3',
    backend: 'wasm',
    dtype: 'q8',
    suiteName: 'Everyday tasks',
    finishedAt: '2026-11-25T07:30:00.000Z',
    results: [
      { taskId: 'sum-1', category: 'reasoning', passed: true, detail: 'expected 42, found 42', answer: 'It is "42",\r\nfinal.', ms: 120.5, promptTokens: 30, generatedTokens: 12 },
      { taskId: 'sum-2', category: 'reasoning', passed: false, detail: 'expected 7, found 8', answer: 'a | b\nc', ms: 99, promptTokens: 31, generatedTokens: 9 },
      { taskId: 'fr-1', category: 'translation', passed: true, detail: 'matched', answer: 'Bonjour', ms: 80, promptTokens: 20, generatedTokens: 3 },
    ],
  },
  {
    modelId: 'fixtures/tiny-glm',
    backend: 'wasm',
    dtype: 'q8',
    suiteName: 'Everyday tasks',
    finishedAt: '2026-11-25T07:40:00.000Z',
    results: [
      { taskId: 'sum-1', category: 'reasoning', passed: false, detail: 'expected 42, found 41', answer: '41', ms: 150, promptTokens: 30, generatedTokens: 2 },
      { taskId: 'fr-1', category: 'translation', passed: true, detail: 'matched', answer: 'Bonjour', ms: 70, promptTokens: 20, generatedTokens: 3 },
    ],
  },
];

function sampleDocument(): ResultsDocument {
  return buildResultsDocument({
    benchmark,
    scorecard,
    hardware: report,
    machine: machineFromReport(report),
    exportedAt: new Date('2026-11-25T08:00:00.000Z'),
  });
}

describe('the document', () => {
  it('names the machine from the hardware report', () => {
    expect(machineFromReport(report)).toEqual({
      label: 'Chromium 156 · Linux · 2 cores',
      userAgent: report.browser.userAgent,
      logicalCores: 2,
      deviceMemoryGB: 8,
      gpu: 'Google SwiftShader (fallback adapter)',
    });
    const noGpu = { ...report, webgpu: { available: false, reason: 'no-adapter', detail: 'none' } } as HardwareReport;
    expect(machineFromReport(noGpu).gpu).toBeNull();
  });

  it('dates its file names like its export time', () => {
    expect(resultsFileName(sampleDocument(), 'json')).toBe('results-2026-11-25.json');
    expect(resultsFileName(sampleDocument(), 'csv', 'benchmark')).toBe('results-benchmark-2026-11-25.csv');
  });
});

describe('JSON', () => {
  it('round-trips every field', () => {
    const document = sampleDocument();
    expect(parseResultsDocument(resultsJson(document))).toEqual({ ok: true, document });
  });

  it('reads a figure with no samples (NaN, written as null) back as NaN', () => {
    const document = sampleDocument();
    document.benchmark[0] = { ...document.benchmark[0], prefillTokensPerSecond: stat(NaN, NaN, NaN, 0) };
    const parsed = parseResultsDocument(resultsJson(document));
    expect(parsed.ok && parsed.document.benchmark[0].prefillTokensPerSecond.median).toBeNaN();
  });

  function errorOf(text: string): string {
    const parsed = parseResultsDocument(text);
    expect(parsed.ok).toBe(false);
    return parsed.ok ? '' : parsed.error;
  }

  function edited(edit: (data: any) => void): string {
    const data = JSON.parse(resultsJson(sampleDocument()));
    edit(data);
    return JSON.stringify(data);
  }

  it('says what is wrong with a file it cannot read, without throwing', () => {
    expect(errorOf('{"format": ')).toMatch(/^This file is not JSON \(/);
    expect(errorOf('[1, 2]')).toMatch(/not an On-Device Playground results file/);
    expect(errorOf('null')).toMatch(/not an On-Device Playground results file/);
    expect(errorOf(JSON.stringify(report))).toMatch(/looks like a hardware report/);
    expect(errorOf(edited((d) => (d.version = 2)))).toMatch(/format version 2; this app reads version 1/);
    expect(errorOf(edited((d) => delete d.benchmark[1].ttftMs.median))).toBe('Missing field "ttftMs.median" in benchmark row 2.');
    expect(errorOf(edited((d) => delete d.machine.label))).toBe('Missing field "label" in the machine.');
    expect(errorOf(edited((d) => (d.benchmark[0].backend = 'cuda')))).toBe(
      'Field "backend" in benchmark row 1 should be one of webgpu, wasm, but it is "cuda".',
    );
    expect(errorOf(edited((d) => (d.scorecard[1].results[0].passed = 'yes')))).toBe(
      'Field "passed" in scorecard run 2, task 1 should be true or false, but it is "yes".',
    );
    expect(errorOf(edited((d) => (d.benchmark = {})))).toBe('Field "benchmark" in the results file should be a list, but it is {}.');
    expect(errorOf(edited((d) => (d.scorecard[0] = 5)))).toBe('Scorecard run 1 should be an object, but it is 5.');
    expect(errorOf(edited((d) => delete d.hardware))).toBe('Missing field "hardware" in the results file.');
  });

  it('names a number too large for JSON as what it reads as, Infinity, not null', () => {
    // JSON has no Infinity; a file comes to hold one as 1e999, and JSON.parse reads that so.
    const with1e999 = (edit: (data: any) => void, sentinel: number) => edited(edit).replace(String(sentinel), '1e999');
    expect(errorOf(with1e999((d) => (d.machine.logicalCores = 123456), 123456))).toBe(
      'Field "logicalCores" in the machine should be a number or null, but it is Infinity.',
    );
    expect(errorOf(with1e999((d) => (d.benchmark[0].loadMs.median = -123456), 123456))).toBe(
      'Field "loadMs.median" in benchmark row 1 should be a number, but it is -Infinity.',
    );
    expect(errorOf(with1e999((d) => (d.benchmark[1] = 123456), 123456))).toBe('Benchmark row 2 should be an object, but it is Infinity.');
    expect(errorOf(with1e999((d) => (d.version = 123456), 123456))).toMatch(/^This results file is format version Infinity;/);
  });

  it('quotes at most the start of a long wrong value', () => {
    const error = errorOf(edited((d) => (d.scorecard[0] = 'x'.repeat(5_000))));
    expect(error).toMatch(/^Scorecard run 1 should be an object, but it is "x{70,80}…\.$/);
  });
});

describe('what a results file holds', () => {
  it('holds more than the most one visit records, with room to spare', () => {
    // Benchmark rows are one per model × backend × weights × prompt size; WASM runs the weights without f16.
    const onnx = CATALOG.filter((entry) => entry.engine === 'transformers').length;
    const cases = onnx * (3 + 5) + (CATALOG.length - onnx) + WEBLLM_CATALOG.length;
    expect(MAX_BENCHMARK_ROWS).toBeGreaterThanOrEqual(3 * cases * 3);
    expect(MAX_SCORECARD_RUNS).toBeGreaterThanOrEqual(2 * 2 * (CATALOG.length + WEBLLM_CATALOG.length));
    expect(MAX_TASKS_PER_RUN).toBeGreaterThanOrEqual(BUILTIN_SUITE.tasks.length + 500);
    expect(MAX_GPU_CHECKS).toBeGreaterThanOrEqual(3 * onnx * 5);
  });

  it('reads a file the app writes whole, saying nothing was left out', () => {
    const document = bigDocument(MAX_BENCHMARK_ROWS);
    const parsed = parseResultsDocument(resultsJson(document));
    expect(parsed).toEqual({ ok: true, document });
    expect(parsed.ok && 'leftOut' in parsed).toBe(false);
  });

  it('reads the first rows of a larger file and says how many it left out, and why', () => {
    const document = bigDocument(5_000);
    const parsed = parseResultsDocument(resultsJson(document));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.document.benchmark).toEqual(document.benchmark.slice(0, MAX_BENCHMARK_ROWS));
    expect(parsed.document.scorecard).toEqual(document.scorecard);
    expect(parsed.leftOut?.benchmarkRows).toEqual({ total: 5_000, read: 1_000 });
    expect(leftOutLines(parsed.leftOut!, 'file')).toEqual([
      'Showing the first 1,000 of 5,000 benchmark rows: a results file holds at most 1,000, so 4,000 rows were left out.',
    ]);
  });

  it('caps scorecard runs, tasks per run and GPU checks too, and does not check what it leaves out', () => {
    const data = JSON.parse(resultsJson(bigDocument(10)));
    const run = data.scorecard[0];
    const tasks = Array.from({ length: 700 }, (_, i) => ({ ...run.results[i % run.results.length], taskId: `t${i}` }));
    data.scorecard = Array.from({ length: 250 }, (_, i) => ({ ...run, results: i === 0 ? tasks : run.results.slice(0, 2) }));
    data.scorecard.push('not a run, and never read');
    data.gpuCorrectness = Array.from({ length: 250 }, () => ({ repoId: 'a/b', dtype: 'q4', positions: 10, agreeing: 9, agreement: 90, verdict: 'ok' }));
    const parsed = parseResultsDocument(JSON.stringify(data));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.document.scorecard).toHaveLength(MAX_SCORECARD_RUNS);
    expect(parsed.document.scorecard[0].results.map((t) => t.taskId)).toEqual(tasks.slice(0, MAX_TASKS_PER_RUN).map((t) => t.taskId));
    expect(parsed.document.gpuCorrectness).toHaveLength(MAX_GPU_CHECKS);
    expect(parsed.leftOut).toEqual({
      benchmarkRows: { total: 10, read: 10 },
      scorecardRuns: { total: 251, read: 200 },
      scorecardTasks: { total: 700 + 199 * 2, read: 600 + 199 * 2 },
      gpuChecks: { total: 250, read: 200 },
    });
    expect(leftOutLines(parsed.leftOut!, 'file')).toEqual([
      'Showing the first 200 of 251 scorecard runs: a results file holds at most 200, so 51 runs were left out.',
      'Showing 998 of 1,098 scorecard task results: a scorecard run holds at most 600, so 100 task results were left out.',
      'Showing the first 200 of 250 GPU correctness checks: a results file holds at most 200, so 50 checks were left out.',
    ]);
  });
});

describe('CSV', () => {
  it('quotes fields as RFC 4180 says and parses them back', () => {
    const rows = [['a', 'b,c', 'say "hi"', 'line\r\nbreak', '', 'lf\nonly']];
    const text = toCsv(rows);
    expect(text).toBe('a,"b,c","say ""hi""","line\r\nbreak",,"lf\nonly"\r\n');
    expect(parseCsv(text)).toEqual(rows);
    expect(parseCsv('x,y\ny,z')).toEqual([['x', 'y'], ['y', 'z']]);
    expect(() => parseCsv('"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('"a"b')).toThrow(CsvSyntaxError);
  });

  it('benchmark rows come back with the same numbers, at full precision', () => {
    const document = sampleDocument();
    const records = csvRecords(benchmarkCsv(document));
    expect(records).toHaveLength(2);
    records.forEach((record, i) => {
      const row = document.benchmark[i];
      expect(record).toMatchObject({ modelId: row.modelId, backend: row.backend, dtype: row.dtype, promptSize: row.promptSize });
      expect(Number(record.promptTokens)).toBe(row.promptTokens);
      for (const measure of BENCHMARK_MEASURES) {
        for (const part of ['median', 'min', 'max', 'n'] as const) {
          expect(Number(record[statColumn(measure.key, part)])).toBe(row[measure.key][part]);
        }
      }
    });
  });

  it('scorecard tasks keep their text exactly, and the summary counts per model and category', () => {
    const document = sampleDocument();
    const tasks = csvRecords(scorecardTasksCsv(document));
    expect(tasks.map((t) => [t.modelId, t.taskId, t.passed, t.answer, Number(t.ms)])).toEqual(
      document.scorecard.flatMap((run) => run.results.map((r) => [run.modelId, r.taskId, String(r.passed), r.answer, r.ms])),
    );
    const summary = csvRecords(scorecardSummaryCsv(document));
    expect(summary.map((s) => [s.modelId, s.category, Number(s.passed), Number(s.total), Number(s.passRate), Number(s.medianMs)])).toEqual([
      ['fixtures/tiny-qwen3', 'reasoning', 1, 2, 0.5, 109.75],
      ['fixtures/tiny-qwen3', 'translation', 1, 1, 1, 80],
      ['fixtures/tiny-glm', 'reasoning', 0, 1, 0, 150],
      ['fixtures/tiny-glm', 'translation', 1, 1, 1, 70],
    ]);
  });
});

describe('Markdown', () => {
  it('escapes pipes and line breaks in cells and parses them back', () => {
    const tables = parseMarkdownTables(`## T\n\n${markdownTable(['a', 'b'], [['x | y', 'back\\slash'], ['two\nlines', '']])}\n`);
    expect(tables).toEqual([{ heading: 'T', header: ['a', 'b'], rows: [['x | y', 'back\\slash'], ['two lines', '']] }]);
  });

  it('the report’s tables give back the document’s numbers as the screen rounds them', () => {
    const document = sampleDocument();
    const tables = parseMarkdownTables(resultsMarkdown(document));
    expect(tables.map((t) => t.heading)).toEqual(['Benchmark', 'Scorecard', 'Hardware']);

    const rows = tableRecords(tables[0]);
    rows.forEach((record, i) => {
      const row = document.benchmark[i];
      expect(record.Model).toBe(row.modelId);
      for (const measure of BENCHMARK_MEASURES) {
        const [, median, min, max] = /^([\d.]+)(?: \(([\d.]+)–([\d.]+)\))?$/.exec(record[measure.title])!;
        expect(Number(median)).toBe(Number(formatValue(row[measure.key].median, measure.unit)));
        if (min) expect([Number(min), Number(max)]).toEqual([row[measure.key].min, row[measure.key].max].map((v) => Number(formatValue(v, measure.unit))));
        else expect(row[measure.key].n === 1 || formatValue(row[measure.key].min, measure.unit) === formatValue(row[measure.key].max, measure.unit)).toBe(true);
      }
    });
    expect(rows[0]['Decode (tok/s)']).toBe('212.3 (200.0–231.0)');
    expect(rows[1]['First token (ms)']).toBe('981');

    const scoreRows = tableRecords(tables[1]);
    expect(scoreRows.map((r) => [r.Model, r.Category, Number(r.Passed), Number(r.Tasks), r['Pass rate']])).toEqual(
      scorecardSummary(document.scorecard).map((s) => [s.modelId, CATEGORY_LABELS[s.category], s.passed, s.total, `${Math.round((100 * s.passed) / s.total)}%`]),
    );
    expect(scoreRows.map((r) => r.Category)).toContain('Arithmetic and logic');

    const facts = Object.fromEntries(tables[2].rows);
    expect(facts.WASM).toBe('2 threads, SIMD');
    expect(facts.Browser).toBe('Chromium 156.0.8078.79 on Linux');
  });

  it('says so when a part was not run', () => {
    const empty = buildResultsDocument({ benchmark: [], scorecard: [], hardware: null, machine: machineFromReport(report) });
    const markdown = resultsMarkdown(empty);
    expect(markdown).toContain('No benchmark was run.');
    expect(markdown).toContain('No hardware report was taken.');
    expect(parseMarkdownTables(markdown)).toEqual([]);
  });

  it('shows one figure when repeats agree, as shown: no range of one value', () => {
    expect(formatStat(stat(5.56, 5.56, 5.56, 3), 'tok/s')).toBe('5.6');
    expect(formatStat(stat(10.4, 9.6, 11.2, 1), 'ms')).toBe('10');
    // Different samples that print the same: "6930 (6930–6930)" would say nothing.
    expect(formatStat(stat(6930.2, 6929.8, 6930.4, 3), 'ms')).toBe('6930');
    expect(formatStat(stat(6930.2, 6929.4, 6930.4, 3), 'ms')).toBe('6930 (6929–6930)');
  });
});

describe('comparison', () => {
  it('matches benchmark rows by model, backend, dtype and prompt size and divides second by first', () => {
    const first = sampleDocument();
    const second = sampleDocument();
    second.benchmark = [
      { ...benchmark[1], decodeTokensPerSecond: stat(39.92, 39.92, 39.92, 1) },
      { ...benchmark[0], promptSize: 'medium' },
    ];
    const rows = compareBenchmark(first, second);
    expect(rows.map((r) => [r.modelId, r.promptSize, r.first !== null, r.second !== null])).toEqual([
      ['fixtures/tiny-qwen3', 'short', true, false],
      ['fixtures/tiny-glm', 'long', true, true],
      ['fixtures/tiny-qwen3', 'medium', false, true],
    ]);
    expect(ratio(rows[1].first!.decodeTokensPerSecond.median, rows[1].second!.decodeTokensPerSecond.median)).toBe(2);
    expect(formatRatio(ratio(rows[0].first?.ttftMs.median, rows[0].second?.ttftMs.median))).toBe('–');
    expect(formatRatio(1)).toBe('1.00×');
  });

  it('matches scorecard summaries by model and category', () => {
    const second = sampleDocument();
    second.scorecard = [{ ...scorecard[0], results: scorecard[0].results.map((r) => ({ ...r, passed: true })) }];
    const rows = compareScorecard(sampleDocument(), second);
    expect(rows.map((r) => [r.modelId, r.category, passRateRatio(r)])).toEqual([
      ['fixtures/tiny-qwen3', 'reasoning', 2],
      ['fixtures/tiny-qwen3', 'translation', 1],
      ['fixtures/tiny-glm', 'reasoning', NaN],
      ['fixtures/tiny-glm', 'translation', NaN],
    ]);
  });

  it('lays the comparison out as one column group per machine and one of ratios', () => {
    const second = sampleDocument();
    second.machine = { ...second.machine, label: 'Laptop' };
    second.benchmark = [{ ...benchmark[0], decodeTokensPerSecond: stat(424.698, 1, 1000) }];
    const table = benchmarkComparisonTable({ name: 'This session', document: sampleDocument() }, { name: 'laptop.json', document: second });
    expect(table.groups).toEqual([
      { title: 'Case', span: 5 },
      { title: 'This session (Chromium 156 · Linux · 2 cores)', span: 3 },
      { title: 'laptop.json (Laptop)', span: 3 },
      { title: 'Ratio (second ÷ first)', span: 3 },
    ]);
    expect(table.header).toEqual(['Model', 'Engine', 'Backend', 'Dtype', 'Prompt', ...Array(3).fill(['First token (ms)', 'Prefill (tok/s)', 'Decode (tok/s)']).flat()]);
    expect(table.rows).toEqual([
      ['fixtures/tiny-qwen3', 'ONNX (transformers.js)', 'WASM', 'q8', 'short', '41', '1551.3', '212.3', '41', '1551.3', '424.7', '1.00×', '1.00×', '2.00×'],
      ['fixtures/tiny-glm', 'ONNX (transformers.js)', 'WebGPU', 'q4', 'long', '981', '1051.5', '20.0', '–', '–', '–', '–', '–', '–'],
    ]);
    const scores = scorecardComparisonTable({ name: 'a', document: sampleDocument() }, { name: 'b', document: second });
    expect(scores.rows[0]).toEqual(['fixtures/tiny-qwen3', 'ONNX (transformers.js)', 'Arithmetic and logic', '1/2 (50%)', '1/2 (50%)', '1.00×']);
  });
});
