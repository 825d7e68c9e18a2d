// The 1-D convolution lesson: opened by URL, driven through window.playground.setState, its published
// output compared with a naive 1-D cross-correlation written here (its own padding rules) for every
// padding amount and mode, strides and dilations; the explained window; a click on the plots; bad input
// (stride 0, a kernel longer than the padded signal, reflect as long as the signal) refused with a
// message while the previous output stays. No console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, distinctColours, shotDir, readout, setState, lastError, until } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

// ---- plain-JS reference ---------------------------------------------------------------------------
const MODES = ['zeros', 'reflect', 'symmetric', 'replicate', 'circular'];

// The sample padded position i reads along a signal of n, or -1 where zeros padding reads 0.
function source(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (mode === 'zeros') return -1;
  if (mode === 'replicate') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') return i < 0 ? -i : 2 * (n - 1) - i;
  if (mode === 'symmetric') return i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i < 0 ? n + i : i - n;  // circular
}

// Padding amounts as the lesson describes them.
function pads(padding, k, d, left = 0, right = 0) {
  const total = d * (k - 1);
  if (padding === 'same') return [Math.floor(total / 2), total - Math.floor(total / 2)];
  if (padding === 'causal') return [total, 0];
  if (padding === 'custom') return [left, right];
  return [0, 0];
}

// y[t] = sum_j w[j] * x[t*s - left + j*d], in double.
function naive(x, w, [left, right], mode, s, d) {
  const n = x.length, span = d * (w.length - 1) + 1, y = [];
  for (let t = 0; t * s + span <= n + left + right; ++t) {
    let sum = 0;
    for (let j = 0; j < w.length; ++j) {
      const src = source(t * s - left + j * d, n, mode);
      if (src >= 0) sum += w[j] * x[src];
    }
    y.push(sum);
  }
  return y;
}

