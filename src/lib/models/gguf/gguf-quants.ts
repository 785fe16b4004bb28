/**
 * ggml's block formats, written the way llama.cpp's reference quantizers write them
 * (ggml-quants.c `quantize_row_*_ref`), and read back the way its dequantizers read them:
 *
 *   Q8_0  32 values: f16 scale d = amax/127, int8 codes round(x/d).              34 bytes
 *   Q4_0  32 values: f16 scale d = m/-8 (m the value of largest magnitude), codes
 *         min(15, trunc(x/d + 8.5)) two per byte (j and j+16).                    18 bytes
 *   Q4_K  256 values in 8 sub-blocks of 32: f16 d and dmin, 6-bit scale and min per
 *         sub-block (12 bytes), 4-bit codes: x ≈ d·sc·q − dmin·m.                 144 bytes
 *
 * Q4_K here is simpler than llama.cpp's (no search for the best scale): each sub-block's grid is
 * chosen to cover its whole range, so every value is within half a step of a code.
 */
import { GgmlType } from './gguf-format';

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half-precision bits of `v`, rounded to nearest even (as ggml's GGML_FP32_TO_FP16). */
export function f32ToF16Bits(v: number): number {
  f32Scratch[0] = v;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++; // a carry into the exponent is still right
  return sign | half;
}

export function f16BitsToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** C's roundf: halves away from zero. */
const roundf = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

export const QK8_0 = 32;
export const QK4_0 = 32;
export const QK_K = 256;

function checkBlocks(n: number, block: number, what: string): void {
  if (n % block !== 0) throw new Error(`${what}: ${n} values is not a whole number of ${block}-value blocks`);
}

export function quantizeQ8_0(x: Float32Array): Uint8Array {
  checkBlocks(x.length, QK8_0, 'Q8_0');
  const out = new Uint8Array((x.length / QK8_0) * 34);
  const view = new DataView(out.buffer);
  for (let b = 0, o = 0; b < x.length; b += QK8_0, o += 34) {
    let amax = 0;
    for (let j = 0; j < QK8_0; j++) amax = Math.max(amax, Math.abs(x[b + j]!));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(o, f32ToF16Bits(d), true);
    for (let j = 0; j < QK8_0; j++) view.setInt8(o + 2 + j, roundf(Math.fround(x[b + j]! * id)));
  }
  return out;
}

export function dequantizeQ8_0(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0, o = 0; b < n; b += QK8_0, o += 34) {
    const d = f16BitsToF32(view.getUint16(o, true));
    for (let j = 0; j < QK8_0; j++) out[b + j] = view.getInt8(o + 2 + j) * d;
  }
  return out;
}

export function quantizeQ4_0(x: Float32Array): Uint8Array {
  checkBlocks(x.length, QK4_0, 'Q4_0');
  const out = new Uint8Array((x.length / QK4_0) * 18);
  const view = new DataView(out.buffer);
  for (let b = 0, o = 0; b < x.length; b += QK4_0, o += 18) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK4_0; j++) {
      const v = x[b + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(o, f32ToF16Bits(d), true);
    for (let j = 0; j < QK4_0 / 2; j++) {
      const q0 = Math.min(15, Math.trunc(Math.fround(x[b + j]! * id) + 8.5));
      const q1 = Math.min(15, Math.trunc(Math.fround(x[b + j + 16]! * id) + 8.5));
      out[o + 2 + j] = q0 | (q1 << 4);
    }
  }
  return out;
}

export function dequantizeQ4_0(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0, o = 0; b < n; b += QK4_0, o += 18) {
    const d = f16BitsToF32(view.getUint16(o, true));
    for (let j = 0; j < QK4_0 / 2; j++) {
      const q = bytes[o + 2 + j]!;
      out[b + j] = ((q & 0x0f) - 8) * d;
      out[b + j + 16] = ((q >> 4) - 8) * d;
    }
  }
  return out;
}

/** ggml's get_scale_min_k4: sub-block j's 6-bit scale and min from the 12 packed bytes at `o`. */
function scaleMinK4(bytes: Uint8Array, o: number, j: number): [number, number] {
  if (j < 4) return [bytes[o + j]! & 63, bytes[o + j + 4]! & 63];
  return [
    (bytes[o + j + 4]! & 0x0f) | ((bytes[o + j - 4]! >> 6) << 4),
    (bytes[o + j + 4]! >> 4) | ((bytes[o + j]! >> 6) << 4),
  ];
}

