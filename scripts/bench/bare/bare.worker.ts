// The bare reference: load with from_pretrained, generate greedily with a token callback, time
// the tokens. Same formulas as the app: decode = tokens after the first over first→last token.
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

self.onmessage = async (event: MessageEvent<Record<string, string>>) => {
  const p = event.data;
  try {
    env.allowLocalModels = false;
    env.remoteHost = `${p.hub}/`;
    env.remotePathTemplate = '{model}/resolve/{revision}/';
    const onnx = env.backends.onnx as { wasm: { wasmPaths: unknown; numThreads: number } };
    onnx.wasm.wasmPaths = { mjs: new URL(ortMjsUrl, self.location.href).href, wasm: new URL(ortWasmUrl, self.location.href).href };
    onnx.wasm.numThreads = Number(p.threads);

    const tokenizer = await AutoTokenizer.from_pretrained(p.model);
    const model = await AutoModelForCausalLM.from_pretrained(p.model, { device: p.device as 'wasm', dtype: p.dtype as 'q8' });
    const messages = JSON.parse(p.messages) as { role: string; content: string }[];
    const inputs = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true }) as any;
    const promptTokens = inputs.input_ids.dims.at(-1) as number;
    const maxNewTokens = Number(p.tokens);

    const runs: { prefillTokensPerSecond: number; decodeTokensPerSecond: number; timeToFirstTokenMs: number; generatedTokens: number }[] = [];
    for (let i = 0; i < Number(p.warmup) + Number(p.repeats); i++) {
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
      const start = performance.now();
      await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, streamer } as any);
      if (i < Number(p.warmup)) continue;
      const first = times[0];
      const last = times[times.length - 1];
      runs.push({
        timeToFirstTokenMs: first - start,
        prefillTokensPerSecond: (promptTokens * 1000) / (first - start),
        decodeTokensPerSecond: ((times.length - 1) * 1000) / (last - first),
        generatedTokens: times.length,
      });
    }
    self.postMessage({ promptTokens, threads: onnx.wasm.numThreads, runs });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
