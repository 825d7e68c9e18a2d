// The JS API's geometry and bookkeeping: outputSize, receptiveField / inputRect (vs brute-force index
// propagation), effectiveReceptiveField, cost (vs counting the taps of a naive loop), kernel presets
// and the RGBA image helpers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { loadLab, rng, tensor, poolSize } from './reference.mjs';

let lab;
before(async () => { ({ lab } = await loadLab()); });

test('outputSize: convolution, pooling (pool: true or ceilMode) and transposed formulas, scalars and pairs', () => {
  assert.equal(lab.outputSize({ size: 224, kernel: 7, stride: 2, padding: 3 }), 112);
  assert.equal(lab.outputSize({ size: 5, kernel: 3, dilation: 2 }), 1);
  assert.equal(lab.outputSize({ size: 7, kernel: 4, padding: 'same' }), 7);
  assert.deepEqual(lab.outputSize({ size: 7, kernel: 3, padding: [0, 1, 2, 2] }), [6, 9]);
  assert.deepEqual(lab.outputSize({ size: [10, 8], kernel: 3, stride: [1, 2] }), [8, 3]);
  // Pooling: stride defaults to the kernel; ceil mode keeps a last partial window unless it starts in the padding.
  assert.equal(lab.outputSize({ size: 5, kernel: 2, pool: true }), 2);
  assert.equal(lab.outputSize({ size: 5, kernel: 2, ceilMode: true }), 3);
  assert.equal(lab.outputSize({ size: 5, kernel: 2, ceilMode: false }), 2);
  assert.equal(lab.outputSize({ size: 4, kernel: 2, stride: 2, padding: 1, ceilMode: true }), 3);
  for (let n = 1; n <= 12; ++n)
    for (const [k, s, p, d] of [[2, 2, 0, 1], [3, 2, 1, 1], [3, 3, 1, 2], [2, 1, 1, 1]])
      for (const ceilMode of [false, true]) {
        const want = poolSize(n, k, s, p, d, ceilMode);
        if (want < 1) assert.throws(() => lab.outputSize({ size: n, kernel: k, stride: s, padding: p, dilation: d, ceilMode }), { code: 'KernelTooLarge' });
        else assert.equal(lab.outputSize({ size: n, kernel: k, stride: s, padding: p, dilation: d, ceilMode }), want, `n=${n} k=${k} s=${s} p=${p} d=${d} ceil=${ceilMode}`);
      }
  // Transposed: (n - 1) * s - 2p + d(k - 1) + outputPadding + 1.
  assert.equal(lab.outputSize({ size: 5, kernel: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true }), 10);
  assert.deepEqual(lab.outputSize({ size: [2, 3], kernel: 2, stride: 2, transposed: true }), [4, 6]);
});

// Brute force: the signed input positions unit `u` of the last layer reads, layer by layer back to the input.
function fieldOf(layers, u, axis) {
  let lo = u, hi = u;
  for (let i = layers.length - 1; i >= 0; --i) {
    const l = layers[i];
    const get = (k, fallback) => { const v = l[k] ?? fallback; return Array.isArray(v) ? v[axis] : v; };
    const k = get('kernel'), s = get('stride', l.type === 'pool' ? l.kernel : 1), p = get('padding', 0), d = get('dilation', 1);
    const positions = [];
    for (let o = lo; o <= hi; ++o) for (let t = 0; t < k; ++t) positions.push(o * s - p + t * d);
    lo = Math.min(...positions);
    hi = Math.max(...positions);
  }
  return { lo, hi };
}

