// The engine travels with every result: a row taken on llama.cpp stays a llama.cpp row through the
// JSON file, the link and the fleet table, apart from the same model's ONNX rows; files and links
// written before the engine was recorded still read, their rows on the engine their model loads with.
import { describe, expect, it } from 'vitest';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';
import { fromLinkPayload, toLinkPayload } from '../../src/lib/export/results-link';
import { FLEET_HEADER, fleetCells, fleetCsv, fleetModels } from '../../src/lib/export/fleet-table';
import { fleetDecodeChart } from '../../src/lib/charts/fleet-chart';
import { csvRecords } from '../../src/lib/export/csv';
import { recordedEngine } from '../../src/lib/results/result-engine';
import { engineOfModel } from '../../src/lib/models/model-engine';
import type { BenchmarkRow, ResultsDocument } from '../../src/lib/results/result-types';
import { realisticDocument, REALISTIC_MODEL } from './support/realistic-results';

/** The same model id benchmarked on onnxruntime and on llama.cpp, same backend and weights label. */
function twoEngineDocument(): ResultsDocument {
  const document = realisticDocument();
  const onnx = document.benchmark.filter((row) => row.backend === 'wasm').map((row): BenchmarkRow => ({ ...row, engine: 'transformers' }));
  const gguf = onnx.map((row): BenchmarkRow => ({
    ...row,
    engine: 'llamacpp',
    decodeTokensPerSecond: { ...row.decodeTokensPerSecond, median: row.decodeTokensPerSecond.median * 1.4 },
  }));
  document.benchmark = [...onnx, ...gguf];
  document.scorecard = document.scorecard.map((run) => ({ ...run, engine: 'llamacpp' }));
  return document;
}

describe('the engine in results', () => {
  it('goes through the JSON file and back, and a file naming an unknown engine is refused by field', () => {
    const document = twoEngineDocument();
    const read = parseResultsDocument(resultsJson(document));
    if (!read.ok) throw new Error(read.error);
    expect(read.document.benchmark.map((row) => row.engine)).toEqual(document.benchmark.map((row) => row.engine));
    expect(read.document.scorecard[0].engine).toBe('llamacpp');

    const bad = JSON.parse(resultsJson(document));
    bad.benchmark[0].engine = 'ollama';
    const refused = parseResultsDocument(JSON.stringify(bad));
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/Field "engine" in benchmark row 1 should be one of transformers, webllm, llamacpp, but it is "ollama"/) });
  });

  it('goes through a link and back', () => {
    const document = twoEngineDocument();
    const read = fromLinkPayload(JSON.parse(JSON.stringify(toLinkPayload(document))));
    if (!read.ok) throw new Error(read.error);
    expect(read.document.benchmark.map((row) => row.engine)).toEqual(document.benchmark.map((row) => row.engine));
    expect(read.document.scorecard.map((run) => run.engine)).toEqual(['llamacpp']);

    const payload = JSON.parse(JSON.stringify(toLinkPayload(document)));
    payload.b[0][payload.b[0].length - 1] = 'mlx';
    expect(fromLinkPayload(payload)).toEqual({ ok: false, error: expect.stringMatching(/benchmark row 1, engine should be one of transformers, webllm, llamacpp, but it is "mlx"/) });
  });

  it('reads files and links from before the engine was recorded, each row on the engine its model loads with', () => {
    const old = realisticDocument();
    old.benchmark.push({ ...old.benchmark[0], modelId: 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC' });
    for (const row of old.benchmark) expect(row.engine).toBeUndefined();
    const read = parseResultsDocument(resultsJson(old));
    if (!read.ok) throw new Error(read.error);
    expect(read.document.benchmark.map(recordedEngine)).toEqual([...old.benchmark.slice(0, -1).map(() => 'transformers'), 'webllm']);

    // A version 2 link: the same cells, with no engine at the end.
    const v3 = toLinkPayload(old);
    const v2 = { ...v3, v: 2, b: v3.b.map((cells) => cells.slice(0, -1)), s: v3.s.map((cells) => cells.slice(0, -1)) };
    const fromV2 = fromLinkPayload(JSON.parse(JSON.stringify(v2)));
    if (!fromV2.ok) throw new Error(fromV2.error);
    expect(fromV2.document.benchmark).toEqual(old.benchmark);
    expect(fromV2.document.benchmark.map(recordedEngine).at(-1)).toBe('webllm');
  });

  it('makes its own fleet rows, named in the table, the CSV and the chart, and GGUF ids record llama.cpp', () => {
    const document = twoEngineDocument();
    document.scorecard = [];
    const rows = fleetModels([{ name: 'laptop.json', document }])[0].rows;
    expect(rows.map((row) => `${row.engine} ${row.backend} ${row.dtype}`)).toEqual(['transformers wasm q8', 'llamacpp wasm q8']);
    expect(rows[1].decode).toBeCloseTo(rows[0].decode * 1.4, 6);
    expect(rows.map((row) => fleetCells(row)[FLEET_HEADER.indexOf('Engine')])).toEqual(['ONNX (transformers.js)', 'llama.cpp (GGUF)']);
    const csv = csvRecords(fleetCsv([{ modelId: REALISTIC_MODEL, rows }]));
    expect(csv.map((record) => record.engine)).toEqual(['transformers', 'llamacpp']);
    expect(fleetDecodeChart({ modelId: REALISTIC_MODEL, rows }).series.map((s) => s.name)).toEqual(['WASM q8', 'llama.cpp (GGUF) WASM q8']);

    expect(engineOfModel('Qwen/Qwen3-0.6B-GGUF')).toBe('llamacpp');
    expect(engineOfModel('someone/my-finetune-GGUF')).toBe('llamacpp');
    expect(engineOfModel('mlc-ai/Qwen3-0.6B-q4f16_1-MLC')).toBe('webllm');
    expect(engineOfModel(REALISTIC_MODEL)).toBe('transformers');
  });
});
