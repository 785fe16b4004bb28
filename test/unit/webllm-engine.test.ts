// The WebLLM adapter, driven through a fake MLCEngine at its boundary: WebLLM can't load a model
// offline (there is no compiled model library or MLC weights to generate here), so these tests
// check everything the adapter itself does: the preflight checks, progress and usage mapping,
// streaming, interrupt, reset, unload and error translation.
import { describe, expect, it } from 'vitest';
import { modelLibURLPrefix, modelVersion, type AppConfig, type ChatCompletionChunk, type InitProgressReport } from '@mlc-ai/web-llm';
import { WebLLMEngine, dtypeOfWebLLMBuild, type WebGpuProbe, type WebLLMBoundary, type WebLLMEngineHandle } from '../../src/lib/engines/webllm/webllm-engine';
import { parseWebLLMReport } from '../../src/lib/engines/webllm/webllm-progress';
import { WEBLLM_LIB_PREFIX, WEBLLM_MODEL_VERSION, webllmLibUrl, webllmModelRecord } from '../../src/lib/engines/webllm/webllm-model-record';
import type { EngineEvent, ModelRef, WebLLMModelSpec } from '../../src/lib/engines/types';

const MIRROR = 'http://127.0.0.1:5181';
const SPEC: WebLLMModelSpec = {
  modelId: 'Qwen3-0.6B-q4f16_1-MLC',
  modelLib: 'Qwen3-0.6B-q4f16_1_cs1k-webgpu.wasm',
  vramRequiredMB: 1403.34,
  requiredFeatures: ['shader-f16'],
  contextWindow: 4096,
  modelType: 'qwen3',
  thinkingToggle: true,
};
const MODEL: ModelRef = { engine: 'webllm', repoId: 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC', revision: 'main', hub: MIRROR };
const MIB = 1024 * 1024;

interface Script {
  reports?: InitProgressReport[];
  reloadError?: Error;
  chunks?: ChatCompletionChunk[];
  chatError?: Error;
  /** Resolve reload only when the test says so (to cancel mid-load). */
  holdReload?: boolean;
}

function chunk(content: string | null, finish: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: SPEC.modelId,
    choices: content === null && finish === null ? [] : [{ index: 0, delta: { content: content ?? '' }, finish_reason: finish, logprobs: null }],
  } as ChatCompletionChunk;
}

function usageChunk(): ChatCompletionChunk {
  return {
    ...chunk(null),
    usage: {
      prompt_tokens: 40,
      completion_tokens: 3,
      total_tokens: 43,
      extra: {
        e2e_latency_s: 0.5,
        prefill_tokens_per_s: 400,
        decode_tokens_per_s: 20,
        time_to_first_token_s: 0.1,
        time_per_output_token_s: 0.05,
      },
    },
  } as ChatCompletionChunk;
}

class FakeMLCEngine implements WebLLMEngineHandle {
  requests: unknown[] = [];
  calls: string[] = [];
  interrupted = false;
  releaseReload: () => void = () => {};

  constructor(
    readonly config: { appConfig: AppConfig; initProgressCallback: (report: InitProgressReport) => void },
    private readonly script: Script,
  ) {}

  reload = (async (modelId: string) => {
    this.calls.push(`reload:${modelId}`);
    for (const report of this.script.reports ?? []) this.config.initProgressCallback(report);
    if (this.script.holdReload) {
      await new Promise<void>((resolve, reject) => {
        this.releaseReload = resolve;
        this.abortReload = () => reject(new Error('reload aborted'));
      });
    }
    if (this.script.reloadError) throw this.script.reloadError;
  }) as WebLLMEngineHandle['reload'];

  abortReload: () => void = () => {};

  chatCompletion = (async (request: unknown) => {
    this.requests.push(request);
    if (this.script.chatError) throw this.script.chatError;
    const chunks = this.script.chunks ?? [];
    const engine = this;
    return (async function* () {
      for (const c of chunks) {
        if (engine.interrupted) {
          yield chunk('', 'abort');
          yield usageChunk();
          return;
        }
        yield c;
      }
    })();
  }) as unknown as WebLLMEngineHandle['chatCompletion'];

  interruptGenerate = () => {
    this.calls.push('interruptGenerate');
    this.interrupted = true;
  };

  resetChat = (async () => {
    this.calls.push('resetChat');
  }) as WebLLMEngineHandle['resetChat'];

