/**
 * Qwen3.5's text decoder written out in plain loops from the Hugging Face formulas (Qwen3.5 /
 * Qwen3-Next modelling code), independent of the ONNX graphs, so a test can check what the
 * generated decoder computes: Gated DeltaNet layers (causal depthwise conv + SiLU, l2-normalised
 * q/k, decay g = −exp(A_log)·softplus(a + dt_bias), β = sigmoid(b), the delta rule on a
 * [dk, dv] state, gated RMSNorm) and the gated softmax-attention layer (q/k RMSNorm, interleaved
 * M-RoPE on the first quarter of each head, GQA, causal, sigmoid output gate).
 */
import type { FullLayerWeights, LinearLayerWeights, Qwen35Arch, Qwen35Weights } from '../../fixtures/tiny-qwen35-weights';

type Vec = Float64Array;

const matvec = (x: ArrayLike<number>, W: Float32Array, K: number, N: number): Vec => {
  const y = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    const xk = x[k]!;
    for (let n = 0; n < N; n++) y[n] = y[n]! + xk * W[k * N + n]!;
  }
  return y;
};
const silu = (v: number) => v / (1 + Math.exp(-v));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const softplus = (v: number) => Math.log1p(Math.exp(v));

function rms(x: ArrayLike<number>, w: Float32Array, eps: number, off = 0, n = w.length): Vec {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[off + i]! ** 2;
  const r = 1 / Math.sqrt(s / n + eps);
  return Float64Array.from({ length: n }, (_, i) => x[off + i]! * r * w[i]!);
}

function l2(x: Vec): Vec {
  let s = 0;
  for (const v of x) s += v * v;
  const r = 1 / Math.sqrt(s + 1e-6);
  return x.map((v) => v * r);
}

function mlp(a: Qwen35Arch, lw: LinearLayerWeights | FullLayerWeights, h: Vec): Vec {
  const n = rms(h, lw.postNorm, a.rmsNormEps);
  const g = matvec(n, lw.gate, a.hiddenSize, a.intermediateSize);
  const u = matvec(n, lw.up, a.hiddenSize, a.intermediateSize);
  const d = matvec(
    g.map((v, i) => silu(v) * u[i]!),
    lw.down,
    a.intermediateSize,
    a.hiddenSize,
  );
  return h.map((v, i) => v + d[i]!);
}

function linearLayer(a: Qwen35Arch, lw: LinearLayerWeights, hs: Vec[]): Vec[] {
  const H = a.hiddenSize;
  const [nk, nv, dk, dv, K] = [a.linearNumKeyHeads, a.linearNumValueHeads, a.linearKeyHeadDim, a.linearValueHeadDim, a.convKernel];
  const C = 2 * nk * dk + nv * dv;
  const ns = hs.map((x) => rms(x, lw.inputNorm, a.rmsNormEps));
  const mixed = ns.map((n) => matvec(n, lw.qkv, H, C));
  const conv = mixed.map((_, t) =>
    Float64Array.from({ length: C }, (_, c) => {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const src = t - (K - 1) + k;
        if (src >= 0) s += lw.conv[c * K + k]! * mixed[src]![c]!;
      }
      return silu(s);
    }),
  );
  const state = Array.from({ length: nv }, () => new Float64Array(dk * dv));
  return hs.map((x, t) => {
    const n = ns[t]!;
    const z = matvec(n, lw.z, H, nv * dv);
    const beta = matvec(n, lw.b, H, nv).map(sigmoid);
    const aa = matvec(n, lw.a, H, nv);
    const core = new Float64Array(nv * dv);
    for (let h = 0; h < nv; h++) {
      const kh = Math.floor(h / (nv / nk));
      const q = l2(conv[t]!.slice(kh * dk, kh * dk + dk)).map((v) => v / Math.sqrt(dk));
      const k = l2(conv[t]!.slice(nk * dk + kh * dk, nk * dk + kh * dk + dk));
      const v = conv[t]!.slice(2 * nk * dk + h * dv, 2 * nk * dk + h * dv + dv);
      const S = state[h]!;
      const decay = Math.exp(-Math.exp(lw.aLog[h]!) * softplus(aa[h]! + lw.dtBias[h]!));
      for (let i = 0; i < S.length; i++) S[i] = S[i]! * decay;
      for (let j = 0; j < dv; j++) {
        let mem = 0;
        for (let i = 0; i < dk; i++) mem += S[i * dv + j]! * k[i]!;
        const delta = (v[j]! - mem) * beta[h]!;
        for (let i = 0; i < dk; i++) S[i * dv + j] = S[i * dv + j]! + k[i]! * delta;
      }
      const o = Float64Array.from({ length: dv }, (_, j) => {
        let s = 0;
        for (let i = 0; i < dk; i++) s += S[i * dv + j]! * q[i]!;
        return s;
      });
      const normed = rms(o, lw.norm, a.rmsNormEps);
      for (let j = 0; j < dv; j++) core[h * dv + j] = normed[j]! * silu(z[h * dv + j]!);
    }
    const out = matvec(core, lw.out, nv * dv, H);
    return mlp(
      a,
      lw,
      x.map((v, i) => v + out[i]!),
    );
  });
}

