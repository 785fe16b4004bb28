import { describe, expect, it } from 'vitest';
import { GgmlType, GGUF_MAGIC, GgufValueType } from '../../src/lib/models/gguf/gguf-format';
import { readGgufHeader } from '../../src/lib/models/gguf/gguf-reader';
import { describeGgufModel, inspectGguf } from '../../src/lib/models/gguf/gguf-model-info';
import { parseSplitName, splitFamily, splitFileName } from '../../src/lib/models/gguf/gguf-split';
import { ByteWriter, type GgufFilePlan, encodeGguf, gv, writeKv } from '../fixtures/gguf-writer';
import {
  dequantizeQ4_0,
  dequantizeQ4_K,
  dequantizeQ8_0,
  encodeTensorData,
  f16BitsToF32,
  f32ToF16Bits,
  quantizeQ4_0,
  quantizeQ4_K,
  quantizeQ8_0,
} from '../fixtures/gguf-quants';
import { TINY_GLM_EDGE_GGUF, TINY_QWEN3_GGUF, ggufPlans, ggufTokenIds } from '../fixtures/tiny-gguf';
import { GLM_EDGE_CHAT_TEMPLATE, QWEN3_CHAT_TEMPLATE } from '../fixtures/fixture-tokenizer';
import { Rng } from '../fixtures/tiny-transformer';

const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

/** Rejects with an error whose stable `name` is `name`. */
async function rejectsWithName(p: Promise<unknown>, name: string): Promise<Error> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, `expected ${name}`).toBeInstanceOf(Error);
  expect((e as Error).name).toBe(name);
  return e as Error;
}

function tensor(name: string, dims: number[], type: number, values: Float32Array) {
  return { name, dims, type, data: () => [encodeTensorData(type, values)] };
}

const random = (n: number, seed: number, std = 1) => new Rng(seed).fillNormal(n, std);

function smallPlan(arch = 'qwen3'): GgufFilePlan {
  return {
    metadata: [
      ['general.architecture', gv.str(arch)],
      ['general.name', gv.str('round trip ✓')],
      ['general.file_type', gv.u32(7)],
      ['general.alignment', gv.u32(64)],
      [`${arch}.context_length`, gv.u32(4096)],
      [`${arch}.block_count`, gv.u32(1)],
      ['t.u8', { type: GgufValueType.UINT8, value: 250 }],
      ['t.i8', { type: GgufValueType.INT8, value: -7 }],
      ['t.i16', { type: GgufValueType.INT16, value: -300 }],
      ['t.i32', gv.i32(-70000)],
      ['t.u64', gv.u64(2n ** 60n)],
      ['t.i64', { type: GgufValueType.INT64, value: -5n }],
      ['t.f64', { type: GgufValueType.FLOAT64, value: Math.PI }],
      ['t.bool', gv.bool(true)],
      ['t.strings', gv.strings(['a', 'é', ''])],
      ['t.f32s', gv.f32s([0.5, -2])],
    ],
    tensors: [
      tensor('a.weight', [64, 3], GgmlType.Q8_0, random(192, 1)),
      tensor('b.weight', [5], GgmlType.F32, random(5, 2)),
      tensor('c.weight', [32, 2], GgmlType.Q4_0, random(64, 3)),
      tensor('d.weight', [256], GgmlType.Q4_K, random(256, 4)),
      tensor('e.weight', [7], GgmlType.F16, random(7, 5)),
    ],
  };
}