  unload = async () => {
    this.calls.push('unload');
    this.abortReload();
  };
}

interface Harness {
  engine: WebLLMEngine;
  fakes: FakeMLCEngine[];
  fetched: string[];
  events: EngineEvent[];
}

function harness(options: {
  script?: Script;
  gpu?: WebGpuProbe;
  status?: Record<string, number>;
  cached?: string[];
  fetchError?: Error;
}): Harness {
  const fakes: FakeMLCEngine[] = [];
  const fetched: string[] = [];
  let clock = 0;
  const boundary: WebLLMBoundary = {
    createEngine(config) {
      const fake = new FakeMLCEngine(config, options.script ?? {});
      fakes.push(fake);
      return fake;
    },
    probeWebGpu: async () => options.gpu ?? { available: true, features: new Set(['shader-f16']), description: 'test GPU' },
    isCached: async (_name, url) => (options.cached ?? []).includes(url),
    async fetch(url) {
      fetched.push(url);
      if (options.fetchError) throw options.fetchError;
      return new Response(null, { status: options.status?.[url] ?? 200 });
    },
    now: () => (clock += 10),
  };
  return { engine: new WebLLMEngine(boundary), fakes, fetched, events: [] };
}

const FETCH_REPORTS: InitProgressReport[] = [
  { progress: 0, timeElapsed: 0, text: 'Start to fetch params' },
  { progress: 0.5, timeElapsed: 1, text: 'Fetching param cache[1/2]: 50MB fetched. 50% completed, 1 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.' },
  { progress: 1, timeElapsed: 2, text: 'Fetching param cache[2/2]: 100MB fetched. 100% completed, 2 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.' },
  { progress: 0.5, timeElapsed: 3, text: 'Loading GPU shader modules[10/20]: 50% completed, 3 secs elapsed.' },
  { progress: 1, timeElapsed: 4, text: 'Finish loading on WebGPU - test GPU' },
];

async function load(h: Harness) {
  return h.engine.load(MODEL, 'webgpu', 'q4f16', { wasmThreads: 0, webllm: SPEC }, (e) => h.events.push(e));
}

describe('WebLLM model records', () => {
  it('use the same library folder and prefix as the installed WebLLM', () => {
    expect(WEBLLM_MODEL_VERSION).toBe(modelVersion);
    expect(WEBLLM_LIB_PREFIX).toBe(modelLibURLPrefix);
  });

  it('point at GitHub for the public hub and at the mirror for a mirror', () => {
    expect(webllmLibUrl('https://huggingface.co', SPEC.modelLib)).toBe(`${modelLibURLPrefix}${modelVersion}/${SPEC.modelLib}`);
    expect(webllmLibUrl(MIRROR, SPEC.modelLib)).toBe(
      `${MIRROR}/mlc-ai/binary-mlc-llm-libs/resolve/main/web-llm-models/${modelVersion}/${SPEC.modelLib}`,
    );
    const record = webllmModelRecord(SPEC, MIRROR);
    expect(record).toMatchObject({
      model: `${MIRROR}/mlc-ai/Qwen3-0.6B-q4f16_1-MLC`,
      model_id: SPEC.modelId,
      required_features: ['shader-f16'],
      overrides: { context_window_size: 4096 },
    });
  });

  it('name WebLLM builds with the app\'s dtypes', () => {
    expect(dtypeOfWebLLMBuild('Qwen3-0.6B-q4f16_1-MLC')).toBe('q4f16');
    expect(dtypeOfWebLLMBuild('Qwen3-0.6B-q4f32_1-MLC')).toBe('q4');
    expect(dtypeOfWebLLMBuild('Qwen3-0.6B-q0f16-MLC')).toBe('fp16');
  });
});

