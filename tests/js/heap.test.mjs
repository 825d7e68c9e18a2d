// HeapTensor: tensors kept in the wasm heap. Every op must give exactly what it gives on a plain tensor
// (and what the naive reference gives), chain without copies, and free what it allocates.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { assertClose, loadLab, naiveConv2d, naivePool2d, random, rng, tensor } from './reference.mjs';

let lab, mod;
before(async () => { ({ lab, mod } = await loadLab()); });

const same = (heap, plain, what) => {
  assert.ok(heap instanceof mod.HeapTensor, `${what}: a HeapTensor`);
  assert.deepEqual([...heap.shape], plain.shape, `${what}: shape`);
  assert.deepEqual(heap.data, plain.data, `${what}: values`);  // the same core code: bit-identical
};

test('lab.tensor copies once; data is a live view, toObject a copy', () => {
  const x = tensor([1, 2, 3], [1, 2, 3, 4, 5, 6]);
  const h = lab.tensor(x);
  assert.deepEqual([...h.shape], [1, 2, 3]);
  assert.deepEqual(Array.from(h.data), [1, 2, 3, 4, 5, 6]);
  x.data[0] = 100;  // the source is not shared
  assert.equal(h.data[0], 1);
  h.data[0] = 7;  // the view is: writes reach the heap
  const copy = h.toObject();
  assert.equal(copy.data[0], 7);
  h.data[0] = 8;
  assert.equal(copy.data[0], 7);
  assert.throws(() => { h.shape[0] = 5; }, TypeError);
  h.delete();
});

test('every tensor op on a HeapTensor equals the plain call, across random shapes and options', () => {
  const r = rng(11);
  for (let i = 0; i < 40; ++i) {
    const c = 1 + (i % 3), hgt = 3 + Math.floor(r() * 14), wid = 3 + Math.floor(r() * 14), k = 1 + Math.floor(r() * 3);
    const x = random([c, hgt, wid], r);
    const h = lab.tensor(x);
    const groups = i % 2 ? c : 1;
    const w = random([2 * groups, c / groups, k, k + (i % 2)], r);
    const opts = { stride: 1 + (i % 2), padding: i % 3, paddingMode: ['zeros', 'reflect', 'circular', 'replicate', 'symmetric'][i % 5], groups, dilation: 1 + (i % 2) };
    if (opts.paddingMode === 'reflect' && opts.padding >= Math.min(hgt, wid)) opts.padding = 0;
    const outs = [
      ['conv2d', lab.conv2d(h, w, opts), lab.conv2d(x, w, opts)],
      ['convTranspose2d', lab.convTranspose2d(h, random([c, 1, k, k], r), { stride: 2, groups: c }), null],
      ['pad', lab.pad(h, { padding: 1, paddingMode: 'replicate' }), lab.pad(x, { padding: 1, paddingMode: 'replicate' })],
      ['pool2d', lab.pool2d(h, { mode: 'max', kernel: 2 }), lab.pool2d(x, { mode: 'max', kernel: 2 })],
      ['separableConv2d', lab.separableConv2d(h, [1, 2, 1], [1, 0, -1], { padding: 'same', paddingMode: 'reflect' }),
        lab.separableConv2d(x, [1, 2, 1], [1, 0, -1], { padding: 'same', paddingMode: 'reflect' })],
    ];
    assertClose(outs[0][1].toObject(), naiveConv2d(x, w, { ...opts, stride: [opts.stride, opts.stride], pad: Array(4).fill(opts.padding),
      dilation: [opts.dilation, opts.dilation], mode: opts.paddingMode }), 1e-5, `conv2d ${i}`);
    for (const [name, heap, plain] of outs) {
      if (plain) same(heap, plain, `${name} ${i}`);
      heap.delete();
    }
    h.delete();
  }
});

test('ops chain in the heap, and toRGBA and pool indices read a HeapTensor', () => {
  const r = rng(5);
  const x = random([3, 20, 24], r);
  const h = lab.tensor(x);
  const blur = lab.conv2d(h, { shape: [3, 1, 3, 3], data: new Float32Array(27).fill(1 / 9) }, { padding: 'same', groups: 3 });
  const pooled = lab.pool2d(blur, { mode: 'max', kernel: 2, returnIndices: true });
  assert.ok(pooled.output instanceof mod.HeapTensor);
  const plainPooled = lab.pool2d(blur.toObject(), { mode: 'max', kernel: 2, returnIndices: true });
  same(pooled.output, plainPooled.output, 'pool of a conv');
  assert.deepEqual(pooled.indices, plainPooled.indices);
  assertClose(pooled.output.toObject(), naivePool2d(blur.toObject(), { kernel: [2, 2] }));
  const rgba = lab.toRGBA(pooled.output, { mode: 'minmax' });
  assert.deepEqual(rgba, lab.toRGBA(plainPooled.output, { mode: 'minmax' }));
  assert.deepEqual(lab.convTranspose2dSteps(h, { shape: [3, 1, 2, 2], data: new Float32Array(12).fill(1) }, { stride: 2, groups: 3 }).output,
    lab.convTranspose2d(x, { shape: [3, 1, 2, 2], data: new Float32Array(12).fill(1) }, { stride: 2, groups: 3 }));
  for (const t of [h, blur, pooled.output]) t.delete();
});

