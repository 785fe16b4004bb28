// The results view's state: a shared link is shown instead of this session's results until closed;
// imported files join the comparison (bad ones each get their own error); the permalink is offered
// even when the clipboard refuses it.
import { describe, expect, it } from 'vitest';
import { ResultsSharing } from '../../src/state/results-sharing.svelte';
import { SessionResults } from '../../src/state/session-results.svelte';
import { HardwareReportState } from '../../src/state/hardware-report.svelte';
import { resultsJson } from '../../src/lib/export/results-json';
import { parseCsv } from '../../src/lib/export/csv';
import type { BenchmarkRow } from '../../src/lib/results/result-types';

const stat = (v: number) => ({ median: v, min: v, max: v, n: 1 });
function row(modelId: string, decode: number): BenchmarkRow {
  return {
    modelId,
    backend: 'wasm',
    dtype: 'q8',
    promptSize: 'short',
    promptTokens: 64,
    newTokens: 128,
    loadMs: stat(500),
    ttftMs: stat(40),
    prefillTokensPerSecond: stat(1000),
    decodeTokensPerSecond: stat(decode),
  };
}

function setup(clipboard?: { writeText(text: string): Promise<void> }) {
  const results = new SessionResults();
  const sharing = new ResultsSharing(results, new HardwareReportState(async () => { throw new Error('unused'); }), () => clipboard);
  return { results, sharing };
}

describe('ResultsSharing', () => {
  it('exports this session’s rows and compares them with an imported file', async () => {
    const { results, sharing } = setup();
    results.addBenchmarkRows([row('fixtures/a', 100)]);
    expect(sharing.readOnly).toBe(false);
    expect(sharing.sources.map((s) => s.name)).toEqual(['This session']);
    expect(sharing.comparison).toBeNull();

    const csv = parseCsv(sharing.exportFile('benchmark-csv').text);
    expect(csv[1].slice(0, 2)).toEqual(['fixtures/a', 'transformers']);

    const other = JSON.parse(sharing.exportFile('json').text);
    other.benchmark[0].decodeTokensPerSecond.median = 50;
    await sharing.importFiles([
      new File([JSON.stringify(other)], 'laptop.json'),
      new File(['not json'], 'notes.txt'),
      new File(['{"format":"on-device-playground/results","version":3}'], 'future.json'),
    ]);
    expect(sharing.importErrors).toEqual([
      expect.stringMatching(/^notes\.txt: This file is not JSON/),
      expect.stringMatching(/^future\.json: This results file is format version 3/),
    ]);
    expect(sharing.comparison?.first.name).toBe('This session');
    expect(sharing.comparison?.second.name).toBe('laptop.json');
    expect(sharing.comparison?.second.document.benchmark[0].decodeTokensPerSecond.median).toBe(50);

    sharing.removeImport(sharing.imported[0].id);
    expect(sharing.comparison).toBeNull();
  });

  it('shows a shared link’s results read-only until closed, and says when a link is damaged', async () => {
    const { results, sharing } = setup({ writeText: async () => {} });
    results.addBenchmarkRows([row('fixtures/shared', 77)]);
    await sharing.copyPermalink('http://localhost:4173/');
    expect(sharing.copyState).toBe('copied');
    const link = new URL(sharing.link!);

    const viewer = setup().sharing;
    await viewer.openFragment(link.hash);
    expect(viewer.readOnly).toBe(true);
    expect(viewer.shown.benchmark.map((r) => r.modelId)).toEqual(['fixtures/shared']);
    expect(viewer.exportFile('json').text).toContain('fixtures/shared');
    viewer.closeShared();
    await Promise.resolve();
    expect(viewer.readOnly).toBe(false);
    expect(viewer.shown.benchmark).toEqual([]);

    await viewer.openFragment(link.hash.slice(0, 40));
    expect(viewer.sharedStatus).toBe('error');
    expect(viewer.sharedError).toMatch(/damaged/);
    expect(viewer.readOnly).toBe(false);
  });

  it('still offers the link when the clipboard refuses it', async () => {
    const { results, sharing } = setup({ writeText: () => Promise.reject(new Error('NotAllowedError')) });
    results.addBenchmarkRows([row('fixtures/a', 1)]);
    await sharing.copyPermalink('http://localhost:4173/?view=results');
    expect(sharing.copyState).toBe('denied');
    expect(sharing.link).toMatch(/^http:\/\/localhost:4173\/\?view=results#results=/);
  });
});
