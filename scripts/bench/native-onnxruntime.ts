// The native reference: the same transformers.js generation loop in Node, where it runs on
// onnxruntime-node (native CPU kernels) instead of onnxruntime-web's WASM build. Same model files,
// weights, prompt, greedy decoding and thread count as the browser's bare path, so the ratio is
// what running in the browser costs.
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';

import type { FixtureDtype } from '../../test/fixtures/model-repos';
import { type Run, summarize } from './harness';

export interface NativeSetup {
  fixturesDir: string;
  model: string;
  dtype: FixtureDtype;
  threads: number;
  newTokens: number;
  messages: { role: string; content: string }[];
  warmups: number;
  repeats: number;
}

export async function measureNative(setup: NativeSetup) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${setup.fixturesDir}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(setup.model);
  const model = await AutoModelForCausalLM.from_pretrained(setup.model, {
    device: 'cpu',
    dtype: setup.dtype,
    // One pool of `threads` threads for the operators, like onnxruntime-web's numThreads.
    session_options: { intraOpNumThreads: setup.threads, interOpNumThreads: 1 },
  } as never);
  const inputs = tokenizer.apply_chat_template(setup.messages, { add_generation_prompt: true, return_dict: true, enable_thinking: false } as never) as never as {
    input_ids: { dims: number[] };
  };
  const promptTokens = inputs.input_ids.dims.at(-1)!;
  const runOnce = async (): Promise<Run> => {
    const times: number[] = [];
    let seenPrompt = false;
    const streamer = {
      put() {
        if (!seenPrompt) seenPrompt = true;
        else times.push(performance.now());
      },
      end() {},
    };
    const start = performance.now();
    await model.generate({ ...(inputs as object), max_new_tokens: setup.newTokens, do_sample: false, streamer } as never);
    const first = times[0];
    const last = times[times.length - 1];
    return {
      timeToFirstTokenMs: first - start,
      prefillTokensPerSecond: (promptTokens * 1000) / (first - start),
      decodeTokensPerSecond: ((times.length - 1) * 1000) / (last - first),
      generatedTokens: times.length,
    };
  };
  try {
    for (let i = 0; i < setup.warmups; i++) await runOnce();
    const runs: Run[] = [];
    for (let i = 0; i < setup.repeats; i++) runs.push(await runOnce());
    return { model: setup.model, dtype: setup.dtype, threads: setup.threads, promptTokens, runs, median: summarize(runs) };
  } finally {
    await model.dispose();
  }
}

