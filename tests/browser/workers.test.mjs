// The compute pool (web/static/compute_pool.js): the kernel, pooling and depthwise lessons' image
// computations run in Web Workers, split into row bands, and what the page shows must equal the
// single-thread core bit for bit. Each setting's output is computed twice in the same page, once by the
// workers and once on the main thread (playground.setWorkers(0): the core as the page always ran it), and
// the Float32 bits compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { openBrowser, readout, setState, shotDir, until } from './browser.mjs';

// Sets the state and waits until the output of that setting is on screen (no job pending).
async function settle(page, state) {
  const before = (await readout(page)).version;
  await setState(page, state);
  await until(page, (r) => r.version !== before && Number(r.busy) === 0, `the output of ${JSON.stringify(state)}`, 60000);
  return page.evaluate(() => window.playground.output());
}

// Two outputs of playground.output() hold the same number of values, equal as Float32 bits.
function assertSameBits(x, y, what) {
  const a = new Uint32Array(new Float32Array(Object.values(x.data)).buffer);
  const b = new Uint32Array(new Float32Array(Object.values(y.data)).buffer);
  assert.equal(a.length, b.length, what);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
  assert.equal(differ, 0, `${differ} of ${a.length} values differ: ${what}`);
}

// Resizes the pool and waits for the output the lesson asks for again from the new pool (a new version once it
// lands): a settle() right after could otherwise take that version for its own setting's output. `whole`: the
// lesson's jobs run whole in one worker (separable, depthwise-separable), so its output says 1 worker.
async function useWorkers(page, n, { whole = false } = {}) {
  const before = (await readout(page)).version;
  const running = await page.evaluate((k) => window.playground.setWorkers(k), n);
  // (Replacing a running pool asks twice: on the main thread while the new one starts, then on it.)
  const says = whole ? Math.min(running, 1) : running;
  await until(page, (r) => r.version !== before && Number(r.busy) === 0 && Number(r.workers) === says,
    `the output again from ${n} workers`, 60000);
  return running;
}

// A 333x257 noise image with a few hard edges (odd sizes so bands split unevenly), uploaded through the file input.
async function uploadNoise(page) {
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(333, 257);
    const g = c.getContext('2d');
    const img = g.createImageData(333, 257);
    let s = 12345;
    for (let i = 0; i < img.data.length; i++) { s = (s * 1103515245 + 12345) >>> 0; img.data[i] = i % 4 === 3 ? 255 : s >>> 24; }
    g.putImageData(img, 0, 0);
    g.fillStyle = '#fff'; g.fillRect(40, 40, 120, 60);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let t = ''; for (const b of bytes) t += String.fromCharCode(b); return btoa(t);
  });
  await page.setInputFiles('#file', { name: 'noise.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') });
  await page.waitForFunction(() => window.playground.imageInfo().width === 333, null, { timeout: 30000 });
}

// A 1024x1024 image of squares, uploaded through the file input: big enough that a large kernel's job
// takes a while on one worker.
async function uploadBig(page) {
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(1024, 1024);
    const g = c.getContext('2d');
    g.fillStyle = '#468'; g.fillRect(0, 0, 1024, 1024);
    g.fillStyle = '#fc4'; for (let i = 0; i < 64; i++) g.fillRect((i * 131) % 980, (i * 71) % 980, 40, 40);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let t = ''; for (const b of bytes) t += String.fromCharCode(b); return btoa(t);
  });
  await page.setInputFiles('#file', { name: 'big.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') });
  await page.waitForFunction(() => window.playground.imageInfo().width === 1024, null, { timeout: 30000 });
}

const SETTINGS = [
  { kp: 'mean', k: 3 },
  { kp: 'gaussian', k: 7, pad: 'reflect' },
  { kp: 'sobel_x', k: 3, s: 2, pad: 'circular' },
  { kp: 'emboss_top_left', k: 3, d: 2, pad: 'replicate', disp: 'diverging' },
  { kp: 'sobel_y', k: 5, one: 1, disp: 'minmax' },
  { kp: 'laplacian_8', k: 3, p: 'valid', s: 3, disp: 'abs' },
];