const numbers = (text) => text.split(',').map(Number);
function assertClose(got, want, what, tol = 2e-5) {
  assert.equal(got.length, want.length, `${what}: length ${got.length}, want ${want.length}`);
  for (let i = 0; i < want.length; ++i)
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${what}: y[${i}] = ${got[i]}, want ${want[i]}`);
}

// Values with two decimals from a fixed seed (an LCG), so links stay short.
function randomValues(n, seed) {
  const out = [];
  for (let i = 0; i < n; ++i) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    out.push(Math.round(((seed >>> 8) / 2 ** 24) * 400 - 200) / 100);
  }
  return out;
}

// Sets the state and waits until the readout shows these settings.
async function show(page, settings, want) {
  await setState(page, settings);
  return until(page, (r) => r.output && Object.entries(want).every(([k, v]) => r[k] === String(v)), JSON.stringify(settings));
}

test('conv1d: every padding amount and mode, strides and dilations match a naive 1-D loop', async () => {
  const x = randomValues(19, 1), w = randomValues(4, 2);  // an even kernel: 'same' is uneven
  const page = await env.openAt(`lesson=conv1d&c1sig=custom&c1x=${x.join(',')}&c1ker=custom&c1w=${w.join(',')}`);
  let r = await until(page, (q) => q.output, 'first readout');
  assert.equal(r.input, x.join(','));
  assert.equal(r.kernel, w.join(','));
  let cases = 0;
  for (const padding of ['valid', 'same', 'causal', 'custom'])
    for (const mode of MODES)
      for (const [s, d] of [[1, 1], [2, 1], [1, 3], [3, 2]]) {
        const p = pads(padding, w.length, d, 4, 1);
        r = await show(page, { c1pad: padding, c1pl: 4, c1pr: 1, c1mode: mode, c1s: s, c1d: d },
          { padding: p.join(','), pad_mode: mode, stride: s, dilation: d });
        const want = naive(x, w, p, mode, s, d);
        assertClose(numbers(r.output), want, `${padding} ${mode} s=${s} d=${d}`);
        assert.equal(r.output_length, String(want.length));
        assert.match(r.formula, new RegExp(`= ${want.length}$`));
        ++cases;
      }
  assert.equal(cases, 80);
  assert.equal(await lastError(page), '');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('conv1d: preset signals and kernels, the explained window, a click on the plots, causal padding', async () => {
  const page = await env.openAt('lesson=conv1d');
  let r = await until(page, (q) => q.output, 'first readout');
  assert.equal(r.padding, '2,2');  // the default: moving average of 5, same padding
  assert.equal(r.output_length, '32');
  const first = await page.screenshot();
  for (const signal of ['step', 'square', 'sine', 'impulse', 'ramp'])
    for (const [kernel, k, taps] of [['mean', 5, 5], ['diff', 5, 2], ['central', 5, 3], ['gauss', 7, 7], ['recent', 4, 4]]) {
      r = await show(page, { c1sig: signal, c1n: 24, c1ker: kernel, c1k: k, c1pad: 'same', c1mode: 'zeros', c1s: 1, c1d: 1 },
        { signal, kernel_name: kernel, output_length: 24 });
      const x = numbers(r.input), w = numbers(r.kernel);
      assert.equal(x.length, 24);
      assert.equal(w.length, taps, kernel);
      if (kernel === 'mean') assert.ok(w.every((v) => Math.fround(v) === Math.fround(1 / 5)), r.kernel);
      if (kernel === 'diff') assert.deepEqual(w, [-1, 1]);
      if (kernel === 'central') assert.deepEqual(w, [1, 0, -1]);
      assertClose(numbers(r.output), naive(x, w, pads('same', taps, 1), 'zeros', 1, 1), `${signal} ${kernel}`);
    }
  // The impulse gives the kernel reversed: cross-correlation does not flip.
  r = await show(page, { c1sig: 'impulse', c1n: 9, c1ker: 'custom', c1w: '1,2,3', c1pad: 'valid' }, { signal: 'impulse', kernel: '1,2,3', output_length: 7 });
  assert.equal(r.output, '0,0,3,2,1,0,0');

  // The explained output: its taps and its sum of products.
  r = await show(page, { c1sig: 'ramp', c1n: 30, c1ker: 'gauss', c1k: 5, c1pad: 'custom', c1pl: 3, c1pr: 0, c1mode: 'reflect', c1s: 2, c1d: 2, c1o: 4 },
    { selected: 4, stride: 2, dilation: 2, padding: '3,0' });
  assert.equal(r.window, [0, 1, 2, 3, 4].map((j) => 4 * 2 - 3 + j * 2).join(','));
  let y = numbers(r.output);
  assert.ok(Math.abs(Number(r.window_sum) - y[4]) < 1e-5, `window sum ${r.window_sum} vs output ${y[4]}`);
  assert.equal(Number(r.window_output), y[4]);

  // Causal padding: d*(k-1) on the left, output t under input t; reflect would read later samples.
  r = await show(page, { c1sig: 'sine', c1n: 32, c1ker: 'recent', c1k: 4, c1pad: 'causal', c1mode: 'zeros', c1s: 1, c1d: 2, c1o: -1 },
    { padding: '6,0', output_length: 32, pad_mode: 'zeros' });
  assert.equal(r.reads_later, '0');
  assertClose(numbers(r.output), naive(numbers(r.input), numbers(r.kernel), [6, 0], 'zeros', 1, 2), 'causal');
  r = await show(page, { c1mode: 'reflect' }, { pad_mode: 'reflect' });
  assert.ok(Number(r.reads_later) > 0, 'reflect into the causal padding reads later samples');
  r = await show(page, { c1mode: 'replicate' }, { pad_mode: 'replicate' });
  assert.equal(r.reads_later, '0');

  // A click on the plots picks the output under the pointer; its sum is that output.
  const [vx, vy, vw, vh] = r.visual_rect.split(',').map(Number);
  await page.mouse.click(vx + vw * 0.3, vy + vh * 0.6);
  r = await until(page, (q) => q.selected !== '16', 'a click picks an output');
  const picked = Number(r.selected);  // hovering shows it at once; the click reaches the state a frame later
  await page.waitForFunction((o) => window.playground.getState().c1o === o, String(picked), { timeout: 10000 });
  y = numbers(r.output);
  assert.ok(Math.abs(Number(r.window_sum) - y[picked]) < 1e-5);
  await page.mouse.move(vx + vw * 0.8, vy + vh * 0.6);
  r = await until(page, (q) => Number(q.selected) > picked, 'hovering shows another output');
  await page.mouse.move(2, vy + vh * 0.5);  // off the plots: the clicked one again

  await page.waitForTimeout(300);
  const png = await page.screenshot({ path: join(shotDir, 'lesson-conv1d.png') });
  assert.notDeepEqual(png, first);
  assert.ok((await distinctColours(page, png)) > 100);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('conv1d: stride 0, a kernel longer than the padded signal, reflect as long as the signal: a message, the output stays', async () => {
  const page = await env.openAt('lesson=conv1d&c1sig=custom&c1x=1,2,3,4&c1ker=mean&c1k=3&c1pad=valid');
  let r = await until(page, (q) => q.output_length === '2', 'first readout');
  const output = r.output;
  assert.deepEqual(numbers(output).map((v) => Math.round(v * 1e5) / 1e5), [2, 3]);

  // Stride 0 is not a value the lesson takes: setState throws, naming the key; nothing changes.
  const thrown = await page.evaluate(() => { try { window.playground.setState({ c1s: 0, c1k: 2 }); return ''; } catch (e) { return e.message; } });
  assert.match(thrown, /c1s: must be from 1 to 8, got 0/);
  const state = await page.evaluate(() => window.playground.getState());
  assert.equal(state.c1s, '1');
  assert.equal(state.c1k, '3', 'all or nothing: the other key is not applied either');
  await page.waitForTimeout(200);
  assert.equal((await readout(page)).output, output);

  // A kernel of 9 on 4 samples without padding: the core's message; the previous output stays.
  await setState(page, { c1k: 9 });
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /kernel size 9 .* must fit the padded input size 4/);
  r = await readout(page);
  assert.equal(r.output, output);
  assert.equal(r.output_length, '2');

  // Reflect needs padding < the signal's length.
  await setState(page, { c1k: 3, c1pad: 'custom', c1pl: 4, c1pr: 0, c1mode: 'reflect' });
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /reflect padding, got 4/);
  assert.equal((await readout(page)).output, output);

  // A link with a bad key applies the rest and names it.
  const linked = await env.openAt('lesson=conv1d&c1s=0&c1d=2');
  assert.match(await lastError(linked), /c1s/);
  assert.equal((await linked.evaluate(() => window.playground.getState())).c1d, '2');
  await linked.close();

  // A link that fails from the start (a custom signal without values): a message, no crash, and a
  // setting that works draws the lesson.
  const empty = await env.openAt('lesson=conv1d&c1sig=custom');
  assert.match(await lastError(empty), /custom signal has no values/);
  await setState(empty, { c1x: '3,1,2' });
  assert.equal((await until(empty, (q) => q.output, 'recovered')).input, '3,1,2');
  assert.deepEqual(empty.problems, []);
  await empty.close();

  // A good setting recovers.
  r = await show(page, { c1mode: 'replicate' }, { padding: '4,0', pad_mode: 'replicate' });
  assertClose(numbers(r.output), naive([1, 2, 3, 4], [1 / 3, 1 / 3, 1 / 3], [4, 0], 'replicate', 1, 1), 'replicate');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('conv1d: on a phone, a tap on the plots picks an output', async () => {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 664 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(`${env.url}#lesson=conv1d&c1n=20`);
  let r = await until(page, (q) => q.output_length === '20' && q.visual_rect, 'phone readout');
  assert.equal(r.selected, '10');
  const [vx, vy, vw, vh] = r.visual_rect.split(',').map(Number);
  await page.touchscreen.tap(vx + vw * 0.85, vy + vh * 0.55);
  r = await until(page, (q) => Number(q.selected) > 10, 'a tap picks a later output');
  assert.equal((await page.evaluate(() => window.playground.getState())).c1o, r.selected);
  assert.ok(Math.abs(Number(r.window_sum) - numbers(r.output)[Number(r.selected)]) < 1e-5);
  assert.deepEqual(problems, []);
  await context.close();
});

