// The transposed, depthwise, pointwise, separable and depthwise-separable lessons: each opened by URL,
// driven through window.playground.setState, its published numbers checked against plain-JS references
// (the transposed convolution by scatter, the size formula, cost formulas, a rank-1 residual by power
// iteration), no console errors, and one screenshot per lesson.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, distinctColours, shotDir } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

const open = (hash) => env.openAt(hash);

// Waits until the lesson's readout satisfies `check` (the readout is published every frame, so a
// setState shows up a frame or two later) and returns it.
async function readoutWhen(page, check, what, timeout = 20000) {
  const start = Date.now();
  let last = {};
  while (Date.now() - start < timeout) {
    last = await page.evaluate(() => window.playground.readout());
    if (check(last)) return last;
    await page.waitForTimeout(50);
  }
  assert.fail(`timed out waiting for ${what}; last readout ${JSON.stringify(last)}`);
}

async function setState(page, partial) {
  return page.evaluate((p) => window.playground.setState(p), partial);
}

async function shot(page, name) {
  await page.waitForTimeout(300);
  const png = await page.screenshot({ path: join(shotDir, name) });
  const colours = await distinctColours(page, png);
  assert.ok(colours > 200, `${name} looks blank: ${colours} distinct colours`);
}

const nums = (text) => text.split(',').map(Number);

// PyTorch's conv_transpose2d for one channel, by its definition: every input pixel scatters a copy of
// the kernel scaled by its value, at stride spacing; padding p crops p from each side of the full output.
function convTranspose(input, n, kernel, k, s, p, op) {
  const full = (n - 1) * s + k + op;
  const out = (n - 1) * s - 2 * p + (k - 1) + op + 1;
  const acc = new Float64Array(full * full);
  for (let y = 0; y < n; ++y)
    for (let x = 0; x < n; ++x)
      for (let i = 0; i < k; ++i)
        for (let j = 0; j < k; ++j) acc[(y * s + i) * full + (x * s + j)] += input[y * n + x] * kernel[i * k + j];
  const result = [];
  for (let y = 0; y < out; ++y) for (let x = 0; x < out; ++x) result.push(acc[(y + p) * full + (x + p)]);
  return { out, values: result };
}

function transposedSize(n, k, s, p, op) { return (n - 1) * s - 2 * p + (k - 1) + op + 1; }

// ||K - best rank 1|| / ||K||: the largest eigenvalue of K^T K by power iteration.
function rank1Residual(K, h, w) {
  const ktk = Array.from({ length: w }, (_, a) => Array.from({ length: w }, (_, b) => {
    let sum = 0;
    for (let y = 0; y < h; ++y) sum += K[y * w + a] * K[y * w + b];
    return sum;
  }));
  let v = Array.from({ length: w }, (_, i) => 1 + 0.1 * i);
  let lambda = 0;
  for (let it = 0; it < 500; ++it) {
    const nv = ktk.map((row) => row.reduce((acc, x, j) => acc + x * v[j], 0));
    const norm = Math.hypot(...nv);
    lambda = norm / Math.hypot(...v);
    v = nv.map((x) => x / norm);
  }
  const total = K.reduce((acc, x) => acc + x * x, 0);
  return Math.sqrt(Math.max(0, total - lambda) / total);
}