test('worker outputs equal the main thread core bit for bit', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=kernel');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await uploadNoise(page);
    for (const [i, setting] of SETTINGS.entries()) {
      const workers = i % 2 ? 1 : 3;  // one worker: a single band, coloured at once; three: bands and two phases
      const state = { kp: 'mean', k: 3, s: 1, d: 1, p: 'same', pad: 'zeros', one: 0, disp: 'auto', ...setting };
      const away = { kp: 'mean', k: 9, s: 1, d: 1, p: 'same', pad: 'zeros', one: 0 };  // in no setting: every settle changes the state
      assert.equal(await useWorkers(page, workers), workers, 'the workers started');
      await settle(page, away);
      const byWorkers = await settle(page, state);
      const r = await readout(page);
      assert.equal(Number(r.workers), workers, `computed by the workers: ${JSON.stringify(r)}`);
      await useWorkers(page, 0);
      await settle(page, away);
      const byMain = await settle(page, state);
      assert.equal(Number((await readout(page)).workers), 0, 'computed on the main thread');
      assert.deepEqual([byWorkers.c, byWorkers.h, byWorkers.w], [byMain.c, byMain.h, byMain.w], JSON.stringify(setting));
      assert.ok(byWorkers.h >= workers, 'at least one row per worker');
      assertSameBits(byWorkers, byMain, JSON.stringify(setting));
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
});

