// What "Measure this device" timed, in a few compact lines for the Hardware view: per runtime and
// backend, the weight bytes a decode step reads per second in each format, and what every step
// costs apart from its weights. onnxruntime's probe and llama.cpp's stand side by side, as their
// predictions do in the Models view.
import { label as backendLabel } from '../engines/backend-selection';
import type { Backend } from '../engines/types';
import { formatSpeed } from '../render/format';
import type { ProbeResult } from './probe/probe-runner';
import type { LlamaCppProbeResult } from './probe/llamacpp-probe-runner';

export interface ProbeFigures {
  runtime: 'onnxruntime' | 'llama.cpp';
  backend: Backend;
  /** "q8 9.3 GB/s · q4 7.5 GB/s": decode bandwidth per weight format, the runtime's own names. */
  bandwidth: string;
  /** The fixed cost of a step: onnxruntime's per run and per node, llama.cpp's per token and per vocabulary entry. */
  perStep: string;
  takenAt: string;
}

const BACKENDS: readonly Backend[] = ['wasm', 'webgpu'];

function rates(byFormat: Partial<Record<string, number>>): string {
  const shown = Object.entries(byFormat).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0);
  return shown.length ? shown.map(([format, bytesPerSecond]) => `${format} ${formatSpeed(bytesPerSecond)}`).join(' · ') : 'not measured';
}

/** "3.3 ms", "0.25 ms", "80 µs": two significant figures where the cost is small, never "0.00 ms". */
function ms(value: number): string {
  if (value >= 1) return `${value.toFixed(1)} ms`;
  if (value >= 0.1) return `${value.toFixed(2)} ms`;
  return `${Number((value * 1000).toPrecision(2))} µs`;
}

const ns = (value: number) => `${value >= 10 ? Math.round(value) : Number(value.toPrecision(2))} ns`;

/** One entry per runtime and backend probed here, onnxruntime first, WASM before WebGPU. */
export function probeFigures(
  probes: Partial<Record<Backend, ProbeResult>>,
  llamaCppProbes: Partial<Record<Backend, LlamaCppProbeResult>>,
): ProbeFigures[] {
  const onnx = BACKENDS.flatMap((backend) => {
    const p = probes[backend];
    return p ? [{ runtime: 'onnxruntime' as const, backend, bandwidth: rates(p.bandwidth), perStep: `${ms(p.perRunMs)} a run + ${ms(p.perOpMs)} a node`, takenAt: p.takenAt }] : [];
  });
  const llama = BACKENDS.flatMap((backend) => {
    const p = llamaCppProbes[backend];
    return p
      ? [{ runtime: 'llama.cpp' as const, backend, bandwidth: rates(p.decodeBytesPerSecond), perStep: `${ms(p.perTokenMs)} a token + ${ns(p.perVocabEntryNs)} a vocabulary entry`, takenAt: p.takenAt }]
      : [];
  });
  return [...onnx, ...llama];
}

/** "llama.cpp · WASM". */
export function probeFiguresName(figures: Pick<ProbeFigures, 'runtime' | 'backend'>): string {
  return `${figures.runtime} · ${backendLabel(figures.backend)}`;
}