test('receptiveField and inputRect vs brute-force index propagation on random stacks', () => {
  const r = rng(7);
  const pick = (a) => a[Math.floor(r() * a.length)];
  for (let trial = 0; trial < 60; ++trial) {
    const square = trial % 2 === 0;
    const v = (choices) => (square ? pick(choices) : [pick(choices), pick(choices)]);
    const layers = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
      const type = pick(['conv', 'conv', 'pool']);
      const l = { type, kernel: v([1, 2, 3, 5]), stride: v([1, 2]), padding: v([0, 1]), dilation: v([1, 2]) };
      if (type === 'pool' && r() < 0.5) delete l.stride;  // the kernel by default
      return l;
    });
    const fields = lab.receptiveField(layers);
    assert.equal(fields.length, layers.length);
    for (let i = 0; i < layers.length; ++i) {
      const sub = layers.slice(0, i + 1);
      const want = [0, 1].map((axis) => {
        const f0 = fieldOf(sub, 0, axis), f1 = fieldOf(sub, 1, axis);
        return { size: f0.hi - f0.lo + 1, jump: f1.lo - f0.lo, start: (f0.lo + f0.hi) / 2, lo: f0.lo, hi: f0.hi };
      });
      const got = fields[i];
      const trialName = `trial ${trial} layer ${i} ${JSON.stringify(sub)}`;
      if (square) assert.deepEqual(got, { size: want[0].size, jump: want[0].jump, start: want[0].start }, trialName);
      else assert.deepEqual(got, { size: want.map((w) => w.size), jump: want.map((w) => w.jump), start: want.map((w) => w.start) }, trialName);
      assert.deepEqual(lab.inputRect(layers, i, 0, 0), { y0: want[0].lo, x0: want[1].lo, y1: want[0].hi + 1, x1: want[1].hi + 1 }, trialName);
    }
  }
  assert.deepEqual(lab.receptiveField([]), []);
  // Two 3x3 convs then a 2x2 pool: 5 then 6 pixels, jump 2.
  assert.deepEqual(lab.receptiveField([{ kernel: 3 }, { kernel: 3 }, { type: 'pool', kernel: 2 }]).map((f) => f.size), [3, 5, 6]);
  // Clipped to a 5x5 input, a padded 3x3 unit at the corner sees only 2x2 pixels.
  assert.deepEqual(lab.inputRect([{ kernel: 3, padding: 1 }], 0, 0, 0), { y0: -1, x0: -1, y1: 2, x1: 2 });
  assert.deepEqual(lab.inputRect([{ kernel: 3, padding: 1 }], 0, 0, 0, { inputSize: 5 }), { y0: 0, x0: 0, y1: 2, x1: 2 });
});