// Each setting of `lesson` computed by three workers and then on the main thread: the same shape and bits.
// `away` is in no setting, so every settle changes the state.
async function expectWorkersEqualMainThread(lesson, base, away, settings) {
  const env = await openBrowser();
  try {
    const page = await env.openAt(`lesson=${lesson}`);
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await uploadNoise(page);
    for (const setting of settings) {
      const state = { ...base, ...setting };
      const what = `${lesson} ${JSON.stringify(setting)}`;
      assert.equal(await useWorkers(page, 3), 3, 'three workers started');
      await settle(page, away);
      const byWorkers = await settle(page, state);
      const fromWorkers = await readout(page);
      assert.equal(Number(fromWorkers.workers), 3, `computed by the workers: ${JSON.stringify(fromWorkers)}`);
      await useWorkers(page, 0);
      await settle(page, away);
      const byMain = await settle(page, state);
      const fromMain = await readout(page);
      assert.equal(Number(fromMain.workers), 0, 'computed on the main thread');
      assert.deepEqual([byWorkers.c, byWorkers.h, byWorkers.w], [byMain.c, byMain.h, byMain.w], what);
      assert.ok(byWorkers.h >= 3, 'at least one row per worker');
      assertSameBits(byWorkers, byMain, what);
      for (const key of ['cell_value', 'step_output', 'step_final_0', 'display']) assert.equal(fromWorkers[key], fromMain[key], `${key} of ${what}`);
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
}

test('pooling: worker outputs equal the main thread core bit for bit', async () => {
  await expectWorkersEqualMainThread('pooling', { pool: 'max', pk: 2, ps: 2, pp: 0, ceil: 0, cip: 1, disp: 'auto', step: 5 },
    { pool: 'max', pk: 9, ps: 9, pp: 0 }, [
      { pool: 'max', pk: 2, ps: 2 },
      { pool: 'mean', pk: 3, ps: 2, pp: 1, ceil: 1, cip: 0 },
      { pool: 'min', pk: 5, ps: 3, pp: 2, ceil: 1, disp: 'minmax' },
      { pool: 'mean', pk: 4, ps: 1, pp: 2, disp: 'abs' },
    ]);
});

test('depthwise: worker outputs equal the main thread core bit for bit', async () => {
  await expectWorkersEqualMainThread('depthwise', { kp: 'mean', k: 3, disp: 'auto' }, { kp: 'mean', k: 9 }, [
    { kp: 'gaussian', k: 5 },
    { kp: 'sobel_x', k: 3 },  // signed: the merged view shows min-max, coloured once more on the main thread
    { kp: 'emboss_top', k: 3, disp: 'diverging' },
    { kp: 'mean', k: 4 },  // an even kernel: 'same' padding puts the extra pixel bottom and right
  ]);
});

test('kernel with an activation: worker outputs equal the main thread core bit for bit', async () => {
  await expectWorkersEqualMainThread('kernel', { kp: 'mean', k: 3, s: 1, d: 1, p: 'same', pad: 'zeros', one: 0, disp: 'auto', again: 1, step: 4321 },
    { kp: 'mean', k: 9, act: 'none' }, [
      { kp: 'sobel_x', k: 3, act: 'relu' },
      { kp: 'laplacian_8', k: 5, act: 'abs', one: 1, s: 2 },
      { kp: 'emboss_left', k: 3, act: 'relu', pad: 'reflect', disp: 'minmax' },
    ]);
});

// The step-through explains the convolution before its activation: with ReLU computed by the workers, its
// output value at the cell is conv2d's there (the same setting without the activation), not the ReLU's.
test('kernel + ReLU: the step-through shows the conv2d value before the activation', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=kernel');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await uploadNoise(page);
    const state = { kp: 'sobel_y', k: 3, s: 1, d: 1, p: 'same', pad: 'zeros', one: 1, disp: 'auto', again: 1 };
    const plain = await settle(page, { ...state, act: 'none', step: 0 });
    await settle(page, { ...state, act: 'relu' });
    let negative = 0;
    for (const cell of [777, 12345, 40000, 70000]) {
      await setState(page, { step: cell });
      const r = await until(page, (x) => x.step_cell === `${Math.floor(cell / plain.w)},${cell % plain.w}`, `cell ${cell}`);
      const conv = plain.data[cell];  // channel 0 of the one map
      assert.equal(Math.fround(Number(r.step_output)), conv, `step_output at ${cell}: ${JSON.stringify(r)}`);
      assert.equal(Math.fround(Number(r.step_final_0)), Math.max(0, conv), 'the shown output is its ReLU');
      if (conv < 0) negative++;
    }
    assert.ok(negative > 0, 'some cell where ReLU changed the value');
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
});

test('settings that change faster than the workers finish are coalesced, and the last one is shown', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=kernel');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    const sizes = [3, 5, 7, 9, 11];
    // Forty settings inside one task: no frame runs between them, so the model submits only the last.
    // Then forty more, one per frame: the pool runs a job at a time and keeps only the newest queued.
    const counts = await page.evaluate(async (sizes) => {
      const pool = window.convlabPool;
      const before = pool.jobsRun;
      for (let i = 0; i < 40; i++) window.playground.setState({ kp: 'gaussian', k: sizes[i % sizes.length] });
      for (let i = 0; i < 40; i++) {
        window.playground.setState({ kp: i % 2 ? 'mean' : 'gaussian', k: sizes[i % sizes.length] });
        await new Promise((r) => requestAnimationFrame(r));
      }
      return { jobs: pool.jobsRun - before };
    }, sizes);
    const last = { kp: 'mean', k: sizes[39 % sizes.length] };
    const shown = await until(page, (r) => Number(r.busy) === 0 && r.kernel === `${last.k}x${last.k}`, 'the last setting');
    assert.ok(counts.jobs <= 41, `at most one job per frame, got ${counts.jobs}`);
    const byWorkers = await page.evaluate(() => window.playground.output());
    await page.evaluate(() => window.playground.setWorkers(0));
    await setState(page, { kp: 'gaussian', k: 3 });
    await until(page, (r) => r.kernel === '3x3', 'a different setting');
    await setState(page, last);
    await until(page, (r) => r.kernel === `${last.k}x${last.k}` && Number(r.workers) === 0, 'the main thread result');
    const byMain = await page.evaluate(() => window.playground.output());
    assert.deepEqual(Object.values(byWorkers.data), Object.values(byMain.data), 'the last setting is what is shown');
    assert.equal(shown.kernel, `${last.k}x${last.k}`);
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
});

test('while the workers compute, the last output stays on screen with a busy mark', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=kernel&kp=mean&k=3');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await page.evaluate(() => window.playground.setWorkers(1));
    await uploadBig(page);  // a 15x15 job on it takes a while on one worker
    await until(page, (r) => Number(r.busy) === 0 && r.kernel === '3x3' && Number(r.workers) === 1, 'the first output', 60000);
    const before = await readout(page);
    const during = await page.evaluate(async () => {
      window.playground.setState({ kp: 'mean', k: 15 });
      await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(r));
      return window.playground.readout();
    });
    assert.equal(Number(during.busy), 1, `busy while the 15x15 job runs: ${JSON.stringify(during)}`);
    assert.equal(during.version, before.version, 'the last output stays until the new one lands');
    assert.equal(during.kernel, '3x3', 'the numbers shown are the last output\'s, not the pending setting\'s');
    await page.screenshot({ path: `${shotDir}/workers-busy.png` });
    const after = await until(page, (r) => Number(r.busy) === 0 && r.kernel === '15x15', 'the 15x15 output', 60000);
    assert.equal(Number(after.version), Number(before.version) + 1);
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
});