describe('GGUF reader', () => {
  it('reads back what the writer wrote: typed metadata, tensor table, alignment and data offset', async () => {
    const plan = smallPlan();
    const bytes = encodeGguf(plan);
    const h = await readGgufHeader(blobOf(bytes));
    expect(h.version).toBe(3);
    expect(h.alignment).toBe(64);
    expect(h.dataOffset % 64).toBe(0);
    const m = h.metadata;
    expect(m.get('general.architecture')).toBe('qwen3');
    expect(m.get('general.name')).toBe('round trip ✓');
    expect(m.get('t.u8')).toBe(250);
    expect(m.get('t.i8')).toBe(-7);
    expect(m.get('t.i16')).toBe(-300);
    expect(m.get('t.i32')).toBe(-70000);
    expect(m.get('t.u64')).toBe(2n ** 60n); // past 2^53: kept exact as a bigint
    expect(m.get('t.i64')).toBe(-5);
    expect(m.get('t.f64')).toBe(Math.PI);
    expect(m.get('t.bool')).toBe(true);
    expect(m.get('t.strings')).toEqual(['a', 'é', '']);
    expect(Array.from(m.get('t.f32s') as Float32Array)).toEqual([0.5, -2]);
    expect(h.tensors.map((t) => [t.name, t.dims, t.type])).toEqual(plan.tensors.map((t) => [t.name, t.dims, t.type]));
    expect(h.tensors.every((t) => t.offset % 64 === 0)).toBe(true);
    // Each tensor's bytes sit at dataOffset + offset, exactly as encoded.
    for (const [i, t] of h.tensors.entries()) {
      const expected = [...plan.tensors[i]!.data()][0]!;
      expect(t.byteSize).toBe(expected.length);
      expect(bytes.subarray(h.dataOffset + t.offset, h.dataOffset + t.offset + t.byteSize)).toEqual(expected);
    }
    const info = describeGgufModel(h);
    expect(info).toMatchObject({ architecture: 'qwen3', quantization: 'Q8_0', contextLength: 4096, blockCount: 1, split: null });
    expect(info.tensorTypes).toEqual({
      Q8_0: { tensors: 1, bytes: 6 * 34 },
      F32: { tensors: 1, bytes: 20 },
      Q4_0: { tensors: 1, bytes: 2 * 18 },
      Q4_K: { tensors: 1, bytes: 144 },
      F16: { tensors: 1, bytes: 14 },
    });
  });

  it('summarises the tiny Qwen3 and GLM-Edge fixtures: architecture, shape, tokenizer and chat template', async () => {
    const qwen = await inspectGguf(blobOf(encodeGguf(ggufPlans(TINY_QWEN3_GGUF, 'Q4_0')[0]!)));
    const qIds = ggufTokenIds(TINY_QWEN3_GGUF);
    expect(qwen).toMatchObject({
      architecture: 'qwen3',
      quantization: 'Q4_0',
      contextLength: 2048,
      blockCount: 2,
      embeddingLength: 64,
      feedForwardLength: 128,
      headCount: 4,
      headCountKv: 2,
      vocabSize: 264,
      chatTemplate: QWEN3_CHAT_TEMPLATE,
      bosTokenId: qIds['<|endoftext|>'],
      eosTokenId: qIds['<|im_end|>'],
      tokenizerModel: 'gpt2',
      tokenizerPre: 'qwen2',
      tensorCount: 3 + 2 * 11,
    });
    const glm = await inspectGguf(blobOf(encodeGguf(ggufPlans(TINY_GLM_EDGE_GGUF, 'Q8_0')[0]!)));
    expect(glm).toMatchObject({
      architecture: 'chatglm',
      quantization: 'Q8_0',
      chatTemplate: GLM_EDGE_CHAT_TEMPLATE,
      eosTokenId: ggufTokenIds(TINY_GLM_EDGE_GGUF)['<|endoftext|>'],
      tokenizerPre: 'chatglm-bpe',
    });
  });

  it('reads only the head of a big file', async () => {
    const plan = smallPlan();
    plan.tensors = [...plan.tensors, tensor('big.weight', [1024, 4096], GgmlType.F32, new Float32Array(1024 * 4096))];
    const bytes = encodeGguf(plan);
    let read = 0;
    class CountingBlob extends Blob {
      override slice(start?: number, end?: number, type?: string): Blob {
        read += (end ?? this.size) - (start ?? 0);
        return super.slice(start, end, type);
      }
    }
    const h = await readGgufHeader(new CountingBlob([bytes as Uint8Array<ArrayBuffer>]));
    expect(h.tensors.at(-1)!.byteSize).toBe(16 * 1024 * 1024);
    expect(bytes.length).toBeGreaterThan(16 * 1024 * 1024);
    expect(read).toBeLessThanOrEqual(256 * 1024);
  });

  it('refuses a file that is not GGUF', async () => {
    const e = await rejectsWithName(readGgufHeader(blobOf(new TextEncoder().encode('PK\x03\x04 a zip file, not a model'))), 'GgufBadMagicError');
    expect(e.message).toContain('not a GGUF file');
    await rejectsWithName(readGgufHeader(blobOf(new Uint8Array(0))), 'GgufTruncatedError');
  });

  it('refuses GGUF versions it cannot read', async () => {
    const w = new ByteWriter();
    w.u32(GGUF_MAGIC);
    w.u32(1);
    w.u64(0);
    w.u64(0);
    const e = await rejectsWithName(readGgufHeader(blobOf(w.toBytes())), 'GgufUnsupportedVersionError');
    expect(e.message).toContain('version 1');
  });

  it('reports a file cut inside its header as truncated, wherever the cut falls', async () => {
    const bytes = encodeGguf(ggufPlans(TINY_QWEN3_GGUF, 'Q8_0')[0]!);
    const h = await readGgufHeader(blobOf(bytes));
    for (const cut of [3, 10, 23, 100, 4000, h.dataOffset - 40]) {
      const e = await rejectsWithName(readGgufHeader(blobOf(bytes.subarray(0, cut)), { initialReadBytes: 1024 }), 'GgufTruncatedError');
      expect(e).toMatchObject({ part: 'header', fileBytes: cut });
    }
  });

  it('reports tensor data shorter than the header declares as truncated, and reads it when asked not to check', async () => {
    const bytes = encodeGguf(ggufPlans(TINY_GLM_EDGE_GGUF, 'Q4_0')[0]!);
    const h = await readGgufHeader(blobOf(bytes));
    const end = h.dataOffset + h.tensorDataBytes;
    const cut = bytes.subarray(0, end - 1);
    const e = await rejectsWithName(readGgufHeader(blobOf(cut)), 'GgufTruncatedError');
    expect(e).toMatchObject({ part: 'tensor-data', neededBytes: end, fileBytes: end - 1 });
    await rejectsWithName(inspectGguf(blobOf(cut)), 'GgufTruncatedError');
    // A download in progress: the head is there, the data is not yet.
    expect((await readGgufHeader(blobOf(cut), { requireTensorData: false })).tensors).toHaveLength(h.tensors.length);
  });

  it('refuses an architecture the app does not run, with the reason, and a projector file as not a chat model', async () => {
    const e = await rejectsWithName(inspectGguf(blobOf(encodeGguf(smallPlan('mamba2')))), 'GgufUnsupportedArchitectureError');
    expect(e).toMatchObject({ architecture: 'mamba2' });
    expect(e.message).toContain('"mamba2"');
    expect(e.message).toContain('qwen3');
    const clip = await rejectsWithName(inspectGguf(blobOf(encodeGguf(smallPlan('clip')))), 'GgufUnsupportedArchitectureError');
    expect(clip.message).toContain('vision projector');
    for (const arch of ['qwen2', 'qwen3', 'qwen35', 'chatglm', 'glm4', 'llama']) {
      expect((await inspectGguf(blobOf(encodeGguf(smallPlan(arch))))).architecture).toBe(arch);
    }
  });

  describe('bounds every count before allocating for it', () => {
    const head = (tensorCount: number | bigint, kvCount: number | bigint) => {
      const w = new ByteWriter();
      w.u32(GGUF_MAGIC);
      w.u32(3);
      w.u64(tensorCount);
      w.u64(kvCount);
      return w;
    };

    it('metadata and tensor counts', async () => {
      const kv = await rejectsWithName(readGgufHeader(blobOf(head(0, 2n ** 40n).toBytes())), 'GgufLimitError');
      expect(kv).toMatchObject({ what: 'metadata count', value: 2n ** 40n });
      await rejectsWithName(readGgufHeader(blobOf(head(2n ** 62n, 0).toBytes())), 'GgufLimitError');
    });

    it('string and array lengths', async () => {
      const s = head(0, 1);
      s.u64(2n ** 50n); // key length
      await rejectsWithName(readGgufHeader(blobOf(s.toBytes())), 'GgufLimitError');

      const a = head(0, 1);
      a.string('tokenizer.ggml.tokens');
      a.u32(GgufValueType.ARRAY);
      a.u32(GgufValueType.STRING);
      a.u64(2n ** 31n);
      const e = await rejectsWithName(readGgufHeader(blobOf(a.toBytes())), 'GgufLimitError');
      expect(e.message).toContain('tokenizer.ggml.tokens');
    });

    it('an array length within the limit but without the bytes behind it is truncation, not an allocation', async () => {
      const a = head(0, 1);
      a.string('tokenizer.ggml.tokens');
      a.u32(GgufValueType.ARRAY);
      a.u32(GgufValueType.ARRAY); // 4 million nested arrays declared in a file of a few dozen bytes
      a.u64(4_000_000);
      await rejectsWithName(readGgufHeader(blobOf(a.toBytes())), 'GgufTruncatedError');
    });

    it('a header past the size the reader is willing to read', async () => {
      const w = head(0, 1);
      writeKv(w, 'padding', gv.str('x'.repeat(300_000)));
      const bytes = w.toBytes();
      await rejectsWithName(readGgufHeader(blobOf(bytes), { limits: { maxHeaderBytes: 128 * 1024 } }), 'GgufLimitError');
      expect((await readGgufHeader(blobOf(bytes), { initialReadBytes: 4096 })).metadata.get('padding')).toHaveLength(300_000);
    });

    it('tensor shapes, types and offsets', async () => {
      const bad = async (dims: (number | bigint)[], type: number, offset: number, name: string) => {
        const w = head(1, 0);
        w.string('t');
        w.u32(dims.length);
        for (const d of dims) w.u64(d);
        w.u32(type);
        w.u64(offset);
        await rejectsWithName(readGgufHeader(blobOf(w.toBytes()), { requireTensorData: false }), name);
      };
      await bad([2n ** 60n], GgmlType.F32, 0, 'GgufLimitError');
      await bad([2n ** 30n, 2n ** 30n], GgmlType.F32, 0, 'GgufLimitError');
      await bad([1, 1, 1, 1, 1], GgmlType.F32, 0, 'GgufFormatError');
      await bad([31], GgmlType.Q8_0, 0, 'GgufFormatError'); // not whole blocks
      await bad([32], 99, 0, 'GgufFormatError'); // unknown type
      await bad([32], GgmlType.F32, 3, 'GgufFormatError'); // misaligned
    });
  });
});

