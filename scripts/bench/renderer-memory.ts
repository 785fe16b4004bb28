// The memory a page really takes, read from /proc (Linux): the Chromium renderer processes of one
// browser, each with the page's dedicated workers inside it (Chromium runs a dedicated worker as a
// thread of its page's renderer, so the inference worker's wasm heap is counted here).
//
// Finding them: the browser's main process is the one whose command line names the profile
// (`--user-data-dir=<profile>`) and no `--type=`; its renderers are the descendants (through the
// zygote) started with `--type=renderer`. Each sample reads every renderer's PSS (proportional
// set size: shared pages split between the processes sharing them) from smaps_rollup, and its
// VmHWM (the kernel's own high-water mark of resident memory) from status, so a peak between two
// samples is not missed for RSS.
import { readFileSync, readdirSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name in parentheses may hold spaces: the fields after it are space-separated.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      list.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // exited while listed
    }
  }
  return list;
}

/** The renderer pids of the browser started on `profile`. */
export function rendererPids(profile: string): number[] {
  const all = processes();
  const browser = all.find((p) => p.cmdline.includes(`--user-data-dir=${profile}`) && !p.cmdline.includes('--type='));
  if (!browser) return [];
  const children = new Map<number, ProcessInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const renderers: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (child.cmdline.includes('--type=renderer')) renderers.push(child.pid);
      walk(child.pid);
    }
  };
  walk(browser.pid);
  return renderers;
}

const kib = (text: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;

interface Reading {
  pssBytes: number;
  rssHighWaterBytes: number;
}

function read(pid: number): Reading | null {
  try {
    return { pssBytes: kib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss'), rssHighWaterBytes: kib(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM') };
  } catch {
    return null;
  }
}

export interface RendererPeak {
  /** Highest PSS one renderer reached in a sample (the page's own, with its workers). */
  pssBytes: number;
  /** Highest sum of every renderer's PSS in one sample (the page's, a service worker's, a spare one). */
  allRenderersPssBytes: number;
  /** Highest VmHWM of one renderer: its peak resident memory, not sampled. */
  rssHighWaterBytes: number;
  renderers: number;
  samples: number;
}

/**
 * Samples the browser's renderers every `intervalMs` until `stop()`, which returns the peaks.
 * VmHWM is a lifetime figure, so a renderer that already existed before the start brings its
 * earlier peak along: give each measured load a new page (a new renderer) to keep that out.
 */
export function sampleRendererMemory(profile: string, intervalMs = 200, rescanEvery = 10) {
  const peak: RendererPeak = { pssBytes: 0, allRenderersPssBytes: 0, rssHighWaterBytes: 0, renderers: 0, samples: 0 };
  const seen = new Set<number>();
  // Listing every process costs far more than reading a few: the renderers are looked up again
  // only every `rescanEvery` samples (a new one starts with a new page, rarely mid-load).
  let pids: number[] = [];
  const sample = (rescan = peak.samples % rescanEvery === 0) => {
    if (rescan) pids = rendererPids(profile);
    let sum = 0;
    for (const pid of pids) {
      const reading = read(pid);
      if (!reading) continue;
      seen.add(pid);
      sum += reading.pssBytes;
      peak.pssBytes = Math.max(peak.pssBytes, reading.pssBytes);
      peak.rssHighWaterBytes = Math.max(peak.rssHighWaterBytes, reading.rssHighWaterBytes);
    }
    peak.allRenderersPssBytes = Math.max(peak.allRenderersPssBytes, sum);
    peak.samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    /** The peaks so far, the sampler still running. */
    peek(): RendererPeak {
      sample(true);
      return { ...peak, renderers: seen.size };
    },
    stop(): RendererPeak {
      clearInterval(timer);
      sample(true);
      return { ...peak, renderers: seen.size };
    },
  };
}
