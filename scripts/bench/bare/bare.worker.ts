// The bare reference: load with from_pretrained, generate greedily with a streamer, time the
// tokens. Same formulas as the app: decode = tokens after the first over first→last token.
import { AutoModelForCausalLM, AutoModelForImageTextToText, AutoProcessor, AutoTokenizer, RawImage, env } from '@huggingface/transformers';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortPlainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortPlainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

let session: { model: any; processor: any; inputs: any; promptTokens: number; maxNewTokens: number } | null = null;
/** Durations of the model's `session.run` calls during the current generation (prefill first). */
let runDurations: number[] = [];

/** Times onnxruntime's own share of each step, so the bench can tell it from transformers.js' loop. */
function timeSessionRuns(model: any) {
  const ort = model.sessions?.model ?? model.sessions?.decoder_model_merged;
  if (!ort?.run) return;
  const run = ort.run.bind(ort);
  ort.run = async (...args: unknown[]) => {
    const start = performance.now();
    const result = await run(...args);
    runDurations.push(performance.now() - start);
    return result;
  };
}

async function load(p: Record<string, string>) {
  // One model at a time: a sweep loads several in one page, and a stale session would hold memory.
  await session?.model.dispose();
  session = null;
  env.allowLocalModels = false;
  env.remoteHost = `${p.hub}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  const onnx = env.backends.onnx as { wasm: { wasmPaths: unknown; numThreads: number } };
  // 'plain': onnxruntime-web's WASM-only build, without the asyncify instrumentation WebGPU needs.
  const [mjs, wasm] = p.ortBuild === 'plain' ? [ortPlainMjsUrl, ortPlainWasmUrl] : [ortMjsUrl, ortWasmUrl];
  onnx.wasm.wasmPaths = { mjs: new URL(mjs, self.location.href).href, wasm: new URL(wasm, self.location.href).href };
  onnx.wasm.numThreads = Number(p.threads);
  const started = performance.now();
  // A vision-language export (Qwen3.5): its processor, and all three sessions in the given dtypes, as the app loads it.
  const sessions = p.sessions ? (JSON.parse(p.sessions) as Record<string, 'q8'>) : null;
  const processor = sessions ? await AutoProcessor.from_pretrained(p.model) : null;
  const tokenizer = processor ? (processor as any).tokenizer : await AutoTokenizer.from_pretrained(p.model);
  const model = sessions
    ? await AutoModelForImageTextToText.from_pretrained(p.model, { device: p.device as 'wasm', dtype: sessions })
    : await AutoModelForCausalLM.from_pretrained(p.model, { device: p.device as 'wasm', dtype: p.dtype as 'q8' });
  // From the call to a usable session: file reads (network or transformers.js' browser cache) and session creation.
  const loadMs = performance.now() - started;
  timeSessionRuns(model);
  const messages = JSON.parse(p.messages) as { role: string; content: string }[];
  const inputs = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true, enable_thinking: false } as any) as any;
  session = { model, processor, inputs, promptTokens: inputs.input_ids.dims.at(-1), maxNewTokens: Number(p.tokens) };
  return { promptTokens: session.promptTokens, threads: onnx.wasm.numThreads, loadMs };
}

async function run() {
  if (!session) throw new Error('load first');
  const times: number[] = [];
  let seenPrompt = false;
  const streamer = {
    put() {
      if (!seenPrompt) {
        seenPrompt = true;
        return;
      }
      times.push(performance.now());
    },
    end() {},
  };
  runDurations = [];
  const start = performance.now();
  await session.model.generate({ ...session.inputs, max_new_tokens: session.maxNewTokens, do_sample: false, streamer });
  const first = times[0];
  const last = times[times.length - 1];
  return {
    timeToFirstTokenMs: first - start,
    prefillTokensPerSecond: (session.promptTokens * 1000) / (first - start),
    decodeTokensPerSecond: ((times.length - 1) * 1000) / (last - first),
    generatedTokens: times.length,
    /** Median `session.run` of the decode steps (the first run is the prefill). */
    decodeRunMs: median(runDurations.slice(1)),
  };
}

/**
 * One picture of `size`×`size` through the processor, then the vision session alone
 * (`encode_image`, the call the app times as image_encode_ms). Same gradient as the app's picture.
 */
async function encode(p: Record<string, string>) {
  if (!session?.processor) throw new Error('load a vision-language model first');
  const size = Number(p.size);
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      rgba.set([Math.floor((255 * x) / size), Math.floor((255 * y) / size), 128, 255], i);
    }
  }
  const inputs = await session.processor.image_processor(new RawImage(rgba, size, size, 4));
  const start = performance.now();
  const features = await session.model.encode_image(inputs);
  const encodeMs = performance.now() - start;
  return { encodeMs, pixelValues: inputs.pixel_values.dims, imageFeatures: features.dims };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The floor for the app's download manager: the same files, all at once, bodies read, nothing kept. */
async function fetchFiles(p: Record<string, string>) {
  const urls = JSON.parse(p.urls) as string[];
  const start = performance.now();
  const sizes = await Promise.all(urls.map(async (url) => (await (await fetch(url, { cache: 'no-store' })).arrayBuffer()).byteLength));
  return { bytes: sizes.reduce((a, b) => a + b, 0), ms: performance.now() - start };
}

self.onmessage = async (event: MessageEvent<{ id: number; type: 'load' | 'run' | 'fetch' | 'encode'; params?: Record<string, string> }>) => {
  const { id, type, params } = event.data;
  try {
    const result = type === 'load' ? await load(params!) : type === 'fetch' ? await fetchFiles(params!) : type === 'encode' ? await encode(params!) : await run();
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};