describe('parseWebLLMReport', () => {
  it('reads fetched megabytes and derives the total from the fraction', () => {
    const parsed = parseWebLLMReport(FETCH_REPORTS[1]);
    expect(parsed).toMatchObject({ phase: 'download', source: 'fetch', fraction: 0.5, loadedBytes: 50 * MIB, totalBytes: 100 * MIB });
    expect(parsed.stage).toBe('Downloading weights, shard 1 of 2');
  });

  it('tells a load from the cache apart from a download', () => {
    const parsed = parseWebLLMReport({ progress: 0.25, timeElapsed: 1, text: 'Loading model from cache[3/12]: 120MB loaded. 25% completed, 1 secs elapsed.' });
    expect(parsed).toMatchObject({ phase: 'init', source: 'cache', loadedBytes: 120 * MIB, totalBytes: 480 * MIB });
  });

  it('maps shader compilation to warm-up and anything else to its first sentence', () => {
    expect(parseWebLLMReport(FETCH_REPORTS[3])).toMatchObject({ phase: 'warmup', stage: 'Compiling GPU shaders, 10 of 20', loadedBytes: null });
    expect(parseWebLLMReport(FETCH_REPORTS[4])).toMatchObject({ phase: 'init', stage: 'Finish loading on WebGPU - test GPU' });
    expect(parseWebLLMReport({ progress: NaN, timeElapsed: 0, text: '' })).toMatchObject({ fraction: null, stage: 'Starting WebLLM' });
  });
});

