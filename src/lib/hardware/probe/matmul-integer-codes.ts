// The weight-code range every int8 matrix this project generates (the probe's graphs and the
// test and benchmark models) stays within, so an integer matmul computes the same on every CPU.
//
// onnxruntime's x86 `MatMulInteger` (uint8 activations × int8 weights) on CPUs without VNNI uses
// `vpmaddubsw`, which adds two u8·s8 products into a saturating int16: full-range codes reach
// 255·127·2 = 64770 and clip at 32767 (a model ~40% off). 7-bit codes, as onnxruntime's own
// quantizer writes with `reduce_range`, give at most 255·63·2 = 32130, which always fits. CPUs
// with VNNI (`vpdpbusd`, int32 sums) and the WASM build compute the same exact integers either way.

/** Largest |code| of an int8 weight fed to an integer matmul. */
export const MATMUL_INTEGER_MAX_WEIGHT_CODE = 63;

/** The largest value an int16 pair sum may reach without saturating. */
export const INT16_MAX = 32767;

/** The largest pair sum `vpmaddubsw` can form from uint8 activations and these weight codes. */
export function worstPairSum(maxWeightCode: number): number {
  return 255 * maxWeightCode * 2;
}

/** Maps arbitrary bytes onto uniform-ish codes in [-MAX, MAX] (in place), as an Int8Array view. */
export function toWeightCodes(bytes: Uint8Array): Int8Array {
  const span = 2 * MATMUL_INTEGER_MAX_WEIGHT_CODE + 1;
  for (let i = 0; i < bytes.length; i++) bytes[i] = ((bytes[i]! % span) - MATMUL_INTEGER_MAX_WEIGHT_CODE) & 0xff;
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