test('conv1d: typed values become a custom signal; a bad list is refused with a message and the signal stays', async () => {
  const page = await env.openAt('lesson=conv1d&c1ker=mean&c1k=3&c1pad=valid');
  let r = await until(page, (q) => q.signal_field_rect && q.output, 'first readout');
  // Keys are held a while: ImGui 1.86 sees a key only in a frame drawn while it is down, and frames are
  // slow on a loaded machine (SwiftShader).
  const hold = async (...keys) => {
    for (const k of keys) await page.keyboard.down(k);
    await page.waitForTimeout(400);
    for (const k of keys.reverse()) await page.keyboard.up(k);
    await page.waitForTimeout(100);
  };
  const type = async (text) => {
    const [x, y, w, h] = r.signal_field_rect.split(',').map(Number);
    await page.mouse.click(x + w / 2, y + h / 2);
    await page.waitForTimeout(300);
    await hold('Control', 'a');
    await page.keyboard.type(text, { delay: 30 });
    await hold('Enter');
  };
  await type('1 2 3, 4;5 6');
  r = await until(page, (q) => q.signal === 'custom', 'typed values applied');
  assert.equal(r.input, '1,2,3,4,5,6');
  assert.equal((await page.evaluate(() => window.playground.getState())).c1x, '1,2,3,4,5,6');
  assertClose(numbers(r.output), [2, 3, 4, 5], 'mean of 3 over the typed values');
  await type('1, x, 3');
  await page.waitForTimeout(400);
  assert.match(await lastError(page), /signal: expected a number, got "x"/);
  r = await readout(page);
  assert.equal(r.input, '1,2,3,4,5,6', 'the previous signal stays');
  assert.equal((await page.evaluate(() => window.playground.getState())).c1x, '1,2,3,4,5,6');
  assert.deepEqual(page.problems, []);
  await page.close();
});