test('a failing op leaves its HeapTensor input intact and usable', () => {
  const h = lab.tensor(tensor([1, 2, 2], [1, 2, 3, 4]));
  const w = tensor([1, 1, 1, 1], [2]);
  assert.throws(() => lab.conv2d(h, w, { stride: 0 }), { name: 'ConvLabError', code: 'InvalidStride' });
  assert.throws(() => lab.conv2d(h, tensor([1, 1, 3, 3], new Array(9).fill(1))), { name: 'ConvLabError', code: 'KernelTooLarge' });
  assert.throws(() => lab.pad(h, { padding: 2, paddingMode: 'reflect' }), { name: 'ConvLabError', code: 'InvalidPadding' });
  assert.deepEqual(Array.from(h.data), [1, 2, 3, 4]);
  const y = lab.conv2d(h, w);
  assert.deepEqual(Array.from(y.data), [2, 4, 6, 8]);
  y.delete();
  h.delete();
});

test('delete frees the heap, twice is harmless, use after delete throws a ConvLabError', () => {
  const x = random([3, 64, 64], rng(2));
  const w = random([3, 1, 3, 3], rng(3));
  const warm = lab.tensor(x);  // let the heap reach its working size first
  lab.conv2d(warm, w, { groups: 3 }).delete();
  warm.delete();
  const before = lab._heapBytes();
  for (let i = 0; i < 300; ++i) {
    const h = lab.tensor(x);
    const y = lab.conv2d(h, w, { groups: 3, padding: 'same' });
    const p = lab.pool2d(y, { kernel: 2 });
    p.delete(); y.delete(); h.delete();
  }
  assert.equal(lab._heapBytes(), before, 'no bytes left behind by 300 create/op/delete rounds');
  const h = lab.tensor(x);
  h.delete();
  h.delete();
  assert.equal(h.deleted, true);
  assert.throws(() => h.data, { name: 'ConvLabError', message: /deleted/ });
  assert.throws(() => lab.conv2d(h, w, { groups: 3 }), { name: 'ConvLabError', message: /input is a HeapTensor that was deleted/ });
  assert.throws(() => lab.toRGBA(h), { name: 'ConvLabError', message: /deleted/ });
});

test('a HeapTensor of another instance is refused; bad tensors are refused by lab.tensor', async () => {
  const other = await mod.default();
  const h = other.tensor(tensor([1, 1, 2], [1, 2]));
  assert.throws(() => lab.conv2d(h, tensor([1, 1, 1, 1], [1])), { name: 'ConvLabError', message: /another ConvLab instance/ });
  h.delete();
  assert.throws(() => lab.tensor({ shape: [1, 2, 2], data: new Float32Array(3) }), { name: 'ConvLabError', code: 'InvalidShape' });
  assert.throws(() => lab.tensor({ shape: [0, 2, 2], data: new Float32Array(0) }), { name: 'ConvLabError', code: 'InvalidShape' });
  assert.throws(() => lab.tensor(new Float32Array(4)), { name: 'ConvLabError' });
  assert.throws(() => new mod.HeapTensor(null, {}, { shape: [1, 1, 1], handle: {} }), { name: 'ConvLabError', message: /lab.tensor/ });
  const fake = Object.create(mod.HeapTensor.prototype);
  assert.throws(() => lab.conv2d(fake, tensor([1, 1, 1, 1], [1])), { name: 'ConvLabError', message: /deleted/ });
});

test('a view taken before the heap grows is replaced by asking for data again', () => {
  const h = lab.tensor(tensor([1, 1, 3], [1, 2, 3]));
  const oldView = h.data;
  const before = lab._heapSize();
  const big = lab.tensor({ shape: [1, 4096, 4096], data: new Float32Array(4096 * 4096) });  // 64 MB: the heap grows
  assert.ok(lab._heapSize() > before);
  assert.equal(oldView.length, 0, 'the old view is detached, as documented');
  assert.deepEqual(Array.from(h.data), [1, 2, 3]);
  big.delete();
  h.delete();
});