/** `positions[t]` = [t, h, w] position of token t. */
function fullLayer(a: Qwen35Arch, lw: FullLayerWeights, hs: Vec[], positions: number[][]): Vec[] {
  const { hiddenSize: H, numHeads: nH, numKvHeads: nKV, headDim: D } = a;
  const R = Math.round(D * a.partialRotaryFactor);
  const half = R / 2;
  const [, hSec, wSec] = a.mropeSection;
  const axis = (j: number) => (j % 3 === 1 && j < 3 * hSec ? 1 : j % 3 === 2 && j < 3 * wSec ? 2 : 0);
  const rope = (x: Vec, pos: number[]) => {
    const out = Float64Array.from(x);
    for (let j = 0; j < R; j++) {
      const f = j % half;
      const angle = pos[axis(f)]! / Math.pow(a.ropeTheta, (2 * f) / R);
      const rot = j < half ? -x[j + half]! : x[j - half]!;
      out[j] = x[j]! * Math.cos(angle) + rot * Math.sin(angle);
    }
    return out;
  };
  const ns = hs.map((x) => rms(x, lw.inputNorm, a.rmsNormEps));
  const qs = ns.map((n, t) => {
    const q = matvec(n, lw.q, H, nH * 2 * D);
    return Array.from({ length: nH }, (_, h) => ({
      q: rope(rms(q, lw.qNorm, a.rmsNormEps, h * 2 * D, D), positions[t]!),
      gate: q.slice(h * 2 * D + D, h * 2 * D + 2 * D),
    }));
  });
  const ks = ns.map((n, t) => {
    const k = matvec(n, lw.k, H, nKV * D);
    return Array.from({ length: nKV }, (_, h) => rope(rms(k, lw.kNorm, a.rmsNormEps, h * D, D), positions[t]!));
  });
  const vs = ns.map((n) => {
    const v = matvec(n, lw.v, H, nKV * D);
    return Array.from({ length: nKV }, (_, h) => v.slice(h * D, h * D + D));
  });
  return hs.map((x, t) => {
    const ctx = new Float64Array(nH * D);
    for (let h = 0; h < nH; h++) {
      const kv = Math.floor(h / (nH / nKV));
      const scores = Array.from({ length: t + 1 }, (_, j) => {
        let s = 0;
        for (let d = 0; d < D; d++) s += qs[t]![h]!.q[d]! * ks[j]![kv]![d]!;
        return s / Math.sqrt(D);
      });
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const sum = e.reduce((p, c) => p + c, 0);
      for (let j = 0; j <= t; j++) for (let d = 0; d < D; d++) ctx[h * D + d] = ctx[h * D + d]! + (e[j]! / sum) * vs[j]![kv]![d]!;
      for (let d = 0; d < D; d++) ctx[h * D + d] = ctx[h * D + d]! * sigmoid(qs[t]![h]!.gate[d]!);
    }
    const o = matvec(ctx, lw.o, nH * D, H);
    return mlp(
      a,
      lw,
      x.map((v, i) => v + o[i]!),
    );
  });
}

/** Logits per position for inputs_embeds rows `embeds` at [t, h, w] `positions`. */
export function qwen35ReferenceLogits(a: Qwen35Arch, w: Qwen35Weights, embeds: ArrayLike<number>[], positions: number[][]): Float32Array[] {
  let hs: Vec[] = embeds.map((e) => Float64Array.from(e));
  for (const lw of w.layers) hs = lw.kind === 'linear_attention' ? linearLayer(a, lw, hs) : fullLayer(a, lw, hs, positions);
  return hs.map((x) => {
    const logits = matvec(rms(x, w.finalNorm, a.rmsNormEps), w.lmHead, a.hiddenSize, a.vocabSize);
    return Float32Array.from(logits, (v, i) => v + (w.logitBias?.[i] ?? 0));
  });
}
