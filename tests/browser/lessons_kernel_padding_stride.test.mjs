// The kernel, padding and stride lessons: each opened by URL, driven through window.playground.setState,
// its published numbers checked against the JS API (lab.conv2d, lab.pad, lab.outputSize) computed in the
// page on the same pixels, outputs changing with the controls, no console errors, one screenshot each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, distinctColours, shotDir, readout, setState, lastError, until } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

async function open(lesson, hash = '') {
  const page = await env.openAt(`lesson=${lesson}${hash}`);
  // The JS API and the sample image decoded exactly as the page decodes it (same rasterise()).
  await page.evaluate(async () => {
    const m = await import('/convlab.mjs');
    window.__lab = await m.default();
    const { rasterise } = await import('/image_input.js');
    window.__image = async (name, file) => {
      const bmp = await createImageBitmap(await (await fetch(`assets/images/${file}`)).blob());
      const px = rasterise(bmp);
      const n = px.width * px.height, data = new Float32Array(3 * n);
      for (let i = 0; i < n; ++i) for (let c = 0; c < 3; ++c) data[c * n + i] = px.data[4 * i + c] / 255;
      return { shape: [3, px.height, px.width], data };
    };
  });
  return page;
}

const near = (a, b, tol = 2e-5) => Math.abs(Number(a) - Number(b)) <= tol;

