// Shared by the JS API tests: loading the module, a fixed-seed RNG, and naive reference loops written
// from PyTorch's definitions with signed indices and explicit bounds (nothing here calls the API).
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// CONVLAB_SITE picks the site folder (relative to the working directory); default <repo>/build/site.
export const siteUrl = process.env.CONVLAB_SITE
  ? pathToFileURL(path.resolve(process.env.CONVLAB_SITE) + '/').href
  : new URL('../../build/site/', import.meta.url).href;

export async function loadLab() {
  const mod = await import(new URL('convlab.mjs', siteUrl).href);
  return { lab: await mod.default(), mod };
}

// mulberry32: a tiny deterministic generator, uniform on [0, 1).
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const product = (shape) => shape.reduce((a, b) => a * b, 1);
// Values in [-1, 1) with float32 precision, so the reference reads exactly what the core reads.
export const random = (shape, r) => ({ shape, data: Float32Array.from({ length: product(shape) }, () => 2 * r() - 1) });
export const tensor = (shape, values) => ({ shape, data: Float32Array.from(values) });
export const filled = (shape, v) => ({ shape, data: new Float32Array(product(shape)).fill(v) });

// ---- padding: the source index padded position i reads, or -1 (zeros) --------------------------------
export function sourceIndex(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (mode === 'zeros') return -1;
  if (mode === 'replicate') return i < 0 ? 0 : n - 1;
  if (mode === 'circular') return ((i % n) + n) % n;
  if (mode === 'reflect') {  // ... 2 1 | 0 1 2 | 1 0 ...: edge not repeated, period 2(n - 1)
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    const j = ((i % period) + period) % period;
    return j < n ? j : period - j;
  }
  if (mode === 'symmetric') {  // ... 1 0 | 0 1 2 | 2 1 ...: edge repeated, period 2n
    const period = 2 * n;
    const j = ((i % period) + period) % period;
    return j < n ? j : period - 1 - j;
  }
  throw new Error(`unknown mode ${mode}`);
}

const at = (t, c, y, x) => t.data[(c * t.shape[1] + y) * t.shape[2] + x];

export function naivePad(x, [top, bottom, left, right], mode) {
  const [C, H, W] = x.shape;
  const OH = H + top + bottom, OW = W + left + right;
  const out = new Float32Array(C * OH * OW);
  for (let c = 0; c < C; ++c)
    for (let y = 0; y < OH; ++y)
      for (let xx = 0; xx < OW; ++xx) {
        const sy = sourceIndex(y - top, H, mode), sx = sourceIndex(xx - left, W, mode);
        out[(c * OH + y) * OW + xx] = sy < 0 || sx < 0 ? 0 : at(x, c, sy, sx);
      }
  return { shape: [C, OH, OW], data: out };
}

// torch.nn.functional.conv2d after padding with `mode`; pad = [top, bottom, left, right].
export function naiveConv2d(x, w, { stride = [1, 1], pad = [0, 0, 0, 0], dilation = [1, 1], groups = 1, mode = 'zeros', bias = null } = {}) {
  const [C, H, W] = x.shape;
  const [Cout, Cg, KH, KW] = w.shape;
  const OH = Math.floor((H + pad[0] + pad[1] - dilation[0] * (KH - 1) - 1) / stride[0]) + 1;
  const OW = Math.floor((W + pad[2] + pad[3] - dilation[1] * (KW - 1) - 1) / stride[1]) + 1;
  const outPerGroup = Cout / groups;
  const out = new Float32Array(Cout * OH * OW);
  for (let o = 0; o < Cout; ++o) {
    const g = Math.floor(o / outPerGroup);
    for (let oy = 0; oy < OH; ++oy)
      for (let ox = 0; ox < OW; ++ox) {
        let sum = bias ? bias[o] : 0;
        for (let j = 0; j < Cg; ++j)
          for (let ky = 0; ky < KH; ++ky)
            for (let kx = 0; kx < KW; ++kx) {
              const py = oy * stride[0] + ky * dilation[0] - pad[0];  // signed position in the unpadded input
              const px = ox * stride[1] + kx * dilation[1] - pad[2];
              const sy = sourceIndex(py, H, mode), sx = sourceIndex(px, W, mode);
              if (sy < 0 || sx < 0) continue;
              sum += w.data[((o * Cg + j) * KH + ky) * KW + kx] * at(x, g * Cg + j, sy, sx);
            }
        out[(o * OH + oy) * OW + ox] = sum;
      }
  }
  return { shape: [Cout, OH, OW], data: out };
}

