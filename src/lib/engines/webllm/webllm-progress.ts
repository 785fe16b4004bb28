// Turns WebLLM's load reports ({progress, timeElapsed, text}) into the app's progress events.
// WebLLM says how many megabytes it has fetched only inside the text, so the bytes are read from
// there; the fraction it reports is exact, which gives the total.
import type { EngineEvent } from '../types';

type ProgressEvent = Extract<EngineEvent, { type: 'progress' }>;

export interface WebLLMReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

export interface ParsedReport {
  phase: ProgressEvent['phase'];
  /** From the network ('fetch') or from the browser's cache ('cache'); null for other stages. */
  source: 'fetch' | 'cache' | null;
  fraction: number | null;
  /** Bytes so far, when the text gives them. */
  loadedBytes: number | null;
  /** Total bytes, derived from loaded bytes and the fraction. */
  totalBytes: number | null;
  stage: string;
}

const MIB = 1024 * 1024;
// "Fetching param cache[3/24]: 120MB fetched. 10% completed, 5 secs elapsed. It can take …"
// "Loading model from cache[3/24]: 120MB loaded. 10% completed, 5 secs elapsed."
const PARAM_REPORT = /^(Fetching param cache|Loading model from cache)\[(\d+)\/(\d+)\]:\s*(\d+(?:\.\d+)?)MB (?:fetched|loaded)/;
// "Loading GPU shader modules[5/20]: 25% completed, 2 secs elapsed."
const SHADER_REPORT = /^Loading GPU shader modules\[(\d+)\/(\d+)\]/;

export function parseWebLLMReport(report: WebLLMReport): ParsedReport {
  const fraction = Number.isFinite(report.progress) ? Math.min(1, Math.max(0, report.progress)) : null;
  const param = PARAM_REPORT.exec(report.text);
  if (param) {
    const fromNetwork = param[1].startsWith('Fetching');
    // WebLLM rounds megabytes up; the fraction is exact, so the total follows from both.
    const loadedBytes = Math.round(Number(param[4]) * MIB);
    const totalBytes = fraction && fraction > 0 ? Math.round(loadedBytes / fraction) : null;
    return {
      phase: fromNetwork ? 'download' : 'init',
      source: fromNetwork ? 'fetch' : 'cache',
      fraction,
      loadedBytes,
      totalBytes,
      stage: `${fromNetwork ? 'Downloading' : 'Reading stored'} weights, shard ${param[2]} of ${param[3]}`,
    };
  }
  const shader = SHADER_REPORT.exec(report.text);
  if (shader) {
    return {
      phase: 'warmup',
      source: null,
      fraction,
      loadedBytes: null,
      totalBytes: null,
      stage: `Compiling GPU shaders, ${shader[1]} of ${shader[2]}`,
    };
  }
  if (/^Start to fetch params/.test(report.text)) {
    return { phase: 'download', source: null, fraction, loadedBytes: 0, totalBytes: null, stage: 'Starting the weight download' };
  }
  // Anything else (tokenizer, "Finish loading on …"): show WebLLM's own first sentence.
  return { phase: 'init', source: null, fraction, loadedBytes: null, totalBytes: null, stage: firstSentence(report.text) };
}

function firstSentence(text: string): string {
  const trimmed = text.trim();
  const end = trimmed.search(/\.\s/);
  return (end > 0 ? trimmed.slice(0, end) : trimmed).slice(0, 120) || 'Starting WebLLM';
}
