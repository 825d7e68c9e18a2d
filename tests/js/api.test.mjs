// The JS API (build/site/convlab.mjs) under Node: shapes, values, errors, and that an error leaves
// the module usable.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { loadLab, random, rng } from './reference.mjs';

let lab;
before(async () => { ({ lab } = await loadLab()); });

const tensor = (shape, values) => ({ shape, data: Float32Array.from(values) });

test('conv2d is cross-correlation with zero padding by default', () => {
  // An asymmetric kernel tells correlation from convolution: the output reads input[y][x+1].
  const x = tensor([1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const w = tensor([1, 1, 1, 3], [0, 0, 1]);
  const y = lab.conv2d(x, w, { padding: [0, 1] });
  assert.deepEqual(y.shape, [1, 3, 3]);
  assert.deepEqual(Array.from(y.data), [2, 3, 0, 5, 6, 0, 8, 9, 0]);
});

test('conv2d stride and padding give the output-size formula', () => {
  const x = tensor([1, 9, 9], new Array(81).fill(1));
  const w = tensor([1, 1, 3, 3], new Array(9).fill(1));
  assert.deepEqual(lab.conv2d(x, w).shape, [1, 7, 7]);
  assert.deepEqual(lab.conv2d(x, w, { padding: 1 }).shape, [1, 9, 9]);
  assert.deepEqual(lab.conv2d(x, w, { padding: 1, stride: 2 }).shape, [1, 5, 5]);
  assert.equal(lab.outputSize({ size: 9, kernel: 3, padding: 1, stride: 2 }), 5);
});

test('pad reflect does not repeat the edge; symmetric and replicate do', () => {
  const x = tensor([1, 1, 3], [0, 1, 2]);
  const row = (mode) => Array.from(lab.pad(x, { padding: [0, 2], paddingMode: mode }).data);
  assert.deepEqual(row('reflect'), [2, 1, 0, 1, 2, 1, 0]);
  assert.deepEqual(row('symmetric'), [1, 0, 0, 1, 2, 2, 1]);
  assert.deepEqual(row('replicate'), [0, 0, 0, 1, 2, 2, 2]);
  assert.deepEqual(row('circular'), [1, 2, 0, 1, 2, 0, 1]);
  assert.deepEqual(row('zeros'), [0, 0, 0, 1, 2, 0, 0]);
});

test('invalid arguments throw an Error naming the parameter, and the module keeps working', () => {
  const x = tensor([1, 3, 3], new Array(9).fill(1));
  const w = tensor([1, 1, 3, 3], new Array(9).fill(1));
  assert.throws(() => lab.conv2d(x, w, { stride: 0 }), { name: 'ConvLabError', message: 'stride must be >= 1, got 0x0' });
  assert.throws(() => lab.conv2d(x, tensor([1, 1, 5, 5], new Array(25).fill(1))), (e) => e instanceof Error && e.code === 'KernelTooLarge');
  assert.throws(() => lab.conv2d(x, w, { paddingMode: 'mirror' }), /paddingMode must be one of/);
  assert.deepEqual(Array.from(lab.conv2d(x, w, { padding: 1 }).data), [4, 6, 4, 6, 9, 6, 4, 6, 4]);
});

test('activate: relu and abs equal a plain loop on random values; NaN and -0 as torch; names checked; HeapTensor in, HeapTensor out', () => {
  const x = random([2, 5, 7], rng(7));
  const naive = { none: (v) => v, relu: (v) => (Number.isNaN(v) ? v : v > 0 ? v : 0), abs: (v) => Math.abs(v) };
  for (const name of ['none', 'relu', 'abs']) {
    const y = lab.activate(x, name);
    assert.deepEqual(y.shape, [2, 5, 7]);
    assert.deepEqual(Array.from(y.data), Array.from(x.data, naive[name]), name);
  }
  const special = lab.activate(tensor([1, 1, 4], [NaN, -0, -Infinity, Infinity]), 'relu');
  assert.ok(Number.isNaN(special.data[0]));
  assert.ok(Object.is(special.data[1], 0), 'relu(-0) is +0');
  assert.deepEqual(Array.from(special.data.slice(2)), [0, Infinity]);
  assert.deepEqual(Array.from(lab.activate(x).data), Array.from(x.data), "'none' by default");
  assert.throws(() => lab.activate(x, 'sigmoid'), { name: 'ConvLabError', code: 'InvalidArgument', message: 'activation must be one of none, relu, abs, got "sigmoid"' });
  assert.throws(() => lab.activate(x, 1), { name: 'ConvLabError', message: /activation must be a string/ });
  const h = lab.tensor(x);
  const hy = lab.activate(h, 'abs');
  assert.deepEqual(Array.from(hy.data), Array.from(x.data, Math.abs));
  hy.delete();
  h.delete();
});