describe('GGUF split files', () => {
  it('names parts the way llama-gguf-split does and parses them back', () => {
    expect(splitFileName('Qwen3-0.6B-Q8_0', 0, 3)).toBe('Qwen3-0.6B-Q8_0-00001-of-00003.gguf');
    expect(parseSplitName('models/Qwen3-0.6B-Q8_0-00003-of-00003.gguf')).toEqual({ prefix: 'models/Qwen3-0.6B-Q8_0', index: 2, count: 3 });
    expect(splitFamily('m-00002-of-00002.gguf')).toEqual(['m-00001-of-00002.gguf', 'm-00002-of-00002.gguf']);
    expect(parseSplitName('m-00000-of-00002.gguf')).toBeNull();
    expect(parseSplitName('m-00003-of-00002.gguf')).toBeNull();
    expect(parseSplitName('m-Q8_0.gguf')).toBeNull();
    expect(() => splitFileName('m', 2, 2)).toThrow(RangeError);
  });

  it("reads each part's split keys: the first carries the model, the second only its tensors", async () => {
    const [first, second] = ggufPlans(TINY_QWEN3_GGUF, 'Q8_0', true).map((p) => encodeGguf(p));
    const a = await inspectGguf(blobOf(first!));
    const b = await inspectGguf(blobOf(second!));
    expect(a).toMatchObject({ architecture: 'qwen3', split: { index: 0, count: 2, tensorsTotal: 25 } });
    expect(b).toMatchObject({ architecture: '', split: { index: 1, count: 2, tensorsTotal: 25 } });
    expect(a.tensorCount + b.tensorCount).toBe(25);
  });
});