// torch.nn.functional.conv_transpose2d: each input pixel scatters its kernel; weight [Cin, Cout/g, kh, kw].
export function naiveConvTranspose2d(x, w, { stride = [1, 1], padding = [0, 0], outputPadding = [0, 0], dilation = [1, 1], groups = 1, bias = null } = {}) {
  const [C, H, W] = x.shape;
  const [, Cog, KH, KW] = w.shape;
  const Cout = Cog * groups, inPerGroup = C / groups;
  const OH = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (KH - 1) + outputPadding[0] + 1;
  const OW = (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (KW - 1) + outputPadding[1] + 1;
  const out = new Float32Array(Cout * OH * OW);
  for (let o = 0; o < Cout; ++o) for (let i = 0; i < OH * OW; ++i) out[o * OH * OW + i] = bias ? bias[o] : 0;
  for (let c = 0; c < C; ++c) {
    const g = Math.floor(c / inPerGroup);
    for (let y = 0; y < H; ++y)
      for (let xx = 0; xx < W; ++xx)
        for (let j = 0; j < Cog; ++j)
          for (let ky = 0; ky < KH; ++ky)
            for (let kx = 0; kx < KW; ++kx) {
              const oy = y * stride[0] + ky * dilation[0] - padding[0];
              const ox = xx * stride[1] + kx * dilation[1] - padding[1];
              if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
              const o = g * Cog + j;
              out[(o * OH + oy) * OW + ox] += at(x, c, y, xx) * w.data[((c * Cog + j) * KH + ky) * KW + kx];
            }
  }
  return { shape: [Cout, OH, OW], data: out };
}

// Pool output size along one axis, PyTorch 1.13's pooling_output_shape.
export function poolSize(n, k, s, p, d, ceil) {
  const num = n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let out = Math.floor(num / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out -= 1;
  return out;
}

// max_pool2d / avg_pool2d / -max_pool2d(-x), padding symmetric.
export function naivePool2d(x, { mode = 'max', kernel, stride = kernel, padding = [0, 0], dilation = [1, 1], ceilMode = false, countIncludePad = true }) {
  const [C, H, W] = x.shape;
  const OH = poolSize(H, kernel[0], stride[0], padding[0], dilation[0], ceilMode);
  const OW = poolSize(W, kernel[1], stride[1], padding[1], dilation[1], ceilMode);
  const out = new Float32Array(C * OH * OW);
  for (let c = 0; c < C; ++c)
    for (let oy = 0; oy < OH; ++oy)
      for (let ox = 0; ox < OW; ++ox) {
        const y0 = oy * stride[0] - padding[0], x0 = ox * stride[1] - padding[1];
        let v;
        if (mode === 'mean') {
          let sum = 0;
          for (let ky = 0; ky < kernel[0]; ++ky)
            for (let kx = 0; kx < kernel[1]; ++kx) {
              const y = y0 + ky, xx = x0 + kx;
              if (y >= 0 && y < H && xx >= 0 && xx < W) sum += at(x, c, y, xx);
            }
          // The divisor: the window clipped to the padded input, or to the input itself.
          const lo = countIncludePad ? -padding[0] : 0, hi = countIncludePad ? H + padding[0] : H;
          const lx = countIncludePad ? -padding[1] : 0, hx = countIncludePad ? W + padding[1] : W;
          const rows = Math.min(y0 + kernel[0], hi) - Math.max(y0, lo), cols = Math.min(x0 + kernel[1], hx) - Math.max(x0, lx);
          v = sum / (rows * cols);
        } else {
          const sign = mode === 'max' ? 1 : -1;
          v = -Infinity;
          for (let ky = 0; ky < kernel[0]; ++ky)
            for (let kx = 0; kx < kernel[1]; ++kx) {
              const y = y0 + ky * dilation[0], xx = x0 + kx * dilation[1];
              if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
              const u = sign * at(x, c, y, xx);
              if (Number.isNaN(u) || u > v || Number.isNaN(v)) v = Number.isNaN(v) ? v : u;
            }
          v *= sign;
        }
        out[(c * OH + oy) * OW + ox] = v;
      }
  return { shape: [C, OH, OW], data: out };
}

export const outer = (col, row) => ({
  shape: [col.length, row.length],
  data: Float32Array.from({ length: col.length * row.length }, (_, i) => col[Math.floor(i / row.length)] * row[i % row.length]),
});

// Every element within tol * (1 + |want|); NaN must meet NaN.
export function assertClose(got, want, tol = 1e-5, what = '') {
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  assert.equal(got.data.length, want.data.length, `${what} length`);
  for (let i = 0; i < want.data.length; ++i) {
    const g = got.data[i], w = want.data[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) { assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what} at ${i}: got ${g}, want ${w}`); continue; }
    assert.ok(Math.abs(g - w) <= tol * (1 + Math.abs(w)), `${what} at flat index ${i}: got ${g}, want ${w}`);
  }
}
