// Importing a team's files at once: each bad file is named with what is wrong (and where, for
// broken JSON) while the good ones still come in; the same results twice come in once, with a
// note; a file far too large is not read at all; the optional GPU correctness field is checked.
import { describe, expect, it } from 'vitest';
import { importResultsFiles, MAX_IMPORT_BYTES, type ResultsFile } from '../../src/lib/export/results-import';
import { jsonErrorPosition } from '../../src/lib/export/json-error-position';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';
import { teamDocuments } from './support/fleet-documents';
import { bigDocument } from './support/big-results';
import { fleetModels, fleetRowCount } from '../../src/lib/export/fleet-table';
import { MAX_BENCHMARK_ROWS, leftOutLines } from '../../src/lib/results/results-limits';
import type { ResultsDocument } from '../../src/lib/results/result-types';

function file(name: string, text: string): ResultsFile {
  return { name, size: text.length, text: async () => text };
}

function teamFiles(): ResultsFile[] {
  return teamDocuments().map(({ name, document }) => file(name, resultsJson(document)));
}

describe('importResultsFiles', () => {
  it('names each bad file and still imports the good ones, in order', async () => {
    const [mac, desktop, laptop] = teamFiles();
    const outcome = await importResultsFiles([
      mac,
      file('team-a.json', '{"machine": {}, "benchmark": []}'),
      desktop,
      file('b.json', 'exported on Tuesday'),
      file('c.json', '{\n  "format": "on-device-playground/results",\n  "version": 1,\n  "exportedAt": "2026-12-02T10:00:00Z",\n}\n'),
      laptop,
    ]);
    expect(outcome.added.map((f) => f.name)).toEqual(['team-mac.json', 'team-desktop.json', 'team-laptop.json']);
    expect(outcome.errors).toHaveLength(3);
    expect(outcome.errors[0]).toBe(
      'team-a.json: This is not an On-Device Playground results file (it has no "format": "on-device-playground/results").',
    );
    expect(outcome.errors[1]).toMatch(/^b\.json: This file is not JSON \(line 1, column 1: /);
    // The trailing comma: the closing brace on line 5 is where the text stops being JSON.
    expect(outcome.errors[2]).toMatch(/^c\.json: This file is not JSON \(line 5, column 1: /);
    expect(outcome.notes).toEqual([]);
  });

  it('imports the same results once, with a note, whatever the spacing or the name', async () => {
    const [mac, desktop] = teamFiles();
    const macText = await mac.text();
    const compact = file('mac-copy.json', JSON.stringify(JSON.parse(macText)));
    const first = await importResultsFiles([mac, desktop, compact]);
    expect(first.added.map((f) => f.name)).toEqual(['team-mac.json', 'team-desktop.json']);
    expect(first.notes).toEqual(['mac-copy.json: the same results as team-mac.json; imported once, as team-mac.json.']);
    expect(first.errors).toEqual([]);

    // Dropped again later: checked against what is already in.
    const again = await importResultsFiles([mac], first.added);
    expect(again.added).toEqual([]);
    expect(again.notes).toEqual(['team-mac.json: already imported with the same results; it is shown once.']);

    // One changed figure is different results.
    const edited = JSON.parse(macText);
    edited.benchmark[0].decodeTokensPerSecond.median += 0.1;
    expect((await importResultsFiles([file('edited.json', JSON.stringify(edited))], first.added)).added).toHaveLength(1);
  });

  it('does not read a file far larger than any results file', async () => {
    let read = false;
    const huge: ResultsFile = { name: 'video.mp4', size: MAX_IMPORT_BYTES + 1, text: async () => ((read = true), '') };
    const outcome = await importResultsFiles([huge, ...teamFiles().slice(0, 1)]);
    expect(read).toBe(false);
    expect(outcome.errors).toEqual(['video.mp4: at 20 MB this is far larger than any results file; it was not read.']);
    expect(outcome.added).toHaveLength(1);
  });

  it('reads the first rows of a file larger than the app writes, and keeps what it left out with the file', async () => {
    const document = bigDocument(5_000);
    const outcome = await importResultsFiles([file('rig.json', resultsJson(document))]);
    const [added] = outcome.added;
    expect(added.document.benchmark).toEqual(document.benchmark.slice(0, MAX_BENCHMARK_ROWS));
    expect(leftOutLines(added.leftOut, 'file')).toEqual([
      'Showing the first 1,000 of 5,000 benchmark rows: a results file holds at most 1,000, so 4,000 rows were left out.',
    ]);
    // A file that agrees up to the limit but holds more beyond it is other results.
    const longer = await importResultsFiles([file('rig-more.json', resultsJson(bigDocument(6_000)))], outcome.added);
    expect(longer.added.map((f) => f.name)).toEqual(['rig-more.json']);
    // A file the app writes is read whole.
    expect((await importResultsFiles(teamFiles().slice(0, 1))).added[0].leftOut).toBeNull();
  });

  it('makes one fleet row per model, backend and weights, however many rows a file has', async () => {
    // 10,000 rows of repeated runs over 2 models × 2 backends × 4 weights: 16 fleet rows.
    const base = teamDocuments()[0].document.benchmark[0];
    const benchmark = Array.from({ length: 10_000 }, (_, i) => ({
      ...base,
      modelId: `org/model-${i % 2}`,
      backend: (['wasm', 'webgpu'] as const)[(i >> 1) % 2],
      dtype: (['q8', 'q4', 'fp16', 'fp32'] as const)[(i >> 2) % 4],
      promptSize: (['short', 'medium', 'long'] as const)[i % 3],
    }));
    const document: ResultsDocument = { ...teamDocuments()[0].document, benchmark, scorecard: [] };
    const [added] = (await importResultsFiles([file('repeats.json', resultsJson(document))])).added;
    expect(added.document.benchmark).toHaveLength(MAX_BENCHMARK_ROWS);
    expect(fleetRowCount(added.document)).toBe(16);
    expect(fleetModels([added]).flatMap((model) => model.rows)).toHaveLength(16);
  });

  it('names a file the browser could not read', async () => {
    const broken: ResultsFile = { name: 'gone.json', size: 10, text: async () => Promise.reject(new Error('NotReadableError')) };
    expect((await importResultsFiles([broken])).errors).toEqual(['gone.json: the file could not be read (NotReadableError).']);
  });
});

describe('the optional gpuCorrectness field', () => {
  const withChecks = (checks: unknown) => {
    const data = JSON.parse(resultsJson(teamDocuments()[1].document));
    data.gpuCorrectness = checks;
    return parseResultsDocument(JSON.stringify(data));
  };
  const check = { repoId: 'onnx-community/Qwen3-0.6B-ONNX', dtype: 'q4f16', positions: 256, agreeing: 250, agreement: 97.65625, verdict: 'ok' };

  it('is read back when present and left out when absent', () => {
    const read = withChecks([check]);
    expect(read.ok && read.document.gpuCorrectness).toEqual([check]);
    const plain = parseResultsDocument(resultsJson(teamDocuments()[1].document));
    expect(plain.ok && 'gpuCorrectness' in plain.document).toBe(false);
    const flat = { ...check, agreeing: 1, agreement: 0.390625, verdict: 'warning', sameTokenPositions: 256 };
    const flagged = withChecks([flat]);
    expect(flagged.ok && flagged.document.gpuCorrectness).toEqual([flat]);
  });

  it('says which check and field is wrong', () => {
    const errorOf = (checks: unknown) => {
      const read = withChecks(checks);
      return read.ok ? 'read' : read.error;
    };
    expect(errorOf({})).toBe('Field "gpuCorrectness" in the results file should be a list, but it is {}.');
    expect(errorOf([check, { ...check, verdict: 'bad' }])).toBe(
      'Field "verdict" in GPU correctness check 2 should be one of ok, warning, but it is "bad".',
    );
    expect(errorOf([{ ...check, agreement: 0.97 * 200 }])).toMatch(/^Field "agreement" in GPU correctness check 1 should be a percentage from 0 to 100/);
    expect(errorOf([{ ...check, agreeing: 300 }])).toMatch(/^Field "agreeing" in GPU correctness check 1 should be a count from 0 to the 256/);
    expect(errorOf([{ ...check, sameTokenPositions: 257 }])).toMatch(/^Field "sameTokenPositions" in GPU correctness check 1 should be a count from 0 to the 256/);
    const { positions: _, ...noPositions } = check;
    expect(errorOf([noPositions])).toBe('Missing field "positions" in GPU correctness check 1.');
  });
});

describe('jsonErrorPosition', () => {
  it('finds the first character that breaks the grammar', () => {
    expect(jsonErrorPosition('{"a": [1, 2, 3]}')).toBeNull();
    expect(jsonErrorPosition('  "text with \\u00e9 and \\n" ')).toBeNull();
    // "n" could start null: the "o" after it is the first wrong character, as JSON.parse says too.
    expect(jsonErrorPosition('not json')).toEqual({ line: 1, column: 2 });
    expect(jsonErrorPosition('exported on Tuesday')).toEqual({ line: 1, column: 1 });
    expect(jsonErrorPosition('{\n  "a": 1,\n  "b": tru\n}')).toEqual({ line: 3, column: 11 });
    expect(jsonErrorPosition('{"a": 01}')).toEqual({ line: 1, column: 8 });
    expect(jsonErrorPosition('{"a": 1} x')).toEqual({ line: 1, column: 10 });
    // Cut short: the position is the end of the text.
    expect(jsonErrorPosition('{\n"format": ')).toEqual({ line: 2, column: 11 });
    expect(jsonErrorPosition('"line\nbreak"')).toEqual({ line: 1, column: 6 });
  });

  it('agrees with JSON.parse on what is JSON', () => {
    for (const text of ['[]', '{}', '-0.5e+3', 'null', '[1,]', '{"a":1,}', "{'a':1}", '[1 2]', '"\\x"', '1.', '.5', '']) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(jsonErrorPosition(text) === null, text).toBe(parses);
    }
  });
});
