// One model's fleet as bars: decode speed per results file, one series per engine, backend and weights,
// so machines line up side by side and a slow one stands out at a glance.
import { label } from '../engines/backend-selection';
import { enginePrefix } from '../models/model-engine';
import { formatValue } from '../export/results-tables';
import { FLEET_PROMPT_SIZE, type FleetModel, type FleetRow } from '../export/fleet-table';
import { countOf, type BarChartData } from './bar-chart-data';

export function fleetDecodeChart(model: FleetModel): BarChartData {
  const sources = [...new Set(model.rows.map((row) => row.source))];
  const seriesNames = [...new Set(model.rows.map(seriesName))];
  const series = seriesNames.map((name) => {
    const rows = sources.map((source) => model.rows.find((row) => row.source === source && seriesName(row) === name));
    return {
      name,
      values: rows.map((row) => (row && Number.isFinite(row.decode) ? row.decode : null)),
      tooltips: rows.map((row, i) =>
        row && Number.isFinite(row.decode)
          ? `${sources[i]} (${row.machine}), ${name}: ${formatValue(row.decode, 'tok/s')} tok/s${row.outlier ? ' — outlier' : ''}`
          : `${sources[i]}, ${name}: not measured`,
      ),
    };
  });
  const measured = model.rows.filter((row) => Number.isFinite(row.decode));
  const fastest = measured.reduce<FleetRow | null>((best, row) => (!best || row.decode > best.decode ? row : best), null);
  const outliers = measured.filter((row) => row.outlier);
  return {
    labels: sources,
    series,
    yTitle: `decode tok/s (${FLEET_PROMPT_SIZE} prompt)`,
    summary: fastest
      ? `Bar chart of decode speed in tokens per second for ${model.modelId} on ${countOf(sources.length, 'results file')}. ` +
        `Fastest: ${fastest.source}, ${seriesName(fastest)}, ${formatValue(fastest.decode, 'tok/s')} tok/s.` +
        (outliers.length ? ` Outliers: ${outliers.map((row) => `${row.source} (${seriesName(row)})`).join(', ')}.` : '')
      : `Bar chart of decode speed for ${model.modelId}: no ${FLEET_PROMPT_SIZE}-prompt benchmark in these files.`,
  };
}

function seriesName(row: FleetRow): string {
  return `${enginePrefix(row.engine)}${label(row.backend)} ${row.dtype}`;
}