test('a worker\'s output is copied into the page\'s heap only when something reads its values (playground.output(), not a hover or the step-through, which read one value): kernel, padding, stride, pooling, dilation, depthwise, pointwise, separable', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=kernel&kp=mean&k=3');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await page.mouse.move(1, 1);  // no hover on a view
    await settle(page, { kp: 'gaussian', k: 5 });
    const copied = () => page.evaluate(() => window.convlabFrameStats().valuesCopied);
    const start = await copied();
    for (const k of [3, 7, 5]) await settle(page, { kp: 'mean', k });
    // (settle() itself reads playground.output() once per setting)
    assert.equal(await copied(), start + 3, 'one copy per output read through playground.output(), none for showing them');
    for (const k of [3, 7]) {
      const before = (await readout(page)).version;
      await setState(page, { kp: 'gaussian', k });
      await until(page, (r) => r.version !== before && Number(r.busy) === 0, `gaussian ${k}`, 60000);
    }
    assert.equal(await copied(), start + 3, 'outputs shown and replaced without a read: no copy');
    const boxes = (await readout(page)).view_boxes.split(';').map((b) => b.split(',').map(Number));
    const [x, y, w, h] = boxes[1];  // the output view
    await page.mouse.move(x + w / 2, y + h / 2);  // a tooltip with the pixel's values
    await page.waitForTimeout(500);
    await setState(page, { step: 1234 });
    const r = await until(page, (o) => o.step_cell && o.step_output !== undefined, 'the step-through');
    assert.equal(await copied(), start + 3, 'a hover\'s tooltip and the step-through read single values where they are: no copy');
    const out = await page.evaluate(() => window.playground.output());
    assert.equal(await copied(), start + 4, 'playground.output() copies the whole output');
    const [oy, ox] = r.step_cell.split(',').map(Number);
    const value = out.data[oy * out.w + ox];  // channel 0
    assert.ok(Math.abs(Number(r.step_output) - value) <= 1e-6 * Math.max(1, Math.abs(value)), `the step reads the output's value: ${r.step_output} vs ${value}`);
    await page.evaluate(() => window.playground.output());
    assert.equal(await copied(), start + 4, 'copied once, read many times');
    assert.deepEqual(page.problems, []);
    await page.close();

    // The other lessons whose outputs are only shown until something reads them.
    for (const [lesson, one, other] of [['padding', { pad: 'replicate' }, { pad: 'reflect' }], ['stride', { s: 2 }, { s: 3 }],
      ['pooling', { pk: 3 }, { pk: 4 }], ['dilation', { d: 2 }, { d: 3 }], ['depthwise', { kp: 'gaussian' }, { kp: 'sobel_x' }],
      ['pointwise', { mix: 'features' }, { mix: 'gray', mixv: [0, 0, 1] }], ['separable', { kp: 'gaussian', k: 5 }, { kp: 'mean', k: 5 }]]) {
      const p = await env.openAt(`lesson=${lesson}`);
      await p.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
      await p.mouse.move(1, 1);
      const c0 = await p.evaluate(() => window.convlabFrameStats().valuesCopied);
      const jobs0 = await p.evaluate(() => window.convlabPool.jobsRun);
      for (const st of [one, other, one]) {
        const jobs = await p.evaluate(() => window.convlabPool.jobsRun);
        await setState(p, st);
        await p.waitForFunction((n) => window.convlabPool.jobsRun > n, jobs, { timeout: 30000 });
        await until(p, (r) => Number(r.busy) === 0, `${lesson} ${JSON.stringify(st)}`, 60000);
      }
      assert.ok((await p.evaluate(() => window.convlabPool.jobsRun)) >= jobs0 + 3, `${lesson}: three outputs computed by the workers`);
      assert.equal(await p.evaluate(() => window.convlabFrameStats().valuesCopied), c0, `${lesson}: outputs shown without a copy`);
      assert.deepEqual(p.problems, []);
      await p.close();
    }
  } finally {
    await env.close();
  }
});

