// The fleet table from three machines' real-shaped results: one row per file × backend × weights
// with the medium-prompt medians, the scorecard of that backend, the GPU check where a file has
// one, an outlier marked with its reason, and CSV and Markdown that say what the rows say.
import { describe, expect, it } from 'vitest';
import {
  FLEET_HEADER,
  fleetCells,
  fleetCsv,
  fleetMarkdown,
  fleetModels,
  machineLine,
  type FleetRow,
} from '../../src/lib/export/fleet-table';
import { fleetDecodeChart } from '../../src/lib/charts/fleet-chart';
import { csvRecords } from '../../src/lib/export/csv';
import { parseMarkdownTables, tableRecords } from '../../src/lib/export/markdown-table';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';
import type { ResultsDocument } from '../../src/lib/results/result-types';
import { REALISTIC_MODEL } from './support/realistic-results';
import { teamDocuments } from './support/fleet-documents';

function mediumMedian(document: ResultsDocument, backend: string, measure: 'decodeTokensPerSecond' | 'prefillTokensPerSecond'): number {
  const row = document.benchmark.find((r) => r.backend === backend && r.promptSize === 'medium')!;
  return row[measure].median;
}

const key = (row: FleetRow) => `${row.source} ${row.backend}`;

describe('fleetModels', () => {
  it('merges three machines into one table for the model, a row per file and backend', () => {
    const team = teamDocuments();
    const models = fleetModels(team);
    expect(models.map((m) => m.modelId)).toEqual([REALISTIC_MODEL]);
    const rows = models[0].rows;
    expect(rows.map(key)).toEqual([
      'team-mac.json webgpu',
      'team-mac.json wasm',
      'team-desktop.json webgpu',
      'team-desktop.json wasm',
      'team-laptop.json webgpu',
      'team-laptop.json wasm',
    ]);
    for (const row of rows) {
      const { document } = team.find((t) => t.name === row.source)!;
      expect(row.machine).toBe(machineLine(document));
      expect(row.dtype).toBe(row.backend === 'webgpu' ? 'q4f16' : 'q8');
      // The medium prompt's median, not the short one's (which is faster) or an average over sizes.
      expect(row.decode).toBe(mediumMedian(document, row.backend, 'decodeTokensPerSecond'));
      expect(row.prefill).toBe(mediumMedian(document, row.backend, 'prefillTokensPerSecond'));
    }
    // The document's own machine line, then its GPU as the hardware report named it.
    expect(rows[0].machine).toMatch(/^Chrome 143 · macOS · 12 cores · Apple /);
    expect(rows[2].machine).toMatch(/^Chrome 143 · Windows · 16 cores · .*(nvidia|NVIDIA)/);
    expect(rows[4].machine).toMatch(/^Chrome 143 · Linux · 4 cores · .*\(fallback adapter\)$/);
    const noGpu = structuredClone(team[1].document);
    noGpu.machine.gpu = null;
    expect(machineLine(noGpu)).toBe('Chrome 143 · Windows · 16 cores · no WebGPU');

    // The scorecard ran on WebGPU only: its total belongs to the WebGPU rows.
    const tasks = team[0].document.scorecard[0].results;
    expect(rows[0].scorecard).toEqual({ passed: tasks.filter((t) => t.passed).length, total: tasks.length });
    expect(rows[1].scorecard).toBeNull();

    // GPU correctness where a file carries it, and only on the WebGPU row.
    expect(rows.map((r) => r.correctness?.verdict ?? null)).toEqual(['ok', null, null, null, 'warning', null]);
    expect(fleetCells(rows[0])[FLEET_HEADER.indexOf('GPU correctness')]).toBe('OK 99.8%');
    expect(fleetCells(rows[2])[FLEET_HEADER.indexOf('GPU correctness')]).toBe('–');
    expect(fleetCells(rows[4])[FLEET_HEADER.indexOf('GPU correctness')]).toBe('Warning 91.0%');
    expect(fleetCells(rows[0])[FLEET_HEADER.indexOf('Scorecard')]).toMatch(/^\d+\/\d+ \(\d+%\)$/);
    expect(fleetCells(rows[1])[FLEET_HEADER.indexOf('Scorecard')]).toBe('–');
  });

  it('leaves tasks a template could not be asked (no tool support) out of the scorecard total', () => {
    const team = teamDocuments();
    const run = team[0].document.scorecard[0];
    const [first, ...rest] = run.results;
    team[0].document.scorecard[0] = { ...run, results: [{ ...first, passed: false, unsupported: 'tools' }, ...rest] };
    const rows = fleetModels(team)[0].rows;
    expect(rows[0].scorecard).toEqual({ passed: rest.filter((t) => t.passed).length, total: rest.length });
  });

  it('reads the same rows from files that went through export and import', () => {
    const team = teamDocuments();
    const reread = team.map(({ name, document }) => {
      const parsed = parseResultsDocument(resultsJson(document));
      if (!parsed.ok) throw new Error(parsed.error);
      return { name, document: parsed.document };
    });
    expect(fleetModels(reread)).toEqual(fleetModels(team));
  });

  it('marks a decode speed below half the fleet median, with the reason in words', () => {
    const rows = fleetModels(teamDocuments())[0].rows;
    const marked = rows.filter((r) => r.outlier).map(key);
    // Laptop WebGPU decode is 0.25× the Mac's and 0.18× the desktop's: under half the median (the Mac's).
    expect(marked).toEqual(['team-laptop.json webgpu']);
    const laptop = rows[4];
    expect(laptop.outlier).toBe(
      `Decode ${laptop.decode.toFixed(1)} tok/s is below half the fleet median of ${rows[0].decode.toFixed(1)} tok/s for WebGPU q4f16 (3 machines).`,
    );
    expect(fleetCells(laptop).at(-1)).toBe(`Outlier: ${laptop.outlier}`);
    // Its WASM decode is 0.8× the Mac's: slower, but not an outlier.
    expect(rows[5].outlier).toBeNull();
  });

  it('calls no outlier with fewer than three machines, and none at exactly half', () => {
    const team = teamDocuments();
    expect(fleetModels([team[0], team[2]])[0].rows.every((r) => r.outlier === null)).toBe(true);

    const half = structuredClone(team);
    const macDecode = mediumMedian(half[0].document, 'webgpu', 'decodeTokensPerSecond');
    const desktopRow = half[1].document.benchmark.find((r) => r.backend === 'webgpu' && r.promptSize === 'medium')!;
    desktopRow.decodeTokensPerSecond.median = macDecode;
    const laptopRow = half[2].document.benchmark.find((r) => r.backend === 'webgpu' && r.promptSize === 'medium')!;
    laptopRow.decodeTokensPerSecond.median = macDecode / 2;
    expect(fleetModels(half)[0].rows[4].outlier).toBeNull();
    laptopRow.decodeTokensPerSecond.median = macDecode / 2 - 0.01;
    expect(fleetModels(half)[0].rows[4].outlier).toMatch(/^Decode /);
  });

  it('shows "–" for a file without a medium-prompt run, and leaves it out of the fleet median', () => {
    const team = teamDocuments();
    team[1].document.benchmark = team[1].document.benchmark.filter((r) => r.promptSize !== 'medium');
    const rows = fleetModels(team)[0].rows;
    expect(fleetCells(rows[2])[FLEET_HEADER.indexOf('Decode (tok/s)')]).toBe('–');
    // Two measured machines left on WebGPU: too few to call the laptop an outlier.
    expect(rows.every((r) => r.outlier === null)).toBe(true);
  });

  it('gives each model its own table when files benchmarked different models', () => {
    const team = teamDocuments();
    team[2].document.benchmark = team[2].document.benchmark.map((r) => ({ ...r, modelId: 'onnx-community/GLM-edge' }));
    team[2].document.scorecard = team[2].document.scorecard.map((r) => ({ ...r, modelId: 'onnx-community/GLM-edge' }));
    const models = fleetModels(team);
    expect(models.map((m) => [m.modelId, m.rows.length])).toEqual([
      [REALISTIC_MODEL, 4],
      ['onnx-community/GLM-edge', 2],
    ]);
  });
});

