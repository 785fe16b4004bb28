// Which build of a model (ONNX, a GGUF file for llama.cpp, a WebLLM build) runs here, and why, in
// words the UI shows. The numbers decide, never a preferred engine: the fastest decode among the
// builds that fit, a speed measured here trumping a prediction of the same build, near-ties going
// to the build that needs less memory. Where an engine has no number yet the reason says so, and
// what the choice rests on instead. Pure, so every rule is unit-tested.
import type { Backend, Dtype, EngineKind } from './types';
import { label as backendLabel } from './backend-selection';
import { formatBytes, formatRate } from '../render/format';
import { ENGINE_NAMES } from '../models/model-engine';

/** Speeds closer than this (as a fraction of the faster) are a tie, settled by memory. */
export const SPEED_TIE = 0.05;

/** One build of the model as this device would run it (from its outlook row). */
export interface EngineVariant {
  repoId: string;
  engine: EngineKind;
  backend: Backend | null;
  dtype: Dtype | null;
  /** The weights as their format names them (`Q4_K_M`); the dtype where absent. */
  weights: string | null;
  /** Why it can't run here at all (WebLLM without WebGPU). */
  unavailable: string | null;
  fit: 'fits' | 'slow' | 'wont-fit' | null;
  fitReason: string | null;
  /** Decode tok/s last measured here for this build. */
  measured: number | null;
  /** Decode tok/s predicted from this device's probe, scaled by what runs here taught it. */
  predicted: number | null;
  /** The tab's estimated peak memory while it loads and runs; null when unknown. */
  peakBytes: number | null;
}

export interface EngineChoiceOptions {
  /** The engine the user picked; null for Auto. */
  override: EngineKind | null;
  /** The build the user picked from the model list: it is the fallback when no numbers decide. */
  picked: string;
  /**
   * The user picked one build by name (a GGUF or WebLLM entry rather than the model itself): with
   * Auto that build runs, as picked.
   */
  pickedBuild?: boolean;
}

export interface EngineChoice {
  variant: EngineVariant;
  /** 'user': the override decided; 'measured'/'predicted': the winner's speed came from there; 'none': no speeds. */
  basis: 'user' | 'measured' | 'predicted' | 'none';
  /** Why, in full: the decision, then what it could not weigh. */
  reason: string;
  /** The part of the reason about this model's numbers, without the caveats. */
  headline: string;
  /** What the choice could not weigh (an engine not measured here, a build that won't fit): the same words for many models. */
  caveats: string[];
}

export function speedOf(v: EngineVariant): { value: number; source: 'measured' | 'predicted' } | null {
  if (v.measured !== null && v.measured > 0) return { value: v.measured, source: 'measured' };
  if (v.predicted !== null && v.predicted > 0) return { value: v.predicted, source: 'predicted' };
  return null;
}

/** "llama.cpp Q4_K_M on WASM" */
export function describeVariant(v: EngineVariant): string {
  const weights = v.weights ?? v.dtype;
  return `${ENGINE_NAMES[v.engine]}${weights ? ` ${weights}` : ''}${v.backend ? ` on ${backendLabel(v.backend)}` : ''}`;
}

function speedWords(v: EngineVariant): string {
  const speed = speedOf(v);
  if (!speed) return 'no speed yet';
  return `${formatRate(speed.value)} ${speed.source === 'measured' ? 'measured here' : 'predicted'}`;
}

/**
 * The build to load for a family and why. The user's engine wins when the family has a build of it
 * that runs here; otherwise (Auto) the speeds decide among the builds that fit.
 */