describe('ggml block quantizers', () => {
  // Values spread over several magnitudes, plus blocks of zeros and of one repeated value.
  const x = new Float32Array(4096);
  x.set(random(2048, 11, 1));
  x.set(random(1024, 12, 0.001), 2048);
  x.fill(0, 3072, 3328);
  x.fill(-3.25, 3328, 3584);
  x.set(random(512, 13, 40), 3584);

  const blockMax = (i: number, size: number) => {
    const b = Math.floor(i / size) * size;
    let m = 0;
    for (let j = b; j < b + size; j++) m = Math.max(m, Math.abs(x[j]!));
    return m;
  };

  it('f16 rounds to nearest even and reads back exactly', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(1e6)).toBe(0x7c00);
    expect(f32ToF16Bits(2 ** -24)).toBe(1);
    expect(f16BitsToF32(f32ToF16Bits(1 + 2 ** -11))).toBe(1); // a tie goes to the even mantissa
    expect(f16BitsToF32(f32ToF16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    for (const v of random(1000, 14, 100)) {
      const r = f16BitsToF32(f32ToF16Bits(v));
      expect(Math.abs(r - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
  });

  // Q8_0: codes are round(x / d) with d = amax/127 exact, then d is stored as f16 (error
  // ≤ d·2^-11, or 2^-25 where d is an f16 subnormal). Error ≤ d/2 + 127·|d − f16(d)|
  // ≤ amax · 0.00443 + 127·2^-25.
  it('Q8_0: each value within 0.00443 × its block maximum (+ f16 subnormal rounding)', () => {
    const bytes = quantizeQ8_0(x);
    expect(bytes.length).toBe((4096 / 32) * 34);
    const y = dequantizeQ8_0(bytes, x.length);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(blockMax(i, 32) * 0.00443 + 127 * 2 ** -25);
    expect(Array.from(y.subarray(3072, 3328))).toEqual(new Array(256).fill(0));
  });

  // Q4_0: d = m/-8 (m the value of largest magnitude, which is then exact); codes trunc(x/d + 8.5)
  // capped at 15, so one value can be a whole step d = amax/8 off (the top code is missing), all
  // others half a step. With d stored as f16: error ≤ amax/8 · (1 + 8·2^-11) + 8·2^-25.
  it('Q4_0: each value within one step (its block maximum / 8), the block maximum itself exact', () => {
    const bytes = quantizeQ4_0(x);
    expect(bytes.length).toBe((4096 / 32) * 18);
    const y = dequantizeQ4_0(bytes, x.length);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual((blockMax(i, 32) / 8) * (1 + 8 * 2 ** -11) + 8 * 2 ** -25);
    // A block of one repeated value comes back as that value.
    expect(Array.from(y.subarray(3328, 3584))).toEqual(new Array(256).fill(-3.25));
  });

  // Q4_K (this writer's variant): every sub-block's 16-level grid covers its range [min(lo, 0), hi]
  // with step s ≤ (hi − lo + dmin)/15 + d, d ≤ max step/62 and dmin ≤ max(−lo)/62 (f16, +0.1%),
  // so each value is within s/2 of a code.
  it('Q4_K: each value within half its sub-block step', () => {
    const bytes = quantizeQ4_K(x);
    expect(bytes.length).toBe((4096 / 256) * 144);
    const y = dequantizeQ4_K(bytes, x.length);
    for (let b = 0; b < x.length; b += 256) {
      const lo: number[] = [];
      const hi: number[] = [];
      for (let j = 0; j < 8; j++) {
        const s = x.subarray(b + j * 32, b + j * 32 + 32);
        lo.push(Math.min(0, ...s));
        hi.push(Math.max(...s));
      }
      const dmin = (Math.max(...lo.map((v) => -v)) / 62) * 1.001;
      const steps = hi.map((h, j) => (h - lo[j]! + dmin) / 15);
      const d = (Math.max(...steps) / 62) * 1.001;
      for (let i = b; i < b + 256; i++) {
        const j = Math.floor((i - b) / 32);
        expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual((steps[j]! + d) / 2 + 1e-6 * (Math.abs(x[i]!) + 1));
      }
    }
  });
});
