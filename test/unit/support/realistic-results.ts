// A results document like one a real visit makes: one benchmark (3 prompt sizes × WASM and WebGPU
// × one model, 3 repeats) and the built-in scorecard suite run once, with answers of the length
// and kind small models write, timings with performance.now()'s fractions, and a hardware report.
import type { HardwareReport } from '../../../src/lib/hardware/hardware-report';
import type { BenchmarkRow, ResultsDocument, ScorecardTaskResult, SummaryStat, TaskCategory } from '../../../src/lib/results/result-types';
import { buildResultsDocument, machineFromReport } from '../../../src/lib/export/results-document';
import { BUILTIN_SUITE } from '../../../src/lib/scorecard/builtin-suite';

export const REALISTIC_MODEL = 'onnx-community/Qwen3-0.6B-ONNX';

export const REALISTIC_REPORT: HardwareReport = {
  takenAt: '2026-12-02T09:14:03.512Z',
  browser: {
    name: 'Chrome',
    version: '143.0.7499.41',
    platform: 'macOS',
    mobile: false,
    brands: [
      { brand: 'Google Chrome', version: '143' },
      { brand: 'Chromium', version: '143' },
      { brand: 'Not A(Brand', version: '24' },
    ],
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36',
  },
  webgpu: {
    available: true,
    adapter: { vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2 Pro', isFallbackAdapter: false },
    features: ['depth-clip-control', 'float32-filterable', 'indirect-first-instance', 'rg11b10ufloat-renderable', 'shader-f16', 'subgroups', 'texture-compression-astc', 'timestamp-query'],
    limits: {
      maxBufferSize: 4 * 1024 ** 3,
      maxStorageBufferBindingSize: 4 * 1024 ** 3,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 1024,
      maxComputeWorkgroupSizeX: 1024,
    },
  },
  cpu: { logicalCores: 12 },
  wasm: { crossOriginIsolated: true, sharedArrayBuffer: true, threadsUsable: true, threads: 12, simd: true },
  memory: { deviceMemoryGB: 8 },
  storage: { usageBytes: 1_873_221_632, quotaBytes: 296_352_743_424, persisted: false },
};

/** A deterministic stream of fractions, so the figures look measured but every run is the same. */
function noise(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

const jitter = noise(11);

/** performance.now() differences: 5 µs steps written as binary fractions (1234.5650000000023). */
function measured(value: number): number {
  return Math.round(value * 200) / 200 + (jitter() < 0.5 ? 2.2737367544323206e-13 : 0) + value * 1e-15;
}

function stat(median: number, spread: number, n = 3): SummaryStat {
  return { median: measured(median), min: measured(median * (1 - spread * jitter())), max: measured(median * (1 + spread * jitter())), n };
}

function benchmarkRows(): BenchmarkRow[] {
  const sizes = [
    { promptSize: 'short', promptTokens: 61 },
    { promptSize: 'medium', promptTokens: 248 },
    { promptSize: 'long', promptTokens: 1017 },
  ] as const;
  return (['webgpu', 'wasm'] as const).flatMap((backend) =>
    sizes.map(({ promptSize, promptTokens }, i) => ({
      modelId: REALISTIC_MODEL,
      backend,
      dtype: backend === 'webgpu' ? 'q4f16' : 'q8',
      promptSize,
      promptTokens,
      newTokens: 128,
      loadMs: stat(backend === 'webgpu' ? 4210.7 : 2875.3, 0.08),
      ttftMs: stat((backend === 'webgpu' ? 38 : 95) * (i + 1) ** 1.6, 0.12),
      prefillTokensPerSecond: stat(backend === 'webgpu' ? 1450 + 300 * i : 610 - 80 * i, 0.1),
      decodeTokensPerSecond: stat(backend === 'webgpu' ? 61.4 - 4 * i : 24.8 - 2.5 * i, 0.06),
    })),
  );
}

/** What a 0.6B model writes for each kind of task, at its usual length. */
const ANSWERS: Record<TaskCategory, (title: string) => string> = {
  support: (title) =>
    `Hi there,\n\nThank you for getting in touch, and I'm sorry about the trouble with "${title.toLowerCase()}". ` +
    `I've checked your account and the details you sent. Here is what happens next: our team has noted it on your order, ` +
    `and you don't need to do anything else right now. If anything changes we will email you straight away.\n\n` +
    `Thanks for your patience,\nNorthwind Shop Support`,
  recommendation: (title) =>
    `**${title}**\n\nLooking for something that just works? This pick is light, sturdy and built for everyday use. ` +
    `It fits easily in a bag, handles a busy week without fuss, and the price leaves room in your budget. ` +
    `Customers tell us it is the one they would buy again — a small upgrade you will notice every single day.`,
  classification: (title) => `Label: ${title.includes('spam') ? 'spam' : title.includes('remove') ? 'remove' : 'allow'}\n\nReason: the message matches the rule for this label.`,
  extraction: (title) =>
    '```json\n' +
    JSON.stringify({ task: title, name: 'Maria Lopez', email: 'maria.lopez@example.com', phone: '+44 20 7946 0958', items: [{ sku: 'NW-1182', quantity: 2 }, { sku: 'NW-2047', quantity: 1 }], date: '2026-12-09', total: 84.5 }, null, 2) +
    '\n```',
  reasoning: (title) =>
    `Let's work it out step by step for "${title}".\n1. Start with what we are given.\n2. Apply each change in order: ` +
    `12 × 3 = 36, then 36 − 9 = 27, then 27 ÷ 3 = 9.\n3. Check: 9 × 3 + 9 = 36, which matches.\n\nThe answer is 9.`,
  translation: (title) =>
    title.includes('zh') || /EN→ZH|English/i.test(title)
      ? '您好！您的包裹已于周一从我们的仓库发出，预计将在三到五个工作日内送达。如果您有任何问题，请随时与我们联系。谢谢您的耐心等待。'
      : 'Hello! Your refund has been approved and will reach your original payment method within five working days. Thank you for your patience.',
  summarisation: (title) =>
    `${title}: The store will close for renovation from 3 to 17 March and reopen with a larger café. Online orders continue as usual, ` +
    `returns can be made at the Market Street branch, and loyalty points earned during the closure count double.`,
  coding: (title) =>
    '```js\n// ' + title + '\nfunction solve(input) {\n  const result = [];\n  for (let i = 0; i < input.length; i++) {\n' +
    '    if (typeof input[i] === "number" && input[i] % 2 === 0) result.push(input[i]);\n  }\n  return result.reduce((sum, n) => sum + n, 0);\n}\n```',
  tools: () => '<tool_call>\n{"name": "get_order_status", "arguments": {"order_id": "A-1042"}}\n</tool_call>',
  data: (title) => `${title}: adding the matching rows gives 1200 + 1350 + 1425 = 3975.`,
  vision: () => 'The items on the receipt add up to 14.00.',
};

const DETAILS: Record<TaskCategory, string> = {
  support: 'all 3 required phrases found; 71 words (limit 80)',
  recommendation: 'mentions 2 of 2 features; 64 words (limit 70)',
  classification: 'expected "allow", found "allow"',
  extraction: 'the JSON object matches the schema',
  reasoning: 'expected 9, found 9',
  translation: '92% Han script; all 2 key terms found',
  summarisation: '48 words (limit 60); 3 of 3 facts; longest copied run 6 words',
  coding: '3/3 tests passed',
  tools: 'called get_order_status with the expected arguments',
  data: 'final number 3975, expected 3975',
  vision: 'final number 14, expected 14 ± 0.005',
};

export function realisticDocument(): ResultsDocument {
  const timing = noise(29);
  const results: ScorecardTaskResult[] = BUILTIN_SUITE.tasks.map((task, i) => {
    const answer = ANSWERS[task.category](task.title);
    const passed = i % 3 !== 1;
    return {
      taskId: task.id,
      category: task.category,
      passed,
      detail: passed ? DETAILS[task.category] : `failed: ${DETAILS[task.category].replace(/found.*/, 'found something else')}`,
      answer,
      ms: measured(900 + 5200 * timing()),
      promptTokens: 90 + Math.round(140 * timing()),
      generatedTokens: Math.min(task.maxNewTokens ?? 256, 40 + Math.round(answer.length / 4)),
    };
  });
  return buildResultsDocument({
    benchmark: benchmarkRows(),
    scorecard: [{ modelId: REALISTIC_MODEL, backend: 'webgpu', dtype: 'q4f16', suiteName: BUILTIN_SUITE.name, finishedAt: '2026-12-02T09:31:47.204Z', results }],
    hardware: REALISTIC_REPORT,
    machine: machineFromReport(REALISTIC_REPORT),
    exportedAt: new Date('2026-12-02T09:32:10.000Z'),
  });
}