test('effectiveReceptiveField: path counts for uniform weights, reproducible random weights', () => {
  const g = lab.effectiveReceptiveField([1, 7, 7], [{ kernel: 3 }, { kernel: 3 }]);
  assert.deepEqual(g.shape, [1, 7, 7]);
  // Two 3x3 all-ones layers: the gradient counts paths, outer([1 2 3 2 1], [1 2 3 2 1]) around the centre.
  const tri = [0, 1, 2, 3, 2, 1, 0];
  for (let y = 0; y < 7; ++y) for (let x = 0; x < 7; ++x) assert.equal(g.data[y * 7 + x], tri[y] * tri[x], `at y=${y} x=${x}`);
  const a = lab.effectiveReceptiveField([2, 9, 9], [{ kernel: 3 }, { type: 'pool', kernel: 2 }, { kernel: 3 }], { weights: 'random', seed: 42, relu: true });
  const b = lab.effectiveReceptiveField([2, 9, 9], [{ kernel: 3 }, { type: 'pool', kernel: 2 }, { kernel: 3 }], { weights: 'random', seed: 42, relu: true });
  const c = lab.effectiveReceptiveField([2, 9, 9], [{ kernel: 3 }, { type: 'pool', kernel: 2 }, { kernel: 3 }], { weights: 'random', seed: 43, relu: true });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // An empty stack differentiates the centre pixel of channel 0 by itself.
  const id = lab.effectiveReceptiveField([1, 3, 4], []);
  assert.deepEqual(Array.from(id.data), [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
});

// MACs counted the way a naive loop executes them: one per (output, input channel of its group, tap).
const convMacs = (cout, cg, oh, ow, kh, kw) => cout * oh * ow * cg * kh * kw;

test('cost: MACs and parameters per layer kind vs counting, with PyTorch defaults (bias on, pool stride = kernel)', () => {
  // VGG's first layer: 64 filters 3x3x3 on 224x224, padding 1; nn.Conv2d has a bias by default.
  assert.deepEqual(lab.cost({ kind: 'standard', outChannels: 64, kernel: 3, padding: 1 }, [3, 224, 224]),
    { macs: convMacs(64, 3, 224, 224, 3, 3), params: 64 * 27 + 64, outputShape: [64, 224, 224] });
  assert.equal(lab.cost({ outChannels: 64, kernel: 3, padding: 1, bias: false }, [3, 224, 224]).params, 1728);
  assert.deepEqual(lab.cost({ kind: 'grouped', outChannels: 8, kernel: [3, 1], groups: 4, stride: 2, bias: false }, [4, 9, 9]),
    { macs: convMacs(8, 1, 4, 5, 3, 1), params: 8 * 3, outputShape: [8, 4, 5] });
  assert.deepEqual(lab.cost({ kind: 'depthwise', kernel: 3, padding: 1, bias: false }, [32, 10, 10]),
    { macs: 32 * 100 * 9, params: 32 * 9, outputShape: [32, 10, 10] });
  assert.deepEqual(lab.cost({ kind: 'pointwise', outChannels: 16, bias: false }, [32, 10, 10]),
    { macs: 16 * 100 * 32, params: 16 * 32, outputShape: [16, 10, 10] });
  const ds = lab.cost({ kind: 'depthwise-separable', outChannels: 64, kernel: 3, padding: 1, bias: false }, [32, 10, 10]);
  assert.deepEqual(ds, { macs: 32 * 100 * 9 + 64 * 100 * 32, params: 32 * 9 + 32 * 64, outputShape: [64, 10, 10] });
  const std = lab.cost({ outChannels: 64, kernel: 3, padding: 1, bias: false }, [32, 10, 10]);
  assert.ok(Math.abs(ds.macs / std.macs - (1 / 64 + 1 / 9)) < 1e-12);
  assert.deepEqual(lab.cost({ kind: 'spatially-separable', outChannels: 4, kernel: 3, bias: false }, [2, 5, 6]),
    { macs: 4 * 3 * 6 * 2 * 3 + 4 * 3 * 4 * 4 * 3, params: 4 * 2 * 3 + 4 * 4 * 3, outputShape: [4, 3, 4] });
  assert.deepEqual(lab.cost({ kind: 'transposed', outChannels: 3, kernel: 4, stride: 2, padding: 1, outputPadding: 1, bias: false }, [2, 5, 5]),
    { macs: 2 * 25 * 3 * 16, params: 2 * 3 * 16, outputShape: [3, 11, 11] });
  assert.deepEqual(lab.cost({ kind: 'pool', kernel: 2 }, [8, 10, 10]), { macs: 8 * 25 * 4, params: 0, outputShape: [8, 5, 5] });
  // Beyond 2^53 the counts become BigInts, exact; beyond 2^63 a TooLarge error.
  const big = lab.cost({ outChannels: 2 ** 20, kernel: 3, padding: 1, bias: false }, [2 ** 10, 2 ** 12, 2 ** 12]);
  assert.equal(big.macs, 2n ** 20n * 2n ** 24n * 2n ** 10n * 9n);
  assert.equal(big.params, 2 ** 30 * 9);
  assert.throws(() => lab.cost({ outChannels: 2 ** 29, kernel: 1000 }, [2 ** 14, 2 ** 14, 2 ** 14]), { code: 'TooLarge', message: /MACs overflow/ });
});

test('kernel presets: the list, values of a few, flip / transpose / normalise', () => {
  const names = lab.kernels.map((k) => k.name);
  for (const n of ['identity', 'mean', 'gaussian', 'sharpen', 'sobel_x', 'sobel_y', 'laplacian_4', 'emboss_top_left'])
    assert.ok(names.includes(n), n);
  for (const info of lab.kernels) {
    assert.deepEqual(Object.keys(info).sort(), ['description', 'hasSigma', 'hasSize', 'name']);
    const k = lab.kernel(info.name);
    assert.equal(k.data.length, k.shape[0] * k.shape[1], info.name);
  }
  lab.kernels[0].name = 'changed';  // a copy: the module's list is not affected
  assert.equal(lab.kernels[0].name, names[0]);
  assert.deepEqual(lab.kernel('sobel_x'), { shape: [3, 3], data: Float32Array.from([-1, 0, 1, -2, 0, 2, -1, 0, 1]) });
  assert.deepEqual(Array.from(lab.kernel('identity', 4).data).indexOf(1), 5);  // ((k-1)/2, (k-1)/2) = (1, 1)
  const g = lab.kernel('gaussian', 5, 1.2);
  assert.ok(Math.abs(g.data.reduce((a, b) => a + b) - 1) < 1e-6);
  assert.ok(g.data[12] > g.data[11] && g.data[11] > g.data[10]);
  const k = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(lab.flip(k), tensor([2, 3], [6, 5, 4, 3, 2, 1]));
  assert.deepEqual(lab.transpose(k), tensor([3, 2], [1, 4, 2, 5, 3, 6]));
  assert.deepEqual(lab.normalise(tensor([1, 2], [1, 3])), tensor([1, 2], [0.25, 0.75]));
  assert.deepEqual(lab.normalise(tensor([1, 2], [-1, 1])), tensor([1, 2], [-0.5, 0.5]));
});

test('fromRGBA / toRGBA: RGB and luma in, clamp / minmax / abs / diverging out, channel choice', () => {
  const image = { width: 3, height: 1, data: new Uint8ClampedArray([255, 0, 0, 9, 0, 255, 0, 9, 255, 255, 255, 0]) };
  const rgb = lab.fromRGBA(image);
  assert.deepEqual(rgb.shape, [3, 1, 3]);
  assert.deepEqual(Array.from(rgb.data), [1, 0, 1, 0, 1, 1, 0, 0, 1]);
  const luma = lab.fromRGBA({ ...image, data: new Uint8Array(image.data) }, { channels: 1 });
  assert.deepEqual(Array.from(luma.data), [0.299, 0.587, 1].map(Math.fround));
  // Clamp: [0, 1] -> bytes, round half up, alpha 255; RGB round trip is exact.
  const back = lab.toRGBA(rgb);
  assert.equal(back.data instanceof Uint8ClampedArray, true);
  assert.deepEqual([back.width, back.height], [3, 1]);
  assert.deepEqual(Array.from(back.data), [255, 0, 0, 255, 0, 255, 0, 255, 255, 255, 255, 255]);
  assert.deepEqual(back.range, [0, 1]);
  const t = tensor([2, 1, 3], [-2, 0, 2, 0.5, 0.25, 1.5]);
  assert.deepEqual(Array.from(lab.toRGBA(t, { channel: 1 }).data.filter((_, i) => i % 4 === 0)), [128, 64, 255]);
  const mm = lab.toRGBA(t, { mode: 'minmax', channel: 0 });
  assert.deepEqual(Array.from(mm.data.filter((_, i) => i % 4 === 0)), [0, 128, 255]);
  assert.deepEqual(mm.range, [-2, 2]);
  assert.deepEqual(Array.from(lab.toRGBA(t, { mode: 'abs', channel: 0 }).data.filter((_, i) => i % 4 === 0)), [255, 0, 255]);
  const dv = lab.toRGBA(t, { mode: 'diverging', channel: 0 });
  assert.deepEqual(Array.from(dv.data), [33, 102, 172, 255, 255, 255, 255, 255, 178, 24, 43, 255]);
  // Two channels, all shown: R and G, B = 0.
  assert.deepEqual(Array.from(lab.toRGBA(tensor([2, 1, 1], [1, 0.5])).data), [255, 128, 0, 255]);
});
