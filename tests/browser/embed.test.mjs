// Embedding and sharing: the state round-trips through the URL, window.playground (events, errors),
// ?query state, embed mode at small iframe sizes, the postMessage API across an <iframe> (and its origin
// rule), Copy link / Copy embed code with and without a clipboard, and the example tutorial page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, waitForReady, distinctColours, shotDir, changedState } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

const state = changedState;
// What differs from the defaults in a full state (events and getState() list every key).
const changes = async (page, full) => {
  const d = await page.evaluate(() => window.playground.defaults());
  return Object.fromEntries(Object.entries(full).filter(([k, v]) => d[k] !== v));
};

// The fraction of pixels in screenshot row y within 3 levels of [r, g, b].
async function rowFraction(page, png, y, [r, g, b]) {
  return page.evaluate(async ({ b64, y, r, g, b }) => {
    const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, y, bmp.width, 1).data;
    let hits = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) <= 3 && Math.abs(d[i + 1] - g) <= 3 && Math.abs(d[i + 2] - b) <= 3) hits++;
    return hits / bmp.width;
  }, { b64: png.toString('base64'), y, r, g, b });
}
const MENU_BAR = [32, 34, 41];  // ImGuiCol_MenuBarBg in app.cpp (0.125, 0.133, 0.160)