test('painting sends the workers only the painted rectangle, and their output (values and colours on screen) equals the main thread\'s', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=kernel&kp=gaussian&k=5');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await uploadNoise(page);
    await useWorkers(page, 2);
    await settle(page, { kp: 'mean', k: 3 });
    const sent = () => page.evaluate(() => ({ images: window.convlabPool.imagesSent, patches: window.convlabPool.patchesSent }));
    const before = await sent();
    await page.evaluate(() => window.playground.paint({ on: true, size: 6, colour: [255, 255, 0] }));
    const r = await until(page, (o) => o.paint_boxes, 'the paint boxes');
    const [x, y, w, h] = r.paint_boxes.split(';')[0].split(',').map(Number);
    await page.mouse.move(x + w * 0.2, y + h * 0.3);
    await page.mouse.down();
    await page.mouse.move(x + w * 0.7, y + h * 0.6, { steps: 10 });
    await page.mouse.up();
    await page.mouse.move(1, 1);
    await until(page, (o) => Number(o.busy) === 0, 'the painted output', 60000);
    assert.ok((await page.evaluate(() => window.playground.imageInfo())).painted > 0, 'the stroke painted');
    const after = await sent();
    assert.equal(after.images, before.images, 'no whole image was sent while painting');
    assert.ok(after.patches > before.patches, `rectangles were sent: ${JSON.stringify(after)}`);
    const byWorkers = await page.evaluate(() => window.playground.output());
    // The image views on screen (the output's colours were uploaded straight from the workers' buffers).
    const views = async () => {
      await page.waitForFunction(() => document.getElementById('notice').hidden, null, { timeout: 10000 });  // the upload's notice
      const boxes = (await readout(page)).view_boxes.split(';').map((b) => b.split(',').map(Number));
      return Promise.all(boxes.map(([x, y, w, h]) => page.screenshot({ clip: { x, y, width: w, height: h } })));
    };
    const shotByWorkers = await views();
    assert.ok(shotByWorkers.length >= 2, 'input and output views');
    await useWorkers(page, 0);
    await settle(page, { kp: 'mean', k: 9 });
    const byMain = await settle(page, { kp: 'mean', k: 3 });
    const shotByMain = await views();
    shotByWorkers.forEach((shot, i) => assert.ok(shot.equals(shotByMain[i]), `view ${i} looks the same whoever computed the output`));
    assertSameBits(byWorkers, byMain, 'after painting');
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
});

// Pointwise, separable and depthwise-separable compute jobs of several outputs in the workers, each view
// coloured there (web/multi_job.h). For each setting, computed by three workers and then on the main thread:
// the lesson's output (Float32 bits), the numbers it shows and every image view's pixels on the canvas (the
// colours and the legends) must be the same. (Depthwise-separable shows no image: its residual is compared.)
async function shownBy(page, state) {
  const settled = await settle(page, state);
  await page.mouse.move(1, 1);  // no hover readout on a view
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const r = await readout(page);
  const vp = page.viewportSize();
  const boxes = r.view_boxes.split(';').filter(Boolean).map((b) => b.split(',').map(Number));
  assert.ok(boxes.every(([x, y, w, h]) => x >= 0 && y >= 0 && x + w <= vp.width && y + h <= vp.height), `views on screen: ${r.view_boxes}`);
  const views = [];
  for (const [x, y, width, height] of boxes) views.push(await page.screenshot({ clip: { x, y, width, height } }));
  return { output: settled, readout: r, views, page: await page.screenshot() };
}

const MULTI_LESSONS = [
  { lesson: 'pointwise', views: 2, whole: false, away: { mix: 'gray', disp: 'clamp' }, keys: ['centre_out', 'matrix', 'output_shape', 'macs'],
    settings: [{ mix: 'features', disp: 'auto' }, { mix: 'features', disp: 'minmax' }, { mix: 'features', disp: 'diverging' }, { mix: 'gray', disp: 'abs' }] },
  { lesson: 'separable', views: 4, whole: true, away: { kp: 'mean', k: 9, disp: 'auto' }, keys: ['max_error', 'rms_error', 'residual', 'column', 'row', 'output_shape'],
    settings: [{ kp: 'sobel_x', k: 3 }, { kp: 'gaussian', k: 7, disp: 'minmax' }, { kp: 'laplacian_8', k: 3 }, { kp: 'laplacian_4', k: 3, disp: 'abs' }] },
  { lesson: 'depthwise-separable', views: 0, whole: true, away: { seed: 2 }, keys: ['demo_output_residual', 'demo_weight_residual'],
    settings: [{ seed: 3 }, { seed: 77 }] },
];

