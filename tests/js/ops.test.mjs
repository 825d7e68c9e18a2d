// The JS API's tensor operations vs the naive reference loops of reference.mjs on fixed-seed random
// inputs (every padding mode, both borders, sizes from 1 up), plus hand-computed PyTorch values.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import {
  loadLab, rng, random, tensor, filled, naivePad, naiveConv2d, naiveConvTranspose2d, naivePool2d, poolSize, outer,
  assertClose,
} from './reference.mjs';

let lab;
before(async () => { ({ lab } = await loadLab()); });

const MODES = ['zeros', 'reflect', 'symmetric', 'replicate', 'circular'];
// Whether a padding mode can fill `pad` rows of an axis of length n (PyTorch's limits).
const padFits = (mode, pad, n) => (mode === 'reflect' ? pad < n : mode === 'symmetric' || mode === 'circular' ? pad <= n : true);
const name = (o) => JSON.stringify(o).replace(/"/g, '');

test('pad: every mode vs the reference, sizes 1..5, pads up to the mode limit on each side', () => {
  const r = rng(11);
  for (const mode of MODES)
    for (let h = 1; h <= 5; ++h)
      for (const w of [1, 2, 5]) {
        const x = random([2, h, w], r);
        for (const p of [[0, 0, 0, 0], [1, 0, 0, 2], [h, 1, w, 0], [h - 1, h - 1, w - 1, w - 1], [2, 3, 1, 4]]) {
          const fits = padFits(mode, p[0], h) && padFits(mode, p[1], h) && padFits(mode, p[2], w) && padFits(mode, p[3], w);
          if (!fits) {
            assert.throws(() => lab.pad(x, { padding: p, paddingMode: mode }), { code: 'InvalidPadding' }, `${mode} ${h}x${w} ${p}`);
            continue;
          }
          assertClose(lab.pad(x, { padding: p, paddingMode: mode }), naivePad(x, p, mode), 0, `${mode} ${h}x${w} pad ${p}`);
        }
      }
});

test('conv2d: every padding mode, kernel, stride, dilation, groups and bias vs the reference', () => {
  const r = rng(1);
  let checked = 0;
  const configs = [];
  for (const [kh, kw] of [[1, 1], [3, 3], [2, 3], [4, 1]])
    for (const stride of [[1, 1], [2, 1], [3, 2]])
      for (const dilation of [[1, 1], [2, 1]])
        for (const [cin, cout, groups] of [[1, 1, 1], [2, 3, 1], [4, 2, 2], [3, 3, 3], [2, 4, 2]])
          configs.push({ kh, kw, stride, dilation, cin, cout, groups });
  for (const mode of MODES)
    for (const c of configs)
      for (const [h, w] of [[1, 1], [3, 2], [5, 7]])
        for (const pad of [[0, 0, 0, 0], [1, 1, 1, 1], [0, 2, 1, 0], [2, 1, 2, 2]]) {
          if (!(padFits(mode, pad[0], h) && padFits(mode, pad[1], h) && padFits(mode, pad[2], w) && padFits(mode, pad[3], w))) continue;
          if ((c.kh - 1) * c.dilation[0] + 1 > h + pad[0] + pad[1] || (c.kw - 1) * c.dilation[1] + 1 > w + pad[2] + pad[3]) continue;
          const x = random([c.cin, h, w], r), wt = random([c.cout, c.cin / c.groups, c.kh, c.kw], r);
          const bias = checked % 3 === 0 ? Float32Array.from({ length: c.cout }, () => r()) : null;
          const opts = { stride: c.stride, padding: pad, dilation: c.dilation, groups: c.groups, paddingMode: mode, bias };
          const want = naiveConv2d(x, wt, { ...opts, pad, mode });
          assertClose(lab.conv2d(x, wt, opts), want, 1e-5, `${mode} ${h}x${w} ${name({ ...c, pad })}`);
          ++checked;
        }
  assert.ok(checked > 1500, `checked ${checked} cases`);
});

test("conv2d padding 'same' (odd and even kernels, dilation) and the scalar / [h, w] padding forms", () => {
  const r = rng(2);
  for (const mode of ['zeros', 'reflect', 'replicate'])
    for (const [kh, kw, d] of [[3, 3, 1], [2, 2, 1], [4, 3, 1], [3, 2, 2], [1, 5, 1]]) {
      const x = random([2, 6, 7], r), w = random([3, 2, kh, kw], r);
      const th = d * (kh - 1), tw = d * (kw - 1);
      const pad = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
      const got = lab.conv2d(x, w, { padding: 'same', dilation: d, paddingMode: mode });
      assert.deepEqual(got.shape, [3, 6, 7]);
      assertClose(got, naiveConv2d(x, w, { pad, dilation: [d, d], mode }), 1e-5, `same ${mode} ${kh}x${kw} d${d}`);
    }
  const x = random([1, 5, 5], r), w = random([1, 1, 3, 3], r);
  assertClose(lab.conv2d(x, w, { padding: 1 }), naiveConv2d(x, w, { pad: [1, 1, 1, 1] }));
  assertClose(lab.conv2d(x, w, { padding: [2, 0] }), naiveConv2d(x, w, { pad: [2, 2, 0, 0] }));
  assertClose(lab.conv2d(x, w, { padding: 'valid' }), naiveConv2d(x, w));
  // Plain arrays are accepted as data.
  assertClose(lab.conv2d({ shape: x.shape, data: Array.from(x.data) }, { shape: w.shape, data: Array.from(w.data) }), naiveConv2d(x, w));
});

test('conv2d hand-computed values (PyTorch): correlation, even-kernel same padding, circular wrap, groups', () => {
  // 'same' with a 1x2 kernel puts the extra column on the right: [1+2, 2+3, 3+0].
  assert.deepEqual(Array.from(lab.conv2d(tensor([1, 1, 3], [1, 2, 3]), tensor([1, 1, 1, 2], [1, 1]), { padding: 'same' }).data), [3, 5, 3]);
  // Kernel [1 0 0] reads x - 1; circular wraps the left edge to the last pixel.
  assert.deepEqual(Array.from(lab.conv2d(tensor([1, 1, 3], [1, 2, 3]), tensor([1, 1, 1, 3], [1, 0, 0]), { padding: [0, 1], paddingMode: 'circular' }).data), [3, 1, 2]);
  // Two groups of one channel: each output sees only its own input channel.
  const y = lab.conv2d(tensor([2, 1, 1], [2, 5]), tensor([2, 1, 1, 1], [10, 100]), { groups: 2, bias: [1, 2] });
  assert.deepEqual(Array.from(y.data), [21, 502]);
  // Stride 2 and dilation 2 on a ramp: out[i] = x[2i] + x[2i + 2].
  const ramp = tensor([1, 1, 7], [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(lab.conv2d(ramp, tensor([1, 1, 1, 2], [1, 1]), { stride: [1, 2], dilation: [1, 2] }).data), [2, 6, 10]);
});

test('convTranspose2d: stride, padding, output padding, dilation, groups and bias vs the scatter reference', () => {
  const r = rng(3);
  let checked = 0;
  for (const [kh, kw] of [[1, 1], [3, 3], [2, 3]])
    for (const stride of [[1, 1], [2, 2], [3, 1]])
      for (const padding of [[0, 0], [1, 0], [1, 1]])
        for (const dilation of [[1, 1], [2, 1]])
          for (const [cin, cout, groups] of [[1, 1, 1], [2, 3, 1], [4, 2, 2]])
            for (const [h, w] of [[1, 1], [3, 4]])
              for (const outputPadding of [[0, 0], [stride[0] - 1, Math.max(stride[1], dilation[1]) - 1]]) {
                const oh = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
                const ow = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
                if (oh < 1 || ow < 1) continue;
                const x = random([cin, h, w], r), wt = random([cin, cout / groups, kh, kw], r);
                const bias = checked % 2 ? Array.from({ length: cout }, () => r()) : undefined;
                const opts = { stride, padding, outputPadding, dilation, groups, bias };
                const c = name({ kh, kw, ...opts, cin, h, w });
                const want = naiveConvTranspose2d(x, wt, opts);
                assertClose(lab.convTranspose2d(x, wt, opts), want, 1e-5, c);
                // The three-step construction gives the same output, and its parts are what they claim.
                const s = lab.convTranspose2dSteps(x, wt, opts);
                assertClose(s.output, want, 1e-5, `steps ${c}`);
                assert.deepEqual(s.zeroInserted.shape, [cin, (h - 1) * stride[0] + 1, (w - 1) * stride[1] + 1]);
                assert.deepEqual(s.padding, [dilation[0] * (kh - 1) - padding[0], dilation[0] * (kh - 1) - padding[0] + outputPadding[0],
                  dilation[1] * (kw - 1) - padding[1], dilation[1] * (kw - 1) - padding[1] + outputPadding[1]]);
                assertClose(lab.conv2d(s.padded, s.rotated, { dilation, groups, bias }), want, 1e-5, `conv of steps ${c}`);
                ++checked;
              }
  assert.ok(checked > 300, `checked ${checked} cases`);
});

test('convTranspose2d hand-computed values: stride 2 with a 2x2 kernel of ones replicates pixels into blocks', () => {
  const y = lab.convTranspose2d(tensor([1, 2, 2], [1, 2, 3, 4]), filled([1, 1, 2, 2], 1), { stride: 2 });
  assert.deepEqual(y.shape, [1, 4, 4]);
  assert.deepEqual(Array.from(y.data), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  // 3x3 kernel of ones, stride 1, on a single 1: the kernel itself; padding 1 crops it to the centre.
  assert.deepEqual(Array.from(lab.convTranspose2d(tensor([1, 1, 1], [1]), filled([1, 1, 3, 3], 1), { padding: 1 }).data), [1]);
  const s = lab.convTranspose2dSteps(tensor([1, 2, 2], [1, 2, 3, 4]), tensor([1, 1, 2, 2], [0, 1, 2, 3]), { stride: 2 });
  assert.deepEqual(Array.from(s.zeroInserted.data), [1, 0, 2, 0, 0, 0, 3, 0, 4]);
  assert.deepEqual(Array.from(s.rotated.data), [3, 2, 1, 0]);
  assert.deepEqual(s.padding, [1, 1, 1, 1]);
});

test('pool2d: max, mean and min with padding, stride, dilation, ceil mode and countIncludePad vs the reference', () => {
  const r = rng(4);
  let checked = 0;
  for (const mode of ['max', 'mean', 'min'])
    for (const kernel of [[1, 1], [2, 2], [3, 2], [3, 3]])
      for (const stride of [undefined, [1, 1], [2, 3]])
        for (const padding of [[0, 0], [1, 1], [1, 0]])
          for (const dilation of mode === 'mean' ? [[1, 1]] : [[1, 1], [2, 1]])
            for (const ceilMode of [false, true])
              for (const countIncludePad of mode === 'mean' ? [true, false] : [true])
                for (const [h, w] of [[1, 1], [4, 5], [7, 6]]) {
                  if (2 * padding[0] > kernel[0] || 2 * padding[1] > kernel[1]) continue;
                  const s = stride ?? kernel;
                  if (poolSize(h, kernel[0], s[0], padding[0], dilation[0], ceilMode) < 1) continue;
                  if (poolSize(w, kernel[1], s[1], padding[1], dilation[1], ceilMode) < 1) continue;
                  const x = random([2, h, w], r);
                  const opts = { mode, kernel, stride, padding, dilation, ceilMode, countIncludePad };
                  if (stride === undefined) delete opts.stride;
                  const want = naivePool2d(x, { ...opts, stride: s });
                  assertClose(lab.pool2d(x, opts), want, 1e-6, `${h}x${w} ${name(opts)}`);
                  if (mode !== 'mean') {
                    // Every index points at a pixel holding the output value.
                    const { output, indices } = lab.pool2d(x, { ...opts, returnIndices: true });
                    for (let i = 0; i < indices.length; ++i) {
                      const c = Math.floor(i / (output.shape[1] * output.shape[2]));
                      if (indices[i] >= 0) assert.equal(x.data[c * h * w + indices[i]], output.data[i], `index ${i} ${name(opts)}`);
                    }
                  }
                  ++checked;
                }
  assert.ok(checked > 300, `checked ${checked} cases`);
});

test('pool2d hand-computed values (PyTorch): ceil mode, count_include_pad, min, default stride', () => {
  const row = tensor([1, 1, 5], [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(lab.pool2d(row, { kernel: [1, 2] }).data), [2, 4]);
  assert.deepEqual(Array.from(lab.pool2d(row, { kernel: [1, 2], ceilMode: true }).data), [2, 4, 5]);
  assert.deepEqual(Array.from(lab.pool2d(row, { kernel: [1, 2], mode: 'min', ceilMode: true }).data), [1, 3, 5]);
  const sq = tensor([1, 2, 2], [1, 2, 3, 4]);
  assert.deepEqual(Array.from(lab.pool2d(sq, { mode: 'mean', kernel: 2, stride: 1, padding: 1 }).data),
    [0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1]);
  assert.deepEqual(Array.from(lab.pool2d(sq, { mode: 'mean', kernel: 2, stride: 1, padding: 1, countIncludePad: false }).data),
    [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  // Max padding reads -inf: a window holding only negatives and padding gives the largest negative.
  assert.deepEqual(Array.from(lab.pool2d(tensor([1, 1, 2], [-3, -5]), { kernel: [1, 3], stride: 1, padding: [0, 1] }).data), [-3, -3]);
});

test('separate: rank-1 kernels split exactly, others report their residual', () => {
  const r = rng(5);
  for (const [kh, kw] of [[1, 1], [3, 3], [5, 2], [1, 7]]) {
    const col = Array.from({ length: kh }, () => 2 * r() - 1), rowv = Array.from({ length: kw }, () => 2 * r() - 1);
    const k = outer(col, rowv);
    const s = lab.separate(k);
    assert.equal(s.separable, true, `${kh}x${kw}`);
    assert.ok(s.residual < 1e-5, `residual ${s.residual}`);
    assertClose(outer(s.column, s.row), k, 1e-5, `outer ${kh}x${kw}`);
  }
  const sharpen = lab.kernel('sharpen');
  const s = lab.separate(sharpen);
  assert.equal(s.separable, false);
  assert.ok(s.residual > 0.01 && s.residual < 1, `sharpen residual ${s.residual}`);
  // The Gaussian and Sobel presets are separable; the tolerance decides for near-rank-1 kernels.
  assert.equal(lab.separate(lab.kernel('gaussian', 5, 1.5)).separable, true);
  assert.equal(lab.separate(lab.kernel('sobel_x')).separable, true);
  assert.equal(lab.separate(sharpen, { tolerance: 0.99 }).separable, true);
  assert.deepEqual(lab.separate(filled([2, 2], 0)), { separable: true, column: new Float32Array(2), row: new Float32Array(2), residual: 0 });
});

test('separableConv2d equals the depthwise conv2d with outer(column, row) in every padding mode', () => {
  const r = rng(6);
  for (const mode of MODES)
    for (const [kh, kw] of [[3, 3], [1, 4], [5, 2]])
      for (const stride of [1, [2, 1]])
        for (const dilation of [1, [1, 2]]) {
          const x = random([3, 6, 7], r);
          const col = Float32Array.from({ length: kh }, () => 2 * r() - 1), row = Float32Array.from({ length: kw }, () => 2 * r() - 1);
          const k = outer(col, row);
          const weight = { shape: [3, 1, kh, kw], data: Float32Array.from({ length: 3 * kh * kw }, (_, i) => k.data[i % (kh * kw)]) };
          const s = Array.isArray(stride) ? stride : [stride, stride], d = Array.isArray(dilation) ? dilation : [dilation, dilation];
          const padding = [1, 2, 2, 0];
          const want = naiveConv2d(x, weight, { stride: s, dilation: d, pad: padding, groups: 3, mode });
          assertClose(lab.separableConv2d(x, col, row, { stride, dilation, padding, paddingMode: mode }), want, 1e-5,
            `${mode} ${kh}x${kw} s${stride} d${dilation}`);
        }
  const x = random([1, 5, 5], r);
  assert.deepEqual(lab.separableConv2d(x, [1, 2, 1], [1, 0, -1], { padding: 'same' }).shape, [1, 5, 5]);
});

test('NaN and Infinity in the data propagate as in PyTorch, never a crash', () => {
  const x = tensor([1, 1, 4], [1, NaN, 3, Infinity]);
  const y = lab.conv2d(x, tensor([1, 1, 1, 2], [1, 1]));
  assert.ok(Number.isNaN(y.data[0]) && Number.isNaN(y.data[1]));
  assert.equal(y.data[2], Infinity);
  // inf * 0 is NaN, as in IEEE arithmetic (and PyTorch).
  assert.ok(Number.isNaN(lab.conv2d(tensor([1, 1, 1], [Infinity]), tensor([1, 1, 1, 1], [0])).data[0]));
  // Max pooling: a NaN in the window wins.
  assert.deepEqual(Array.from(lab.pool2d(x, { kernel: [1, 2] }).data).map(String), ['NaN', 'Infinity']);
  assert.ok(Number.isNaN(lab.pool2d(x, { kernel: [1, 2], mode: 'mean' }).data[0]));
  assert.ok(Number.isNaN(lab.convTranspose2d(x, tensor([1, 1, 1, 1], [2])).data[1]));
  assert.ok(Number.isNaN(lab.pad(x, { padding: [0, 1], paddingMode: 'reflect' }).data[0]));
  // The display shows NaN as magenta and clamps infinities.
  const img = lab.toRGBA(x, { mode: 'minmax' });
  assert.deepEqual(Array.from(img.data.slice(4, 8)), [255, 0, 255, 255]);
  assert.deepEqual(Array.from(img.data.slice(12, 16)), [255, 255, 255, 255]);
});
