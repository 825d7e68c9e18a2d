// The receptive-field, pooling, dilation and ERF lessons: each opened by URL, driven through
// window.playground.setState, its published numbers checked against plain-JS recurrences and PyTorch's
// size rules (and the JS API where it has the op), outputs changing with the controls, no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, distinctColours, shotDir, readout, setState, lastError, until } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

const open = (lesson, hash = '') => env.openAt(`lesson=${lesson}${hash}`);

// ---- plain-JS references ------------------------------------------------------------------------
// "c3p1,p2,c3d2" -> layers (pool stride defaults to its kernel).
function parseLayers(text) {
  return text.split(',').map((t) => {
    const m = /^([cp])(\d+)((?:[sdp]\d+)*)$/.exec(t);
    const l = { pool: m[1] === 'p', k: +m[2], s: m[1] === 'p' ? +m[2] : 1, d: 1, p: 0 };
    for (const [, tag, n] of m[3].matchAll(/([sdp])(\d+)/g)) l[tag] = +n;
    return l;
  });
}
// Araujo et al.'s recurrence: size, jump, start per layer.
function fieldRecurrence(layers) {
  let size = 1, jump = 1, start = 0;
  return layers.map((l) => {
    const eff = l.d * (l.k - 1) + 1;
    size += (eff - 1) * jump;
    start += ((eff - 1) / 2 - l.p) * jump;
    jump *= l.s;
    return { size, jump, start };
  });
}
const convOut = (n, l) => Math.floor((n + 2 * l.p - (l.d * (l.k - 1) + 1)) / l.s) + 1;
// PyTorch's pooling output size (torch/nn/functional pooling_output_shape).
function poolOut(n, k, s, p, ceil) {
  let out = Math.floor((n + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out -= 1;
  return out;
}
// 1-D path counts of a stack of stride-1 conv layers: [1] convolved with a box of k ones per layer.
function pathCounts1d(ks) {
  let c = [1];
  for (const k of ks) {
    const n = new Array(c.length + k - 1).fill(0);
    c.forEach((v, i) => { for (let j = 0; j < k; ++j) n[i + j] += v; });
    c = n;
  }
  return c;
}
// erf_mass_square_side for a centred separable grid: smallest odd square holding >= 95% of the mass.
function massSquare(c1d, fraction = 0.95) {
  const n = c1d.length, mid = (n - 1) / 2;
  let total = 0;
  for (const a of c1d) for (const b of c1d) total += a * b;
  for (let r = 0; r <= mid; ++r) {
    let s = 0;
    for (let i = mid - r; i <= mid + r; ++i) for (let j = mid - r; j <= mid + r; ++j) s += c1d[i] * c1d[j];
    if (s >= fraction * total * (1 - 1e-12)) return 2 * r + 1;
  }
  return n;
}

// ---- receptive field ------------------------------------------------------------------------------
test('receptive field: two 3x3 layers see 5x5 = 25 pixels through 81 paths; per-layer sizes follow the recurrence', async () => {
  const page = await open('receptive-field');
  let r = await until(page, (x) => x.field, 'the first readout');
  assert.equal(r.size_1, '3x3');
  assert.equal(r.size_2, '5x5');
  assert.equal(r.field_pixels, '25');
  assert.equal(r.paths_total, '81');       // 9 x 9 paths...
  assert.equal(r.paths_support, '25');     // ...onto 25 pixels
  const before = await page.screenshot();

  const text = 'c3p1,c3p1,p2,c3p1,c3p1,p2,c3s2p1';
  await setState(page, { layers: text });
  r = await until(page, (x) => x.layers === '7', 'seven layers');
  const layers = parseLayers(text);
  const fields = fieldRecurrence(layers);
  const [h0, w0] = r.out_1.split('x').map(Number);  // layer 1 is 'same', so its output is the image size
  let h = h0, w = w0;
  layers.forEach((l, i) => {
    const k = i + 1;
    assert.equal(r[`size_${k}`], `${fields[i].size}x${fields[i].size}`, `size of layer ${k}`);
    assert.equal(r[`jump_${k}`], `${fields[i].jump}x${fields[i].jump}`, `jump of layer ${k}`);
    assert.equal(r[`start_${k}`], `${fields[i].start},${fields[i].start}`, `start of layer ${k}`);
    if (i > 0) { h = convOut(h, l); w = convOut(w, l); }
    assert.equal(r[`out_${k}`], `${h}x${w}`, `output of layer ${k}`);
  });
  // The unit's rectangle: centre unit of the last layer, walked back layer by layer.
  const [uy, ux] = r.unit.split(',').map(Number);
  assert.deepEqual([uy, ux], [Math.floor(h / 2), Math.floor(w / 2)]);
  let y0 = uy, y1 = uy, x0 = ux, x1 = ux;
  for (const l of [...layers].reverse()) {
    y0 = y0 * l.s - l.p; y1 = y1 * l.s - l.p + (l.k - 1) * l.d;
    x0 = x0 * l.s - l.p; x1 = x1 * l.s - l.p + (l.k - 1) * l.d;
  }
  assert.equal(r.rect, `${y0},${x0},${y1 + 1},${x1 + 1}`);
  assert.equal(y1 + 1 - y0, fields.at(-1).size);
  // An interior unit is reached by the product of the kernels' areas.
  assert.equal(Number(r.paths_total), layers.reduce((p, l) => p * l.k * l.k, 1));

  // A chosen layer: layer 3 (the first pool) sees 6x6.
  await setState(page, { rfl: 2 });
  r = await until(page, (x) => x.layer === '3', 'layer 3 chosen');
  assert.equal(r.field, '6x6');
  assert.equal(r.paths_total, String(9 * 9 * 4));
  await page.waitForTimeout(300);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-receptive-field.png') });
  assert.notDeepEqual(png, before, 'the picture must change with the stack');
  assert.ok((await distinctColours(page, png)) > 500);

  // A stack too large for the image: a clear message naming the layer, the page keeps running.
  await setState(page, { layers: 'c15d8,c15d8,c15d8', rfl: -1 });
  await page.waitForTimeout(300);
  assert.match(await lastError(page), /layer 2/);
  await setState(page, { layers: 'c3,c3' });
  r = await until(page, (x) => x.field === '5x5', 'recovery');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- pooling ----------------------------------------------------------------------------------------
test('pooling: output shape and formula follow PyTorch (ceil mode included); the next 3x3 conv sees k + 2s', async () => {
  const page = await open('pooling');
  let r = await until(page, (x) => x.output_shape, 'the first readout');
  const [c, H, W] = [3, Number(r.formula_h) * 2, null];
  assert.equal(r.output_shape, `3x${r.formula_h}x${r.formula_w}`);
  assert.equal(r.rf_after_conv3, '6');  // 2x2/2 pool then 3x3 conv: 2 + 2*2
  const cellMax = r.cell_value;
  // The image size, from the JS API's view of the same rule would need the image; recover it from the
  // 1x1/1 pool, whose output is the input.
  await setState(page, { pk: 1, ps: 1 });
  r = await until(page, (x) => x.output_shape !== `3x${Math.floor(H / 2)}x${r.formula_w}` && x.rf_after_conv3 === '3', 'k=1');
  const [, inH, inW] = r.output_shape.split('x').map(Number);
  void c; void W;

  const lab = await page.evaluate(async () => { const m = await import('/convlab.mjs'); window.__lab = await m.default(); return true; });
  assert.ok(lab);
  const cases = [[3, 2, 1, true], [3, 2, 0, true], [2, 2, 0, true], [5, 3, 2, false], [4, 3, 1, true], [7, 4, 3, true]];
  for (const [k, s, p, ceil] of cases) {
    await setState(page, { pk: k, ps: s, pp: p, ceil: ceil ? 1 : 0 });
    const wantH = poolOut(inH, k, s, p, ceil), wantW = poolOut(inW, k, s, p, ceil);
    r = await until(page, (x) => x.rf_after_conv3 === String(k + 2 * s) && x.output_shape === `3x${wantH}x${wantW}`,
      `pool k${k} s${s} p${p} ceil ${ceil}`);
    assert.equal(r.formula_h, String(wantH));
    assert.equal(r.formula_w, String(wantW));
    const api = await page.evaluate(([size, k, s, p, ceil]) => window.__lab.outputSize({ size, kernel: k, stride: s, padding: p, ceilMode: ceil, pool: true }),
      [[inH, inW], k, s, p, ceil]);
    assert.deepEqual(api, [wantH, wantW], 'the JS API agrees');
  }
  // Max >= mean >= min in every window of the crop, strictly somewhere (the crop is where the image varies most).
  await setState(page, { pk: 2, ps: 2, pp: 0, ceil: 0, pool: 'max', step: 0 });
  await until(page, (x) => x.crop_out === '4x4' && x.cell === '0,0', 'a 2x2 pool of the crop');
  assert.equal((await readout(page)).cell_value, cellMax);
  let strict = 0;
  for (let cell = 0; cell < 16; ++cell) {
    const vals = {};
    for (const mode of ['max', 'mean', 'min']) {
      await setState(page, { pool: mode, step: cell });
      const want = `${Math.floor(cell / 4)},${cell % 4}`;
      // The crop's numbers come with the image's pooling (from the workers): wait for this mode's result.
      const r = await until(page, (x) => x.cell === want && x.pool_mode === mode && Number(x.busy) === 0, `cell ${want}`);
      vals[mode] = Number(r.cell_value);
    }
    assert.ok(vals.max >= vals.mean && vals.mean >= vals.min, `cell ${cell}: max ${vals.max} mean ${vals.mean} min ${vals.min}`);
    if (vals.max > vals.mean && vals.mean > vals.min) ++strict;
  }
  assert.ok(strict > 0, 'some window must hold different values');
  // Padding above kernel / 2: PyTorch refuses; the lesson says so and keeps the previous output.
  await setState(page, { pool: 'max', pk: 3, ps: 2, pp: 1, ceil: 1 });
  r = await until(page, (x) => x.output_shape === `3x${poolOut(inH, 3, 2, 1, true)}x${poolOut(inW, 3, 2, 1, true)}`, 'valid state');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shotDir, 'lesson-pooling.png') });
  await setState(page, { pk: 2, pp: 2 });
  await page.waitForTimeout(300);
  assert.match(await lastError(page), /pad/i);
  assert.equal((await readout(page)).output_shape, r.output_shape, 'the previous output stays');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- dilation -----------------------------------------------------------------------------------------
test('dilation: effective size d*(k-1)+1, output size, and a 1-2-4-8 stack growing 3, 7, 15, 31', async () => {
  const page = await open('dilation', '&d=2');
  let r = await until(page, (x) => x.effective_size, 'the first readout');
  assert.equal(r.effective_size, '5x5');
  assert.equal(r.rf_stack, '3,7,15,31');
  const same = r.output_shape;  // 'same' padding keeps the size
  const [, inH, inW] = same.split('x').map(Number);
  const before = await page.screenshot();
  for (const [k, d] of [[3, 4], [5, 3], [7, 1], [3, 8]]) {
    await setState(page, { k, d, p: 'valid' });
    const eff = d * (k - 1) + 1;
    r = await until(page, (x) => x.effective_size === `${eff}x${eff}`, `k${k} d${d}`);
    await until(page, (x) => x.output_shape === `3x${inH - eff + 1}x${inW - eff + 1}`, `valid output for k${k} d${d}`);
    const rf = fieldRecurrence([1, 2, 4, 8].map((dd) => ({ k, s: 1, d: dd, p: 0 }))).map((f) => f.size).join(',');
    assert.equal((await readout(page)).rf_stack, rf);
  }
  // The conv output itself matches the JS API's dilated conv (mean 3x3, d=2, same padding) on the image.
  await setState(page, { k: 3, d: 2, p: 'same' });
  r = await until(page, (x) => x.output_shape === same && x.effective_size === '5x5', 'back to 3x3 d2');
  await page.waitForTimeout(300);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-dilation.png') });
  assert.ok((await distinctColours(page, png)) > 500);
  void before;
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- effective receptive field -------------------------------------------------------------------------
test('erf: uniform weights count paths (sum 81 for two 3x3 layers), sizes match a JS path count; random + ReLU differ', async () => {
  const page = await open('erf');
  let r = await until(page, (x) => x.erf_done === '1' && x.erf_sum, 'the ERF');
  assert.equal(r.erf_sum, '81');
  assert.equal(r.theoretical_size, '5x5');
  assert.equal(r.erf_size, String(massSquare(pathCounts1d([3, 3]))));

  // Eight uniform 3x3 layers: sum 9^8, field 17, ERF side from the separable path counts.
  await setState(page, { layers: Array(8).fill('c3').join(',') });
  r = await until(page, (x) => x.erf_done === '1' && x.erf_depths_done === '8', 'eight layers');
  assert.equal(Number(r.erf_sum), 9 ** 8);
  assert.equal(r.theoretical_size, '17x17');
  const series = r.erf_series.split(',');
  for (let d = 1; d <= 8; ++d) {
    const want = `${massSquare(pathCounts1d(Array(d).fill(3)))}/${2 * d + 1}`;
    assert.equal(series[d - 1], want, `depth ${d}`);
  }
  const uniformSum = r.erf_sum;

  // Random weights with ReLU, 16 layers: the sweep runs a few depths per frame (a progress bar), so the
  // readout passes through partial depths before it completes.
  await setState(page, { layers: Array(16).fill('c3').join(','), erfw: 'random', relu: 1, seed: 3 });
  const seen = new Set();
  r = await until(page, (x) => { seen.add(x.erf_depths_done); return x.erf_done === '1' && x.erf_depths_done === '16'; }, 'sixteen random layers');
  const partial = [...seen].map(Number).filter((d) => d > 0 && d < 16);
  assert.ok(partial.length > 0, `the sweep must be spread over frames; saw depths ${[...seen]}`);
  console.log(`# ERF sweep of 16 random 3x3 layers (8 channels): ${r.erf_ms_total} ms in all, at most ${r.erf_ms_max} ms for one depth; partial depths seen: ${partial.join(' ')}`);
  assert.ok(Number(r.erf_ms_max) < 250, `one depth took ${r.erf_ms_max} ms`);
  assert.notEqual(r.erf_sum, uniformSum);
  assert.equal(r.theoretical_size, '33x33');
  const erf = Number(r.erf_size);
  assert.ok(erf > 0 && erf < 33, `the ERF (${erf}) is a bump inside the 33-pixel field`);
  // A different seed gives a different network.
  await setState(page, { seed: 4 });
  const r2 = await until(page, (x) => x.erf_done === '1' && x.erf_depths_done === '16' && x.erf_sum !== r.erf_sum, 'seed 4');
  assert.notEqual(r2.erf_sum, r.erf_sum);
  await setState(page, { layers: Array(6).fill('c3').join(','), erfw: 'random', relu: 0, seed: 1 });
  await until(page, (x) => x.erf_done === '1' && x.erf_depths_done === '6', 'six random layers');
  await page.waitForTimeout(300);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-erf.png') });
  assert.ok((await distinctColours(page, png)) > 200);
  assert.deepEqual(page.problems, []);
  await page.close();
});
