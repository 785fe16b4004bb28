// A tool task the model could not be asked (no tool support in its template) is its own verdict in
// every export: left out of pass rates, counted apart, and read back from JSON and from a link.
import { describe, expect, it } from 'vitest';
import { realisticDocument } from './support/realistic-results';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';
import { fromLinkPayload, toLinkPayload } from '../../src/lib/export/results-link';
import { scorecardSummaryCsv, scorecardTasksCsv } from '../../src/lib/export/results-csv';
import { scorecardSummary, scorecardSummaryTable } from '../../src/lib/export/results-tables';
import { categoryCounts, scorecardChartData } from '../../src/lib/charts/scorecard-chart';
import type { ResultsDocument } from '../../src/lib/results/result-types';

/** The realistic run with every tool task marked as not asked. */
function withoutToolSupport(): ResultsDocument {
  const document = realisticDocument();
  const [run] = document.scorecard;
  run.results = run.results.map((r) =>
    r.category === 'tools' ? { ...r, passed: false, unsupported: 'tools' as const, detail: 'no tool support in its template', answer: '', ms: 0, promptTokens: 0, generatedTokens: 0 } : r,
  );
  return document;
}

describe('tasks not asked for lack of tool support', () => {
  const document = withoutToolSupport();
  const toolCount = document.scorecard[0].results.filter((r) => r.category === 'tools').length;

  it('are left out of the pass rate and counted apart', () => {
    const tools = scorecardSummary(document.scorecard).find((row) => row.category === 'tools')!;
    expect(toolCount).toBeGreaterThanOrEqual(5);
    expect(tools).toMatchObject({ passed: 0, total: 0, unsupported: toolCount });
    const table = scorecardSummaryTable(document.scorecard);
    expect(table.header).toContain('Not asked');
    expect(table.rows.find((row) => row[2] === 'Tool calling (agents)')).toEqual(['qwen3-0.6b', 'ONNX (transformers.js)', 'Tool calling (agents)', '0', '0', '–', String(toolCount), '–', '1'].map((cell, i) => (i === 0 ? document.scorecard[0].modelId : cell)));
    // No column for it when every task was asked.
    expect(scorecardSummaryTable(realisticDocument().scorecard).header).not.toContain('Not asked');
  });

  it('show in the CSV files as their own verdict and count', () => {
    const tasks = scorecardTasksCsv(document).split('\r\n');
    expect(tasks[0]).toContain('passed,verdict,detail');
    const toolRow = tasks.find((line) => line.includes('tool-order-status'))!;
    expect(toolRow).toContain('false,no tool support,no tool support in its template');
    const summary = scorecardSummaryCsv(document).split('\r\n');
    expect(summary[0]).toBe('modelId,engine,category,passed,total,passRate,notAsked,medianMs,runs');
    expect(summary.find((line) => line.includes(',tools,'))).toContain(`,tools,0,0,,${toolCount},`);
  });

  it('come back from the JSON file and from a results link', () => {
    const fromJson = parseResultsDocument(resultsJson(document));
    expect(fromJson.ok && fromJson.document.scorecard[0].results.filter((r) => r.unsupported === 'tools')).toHaveLength(toolCount);
    const fromLink = fromLinkPayload(JSON.parse(JSON.stringify(toLinkPayload(document))));
    if (!fromLink.ok) throw new Error(fromLink.error);
    const linked = fromLink.document.scorecard[0].results.filter((r) => r.category === 'tools');
    expect(linked.every((r) => r.unsupported === 'tools' && !r.passed && r.detail === 'no tool support in its template')).toBe(true);
    // A file from before tool tasks has no such field, and an unknown value is named.
    const bad = JSON.parse(resultsJson(document));
    bad.scorecard[0].results[0].unsupported = 'vision';
    expect(parseResultsDocument(JSON.stringify(bad))).toMatchObject({ ok: false, error: expect.stringContaining('"unsupported"') });
  });

  it('draw no bar, with a tooltip that says why', () => {
    const chart = scorecardChartData(categoryCounts(document.scorecard.map((run) => ({ modelId: run.modelId, results: run.results }))));
    const at = chart.labels.indexOf('Tool calling (agents)');
    expect(chart.series[0].values[at]).toBeNull();
    expect(chart.series[0].tooltips?.[at]).toMatch(/Tool calling \(agents\): no tool support in its template$/);
  });
});