test('transposed: the three steps equal conv_transpose2d, the size follows the formula, the solver and the checkerboard', async () => {
  const page = await open('lesson=transposed');
  let r = await readoutWhen(page, (o) => o.output_values, 'the transposed readout');
  const check = (o, n, k, s, p, op, formulaShown = true) => {
    const want = convTranspose(nums(o.input_values), n, nums(o.kernel_values), k, s, p, op);
    assert.equal(o.out_size, `${want.out}x${want.out}`);
    if (formulaShown) assert.equal(Number(o.formula_size), transposedSize(n, k, s, p, op));
    else assert.equal(o.formula_size, undefined, 'no formula for invalid settings');
    assert.deepEqual(nums(o.output_values), want.values, 'the three-step output');
    assert.deepEqual(nums(o.direct_values), want.values, 'the direct output');
    assert.equal(o.steps_equal_direct, 'yes');
    assert.equal(Number(o.sum_steps), want.values.reduce((a, b) => a + b, 0));
    assert.equal(o.zero_inserted, `${(n - 1) * s + 1}x${(n - 1) * s + 1}`);
    assert.equal(Number(o.pad_top), k - 1 - p);
    assert.equal(Number(o.pad_bottom), k - 1 - p + op);
  };
  check(r, 4, 3, 2, 1, 1);  // the defaults: 4 -> 8
  assert.equal(r.out_size, '8x8');
  assert.equal(r.formula, '(4 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 8');

  // Bigger stride, output padding 2, no padding: 5 -> 18.
  await setState(page, { tin: 5, tk: 4, ts: 3, tp: 0, top: 2 });
  r = await readoutWhen(page, (o) => o.out_size === '18x18', 'the 5 -> 18 output');
  check(r, 5, 4, 3, 0, 2);

  // Padding larger than k - 1 crops the zero-inserted grid (negative step-2 padding).
  await setState(page, { tin: 4, tk: 2, ts: 2, tp: 2, top: 1 });
  r = await readoutWhen(page, (o) => o.out_size === `${transposedSize(4, 2, 2, 2, 1)}x${transposedSize(4, 2, 2, 2, 1)}`, 'the cropped case');
  check(r, 4, 2, 2, 2, 1);

  // An output padding not smaller than the stride is refused with the core's message; the output stays.
  await setState(page, { ts: 2, top: 2 });
  await page.waitForFunction(() => /output padding/.test(window.playground.lastError()), null, { timeout: 10000 });
  r = await page.evaluate(() => window.playground.readout());
  check(r, 4, 2, 2, 2, 1, false);

  // The checkerboard: k = 3, s = 2 overlaps unevenly (1 to 4 copies), k = 4, s = 2 evenly (4 everywhere).
  await setState(page, { tin: 4, tk: 3, ts: 2, tp: 1, top: 1 });
  r = await readoutWhen(page, (o) => o.out_size === '8x8', 'the defaults again');
  assert.equal(Number(r.checker_min), 1);
  assert.equal(Number(r.checker_max), 4);
  await setState(page, { tk: 4, top: 0 });
  r = await readoutWhen(page, (o) => o.out_size === '8x8' && o.checker_min === o.checker_max, 'even overlap');
  assert.equal(Number(r.checker_max), 4);

  // The solver: every (k <= 9, s <= 8, p <= 16, op < s) giving the target, counted in JS.
  const solverCount = (from, to) => {
    let count = 0;
    for (let s = 1; s <= 8; ++s) for (let k = 1; k <= 9; ++k) for (let op = 0; op < s; ++op) for (let p = 0; p <= 16; ++p)
      if (transposedSize(from, k, s, p, op) === to) ++count;
    return count;
  };
  assert.equal(Number(r.solver_count), solverCount(32, 64));
  assert.ok(Number(r.solver_count) > 0);
  assert.equal(r.solver_first, 'k=2,s=2,p=0,op=0');
  await setState(page, { tfrom: 7, tto: 15 });
  r = await readoutWhen(page, (o) => Number(o.solver_count) === solverCount(7, 15), 'the 7 -> 15 solver');
  const [k, s, p, op] = r.solver_first.match(/\d+/g).map(Number);
  assert.equal(transposedSize(7, k, s, p, op), 15);
  await setState(page, { tfrom: 10, tto: 1000 });
  r = await readoutWhen(page, (o) => o.solver_count === '0', 'an impossible target');

  // Upsampling 32 -> 64.
  assert.equal(r.up_in_shape, '3x32x32');
  assert.equal(r.up_bilinear_shape, '3x64x64');
  assert.equal(r.up_ones_shape, '3x64x64');

  assert.deepEqual(page.problems, []);
  await page.close();

  // A fresh page for the screenshot (the earlier error banner stays until dismissed), output cell 9 chosen.
  const view = await open('lesson=transposed&step=9');
  r = await readoutWhen(view, (o) => o.out_size === '8x8' && Number(o.solver_count) > 0, 'the defaults for the screenshot');
  assert.equal(r.steps_equal_direct, 'yes');
  await shot(view, 'lesson-transposed.png');
  assert.deepEqual(view.problems, []);
  await view.close();
});