export function quantizeQ4_K(x: Float32Array): Uint8Array {
  checkBlocks(x.length, QK_K, 'Q4_K');
  const out = new Uint8Array((x.length / QK_K) * 144);
  const view = new DataView(out.buffer);
  const lo = new Float64Array(8);
  const hi = new Float64Array(8);
  for (let b = 0, o = 0; b < x.length; b += QK_K, o += 144) {
    // Each sub-block's range [lo, hi], with lo ≤ 0 so the min is stored as a non-negative m.
    let maxM = 0;
    for (let j = 0; j < 8; j++) {
      let mn = 0;
      let mx = -Infinity;
      for (let l = 0; l < 32; l++) {
        const v = x[b + j * 32 + l]!;
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
      }
      lo[j] = mn;
      hi[j] = mx;
      maxM = Math.max(maxM, -mn);
    }
    // dmin and d have headroom (62 of the 63 codes) so the rounding up below never leaves 6 bits.
    const dminBits = f32ToF16Bits(maxM / 62);
    const dmin = f16BitsToF32(dminBits);
    const lm = new Uint8Array(8);
    const steps = new Float64Array(8);
    let maxStep = 0;
    for (let j = 0; j < 8; j++) {
      lm[j] = dmin > 0 ? Math.min(63, Math.ceil(-lo[j]! / dmin)) : 0;
      // The grid starts at -dmin·lm ≤ lo and must reach hi in 15 steps.
      steps[j] = (hi[j]! + dmin * lm[j]!) / 15;
      maxStep = Math.max(maxStep, steps[j]!);
    }
    const dBits = f32ToF16Bits(maxStep / 62);
    const d = f16BitsToF32(dBits);
    view.setUint16(o, dBits, true);
    view.setUint16(o + 2, dminBits, true);
    const ls = new Uint8Array(8);
    for (let j = 0; j < 8; j++) ls[j] = d > 0 ? Math.min(63, Math.ceil(steps[j]! / d)) : 0;
    for (let j = 0; j < 8; j++) {
      if (j < 4) {
        out[o + 4 + j] = ls[j]!;
        out[o + 4 + j + 4] = lm[j]!;
      } else {
        out[o + 4 + j + 4] = (ls[j]! & 0x0f) | ((lm[j]! & 0x0f) << 4);
        out[o + 4 + j - 4]! |= (ls[j]! >> 4) << 6;
        out[o + 4 + j]! |= (lm[j]! >> 4) << 6;
      }
    }
    const codes = new Uint8Array(QK_K);
    for (let j = 0; j < 8; j++) {
      const step = d * ls[j]!;
      const min = dmin * lm[j]!;
      for (let l = 0; l < 32; l++) {
        const i = j * 32 + l;
        codes[i] = step > 0 ? Math.max(0, Math.min(15, Math.round((x[b + i]! + min) / step))) : 0;
      }
    }
    // Codes of sub-blocks 2k and 2k+1 share bytes: low nibble the first, high nibble the second.
    for (let k = 0; k < 4; k++) {
      for (let l = 0; l < 32; l++) out[o + 16 + k * 32 + l] = codes[k * 64 + l]! | (codes[k * 64 + 32 + l]! << 4);
    }
  }
  return out;
}

export function dequantizeQ4_K(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0, o = 0; b < n; b += QK_K, o += 144) {
    const d = f16BitsToF32(view.getUint16(o, true));
    const dmin = f16BitsToF32(view.getUint16(o + 2, true));
    for (let k = 0; k < 4; k++) {
      const [sc1, m1] = scaleMinK4(bytes, o + 4, 2 * k);
      const [sc2, m2] = scaleMinK4(bytes, o + 4, 2 * k + 1);
      for (let l = 0; l < 32; l++) {
        const q = bytes[o + 16 + k * 32 + l]!;
        out[b + k * 64 + l] = d * sc1 * (q & 0x0f) - dmin * m1;
        out[b + k * 64 + 32 + l] = d * sc2 * (q >> 4) - dmin * m2;
      }
    }
  }
  return out;
}

export function encodeF16(x: Float32Array): Uint8Array {
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f32ToF16Bits(x[i]!);
  return new Uint8Array(out.buffer);
}

/** The bytes of `values` stored as ggml tensor type `type` (F32, F16, Q8_0, Q4_0 or Q4_K). */
export function encodeTensorData(type: number, values: Float32Array): Uint8Array {
  switch (type) {
    case GgmlType.F32:
      return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    case GgmlType.F16:
      return encodeF16(values);
    case GgmlType.Q8_0:
      return quantizeQ8_0(values);
    case GgmlType.Q4_0:
      return quantizeQ4_0(values);
    case GgmlType.Q4_K:
      return quantizeQ4_K(values);
    default:
      throw new Error(`no encoder for ggml type ${type}`);
  }
}
