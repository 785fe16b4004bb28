// Every results table and CSV file says which engine took each row: the same model measured on
// onnxruntime and on llama.cpp reads as two rows, each named, on screen, in the Markdown report, in
// the CSV files and in a comparison of two machines. Rows from files written before the engine was
// recorded show the engine their model id loads with.
import { describe, expect, it } from 'vitest';
import type { BenchmarkRow, ResultsDocument, ScorecardRun } from '../../src/lib/results/result-types';
import { benchmarkTable, scorecardSummary, scorecardSummaryTable } from '../../src/lib/export/results-tables';
import { benchmarkCsv, scorecardSummaryCsv, scorecardTasksCsv } from '../../src/lib/export/results-csv';
import { benchmarkComparisonTable, compareBenchmark, compareScorecard, scorecardComparisonTable } from '../../src/lib/export/comparison';
import { resultsMarkdown } from '../../src/lib/export/results-markdown';
import { parseMarkdownTables, tableRecords } from '../../src/lib/export/markdown-table';
import { csvRecords } from '../../src/lib/export/csv';
import { speedChartData } from '../../src/lib/benchmark/chart-data';
import { realisticDocument, REALISTIC_MODEL } from './support/realistic-results';

/** One ONNX row and one llama.cpp row of the same model id, backend and weights label, and a WebLLM row recorded before engines were. */
function threeEngineDocument(): ResultsDocument {
  const document = realisticDocument();
  const base = document.benchmark.find((row) => row.backend === 'wasm')!;
  const onnx: BenchmarkRow = { ...base, engine: 'transformers' };
  const gguf: BenchmarkRow = { ...base, engine: 'llamacpp', decodeTokensPerSecond: { ...base.decodeTokensPerSecond, median: 9.5 } };
  const { engine: _none, ...oldWebllm } = { ...base, modelId: 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC', backend: 'webgpu' as const, dtype: 'q4f16' as const, engine: undefined };
  document.benchmark = [onnx, gguf, oldWebllm];
  const run = document.scorecard[0]!;
  const onnxRun: ScorecardRun = { ...run, engine: 'transformers' };
  const ggufRun: ScorecardRun = { ...run, engine: 'llamacpp', results: run.results.map((task) => ({ ...task, passed: false })) };
  document.scorecard = [onnxRun, ggufRun];
  return document;
}

describe('the engine column', () => {
  it('names each benchmark row’s engine in the table people read, older rows by the engine their id loads with', () => {
    const table = benchmarkTable(threeEngineDocument().benchmark);
    expect(table.header.slice(0, 3)).toEqual(['Model', 'Engine', 'Backend']);
    expect(table.rows.map((row) => row[1])).toEqual(['ONNX (transformers.js)', 'llama.cpp (GGUF)', 'WebLLM (MLC)']);
  });

  it('keeps a model’s scorecard on two engines apart, one summary row per engine and category', () => {
    const document = threeEngineDocument();
    const summary = scorecardSummary(document.scorecard);
    const categories = new Set(document.scorecard[0]!.results.map((task) => task.category)).size;
    expect(summary).toHaveLength(2 * categories);
    expect(summary.filter((row) => row.engine === 'llamacpp').every((row) => row.passed === 0 && row.runs === 1)).toBe(true);
    expect(summary.filter((row) => row.engine === 'transformers').some((row) => row.passed > 0)).toBe(true);
    const table = scorecardSummaryTable(document.scorecard);
    expect(table.header.slice(0, 3)).toEqual(['Model', 'Engine', 'Category']);
    expect(new Set(table.rows.map((row) => row[1]))).toEqual(new Set(['ONNX (transformers.js)', 'llama.cpp (GGUF)']));
  });

  it('is in the Markdown report’s tables', () => {
    const tables = parseMarkdownTables(resultsMarkdown(threeEngineDocument()));
    expect(tableRecords(tables[0]!).map((record) => record.Engine)).toEqual(['ONNX (transformers.js)', 'llama.cpp (GGUF)', 'WebLLM (MLC)']);
    expect(new Set(tableRecords(tables[1]!).map((record) => record.Engine))).toEqual(new Set(['ONNX (transformers.js)', 'llama.cpp (GGUF)']));
  });

  it('is in the benchmark, scorecard tasks and scorecard summary CSV files, as the engine’s id', () => {
    const document = threeEngineDocument();
    const bench = csvRecords(benchmarkCsv(document));
    expect(bench.map((record) => [record.modelId, record.engine, record.backend])).toEqual([
      [REALISTIC_MODEL, 'transformers', 'wasm'],
      [REALISTIC_MODEL, 'llamacpp', 'wasm'],
      ['mlc-ai/Qwen3-0.6B-q4f16_1-MLC', 'webllm', 'webgpu'],
    ]);
    const tasks = csvRecords(scorecardTasksCsv(document));
    const perRun = document.scorecard[0]!.results.length;
    expect(tasks.map((record) => record.engine)).toEqual([...Array(perRun).fill('transformers'), ...Array(perRun).fill('llamacpp')]);
    const summary = csvRecords(scorecardSummaryCsv(document));
    expect(summary.filter((record) => record.engine === 'llamacpp').every((record) => record.passed === '0')).toBe(true);
    expect(new Set(summary.map((record) => record.engine))).toEqual(new Set(['transformers', 'llamacpp']));
  });

  it('matches rows of two machines by engine too, and names it in the comparison tables', () => {
    const first = threeEngineDocument();
    const second = threeEngineDocument();
    second.benchmark = second.benchmark.filter((row) => row.engine === 'llamacpp');
    second.scorecard = second.scorecard.filter((run) => run.engine === 'llamacpp');
    const rows = compareBenchmark(first, second);
    expect(rows.map((row) => [row.engine, row.first !== null, row.second !== null])).toEqual([
      ['transformers', true, false],
      ['llamacpp', true, true],
      ['webllm', true, false],
    ]);
    expect(compareScorecard(first, second).every((row) => (row.engine === 'llamacpp') === (row.second !== null))).toBe(true);

    const table = benchmarkComparisonTable({ name: 'a', document: first }, { name: 'b', document: second });
    expect(table.groups?.[0]).toEqual({ title: 'Case', span: 5 });
    expect(table.header.slice(0, 2)).toEqual(['Model', 'Engine']);
    expect(table.rows.map((row) => row[1])).toEqual(['ONNX (transformers.js)', 'llama.cpp (GGUF)', 'WebLLM (MLC)']);
    const scores = scorecardComparisonTable({ name: 'a', document: first }, { name: 'b', document: second });
    expect(scores.header.slice(0, 3)).toEqual(['Model', 'Engine', 'Category']);
  });

  it('tells the two engines apart in the speed chart’s bar labels, ONNX rows named as before', () => {
    const labels = speedChartData(threeEngineDocument().benchmark).labels;
    expect(labels[0]).toBe('Qwen3-0.6B-ONNX · WASM · short');
    expect(labels[1]).toBe('Qwen3-0.6B-ONNX · llama.cpp WASM · short');
    expect(labels[2]).toBe('Qwen3-0.6B-q4f16_1-MLC · WebLLM WebGPU · short');
  });
});