describe('fleet exports', () => {
  it('writes one CSV row per fleet row, at full precision, through the app’s CSV escaping', () => {
    const team = teamDocuments();
    team[1].name = '=HYPERLINK("http://x"),desk.json';
    const models = fleetModels(team);
    const rows = models[0].rows;
    const records = csvRecords(fleetCsv(models));
    expect(records).toHaveLength(6);
    records.forEach((record, i) => {
      expect(record.modelId).toBe(REALISTIC_MODEL);
      expect(record.machine).toBe(rows[i].machine);
      expect(record.backend).toBe(rows[i].backend);
      expect(record.promptSize).toBe('medium');
      expect(Number(record.decodeTokensPerSecond)).toBe(rows[i].decode);
      expect(Number(record.prefillTokensPerSecond)).toBe(rows[i].prefill);
      expect(record.outlier).toBe(rows[i].outlier ?? '');
    });
    // A file name a spreadsheet would run as a formula is written as text.
    expect(records[2].file).toBe(`'${team[1].name}`);
    expect(records[0].scorecardPassed).toBe(String(rows[0].scorecard!.passed));
    expect(Number(records[0].scorecardPassRate)).toBeCloseTo(rows[0].scorecard!.passed / rows[0].scorecard!.total, 12);
    expect(records[1].scorecardTotal).toBe('');
    expect([records[0].gpuAgreement, records[0].gpuVerdict, records[2].gpuVerdict]).toEqual(['99.8', 'ok', '']);
  });

  it('writes Markdown with a table per model whose cells are the screen’s', () => {
    const team = teamDocuments();
    team[0].name = 'mac | office.json';
    const models = fleetModels(team);
    const markdown = fleetMarkdown(models);
    expect(markdown).toContain('3 results files. Speeds are medians at the medium prompt size');
    const tables = parseMarkdownTables(markdown);
    expect(tables.map((t) => t.heading)).toEqual([REALISTIC_MODEL]);
    expect(tables[0].header).toEqual([...FLEET_HEADER]);
    expect(tables[0].rows).toEqual(models[0].rows.map(fleetCells));
    expect(tableRecords(tables[0])[0].File).toBe('mac | office.json');
  });

  it('draws decode per file, a series per backend, and names the outlier in the chart summary', () => {
    const model = fleetModels(teamDocuments())[0];
    const chart = fleetDecodeChart(model);
    expect(chart.labels).toEqual(['team-mac.json', 'team-desktop.json', 'team-laptop.json']);
    expect(chart.series.map((s) => s.name)).toEqual(['WebGPU q4f16', 'WASM q8']);
    expect(chart.series[0].values).toEqual([model.rows[0].decode, model.rows[2].decode, model.rows[4].decode]);
    expect(chart.summary).toMatch(/Fastest: team-desktop\.json, WebGPU q4f16, [\d.]+ tok\/s\. Outliers: team-laptop\.json \(WebGPU q4f16\)\.$/);
    expect(chart.series[0].tooltips![2]).toMatch(/— outlier$/);
  });
});