test('depthwise: groups = channels keeps the depth, costs 1/C of a standard convolution', async () => {
  const page = await open('lesson=depthwise');
  const info = await page.evaluate(() => window.playground.imageInfo());
  const { width: W, height: H } = info;
  let r = await readoutWhen(page, (o) => o.macs_depthwise, 'the depthwise readout');
  assert.equal(r.input_shape, `3x${H}x${W}`);
  assert.equal(r.output_shape, `3x${H}x${W}`, 'depth and size preserved');
  assert.equal(r.weight_shape, '3x1x3x3');
  assert.equal(BigInt(r.macs_depthwise), 3n * BigInt(H * W) * 9n);
  assert.equal(BigInt(r.macs_standard), 3n * 3n * BigInt(H * W) * 9n);
  assert.equal(Number(r.params_depthwise), 27);
  assert.equal(Number(r.params_standard), 81);

  await setState(page, { kp: 'gaussian', k: 5 });
  r = await readoutWhen(page, (o) => o.weight_shape === '3x1x5x5', 'the 5x5 kernel');
  assert.equal(BigInt(r.macs_depthwise), 3n * BigInt(H * W) * 25n);
  assert.equal(BigInt(r.macs_standard), 9n * BigInt(H * W) * 25n);

  // Grey: one channel, where depthwise and standard are the same layer.
  await setState(page, { gray: true });
  r = await readoutWhen(page, (o) => o.output_shape === `1x${H}x${W}`, 'the grey image');
  assert.equal(r.macs_depthwise, r.macs_standard);

  // A different kernel per channel for the screenshot: identity on red, box blur on green, outline on blue.
  const kv = [0, 0, 0, 0, 1, 0, 0, 0, 0, ...Array(9).fill(0.111), -1, -1, -1, -1, 8, -1, -1, -1, -1];
  await setState(page, { gray: false, depth: true, k: 3, kv });
  r = await readoutWhen(page, (o) => o.output_shape === `3x${H}x${W}` && o.weight_shape === '3x1x3x3', 'per-channel kernels');
  await shot(page, 'lesson-depthwise.png');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('pointwise: a 1x3 or 8x3 matrix mixes the channels of every pixel', async () => {
  const page = await open('lesson=pointwise');
  const { width: W, height: H } = await page.evaluate(() => window.playground.imageInfo());
  let r = await readoutWhen(page, (o) => o.centre_out, 'the pointwise readout');
  assert.equal(r.output_shape, `1x${H}x${W}`);
  assert.equal(r.weight_shape, '1x3x1x1');
  assert.equal(r.matrix, '0.299,0.587,0.114');
  assert.equal(BigInt(r.macs), 3n * BigInt(H * W));
  assert.equal(Number(r.params), 3);
  const [R, G, B] = nums(r.centre_rgb);
  assert.ok(Math.abs(Number(r.centre_out) - (0.299 * R + 0.587 * G + 0.114 * B)) < 1e-5, 'grey = Rec.601 luma');

  await setState(page, { mix: 'features' });
  r = await readoutWhen(page, (o) => o.output_shape === `8x${H}x${W}`, 'eight features');
  assert.equal(r.weight_shape, '8x3x1x1');
  assert.equal(BigInt(r.macs), 24n * BigInt(H * W));
  const m = nums(r.matrix);
  const out = nums(r.centre_out);
  assert.equal(m.length, 24);
  for (let o = 0; o < 8; ++o)
    assert.ok(Math.abs(out[o] - (m[3 * o] * R + m[3 * o + 1] * G + m[3 * o + 2] * B)) < 1e-5, `feature ${o}`);
  assert.ok(Math.abs(out[4] - (R - G)) < 1e-5, 'row 4 is R - G');

  // An edited matrix lives in the URL (mixv) and changes the output.
  await setState(page, { mix: 'gray', mixv: [0, 0, 1] });
  r = await readoutWhen(page, (o) => o.matrix === '0,0,1', 'the edited matrix');
  assert.ok(Math.abs(Number(r.centre_out) - B) < 1e-6, 'weights (0, 0, 1) keep blue');
  const state = await page.evaluate(() => window.playground.getState());
  assert.equal(state.mixv, '0,0,1');

  await setState(page, { mix: 'features', mixv: '' });
  await readoutWhen(page, (o) => o.output_shape === `8x${H}x${W}`, 'features for the screenshot');
  await shot(page, 'lesson-pointwise.png');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('separable: rank-1 test, factors, timings of both paths, rank-1 approximation error', async () => {
  const page = await open('lesson=separable&kp=sobel_x');
  // The timings come a quarter of a second after the kernel stops changing; until then they are empty.
  let r = await readoutWhen(page, (o) => o.separable && o.time_full_ms, 'the separable readout and its timings');
  assert.equal(r.separable, 'yes');
  assert.ok(Number(r.residual) < 1e-6, `sobel residual ${r.residual}`);
  const col = r.column.slice(1, -1).split(',').map(Number), row = r.row.slice(1, -1).split(',').map(Number);
  const sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
  for (let y = 0; y < 3; ++y) for (let x = 0; x < 3; ++x)
    assert.ok(Math.abs(col[y] * row[x] - sobel[y * 3 + x]) < 2e-3, `column x row at (${y}, ${x})`);
  assert.ok(Number(r.max_error) < 1e-5, `the two passes equal the full kernel: ${r.max_error}`);
  assert.equal(Number(r.mults_full), 9);
  assert.equal(Number(r.mults_separable), 6);
  assert.ok(Number(r.time_full_ms) > 0 && Number(r.time_separable_ms) > 0, 'both paths timed');
  const t3 = r;

  await setState(page, { kp: 'laplacian_4' });
  r = await readoutWhen(page, (o) => o.separable === 'no', 'the Laplacian');
  const lap = [0, 1, 0, 1, -4, 1, 0, 1, 0];
  const want = rank1Residual(lap, 3, 3);
  assert.ok(Number(r.residual) > 0.05, `laplacian residual ${r.residual}`);
  assert.ok(Math.abs(Number(r.residual) - want) < 1e-4, `residual ${r.residual} vs power iteration ${want}`);
  assert.ok(Number(r.max_error) > 0.1, 'the rank-1 approximation changes the output');

  await setState(page, { kp: 'gaussian', k: 9 });
  r = await readoutWhen(page, (o) => o.kernel_size === '9x9' && o.separable === 'yes', 'the 9x9 Gaussian');
  r = await readoutWhen(page, (o) => o.kernel_size === '9x9' && o.time_full_ms, 'the 9x9 timings');
  assert.ok(Number(r.time_full_ms) > 0 && Number(r.time_separable_ms) > 0, 'both paths timed');
  assert.equal(Number(r.mults_full), 81);
  assert.equal(Number(r.mults_separable), 18);
  const t9 = r;
  console.log(`# timings in the page: 3x3 sobel full ${t3.time_full_ms} ms, separable ${t3.time_separable_ms} ms; ` +
              `9x9 gaussian full ${t9.time_full_ms} ms, separable ${t9.time_separable_ms} ms (ratio ${t9.time_ratio})`);

  await setState(page, { kp: 'laplacian_4', k: 3 });
  await readoutWhen(page, (o) => o.separable === 'no', 'the Laplacian for the screenshot');
  await shot(page, 'lesson-separable.png');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('depthwise-separable: MACs and parameters from cost(), the ratio equals 1/Cout + 1/k^2', async () => {
  const page = await open('lesson=depthwise-separable');
  const expect = (o, cin, cout, k, hw) => {
    const oh = BigInt(hw + 2 * Math.floor(k / 2) - k + 1);
    const [ci, co, kk] = [BigInt(cin), BigInt(cout), BigInt(k * k)];
    const std = co * oh * oh * ci * kk, dw = ci * oh * oh * kk, pw = co * oh * oh * ci;
    assert.equal(BigInt(o.macs_standard), std);
    assert.equal(BigInt(o.macs_depthwise), dw);
    assert.equal(BigInt(o.macs_pointwise), pw);
    assert.equal(BigInt(o.macs_separable), dw + pw);
    assert.equal(BigInt(o.params_standard), co * ci * kk);
    assert.equal(BigInt(o.params_separable), ci * kk + ci * co);
    assert.ok(Math.abs(Number(o.ratio) - (1 / cout + 1 / (k * k))) < 1e-8, `ratio ${o.ratio}`);
    assert.ok(Math.abs(Number(o.formula_ratio) - (1 / cout + 1 / (k * k))) < 1e-8);
  };
  let r = await readoutWhen(page, (o) => o.macs_standard, 'the cost readout');
  expect(r, 32, 64, 3, 56);
  assert.equal(r.out_hw, '56x56');

  await setState(page, { cin: 3, cout: 32, k: 5, hw: 224 });
  r = await readoutWhen(page, (o) => o.out_hw === '224x224' && BigInt(o.params_standard) === 32n * 3n * 25n, 'the new layer');
  expect(r, 3, 32, 5, 224);

  await setState(page, { cin: 512, cout: 512, k: 3, hw: 14 });
  r = await readoutWhen(page, (o) => o.out_hw === '14x14', 'a deep layer');
  expect(r, 512, 512, 3, 14);

  // The demonstration: the closest depthwise + pointwise pair misses a random full 3 -> 2 convolution.
  const before = Number(r.demo_weight_residual);
  assert.ok(before > 0.05 && before < 1, `weight residual ${before}`);
  assert.ok(Number(r.demo_output_residual) > 0.01, `output residual ${r.demo_output_residual}`);
  await setState(page, { seed: 7 });
  r = await readoutWhen(page, (o) => Number(o.demo_weight_residual) !== before, 'another random convolution');
  assert.ok(Number(r.demo_weight_residual) > 0.05);

  await setState(page, { cin: 32, cout: 64, k: 3, hw: 112, seed: 1 });
  await readoutWhen(page, (o) => o.out_hw === '112x112', 'MobileNet for the screenshot');
  await shot(page, 'lesson-depthwise-separable.png');
  assert.deepEqual(page.problems, []);
  await page.close();
});