for (const { lesson, views, whole, away, keys, settings } of MULTI_LESSONS) {
  test(`${lesson}: what the workers compute and colour equals the main thread's, bit for bit`, async () => {
    const env = await openBrowser();
    try {
      const page = await env.openAt(`lesson=${lesson}`, { width: 1280, height: 1400 });  // every view whole on screen
      await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
      await uploadNoise(page);
      await page.addStyleTag({ content: '#notice { display: none !important; }' });  // the upload's notice, fading over the views
      for (const setting of settings) {
        const state = { ...away, ...setting };
        const what = `${lesson} ${JSON.stringify(setting)}`;
        assert.equal(await useWorkers(page, 3, { whole }), 3, 'three workers started');
        await settle(page, away);
        const byWorkers = await shownBy(page, state);
        assert.equal(Number(byWorkers.readout.workers), whole ? 1 : 3, `computed by the workers: ${what} ${JSON.stringify(byWorkers.readout)}`);
        await useWorkers(page, 0);
        await settle(page, away);
        const byMain = await shownBy(page, state);
        assert.equal(Number(byMain.readout.workers), 0, 'computed on the main thread');
        for (const key of keys) {
          assert.ok(byMain.readout[key] !== undefined, `${key} published: ${what}`);
          assert.equal(byWorkers.readout[key], byMain.readout[key], `${key}: ${what}`);
        }
        if (byMain.output) {
          assertSameBits(byWorkers.output, byMain.output, `output of ${what}`);
        }
        assert.equal(byWorkers.readout.view_boxes, byMain.readout.view_boxes, `the same views: ${what}`);
        assert.ok(byMain.views.length >= views, `${byMain.views.length} views compared: ${what}`);
        byMain.views.forEach((png, i) => {
          if (!png.equals(byWorkers.views[i])) {
            writeFileSync(`${shotDir}/workers-${lesson}-view${i}-workers.png`, byWorkers.views[i]);
            writeFileSync(`${shotDir}/workers-${lesson}-view${i}-main.png`, png);
            writeFileSync(`${shotDir}/workers-${lesson}-page-workers.png`, byWorkers.page);
            writeFileSync(`${shotDir}/workers-${lesson}-page-main.png`, byMain.page);
            assert.fail(`view ${i} differs: ${what} (both in ${shotDir})`);
          }
        });
      }
      assert.deepEqual(page.problems, []);
    } finally {
      await env.close();
    }
  });
}

test('separable: while the workers compute, its four views keep the last result with a busy mark', async () => {
  const env = await openBrowser();
  try {
    const page = await env.openAt('lesson=separable&kp=laplacian_4&k=3');
    await page.waitForFunction(() => window.playground.workers() > 0, null, { timeout: 30000 });
    await useWorkers(page, 1, { whole: true });
    await uploadBig(page);  // an 11x11 job on it takes a while on one worker
    const before = await until(page, (r) => Number(r.busy) === 0 && r.kernel_size === '3x3' && r.output_shape === '3x1024x1024' &&
      Number(r.workers) === 1, 'the first output', 60000);
    const during = await page.evaluate(async () => {
      window.playground.setState({ kp: 'gaussian', k: 11 });
      await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(r));
      return window.playground.readout();
    });
    assert.equal(Number(during.busy), 1, `busy while the 11x11 job runs: ${JSON.stringify(during)}`);
    assert.equal(during.version, before.version, 'the last result stays until the new one lands');
    assert.equal(during.kernel_size, '3x3', 'the numbers shown are the last result\'s');
    assert.equal(during.max_error, before.max_error);
    await page.screenshot({ path: `${shotDir}/workers-separable-busy.png` });
    const after = await until(page, (r) => Number(r.busy) === 0 && r.kernel_size === '11x11', 'the 11x11 output', 60000);
    assert.equal(Number(after.version), Number(before.version) + 1);
    assert.equal(after.separable, 'yes');
    assert.deepEqual(page.problems, []);
  } finally {
    await env.close();
  }
});
