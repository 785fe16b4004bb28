// The shape every bar chart in the app draws from: category labels on the x axis, one series of
// bars per model (or measure), a tooltip line per bar and a sentence that says what the picture
// shows for screen readers. Views build it with pure functions; BarChart.svelte hands it to chart.js.
import type { EngineKind } from '../engines/types';
import { ENGINE_NAMES } from '../models/model-engine';

/**
 * The engine after a model's name in a chart (" · llama.cpp"): the short name, so the model and
 * what follows stay on the axis; ONNX, the usual engine, goes unnamed as in the tables.
 */
export function chartEngineSuffix(engine: EngineKind): string {
  return engine === 'transformers' ? '' : ` · ${ENGINE_NAMES[engine]}`;
}

export interface BarSeries {
  name: string;
  /** One value per label; null where there is nothing to draw (no bar, not a zero). */
  values: (number | null)[];
  /** Tooltip text per bar, with its unit; the chart falls back to the bare value. */
  tooltips?: string[];
}

export interface BarChartData {
  labels: string[];
  series: BarSeries[];
  /** The y axis title, with its unit. */
  yTitle: string;
  /** For measures spanning orders of magnitude (prefill runs 10–100× faster than decode). */
  logarithmic?: boolean;
  /** Fixed top of the y axis (100 for percentages). */
  yMax?: number;
  /** What the chart shows, in one or two sentences: its aria-label. */
  summary: string;
}

/**
 * Bar colours, each with at least 3:1 contrast against the white panel (WCAG 1.4.11 for graphics);
 * the first two are the benchmark's prefill and decode colours.
 */
export const BAR_COLOURS = ['#1f6f5c', '#b3541e', '#3b5ba9', '#8a3b8f', '#6b6b00', '#a4161a'] as const;

export function barColour(index: number): string {
  return BAR_COLOURS[index % BAR_COLOURS.length];
}

/** Longest axis label always drawn in full; longer ones end in "…" (the tooltip keeps the whole label). */
export const MAX_AXIS_LABEL_CHARS = 24;
/** Where each bar group has room, labels may run to this length (they are drawn level, not tilted). */
export const ROOMY_AXIS_LABEL_CHARS = 48;
/** About how wide one character of the axis font is, in CSS pixels. */
const AXIS_CHAR_PX = 7;

/**
 * How long an axis label may be on a chart `widthPx` wide with `count` bar groups: as much as fits
 * level in one group's slot, never cut below MAX_AXIS_LABEL_CHARS (chart.js tilts those instead).
 */
export function axisLabelLimit(widthPx: number, count: number): number {
  const fits = Math.floor(widthPx / Math.max(1, count) / AXIS_CHAR_PX) - 2;
  return Math.min(ROOMY_AXIS_LABEL_CHARS, Math.max(MAX_AXIS_LABEL_CHARS, fits));
}

export function shortenLabel(label: string, max = MAX_AXIS_LABEL_CHARS): string {
  return label.length <= max ? label : `${label.slice(0, max - 1).trimEnd()}…`;
}

/**
 * An axis label as drawn: whole when every label of the axis fits, else one line per " · " part
 * ("Qwen3-0.6B-GGUF", "llama.cpp WASM", "short"), so the last part, often what tells two bars
 * apart, is never the one cut. All labels of an axis wrap together, so bars read alike; a label
 * without parts is cut with "…".
 */
export function axisLabel(label: string, max = MAX_AXIS_LABEL_CHARS, axis: readonly string[] = [label]): string | string[] {
  if (axis.every((other) => other.length <= max) && label.length <= max) return label;
  const parts = label.split(' · ');
  return parts.length > 1 ? parts.map((part) => shortenLabel(part, max)) : shortenLabel(label, max);
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function relativeLuminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** "1 model", "2 models". */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
