// A side-by-side run as bars, one bar group per pane: how fast each model read the prompt and wrote
// its answer (tok/s), and how long it took to the first token (ms). Two charts, because two units
// on one axis would make one of them unreadable.
import { shortModelName } from '../benchmark/chart-data';
import { COMPARED_MEASURES, type ComparedMeasure, type PaneResult } from '../export/side-by-side-table';
import { countOf, type BarChartData } from './bar-chart-data';

function measure(id: ComparedMeasure['id']): ComparedMeasure {
  return COMPARED_MEASURES.find((m) => m.id === id)!;
}

export function paneLabel(result: Pick<PaneResult, 'pane' | 'model'>): string {
  return `Pane ${result.pane}: ${result.model ? shortModelName(result.model) : '(no model)'}`;
}

function series(results: readonly PaneResult[], m: ComparedMeasure, name: string) {
  const values = results.map((r) => m.value(r));
  return {
    name,
    values,
    tooltips: values.map((v, i) => `${paneLabel(results[i])}: ${m.label.toLowerCase()} ${v === null ? 'not measured' : m.format(v)}`),
  };
}

/** Panes with at least one figure to draw; a pane that failed before answering has none. */
function measured(results: readonly PaneResult[], ids: ComparedMeasure['id'][]): PaneResult[] {
  return results.filter((r) => ids.some((id) => measure(id).value(r) !== null));
}

export function sideBySideSpeedChart(results: readonly PaneResult[]): BarChartData {
  const shown = measured(results, ['prefill', 'decode']);
  const prefill = measure('prefill');
  const decode = measure('decode');
  const fastest = shown.reduce<PaneResult | null>((best, r) => ((decode.value(r) ?? 0) > (best ? (decode.value(best) ?? 0) : 0) ? r : best), null);
  return {
    labels: shown.map(paneLabel),
    series: [series(shown, prefill, 'Prefill tok/s'), series(shown, decode, 'Decode tok/s')],
    yTitle: 'tokens per second (log scale)',
    logarithmic: true,
    summary: shown.length
      ? `Bar chart of prefill and decode speed in tokens per second for ${countOf(shown.length, 'pane')}.` +
        (fastest ? ` Fastest decode: ${paneLabel(fastest)}, ${decode.format(decode.value(fastest)!)}.` : '')
      : 'Bar chart of side-by-side speeds: nothing measured yet.',
  };
}

export function sideBySideTimeChart(results: readonly PaneResult[]): BarChartData {
  const ttft = measure('ttft');
  const shown = measured(results, ['ttft']);
  const first = shown.reduce<PaneResult | null>((best, r) => (!best || ttft.value(r)! < ttft.value(best)! ? r : best), null);
  return {
    labels: shown.map(paneLabel),
    series: [series(shown, ttft, 'Time to first token (ms)')],
    yTitle: 'milliseconds (lower is better)',
    summary: first
      ? `Bar chart of time to first token in milliseconds for ${countOf(shown.length, 'pane')}. Quickest: ${paneLabel(first)}, ${ttft.format(ttft.value(first)!)}.`
      : 'Bar chart of time to first token: nothing measured yet.',
  };
}