test('a state set by setState survives a reload through the URL, with change events on the way', async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitForReady(page);
  assert.deepEqual(await state(page), {});  // the defaults: nothing in the URL
  const full = await page.evaluate(() => window.playground.getState());
  assert.equal(full.pk, '2', 'getState() lists every key, defaults included');
  assert.equal(full.lesson, 'kernel');
  assert.deepEqual(Object.keys(full), Object.keys(await page.evaluate(() => window.playground.defaults())));
  const events = page.evaluate(() => new Promise((resolve) => {
    const seen = {};
    const done = () => { if (seen.window && seen.api && seen.prop) resolve(seen); };
    window.addEventListener('convlab:statechange', (e) => { seen.window = e.detail.state; done(); }, { once: true });
    window.playground.addEventListener('statechange', (e) => { seen.api = e.detail.state; done(); }, { once: true });
    window.playground.onstatechange = (e) => { seen.prop = e.detail.state; done(); };
  }));
  const wanted = { lesson: 'pooling', img: 'checker', gray: '1', pool: 'mean', pk: '3', ps: '1' };
  const returned = await page.evaluate(() => window.playground.setState({ lesson: 'pooling', img: 'checker', gray: true, pool: 'mean', pk: 3, ps: 1 }));
  assert.deepEqual(await changes(page, returned), wanted);
  const seen = await events;
  assert.deepEqual(await changes(page, seen.window), wanted);
  assert.deepEqual(seen.api, seen.window);
  assert.deepEqual(seen.prop, seen.window);
  await page.waitForFunction(() => location.hash.includes('pk=3') && location.hash.includes('img=checker'));
  const url = page.url();
  await page.reload();
  await waitForReady(page);
  assert.equal(page.url(), url);
  assert.deepEqual(await state(page), wanted);
  assert.equal(await page.evaluate(() => window.playground.lastError()), '');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('setState refuses bad input with an Error naming the problem and keeps the state', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=pooling&pk=3`);
  await waitForReady(page);
  const before = await state(page);
  const errors = await page.evaluate(() => {
    const attempt = (arg) => { try { window.playground.setState(arg); return null; } catch (e) { return e instanceof Error ? e.message : 'not an Error'; } };
    return [attempt({ pk: 99 }), attempt({ lesson: 'nope' }), attempt({ nonsense: 1 }), attempt({ pk: 2, s: 'x' }), attempt(null), attempt({ pk: { a: 1 } })];
  });
  assert.match(errors[0], /pk: must be from 1 to 15, got 99/);
  assert.match(errors[1], /lesson: must be one of .*got "nope"/);
  assert.match(errors[2], /"nonsense": is not a setting ConvLab knows/);
  assert.match(errors[3], /s: expected a whole number/);
  assert.match(errors[4], /setState expects an object/);
  assert.match(errors[5], /pk: expected a string, number, boolean or array/);
  assert.deepEqual(await state(page), before, 'a refused setState changed the state');
  assert.match(await page.evaluate(() => window.playground.lastError()), /s: expected a whole number/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('embed mode from the query string: no menu at 400x300, reflows at 800x600', async () => {
  // Without embed, the menu bar fills the top row of the canvas.
  const plain = await env.newPage({ width: 400, height: 300 });
  await plain.goto(`${env.url}#lesson=pooling`);
  await waitForReady(plain);
  await plain.waitForTimeout(300);
  const plainShot = await plain.screenshot({ path: join(shotDir, 'embed-off-400x300.png') });
  const plainMenu = await rowFraction(plain, plainShot, 1, MENU_BAR);  // the lesson picker and More cover most of it
  assert.ok(plainMenu > 0.15, `the menu bar should show in the top row without embed: ${plainMenu}`);
  await plain.close();

  const page = await env.newPage({ width: 400, height: 300 });
  await page.goto(`${env.url}?lesson=pooling&embed=1&hide=stride`);
  await waitForReady(page);
  await page.waitForTimeout(300);
  assert.deepEqual(await state(page), { lesson: 'pooling', embed: '1', hide: 'stride' });
  // The query is folded into the hash, which alone says what the page shows.
  const url = new URL(page.url());
  assert.equal(url.search, '');
  assert.equal(url.hash, '#lesson=pooling&embed=1&hide=stride');
  const shot = await page.screenshot({ path: join(shotDir, 'embed-400x300.png') });
  const menu = await rowFraction(page, shot, 1, MENU_BAR);
  assert.ok(menu < 0.05, `embed mode should have no menu bar: ${menu} of the top row is menu colour`);
  assert.ok(await distinctColours(page, shot) > 200, 'the embedded lesson looks blank at 400x300');

  await page.setViewportSize({ width: 800, height: 600 });
  await page.waitForFunction(() => document.getElementById('canvas').width === 800 * devicePixelRatio);
  await page.waitForTimeout(300);
  const big = await page.screenshot({ path: join(shotDir, 'embed-800x600.png') });
  assert.ok(await distinctColours(page, big) > 200, 'the embedded lesson looks blank at 800x600');
  assert.ok(await rowFraction(page, big, 1, MENU_BAR) < 0.05);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Copy link and Copy embed code: clipboard, feedback, and a text box where the clipboard is missing', async () => {
  const page = await env.newPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url.replace(/\/$/, '') });
  await page.goto(`${env.url}#lesson=pooling&pk=3`);
  await waitForReady(page);
  await page.evaluate(() => window.convlabCopyLink());
  await page.waitForFunction(() => document.getElementById('notice').textContent === 'Link copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${env.url}#lesson=pooling&pk=3`);

  await page.evaluate(() => window.convlabCopyEmbed());
  await page.waitForFunction(() => document.getElementById('notice').textContent === 'Embed code copied');
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(snippet, `<iframe src="${env.url}#lesson=pooling&amp;pk=3&amp;embed=1" width="800" height="560" ` +
    'title="ConvLab: pooling lesson" style="border:0;max-width:100%" loading="lazy"></iframe>');
  // The snippet really embeds the lesson: parse it and load its src.
  const src = await page.evaluate((html) => new DOMParser().parseFromString(html, 'text/html').querySelector('iframe').src, snippet);
  const embedded = await env.newPage({ width: 800, height: 560 });
  await embedded.goto(src);
  await waitForReady(embedded);
  assert.deepEqual(await state(embedded), { lesson: 'pooling', pk: '3', embed: '1' });
  await embedded.close();

  // No clipboard (as on plain http): the text appears selected in a box, and Escape closes it.
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await page.evaluate(() => window.convlabCopyLink());
  await page.waitForSelector('#copybox:not([hidden])');
  assert.equal(await page.inputValue('#copybox-text'), `${env.url}#lesson=pooling&pk=3`);
  assert.equal(await page.textContent('#copybox-title'), 'Copy the link');
  assert.equal(await page.evaluate(() => { const t = document.getElementById('copybox-text'); return t.value.slice(t.selectionStart, t.selectionEnd); }),
    `${env.url}#lesson=pooling&pk=3`);
  await page.screenshot({ path: join(shotDir, 'embed-copybox.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#copybox', { state: 'hidden' });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('window.postMessage from anyone but the parent is ignored', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=pooling`);
  await waitForReady(page);
  // A top-level page has no parent: a message to itself must not change anything.
  await page.evaluate(() => window.postMessage({ type: 'convlab:setState', state: { pk: 5 } }, '*'));
  await page.waitForTimeout(300);
  assert.deepEqual(await state(page), { lesson: 'pooling' });
  assert.deepEqual(page.problems, []);
  await page.close();
});

// The example tutorial page: what an author copies.
test('the example tutorial page: both lessons embed, postMessage drives the stride, Sobel draws', async () => {
  const page = await env.newPage({ width: 1100, height: 900 });
  await page.goto(`${env.url}examples/`);
  await page.waitForFunction(() => document.body.dataset.sobel, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => document.body.dataset.sobel), 'done', await page.textContent('#sobel-status'));

  const frames = {};
  for (const lesson of ['padding', 'stride']) {
    await page.locator(`#${lesson}-lesson`).scrollIntoViewIfNeeded();  // the iframes load lazily
    await page.waitForFunction((l) => document.getElementById(`${l}-lesson`).contentWindow?.document?.body?.dataset.ready === '1',
      lesson, { timeout: 60000 });
    frames[lesson] = page.frames().find((f) => f.url().includes(`lesson=${lesson}`));
    const s = await frames[lesson].evaluate(() => window.playground.getState());
    assert.equal(s.lesson, lesson);
    assert.equal(s.embed, '1');
    const shot = await page.locator(`#${lesson}-lesson`).screenshot({ path: join(shotDir, `examples-${lesson}.png`) });
    const colours = await distinctColours(page, shot);
    assert.ok(colours > 8, `the ${lesson} iframe looks blank: ${colours} colours`);
  }
  assert.deepEqual(await changes(frames.padding, await frames.padding.evaluate(() => window.playground.getState())),
    { lesson: 'padding', k: '5', pad: 'reflect', embed: '1' });

  // The page's select sends {type: 'convlab:setState'}; the playground answers {type: 'convlab:state'}.
  await page.selectOption('#stride', '3');
  await frames.stride.waitForFunction(() => window.playground.getState().s === '3');
  await page.waitForFunction(() => document.getElementById('stride-status').textContent === 'The playground shows stride 3.');

  // A bad setting comes back as {type: 'convlab:error'} and changes nothing; getState is answered.
  const replies = await page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('stride-lesson').contentWindow;
    const got = [];
    window.addEventListener('message', (e) => {
      if (e.source !== frame || !['convlab:error', 'convlab:state'].includes(e.data.type)) return;
      got.push(e.data);
      if (got.length === 2) resolve(got);
    });
    frame.postMessage({ type: 'convlab:setState', state: { s: 'zero' } }, '*');
    frame.postMessage({ type: 'convlab:getState' }, '*');
  }));
  assert.equal(replies[0].type, 'convlab:error');
  assert.match(replies[0].message, /s: expected a whole number/);
  assert.equal(replies[1].type, 'convlab:state');
  assert.equal(replies[1].state.s, '3');
  assert.equal(await frames.stride.evaluate(() => window.playground.getState().s), '3');

  // The Sobel canvas holds |(gx, gy)| scaled to the strongest edge: recompute it from the grey input canvas.
  const check = await page.evaluate(() => {
    const read = (id) => { const c = document.getElementById(id); return { w: c.width, h: c.height, d: c.getContext('2d').getImageData(0, 0, c.width, c.height).data }; };
    const input = read('sobel-input'), output = read('sobel-output');
    const { w, h } = input;
    const at = (x, y) => input.d[4 * (Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x)))] / 255;
    const mag = new Float32Array(w * h);
    let max = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      mag[y * w + x] = Math.hypot(gx, gy);
      max = Math.max(max, mag[y * w + x]);
    }
    let worst = 0, bright = 0;
    for (let i = 0; i < w * h; i++) {
      worst = Math.max(worst, Math.abs(output.d[4 * i] - (mag[i] * 255) / max));
      if (output.d[4 * i] > 64) bright++;
    }
    return { w, h, ow: output.w, oh: output.h, worst, bright };
  });
  assert.equal(check.ow, check.w);
  assert.equal(check.oh, check.h);
  assert.ok(check.w > 100 && check.h > 100);
  // The page convolved float grey values; the input canvas holds them rounded to bytes.
  assert.ok(check.worst <= 4, `Sobel output differs from the reference by ${check.worst} grey levels`);
  assert.ok(check.bright > 100, 'the Sobel output has no edges');

  const full = await page.screenshot({ path: join(shotDir, 'examples.png'), fullPage: true });
  assert.ok(await distinctColours(page, full) > 500);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('without WebGL2 or WebAssembly the page says so instead of breaking', async () => {
  const cases = [
    // No WebGL2 interface at all (page.js checks that before loading anything), and an interface whose
    // context cannot be made, e.g. a blocklisted GPU (main.cpp reports that when SDL asks for it).
    ['webgl2', () => { delete window.WebGL2RenderingContext; }, /needs WebGL2/],
    ['webgl2-context', () => { const get = HTMLCanvasElement.prototype.getContext; HTMLCanvasElement.prototype.getContext = function (type, ...rest) { return type === 'webgl2' ? null : get.call(this, type, ...rest); }; }, /WebGL2 is not available/],
    ['wasm', () => { delete window.WebAssembly; }, /needs WebAssembly/],
  ];
  for (const [name, disable, message] of cases) {
    const page = await env.newPage({ width: 800, height: 500 });
    await page.addInitScript(disable);
    await page.goto(env.url);
    await page.waitForSelector('#fatal:not([hidden])');
    assert.match(await page.textContent('#fatal'), message);
    assert.equal(await page.evaluate(() => document.getElementById('loading').hidden), true);
    await assert.rejects(page.evaluate(() => window.playground.ready), message);
    await page.screenshot({ path: join(shotDir, `embed-no-${name}.png`) });
    assert.deepEqual(page.problems, []);
    await page.close();
  }
});