export function chooseEngine(variants: readonly EngineVariant[], options: EngineChoiceOptions): EngineChoice {
  if (variants.length === 0) throw new RangeError('A model family has at least one build.');
  // A build with no backend yet (an id outside the catalog that hasn't run) can still be loaded.
  const runnable = variants.filter((v) => v.unavailable === null);
  const picked = variants.find((v) => v.repoId === options.picked) ?? variants[0];

  let note = '';
  if (options.override) {
    const own = runnable.filter((v) => v.engine === options.override);
    if (own.length > 0) {
      const best = own.find((v) => v.repoId === options.picked) ?? fastest(own) ?? own[0];
      return result(best, 'user', `${ENGINE_NAMES[best.engine]} chosen by you.`, []);
    }
    note = `${ENGINE_NAMES[options.override]} was requested, but this model has no build of it that runs here. `;
  }

  if (options.pickedBuild && !options.override) {
    return result(picked, 'user', `The ${ENGINE_NAMES[picked.engine]} build you picked.`, []);
  }

  const fitting = runnable.filter((v) => v.fit !== 'wont-fit');
  if (fitting.length === 0) {
    const why = runnable.length === 0 ? (picked.unavailable ?? 'no build runs here') : (picked.fitReason ?? "it won't fit");
    return result(picked, 'none', `${note}No build of this model fits here (${why}); the one you picked is kept.`, []);
  }
  const wontFit = runnable.filter((v) => v.fit === 'wont-fit').map((v) => `${describeVariant(v)} won't fit here.`);
  const rated = fitting.filter((v) => speedOf(v) !== null);
  // Engines none of whose builds has a number here: the choice can't weigh them.
  const unrated = [...new Set(fitting.map((v) => v.engine))].filter((e) => !rated.some((v) => v.engine === e));

  if (rated.length === 0) {
    const fallback = fitting.find((v) => v.repoId === picked.repoId) ?? fitting[0];
    const engines = unrated.map((e) => ENGINE_NAMES[e]).join(' and ');
    const headline = `No speed here yet for ${engines}: Measure this device in Models, or run ${unrated.length > 1 ? 'each' : 'it'} once. Until then the build you picked.`;
    return result(fallback, 'none', join(note, headline), wontFit);
  }

  const best = fastest(rated)!;
  const top = speedOf(best)!.value;
  const ties = rated.filter((v) => v !== best && speedOf(v)!.value >= top * (1 - SPEED_TIE));
  let winner = best;
  let why: string;
  const contenders = [best, ...ties];
  if (ties.length > 0 && contenders.every((v) => v.peakBytes !== null)) {
    // The smallest; at equal memory the one found first (the fastest).
    winner = contenders.reduce((small, v) => (v.peakBytes! < small.peakBytes! ? v : small));
    const rival = winner === best ? ties[0] : best;
    why =
      `within ${SPEED_TIE * 100} % of ${describeVariant(rival)} (${speedWords(winner)} against ${speedWords(rival)}), ` +
      `and it needs less memory (about ${formatBytes(winner.peakBytes!)} against ${formatBytes(rival.peakBytes!)}).`;
  } else {
    const others = rated.filter((v) => v !== best);
    why =
      others.length === 0
        ? fitting.length === 1
          ? `the only build that ${runnable.length > 1 ? 'fits' : 'runs'} here: ${speedWords(best)}.`
          : `${speedWords(best)}.`
        : `the fastest here: ${speedWords(best)}, against ${others.map((v) => `${speedWords(v)} for ${describeVariant(v)}`).join(', ')}.`;
  }
  const missing = unrated.map((e) => `${ENGINE_NAMES[e]} not measured here yet: Measure this device in Models, or run it once.`);
  return result(winner, speedOf(winner)!.source, join(note, capitalise(why)), [...missing, ...wontFit]);
}

function result(variant: EngineVariant, basis: EngineChoice['basis'], headline: string, caveats: string[]): EngineChoice {
  return { variant, basis, headline, caveats, reason: join(headline, ...caveats) };
}

/** The fastest of the builds, a measured one ahead of a predicted one at the same speed. */
function fastest(variants: readonly EngineVariant[]): EngineVariant | null {
  let best: EngineVariant | null = null;
  for (const v of variants) {
    const speed = speedOf(v);
    if (!speed) continue;
    const bestSpeed = best ? speedOf(best)! : null;
    if (!bestSpeed || speed.value > bestSpeed.value || (speed.value === bestSpeed.value && speed.source === 'measured' && bestSpeed.source !== 'measured')) best = v;
  }
  return best;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function join(...parts: string[]): string {
  return parts.map((p) => p.trim()).filter(Boolean).join(' ');
}