describe('WebLLMEngine.load', () => {
  it('loads through a Cache API app config and reports bytes, speed and phases', async () => {
    const h = harness({ script: { reports: FETCH_REPORTS } });
    const result = await load(h);
    const fake = h.fakes[0];
    expect(fake.calls).toEqual([`reload:${SPEC.modelId}`]);
    expect(fake.config.appConfig.cacheBackend).toBe('cache');
    expect(fake.config.appConfig.model_list[0].model_lib).toBe(webllmLibUrl(MIRROR, SPEC.modelLib));
    const progress = h.events.filter((e) => e.type === 'progress');
    expect(progress.map((e) => e.phase)).toEqual(['download', 'download', 'download', 'warmup', 'init']);
    expect(progress[2]).toMatchObject({ loadedBytes: 100 * MIB, totalBytes: 100 * MIB, fraction: 1 });
    expect(progress[2].bytesPerSecond).toBeGreaterThan(0);
    expect(result.runtime).toMatchObject({ backend: 'webgpu', dtype: 'q4f16', contextLength: 4096, modelType: 'qwen3' });
    expect(result.metrics).toMatchObject({ fetchedBytes: 100 * MIB, bytes: 100 * MIB, warmupMs: 0 });
    expect(result.metrics.downloadMs).toBeGreaterThan(0);
    expect(result.metrics.downloadMs + result.metrics.sessionInitMs).toBe(result.metrics.totalMs);
  });

  it('counts no fetched bytes when WebLLM reads the weights from its cache', async () => {
    const h = harness({
      script: { reports: [{ progress: 1, timeElapsed: 1, text: 'Loading model from cache[2/2]: 80MB loaded. 100% completed, 1 secs elapsed.' }] },
      cached: [webllmLibUrl(MIRROR, SPEC.modelLib), `${MIRROR}/mlc-ai/${SPEC.modelId}/resolve/main/mlc-chat-config.json`],
    });
    const result = await load(h);
    expect(result.metrics).toMatchObject({ fetchedBytes: 0, bytes: 80 * MIB });
    // Both files were already stored: nothing was asked of the network, so this works offline.
    expect(h.fetched).toEqual([]);
  });

  it('says WebLLM needs WebGPU when there is none, before creating an engine', async () => {
    const h = harness({ gpu: { available: false, reason: 'the browser offered no WebGPU adapter' } });
    await expect(load(h)).rejects.toMatchObject({
      name: 'BackendUnavailableError',
      message: 'WebLLM runs only on WebGPU, and the browser offered no WebGPU adapter.',
    });
    expect(h.fakes).toHaveLength(0);
  });

  it('refuses WASM outright', async () => {
    const h = harness({});
    await expect(h.engine.load(MODEL, 'wasm', 'q4f16', { wasmThreads: 1, webllm: SPEC }, () => {})).rejects.toMatchObject({ name: 'BackendUnavailableError' });
  });

  it('names the missing WebGPU feature', async () => {
    const h = harness({ gpu: { available: true, features: new Set(), description: 'google swiftshader' } });
    await expect(load(h)).rejects.toMatchObject({
      name: 'BackendUnavailableError',
      message: expect.stringMatching(/needs the WebGPU feature shader-f16, which this GPU \(google swiftshader\) does not offer/),
    });
  });

  it('fails with "no model library available" when the hub has no compiled library', async () => {
    const lib = webllmLibUrl(MIRROR, SPEC.modelLib);
    const h = harness({ status: { [lib]: 404 } });
    await expect(load(h)).rejects.toMatchObject({
      name: 'ModelLibraryUnavailableError',
      message: expect.stringContaining(`No model library available for ${SPEC.modelId}: ${lib} answered HTTP 404`),
    });
    expect(h.fakes).toHaveLength(0);
  });

  it('fails with ModelNotFoundError when the hub has no such WebLLM build', async () => {
    const config = `${MIRROR}/mlc-ai/${SPEC.modelId}/resolve/main/mlc-chat-config.json`;
    const h = harness({ status: { [config]: 404 } });
    await expect(load(h)).rejects.toMatchObject({ name: 'ModelNotFoundError' });
  });

  it('says the hub is unreachable when the check cannot connect', async () => {
    const h = harness({ fetchError: new TypeError('Failed to fetch') });
    await expect(load(h)).rejects.toMatchObject({ name: 'NetworkError', message: expect.stringMatching(/Couldn't reach .*Failed to fetch/) });
  });

  it('turns a lost device during load into GpuDeviceLostError and unloads', async () => {
    const lost = Object.assign(new Error('The WebGPU device was lost while loading the model.'), { name: 'DeviceLostError' });
    const h = harness({ script: { reloadError: lost } });
    await expect(load(h)).rejects.toMatchObject({ name: 'GpuDeviceLostError', message: expect.stringMatching(/ran out of memory/) });
    expect(h.fakes[0].calls).toContain('unload');
  });

  it('passes other WebLLM errors through with their own names', async () => {
    const other = Object.assign(new Error('bad tokenizer'), { name: 'UnsupportedTokenizerFilesError' });
    const h = harness({ script: { reloadError: other } });
    await expect(load(h)).rejects.toMatchObject({ name: 'UnsupportedTokenizerFilesError' });
  });

  it('cancels a download by unloading, and says it was cancelled', async () => {
    const h = harness({ script: { reports: FETCH_REPORTS.slice(0, 2), holdReload: true } });
    const loading = load(h);
    await new Promise((resolve) => setTimeout(resolve, 0));
    h.engine.cancelLoad();
    await expect(loading).rejects.toMatchObject({ name: 'DownloadCancelledError' });
    expect(h.fakes[0].calls).toContain('unload');
  });
});

describe('WebLLMEngine.generate', () => {
  const ANSWER = [chunk('<think>\n\n</think>\n\n'), chunk('Hello'), chunk(' there', 'length'), usageChunk()];

  it('streams tokens and maps include_usage onto the app\'s metrics', async () => {
    const h = harness({ script: { chunks: ANSWER } });
    await load(h);
    const events: EngineEvent[] = [];
    const metrics = await h.engine.generate(
      [{ role: 'user', content: 'Hi' }],
      { maxNewTokens: 3, temperature: 0, topP: 0.9, enableThinking: false },
      (e) => events.push(e),
    );
    expect(events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join('')).toBe('<think>\n\n</think>\n\nHello there');
    // Live numbers while streaming: the first one as soon as the first token arrived.
    const live = events.flatMap((e) => (e.type === 'live' ? [e.numbers] : []));
    expect(live[0]).toMatchObject({ generatedTokens: 1, decodeTokensPerSecond: null });
    expect(live[0].timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(metrics).toEqual({
      promptTokens: 40,
      cachedTokens: 0,
      prefillTokens: 40,
      prefillMs: 100,
      prefillTokensPerSecond: 400,
      timeToFirstTokenMs: 100,
      generatedTokens: 3,
      decodeMs: 100,
      decodeTokensPerSecond: 20,
      totalMs: 500,
      stopReason: 'max-tokens',
    });
    expect(h.fakes[0].requests[0]).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 3,
      temperature: 0,
      top_p: 0.9,
      extra_body: { enable_thinking: false },
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });

  it('does not send the thinking switch to models that lack it', async () => {
    const h = harness({ script: { chunks: ANSWER } });
    await h.engine.load(MODEL, 'webgpu', 'q4f16', { wasmThreads: 0, webllm: { ...SPEC, thinkingToggle: false } }, () => {});
    await h.engine.generate([{ role: 'user', content: 'Hi' }], { maxNewTokens: 3, temperature: 0.7, topP: 0.9, enableThinking: true }, () => {});
    expect(h.fakes[0].requests[0]).not.toHaveProperty('extra_body');
  });

  it('stops through interruptGenerate when the shared flag is raised', async () => {
    const h = harness({ script: { chunks: [chunk('a'), chunk('b'), chunk('c'), chunk('d', 'stop'), usageChunk()] } });
    await load(h);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let text = '';
    const metrics = await h.engine.generate([{ role: 'user', content: 'Hi' }], { maxNewTokens: 9, temperature: 0, topP: 1, enableThinking: false }, (e) => {
      if (e.type === 'token') {
        text += e.text;
        Atomics.store(flag, 0, 1);
      }
    }, flag);
    expect(h.fakes[0].calls).toContain('interruptGenerate');
    expect(metrics.stopReason).toBe('interrupted');
    expect(text.length).toBeLessThan(4);
  });

  it('interrupt() reaches WebLLM', async () => {
    const h = harness({ script: { chunks: ANSWER } });
    await load(h);
    h.engine.interrupt();
    expect(h.fakes[0].calls).toContain('interruptGenerate');
  });

  it('turns a device loss mid-answer into GpuDeviceLostError', async () => {
    const h = harness({ script: { chatError: new Error('Device was lost. This can happen due to insufficient memory') } });
    await load(h);
    await expect(
      h.engine.generate([{ role: 'user', content: 'Hi' }], { maxNewTokens: 3, temperature: 0, topP: 1, enableThinking: false }, () => {}),
    ).rejects.toMatchObject({ name: 'GpuDeviceLostError' });
  });

  it('refuses tools with ToolsUnsupportedError and asks WebLLM nothing, then answers without them', async () => {
    const h = harness({ script: { chunks: ANSWER } });
    await load(h);
    const tools = [{ type: 'function' as const, function: { name: 'get_order_status', parameters: { type: 'object' } } }];
    await expect(
      h.engine.generate([{ role: 'user', content: 'Where is A-1042?' }], { maxNewTokens: 3, temperature: 0, topP: 1, enableThinking: false, tools }, () => {}),
    ).rejects.toMatchObject({ name: 'ToolsUnsupportedError', message: expect.stringContaining('WebLLM passes tools only to Hermes builds') });
    expect(h.fakes[0].requests).toEqual([]);
    await h.engine.generate([{ role: 'user', content: 'Hi' }], { maxNewTokens: 3, temperature: 0, topP: 1, enableThinking: false }, () => {});
    expect(h.fakes[0].requests).toHaveLength(1);
  });

  it('declares it reads no pictures, and refuses a message with one instead of dropping it', async () => {
    const h = harness({ script: { chunks: ANSWER } });
    const loaded = await load(h);
    expect(loaded.runtime.images).toMatchObject({ supported: false, reason: expect.stringContaining('reads text only') });
    const picture = { name: 'receipt.png', width: 32, height: 32, rgba: new Uint8ClampedArray(32 * 32 * 4) };
    await expect(
      h.engine.generate([{ role: 'user', content: 'Total?', images: [picture] }], { maxNewTokens: 3, temperature: 0, topP: 1, enableThinking: false }, () => {}),
    ).rejects.toMatchObject({ name: 'ImagesUnsupportedError' });
    expect(h.fakes[0].requests).toEqual([]);
  });

  it('reports a stream without usage instead of inventing metrics', async () => {
    const h = harness({ script: { chunks: [chunk('Hi', 'stop')] } });
    await load(h);
    await expect(
      h.engine.generate([{ role: 'user', content: 'Hi' }], { maxNewTokens: 3, temperature: 0, topP: 1, enableThinking: false }, () => {}),
    ).rejects.toThrow(/without reporting token usage/);
  });

  it('needs a loaded model, resets the chat and unloads', async () => {
    const h = harness({ script: { chunks: ANSWER } });
    await expect(h.engine.generate([], { maxNewTokens: 1, temperature: 0, topP: 1, enableThinking: false }, () => {})).rejects.toMatchObject({
      name: 'ModelNotLoadedError',
    });
    await load(h);
    await h.engine.resetConversation();
    await h.engine.unload();
    expect(h.fakes[0].calls).toEqual([`reload:${SPEC.modelId}`, 'resetChat', 'unload']);
    await expect(h.engine.generate([], { maxNewTokens: 1, temperature: 0, topP: 1, enableThinking: false }, () => {})).rejects.toMatchObject({
      name: 'ModelNotLoadedError',
    });
  });
});