// ---- kernel ------------------------------------------------------------------------------------------
test('kernel: step_sum equals lab.conv2d at the cell, for depthwise and one filter of depth 3; edges demo; snippet', async () => {
  const page = await open('kernel', '&img=chelsea');
  let r = await until(page, (x) => x.output_shape, 'first readout');
  assert.equal(r.output_shape, '3x300x451');            // same padding keeps the size
  assert.equal(r.groups, '3');
  assert.equal(r.formula_h, '300');
  assert.equal(r.formula_w, '451');
  const before = await page.screenshot();

  // Gaussian 5x5, valid padding, stride 2: shape from the JS API; step sums from lab.conv2d on the same pixels.
  await setState(page, { kp: 'gaussian', k: 5, p: 'valid', s: 2, step: 1234 });
  const want = await page.evaluate(() => window.__lab.outputSize({ size: [300, 451], kernel: 5, stride: 2, padding: 0 }));
  r = await until(page, (x) => x.output_shape === `3x${want[0]}x${want[1]}` && x.step_cell, 'gaussian 5 valid s2');
  assert.equal(r.formula_h, String(want[0]));
  assert.equal(r.formula_w, String(want[1]));
  const [oy, ox] = r.step_cell.split(',').map(Number);
  assert.deepEqual([oy, ox], [Math.floor(1234 / want[1]), 1234 % want[1]]);
  assert.equal(r.step_window, `${oy * 2},${ox * 2}`);
  const gauss = await page.evaluate(async ([oy, ox]) => {
    const img = await window.__image('chelsea', 'chelsea.png');
    // OpenCV's default Gaussian for k = 5: sigma = 0.3 * ((5 - 1) * 0.5 - 1) + 0.8 = 1.1
    const sigma = 1.1, g = [0, 1, 2, 3, 4].map((i) => Math.exp(-((i - 2) ** 2) / (2 * sigma * sigma)));
    const sum = g.reduce((a, b) => a + b, 0);
    const k = [];
    for (const a of g) for (const b of g) k.push((a / sum) * (b / sum));
    const w = new Float32Array(3 * 25);
    for (let c = 0; c < 3; ++c) w.set(k, c * 25);
    const out = window.__lab.conv2d(img, { shape: [3, 1, 5, 5], data: w }, { stride: 2, groups: 3 });
    const [, H, W] = out.shape;
    return [0, 1, 2].map((c) => out.data[(c * H + oy) * W + ox]);
  }, [oy, ox]);
  for (let c = 0; c < 3; ++c) {
    assert.ok(near(r[`step_sum_${c}`], gauss[c]), `channel ${c}: step_sum ${r[`step_sum_${c}`]} vs lab.conv2d ${gauss[c]}`);
    assert.ok(near(r[`step_output_${c}`], gauss[c]), `channel ${c}: shown output ${r[`step_output_${c}`]}`);
  }

  // One filter of depth 3 (sum of the channels), sobel_x, same padding: one output channel.
  await setState(page, { kp: 'sobel_x', k: 3, p: 'same', s: 1, one: 1, step: 300 * 451 / 2 + 100 });
  r = await until(page, (x) => x.output_shape === '1x300x451' && x.groups === '1' && x.weight_shape === '1x3x3x3', 'one filter');
  const cellIndex = 300 * 451 / 2 + 100;
  const sob = await page.evaluate(async (idx) => {
    const img = await window.__image('chelsea', 'chelsea.png');
    const k = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
    const out = window.__lab.conv2d(img, { shape: [1, 3, 3, 3], data: [...k, ...k, ...k] }, { padding: 'same' });
    return out.data[idx];
  }, cellIndex);
  assert.ok(near(r.step_sum, sob), `sobel_x one filter: step_sum ${r.step_sum} vs lab.conv2d ${sob}`);
  assert.ok(near(r.step_output, sob));
  assert.equal(r.display, 'diverging');  // signed output -> auto picks diverging
  await setState(page, { disp: 'abs' });
  r = await until(page, (x) => x.display === 'abs', 'display abs');

  // The edges demo on the rocket: horizontal-edge kernel loses the vertical structure.
  await setState(page, { step: -1, img: 'rocket', kp: 'sobel_y', one: 1, disp: 'abs' });
  await until(page, (x) => x.output_shape && x.output_shape.startsWith('1x') && x.output_shape !== '1x300x451', 'rocket loaded');
  const shotY = await page.screenshot();
  await setState(page, { kp: 'sobel_x' });
  await page.waitForTimeout(400);
  const shotX = await page.screenshot();
  assert.notDeepEqual(shotX, shotY, 'sobel_x and sobel_y must look different');

  // Emboss, size 7 mean, and a kernel too big for valid padding on the 33x33 dot: a message, previous output kept.
  await setState(page, { img: 'chelsea', kp: 'emboss_top_left', one: 0, disp: 'auto', step: 2000 });
  r = await until(page, (x) => x.output_shape === '3x300x451' && x.kernel === '3x3', 'emboss');
  await setState(page, { kp: 'mean', k: 15, p: 'valid' });
  r = await until(page, (x) => x.output_shape === '3x286x437', 'mean 15 valid');
  await setState(page, { img: 'chelsea', k: 3, p: 'same', d: 1, kp: 'gaussian', step: 45100 });
  // (the snippet is published once the output is current: not while a slider moves)
  r = await until(page, (x) => x.output_shape === '3x300x451' && x.step_cell === '100,0' && x.snippet_chars, 'gaussian 3, step on');
  assert.ok(Number(r.snippet_chars) > 300, 'a PyTorch snippet is built');
  await page.waitForTimeout(400);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-kernel.png') });
  assert.notDeepEqual(png, before);
  assert.ok((await distinctColours(page, png)) > 500);
  await setState(page, { img: 'dot', k: 15, p: 'valid', d: 3 });
  await page.waitForTimeout(500);
  assert.match(await lastError(page), /kernel|larger|size/i);
  assert.equal((await readout(page)).output_shape, '3x300x451', 'the previous output stays');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- padding ----------------------------------------------------------------------------------------
const remap = (i, n, mode) => {
  if (i >= 0 && i < n) return i;
  if (mode === 'zeros') return -1;
  if (mode === 'replicate') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') return i < 0 ? -i : 2 * (n - 1) - i;
  if (mode === 'symmetric') return i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i < 0 ? i + n : i - n;  // circular
};

test('padding: every mode labels its padded cells by the right source; shapes and the window sum match lab.pad / lab.conv2d', async () => {
  const page = await open('padding', '&img=chelsea&p=2&pad=reflect&step=0');
  let r = await until(page, (x) => x.padded_shape === '3x304x455' && x.step_cell === '0,0', 'first readout');
  const first = await page.screenshot();
  for (const mode of ['zeros', 'reflect', 'symmetric', 'replicate', 'circular']) {
    await setState(page, { pad: mode, p: 2, step: 0 });
    r = await until(page, (x) => x.pad_mode === mode && x.padding === '2,2,2,2', mode);
    assert.equal(r.output_shape, '3x302x453');
    const src = (y, x) => { const sy = remap(y, 300, mode), sx = remap(x, 451, mode); return sy < 0 || sx < 0 ? 'zero' : `${sy},${sx}`; };
    assert.equal(r['src_-1_-1'], src(-1, -1), `${mode} (-1,-1)`);
    assert.equal(r['src_-1_2'], src(-1, 2), `${mode} (-1,2)`);
    assert.equal(r['src_-2_0'], src(-2, 0), `${mode} (-2,0)`);
    const api = await page.evaluate(async (mode) => {
      const img = await window.__image('chelsea', 'chelsea.png');
      const padded = window.__lab.pad(img, { padding: 2, paddingMode: mode });
      const w = new Float32Array(27).fill(1 / 9);
      const out = window.__lab.conv2d(img, { shape: [3, 1, 3, 3], data: w }, { padding: 2, paddingMode: mode, groups: 3 });
      return { shape: padded.shape.join('x'), corner: padded.data[1 * padded.shape[2] + 1], out0: out.data[0] };
    }, mode);
    assert.equal(r.padded_shape, api.shape);
    assert.ok(near(r.corner_value, api.corner), `${mode}: corner ${r.corner_value} vs lab.pad ${api.corner}`);
    assert.ok(near(r.step_sum, api.out0), `${mode}: step_sum ${r.step_sum} vs lab.conv2d ${api.out0}`);
  }
  // Same for an even kernel: total k - 1 = 3, the extra pixel bottom/right (PyTorch).
  await setState(page, { pad: 'zeros', p: 'same', k: 4, kp: 'mean' });
  r = await until(page, (x) => x.padding === '1,2,1,2', 'same k=4');
  assert.equal(r.output_shape, '3x300x451');
  // Valid: shrinks by k - 1.
  await setState(page, { p: 'valid', k: 5 });
  r = await until(page, (x) => x.padding === '0,0,0,0', 'valid');
  assert.equal(r.output_shape, '3x296x447');
  assert.equal(r.formula_h, '296');
  await setState(page, { p: 3, pad: 'replicate', k: 3, zoom: 0, step: 0 });
  await until(page, (x) => x.padded_shape === '3x306x457' && x.pad_mode === 'replicate', 'replicate p3');
  await page.waitForTimeout(400);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-padding.png') });
  assert.notDeepEqual(png, first);
  assert.ok((await distinctColours(page, png)) > 300);
  // Reflect needs pad < size: on the 33x33 dot, 40 is refused with the core's message; output kept.
  await setState(page, { img: 'dot', p: 3, pad: 'reflect', k: 3 });
  r = await until(page, (x) => x.padded_shape === '3x39x39', 'dot p3');
  await setState(page, { p: 40 });
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /reflect padding, got 40/);
  assert.equal((await readout(page)).padding, '3,3,3,3', 'the previous output stays');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- stride -----------------------------------------------------------------------------------------
test('stride: the 9x9 examples give 7, 9, 5 (and 2 with the floor); whole-image sizes match lab.outputSize; window sums match', async () => {
  const page = await open('stride', '&img=chelsea');
  let r = await until(page, (x) => x.crop_out_h, 'first readout');
  const shot0 = await page.screenshot();
  const cases = [[0, 1, 7], [1, 1, 9], [1, 2, 5], [0, 4, 2], [2, 3, 4]];
  for (const [p, s, want] of cases) {
    await setState(page, { k: 3, kp: 'mean', p: p === 0 ? 'valid' : p, s, step: 0 });
    r = await until(page, (x) => x.crop_out_h === String(want) && x.crop_out_w === String(want), `p=${p} s=${s}`);
    const api = await page.evaluate(([p, s]) => [window.__lab.outputSize({ size: 9, kernel: 3, stride: s, padding: p }),
      window.__lab.outputSize({ size: [300, 451], kernel: 3, stride: s, padding: p })], [p, s]);
    assert.equal(api[0], want, 'the JS API agrees on 9x9');
    r = await until(page, (x) => x.output_shape === `3x${api[1][0]}x${api[1][1]}`, `whole image p=${p} s=${s}`);
    assert.equal(r.formula_h, String(api[1][0]));
    assert.equal(r.formula_w, String(api[1][1]));
  }
  // Every cell of the 5x5 output of p=1, s=2: the step-through sum equals lab.conv2d on the shown crop.
  await setState(page, { k: 3, kp: 'mean', p: 1, s: 2, step: 0 });
  r = await until(page, (x) => x.crop_out_h === '5' && x.step_cell === '0,0', 'p1 s2');
  const [cy, cx] = r.crop_at.split(',').map(Number);
  const crop = await page.evaluate(async ([cy, cx]) => {
    const img = await window.__image('chelsea', 'chelsea.png');
    const [, H, W] = img.shape, n = H * W, data = new Float32Array(81);
    for (let y = 0; y < 9; ++y) for (let x = 0; x < 9; ++x) {
      let s = 0;
      for (let c = 0; c < 3; ++c) s += img.data[c * n + (cy + y) * W + cx + x];
      data[y * 9 + x] = Math.round(Math.fround(s / 3) * 100) / 100;   // the lesson shows (and convolves) two decimals
    }
    const out = window.__lab.conv2d({ shape: [1, 9, 9], data }, { shape: [1, 1, 3, 3], data: new Float32Array(9).fill(1 / 9) }, { stride: 2, padding: 1 });
    return Array.from(out.data);
  }, [cy, cx]);
  assert.equal(crop.length, 25);
  for (const cell of [0, 3, 12, 24]) {
    await setState(page, { step: cell });
    r = await until(page, (x) => x.step_cell === `${Math.floor(cell / 5)},${cell % 5}`, `cell ${cell}`);
    assert.ok(near(r.step_sum, crop[cell], 1e-3), `cell ${cell}: step_sum ${r.step_sum} vs lab.conv2d ${crop[cell]}`);
    assert.equal(r.step_window, `${Math.floor(cell / 5) * 2 - 1},${(cell % 5) * 2 - 1}`);
  }
  await setState(page, { step: 7 });
  await until(page, (x) => x.crop_out_h === '5' && x.step_cell === '1,2', 'cell 7');
  await page.waitForTimeout(400);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-stride.png') });
  assert.notDeepEqual(png, shot0);
  assert.ok((await distinctColours(page, png)) > 300);
  // Kernel 9 with stride 8 on 9x9 gives 1; a dilated kernel bigger than the crop is refused, output kept.
  await setState(page, { k: 9, p: 'valid', s: 8 });
  r = await until(page, (x) => x.crop_out_h === '1', 'k9');
  await setState(page, { k: 9, p: 'valid', s: 1, d: 2 });
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /kernel height 9 \(dilated span 17\)/);
  assert.equal((await readout(page)).crop_out_h, '1', 'the previous output stays');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- autoplay (the embed's step-through) ------------------------------------------------------------
test('autoplay walks the step-through over play_from..play_to and loops', async () => {
  const page = await open('stride', '&k=3&p=1&s=2&autoplay=1&play=2-6&rate=30');
  const seen = new Set();
  const t0 = Date.now();
  while (Date.now() - t0 < 4000 && seen.size < 5) {
    const r = await readout(page);
    if (r.step_cell) seen.add(r.step_cell);
    await page.waitForTimeout(30);
  }
  // Cells 2..6 of a 5x5 output: (0,2) (0,3) (0,4) (1,0) (1,1); never outside the range.
  for (const c of seen) assert.ok(['0,2', '0,3', '0,4', '1,0', '1,1'].includes(c), `cell ${c} outside the range`);
  assert.ok(seen.size >= 4, `autoplay must move: saw ${[...seen]}`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('stride: a display mode set from outside (URL, setState, another lesson) reaches the output view', async () => {
  const page = await open('stride', '&kp=sobel_x');
  await until(page, (x) => x.output_shape, 'first readout');
  const before = await page.screenshot();
  await setState(page, { disp: 'clamp' });  // not part of what the lesson recomputes on
  await page.waitForTimeout(500);
  assert.ok(!before.equals(await page.screenshot()), 'the output view was not redrawn in the new display mode');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- kernel: after the filter (ReLU / |x|) and applied again ------------------------------------------
// The page's last application against lab.conv2d called N times on the same pixels with the activation
// written out here; shrinking applications against lab.outputSize; a filter that cannot be fed back.
const activations = { none: (v) => v, relu: (v) => (v > 0 || Number.isNaN(v) ? v : 0), abs: Math.abs };
const nearRel = (a, b) => Math.abs(Number(a) - Number(b)) <= 2e-5 * Math.max(1, Math.abs(Number(b)));

test('kernel: act and again from the URL equal lab.conv2d applied N times with the activation; sizes per application; refusals', async () => {
  const page = await open('kernel', '&img=chelsea&kp=sobel_x&act=relu&again=3&step=40000');
  let r = await until(page, (x) => x.applications === '3' && x.activation === 'relu' && x.step_final_0, 'relu x3');
  assert.equal(r.output_shape, '3x300x451');
  assert.equal(r.shapes, '3x300x451,3x300x451,3x300x451,3x300x451');
  const state = await page.evaluate(() => window.playground.getState());
  assert.equal(state.act, 'relu');
  assert.equal(state.again, '3');
  // lab.conv2d, depthwise sobel_x with 'same' zeros padding, three times; the activation in plain JS.
  const apply = (opts, act, n, cell) => page.evaluate(async ([opts, act, n, cell, fns]) => {
    const f = { none: (v) => v, relu: (v) => (v > 0 || Number.isNaN(v) ? v : 0), abs: Math.abs }[act];
    let x = await window.__image('chelsea', 'chelsea.png');
    const k = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
    const w = { shape: [3, 1, 3, 3], data: [...k, ...k, ...k] };
    const shapes = [x.shape.join('x')];
    let conv;
    for (let i = 0; i < n; ++i) {
      conv = window.__lab.conv2d(x, w, { ...opts, groups: 3 });
      x = { shape: conv.shape, data: conv.data.map(f) };
      shapes.push(x.shape.join('x'));
    }
    const [, H, W] = x.shape, at = (t, c) => t.data[(c * H + Math.floor(cell / W)) * W + (cell % W)];
    return { shapes: shapes.join(','), final: [0, 1, 2].map((c) => at(x, c)), conv: [0, 1, 2].map((c) => at(conv, c)) };
  }, [opts, act, n, cell]);
  let want = await apply({ padding: 'same' }, 'relu', 3, 40000);
  for (let c = 0; c < 3; ++c) {
    assert.ok(nearRel(r[`step_final_${c}`], want.final[c]), `relu x3, channel ${c}: shown ${r[`step_final_${c}`]} vs ${want.final[c]}`);
    assert.ok(nearRel(r[`step_output_${c}`], want.conv[c]), `relu x3, channel ${c}: last conv2d ${r[`step_output_${c}`]} vs ${want.conv[c]}`);
    assert.ok(nearRel(r[`step_sum_${c}`], want.conv[c]), `relu x3, channel ${c}: the step's sum`);
  }
  assert.ok(want.final.some((v) => v === 0) || want.conv.some((v) => v > 0), 'the cell shows the ReLU at work');

  // |x|, valid padding, stride 2, four applications: the image shrinks at each; formula of the last one.
  await setState(page, { act: 'abs', again: 4, p: 'valid', s: 2, step: 100 });
  r = await until(page, (x) => x.activation === 'abs' && x.applications === '4' && x.step_cell === '3,' + (100 - 3 * Number(x.out_w)), 'abs x4 valid s2');
  want = await apply({ stride: 2 }, 'abs', 4, 100);
  assert.equal(r.shapes, want.shapes);
  const last = want.shapes.split(',').at(-2).split('x').map(Number);
  const size = await page.evaluate((hw) => window.__lab.outputSize({ size: hw, kernel: 3, stride: 2, padding: 0 }), [last[1], last[2]]);
  assert.equal(r.output_shape, `3x${size[0]}x${size[1]}`);
  assert.equal(r.formula_h, String(size[0]));
  assert.equal(r.formula_w, String(size[1]));
  for (let c = 0; c < 3; ++c) assert.ok(nearRel(r[`step_final_${c}`], want.final[c]), `abs x4, channel ${c}: ${r[`step_final_${c}`]} vs ${want.final[c]}`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shotDir, 'lesson-kernel-again.png') });

  // One filter of depth 3 gives 1 map: it cannot be fed back. A message naming the fix; the output stays.
  await setState(page, { one: 1 });
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /each channel on its own/);
  assert.equal((await readout(page)).output_shape, r.output_shape, 'the previous output stays');
  // Eight stride-2 applications shrink 300x451 below the kernel: refused, naming the application.
  await setState(page, { one: 0, again: 9 });
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /^application \d of 9/);
  assert.equal((await readout(page)).output_shape, r.output_shape, 'the previous output stays');
  await assert.rejects(setState(page, { again: 21 }), /again/);
  await assert.rejects(setState(page, { act: 'tanh' }), /act/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

// ---- the kernel editor's paint mode -----------------------------------------------------------------
const point = (text) => { const [x, y, px, py] = text.split(',').map(Number); return { x, y, px, py }; };
const kernelValues = async (page) => (await page.evaluate(() => window.playground.getState())).kv.split(',').map(Number);

test('kernel editor: in paint mode a mouse drag across cells sets each to the paint value (a custom kernel in the state)', async () => {
  const page = await open('kernel', '&img=dot&kp=mean&k=3');
  let r = await until(page, (x) => x.kernel_paint === '0' && x.kernel_grid, 'editor');
  const toggle = point(r.kernel_paint_toggle);
  await page.mouse.click(toggle.x, toggle.y);
  r = await until(page, (x) => x.kernel_paint === '1' && x.kernel_paint_2, 'paint mode on');
  const two = point(r.kernel_paint_2);
  await page.mouse.click(two.x, two.y);
  await page.waitForTimeout(200);
  // Row 0 from left to right, then down the last column: five cells.
  const g = point((await readout(page)).kernel_grid);
  const cell = (y, x) => [g.x + x * g.px, g.y + y * g.py];
  await page.mouse.move(...cell(0, 0));
  await page.mouse.down();
  for (const [y, x] of [[0, 1], [0, 2], [1, 2], [2, 2]]) {
    await page.mouse.move(...cell(y, x), { steps: 4 });
    await page.waitForTimeout(50);
  }
  await page.mouse.up();
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => window.playground.getState());
  assert.equal(state.kp, 'custom');
  const ninth = Math.fround(1 / 9);
  assert.deepEqual(await kernelValues(page), [2, 2, 2, ninth, ninth, 2, ninth, ninth, 2].map((v) => Number(v.toPrecision(8))));
  // Moving without a press paints nothing; off again, a drag paints nothing.
  await page.mouse.move(...cell(2, 0), { steps: 4 });
  await page.waitForTimeout(200);
  assert.equal((await kernelValues(page))[6], Number(ninth.toPrecision(8)));
  await page.mouse.click(toggle.x, toggle.y);
  await until(page, (x) => x.kernel_paint === '0', 'paint mode off');
  // Turning it on makes the kernel custom at once (the rows above the cells stay put under a stroke);
  // a preset chosen meanwhile ends it.
  await setState(page, { kp: 'gaussian', k: 5 });
  await until(page, (x) => x.kernel === '5x5', 'gaussian');
  await page.mouse.click(toggle.x, toggle.y);
  await until(page, (x) => x.kernel_paint === '1', 'paint mode on again');
  assert.equal((await page.evaluate(() => window.playground.getState())).kp, 'custom');
  await setState(page, { kp: 'mean', k: 3 });
  await until(page, (x) => x.kernel_paint === '0', 'a preset ends paint mode');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('kernel editor: on a touch screen a finger dragged up the cells in paint mode paints them and does not scroll', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${env.url}#lesson=kernel&img=dot&kp=mean&k=3`);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60000 });
  let r = await until(page, (x) => x.kernel_grid, 'editor');
  const cdp = await context.newCDPSession(page);
  const touch = async (from, to, steps = 10) => {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from[0], y: from[1] }] });
    for (let i = 1; i <= steps; ++i) {
      await page.waitForTimeout(30);
      const p = { x: from[0] + ((to[0] - from[0]) * i) / steps, y: from[1] + ((to[1] - from[1]) * i) / steps };
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
    }
    await page.waitForTimeout(30);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForTimeout(300);
  };
  const toggle = point(r.kernel_paint_toggle);
  await touch([toggle.x, toggle.y], [toggle.x, toggle.y], 1);  // a tap
  r = await until(page, (x) => x.kernel_paint === '1' && x.kernel_paint_0, 'paint mode on by a tap');
  const zero = point(r.kernel_paint_0);
  await touch([zero.x, zero.y], [zero.x, zero.y], 1);
  const scrollBefore = (await readout(page)).scroll_y;
  assert.ok(Number((await readout(page)).scroll_max_y) > 0, 'the controls can scroll: a plain swipe there would');
  const g = point((await readout(page)).kernel_grid);
  // Up the first column: anywhere else this swipe would scroll the controls down (they start at the top).
  await touch([g.x, g.y + 2 * g.py], [g.x, g.y]);
  r = await readout(page);
  assert.equal(r.scroll_y, scrollBefore, 'the drag did not scroll the controls');
  const ninth = Number(Math.fround(1 / 9).toPrecision(8));
  assert.deepEqual(await kernelValues(page), [0, ninth, ninth, 0, ninth, ninth, 0, ninth, ninth]);
  await page.screenshot({ path: join(shotDir, 'lesson-kernel-paint-touch.png') });
  await context.close();
});
