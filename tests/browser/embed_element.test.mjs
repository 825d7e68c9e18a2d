// The drop-in embed: the <conv-lab> element (web/static/conv-lab.js) makes the iframe from its attributes,
// follows the lesson's content height without looping, sends attribute changes to the running playground,
// shows a refused attribute's message; every lesson has an oEmbed JSON and a discovery page; and the
// example tutorial page shows the element.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, waitForReady, shotDir, siteDir, distinctColours } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

// A tutorial page at the site's root (so the element finds the playground beside its module) with `body`.
// touch: a phone's context (touch events, a mobile viewport).
async function hostPage(body, viewport = { width: 700, height: 900 }, touch = false) {
  let page;
  if (touch) {
    const context = await env.browser.newContext({ viewport, hasTouch: true, isMobile: true });
    page = await context.newPage();
    page.problems = [];
    page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  } else {
    page = await env.newPage(viewport);
  }
  const url = `${env.url}element-test.html`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
      <script type="module" src="conv-lab.js"></script>
      <style>body { margin: 0; font: 16px sans-serif; }</style></head><body>${body}</body></html>`,
  }));
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('conv-lab'));
  return page;
}

// The playground inside the element with this selector, once its first frame is drawn.
async function playgroundIn(page, selector = 'conv-lab') {
  const handle = await page.locator(`${selector} iframe`).elementHandle();
  const frame = await handle.contentFrame();
  await waitForReady(frame);
  return frame;
}

// Keys that differ from their defaults, in the frame.
const changed = (frame) => frame.evaluate(() => {
  const d = window.playground.defaults();
  return Object.fromEntries(Object.entries(window.playground.getState()).filter(([k, v]) => d[k] !== v));
});
const frameHeight = (page, selector = 'conv-lab') => page.locator(`${selector} iframe`).evaluate((f) => f.getBoundingClientRect().height);
const shadowMessage = (page, selector = 'conv-lab') => page.locator(`${selector} p[role=alert]`).evaluate((p) => (p.hidden ? '' : p.textContent));

// Counts the element's frame resizes and the playground's height messages from now on.
const startCounting = (page) => page.evaluate(() => {
  window.counts = { resizes: [], messages: 0 };
  const el = document.querySelector('conv-lab');
  el.addEventListener('convlab:resize', (e) => window.counts.resizes.push(e.detail.height));
  window.addEventListener('message', (e) => { if (e.data?.type === 'convlab:height') window.counts.messages++; });
});

// The frame's height once it equals the playground's content_height (the auto-height fixed point).
async function settledHeight(page, frame) {
  const t0 = Date.now();
  for (;;) {
    const wanted = Number((await frame.evaluate(() => window.playground.readout())).content_height);
    const height = await frameHeight(page);
    if (wanted > 0 && Math.abs(height - wanted) < 0.5) return height;
    if (Date.now() - t0 > 20000) assert.fail(`the frame is ${height} px, the content wants ${wanted}`);
    await page.waitForTimeout(100);
  }
}

test('the element makes the iframe from its attributes: hash, title, embed and auto-height', async () => {
  const page = await hostPage('<conv-lab lesson="padding" pad="reflect" k="5" gray id="x" class="c" data-note="n" aria-describedby="d" style="width: 640px"></conv-lab>');
  const src = await page.locator('conv-lab iframe').getAttribute('src');
  assert.equal(src, `${env.url}#lesson=padding&pad=reflect&k=5&gray=1&embed=1&autoheight=1`);
  assert.equal(await page.locator('conv-lab iframe').getAttribute('title'), 'ConvLab: the padding lesson');
  const frame = await playgroundIn(page);
  assert.deepEqual(await changed(frame), { lesson: 'padding', gray: '1', k: '5', pad: 'reflect', embed: '1', autoheight: '1' });
  assert.equal(await frame.evaluate(() => window.playground.lastError()), '');
  // Every URL key of the playground can be an attribute: none is taken for one of HTML's own.
  const keys = Object.keys(await frame.evaluate(() => window.playground.getState()));
  assert.ok(keys.length > 40, `only ${keys.length} keys`);
  assert.deepEqual(await page.evaluate(async (k) => { const { isHashKey } = await import('./conv-lab.js'); return k.filter((name) => !isHashKey(name)); }, keys), []);
  assert.deepEqual(await page.evaluate(async () => { const { isHashKey } = await import('./conv-lab.js'); return ['id', 'class', 'style', 'title', 'hidden', 'data-x', 'aria-label', 'onclick', 'slot', 'src', 'base', 'height'].filter(isHashKey); }), []);
  // base: another folder; src: the page itself.
  await page.evaluate(() => document.querySelector('conv-lab').setAttribute('base', '/somewhere/else'));
  assert.equal(await page.locator('conv-lab iframe').getAttribute('src'), `${env.url}somewhere/else/#lesson=padding&pad=reflect&k=5&gray=1&embed=1&autoheight=1`);
  await page.evaluate(() => document.querySelector('conv-lab').setAttribute('src', 'index.html?x=1#ignored'));
  assert.equal(await page.locator('conv-lab iframe').getAttribute('src'), `${env.url}index.html?x=1#lesson=padding&pad=reflect&k=5&gray=1&embed=1&autoheight=1`);
  assert.deepEqual(page.problems.filter((p) => !/404/.test(p)), [], 'only the missing folder may fail to load');
  await page.close();
});

for (const { width, layout } of [{ width: 700, layout: 'embed' }, { width: 1100, layout: 'wide' }]) {
  test(`auto-height at ${width} px wide: the frame ends at the content's height and stays there`, async () => {
    const page = await hostPage('<conv-lab lesson="stride" s="2"></conv-lab><p id="after" style="height: 2000px">text after the lesson</p>', { width, height: 800 });
    await startCounting(page);
    const frame = await playgroundIn(page);
    const height = await settledHeight(page, frame);
    const r = await frame.evaluate(() => window.playground.readout());
    assert.equal(r.layout, layout);
    assert.equal(Number(r.scroll_max_y), 0, 'everything fits: nothing scrolls inside the frame');
    assert.ok(height >= 240 && height <= 2000, `height ${height}`);
    if (layout === 'wide') assert.ok(height >= 560, `a wide embed is at least 560 px: ${height}`);
    // The text after the element starts below the frame.
    const after = await page.locator('#after').evaluate((p) => p.getBoundingClientRect().top);
    assert.ok(after >= height, `the text after the lesson is at ${after}, the frame is ${height} tall`);
    // No loop: after settling, no more height messages or resizes over two seconds of frames.
    const settled = await page.evaluate(() => ({ resizes: window.counts.resizes.length, messages: window.counts.messages }));
    assert.ok(settled.resizes <= 2, `${settled.resizes} resizes to settle: ${await page.evaluate(() => window.counts.resizes)}`);
    // The mouse moves over the lesson for two seconds: frames are drawn all along.
    const box = await page.locator('conv-lab iframe').boundingBox();
    for (let i = 0; i < 40; i++) {
      await page.mouse.move(box.x + 20 + (i % 10) * 30, Math.min(box.y + box.height - 20, 780) - (i % 7) * 20);
      await page.waitForTimeout(50);
    }
    const later = await page.evaluate(() => ({ resizes: window.counts.resizes.length, messages: window.counts.messages }));
    assert.deepEqual(later, settled, 'the height kept changing after it settled');
    assert.equal(await frameHeight(page), height);
    await page.screenshot({ path: join(shotDir, `element-auto-height-${width}.png`), fullPage: true });
    // The frame has nothing to scroll: the wheel over it scrolls the tutorial, and leaves the picture's zoom alone.
    await page.mouse.move(box.x + box.width / 2, Math.min(box.y + 200, 700));
    await page.mouse.wheel(0, 300);
    await page.waitForFunction(() => window.scrollY > 0);
    assert.equal((await frame.evaluate(() => window.playground.getState())).zoom, '0');
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}

test('on a phone, a swipe over an auto-height frame scrolls the tutorial around it', async () => {
  const page = await hostPage('<conv-lab lesson="padding"></conv-lab><p style="height: 1500px">after</p>', { width: 390, height: 664 }, true);
  const frame = await playgroundIn(page);
  const height = await settledHeight(page, frame);
  assert.ok(height > 664, `the lesson with its controls is taller than a phone's screen: ${height}`);
  await page.waitForTimeout(300);
  const cdp = await page.context().newCDPSession(page);
  const at = (y) => [{ x: 195, y, id: 0 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(520) });
  for (let i = 1; i <= 12; i++) {
    await page.waitForTimeout(16);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(520 - 25 * i) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForTimeout(500);
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 250 && scrolled <= 320, `a 300 px swipe scrolled the page by ${scrolled}`);
  assert.equal((await frame.evaluate(() => window.playground.getState())).zoom, '0');
  await page.screenshot({ path: join(shotDir, 'element-phone-swiped.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('auto-height grows when the content grows (an error banner) and the bounds hold', async () => {
  const page = await hostPage('<conv-lab lesson="stride" min-height="300" max-height="5000"></conv-lab>');
  const frame = await playgroundIn(page);
  const before = await settledHeight(page, frame);
  // A link cannot carry an upload: the playground says so in its error banner, above the lesson.
  await frame.evaluate(() => { window.playground.setState({ img: 'upload' }); });
  await frame.waitForFunction((b) => Number(window.playground.readout().content_height) > b, before);
  const grown = await settledHeight(page, frame);
  assert.ok(grown > before, `the banner should make the frame taller: ${before} -> ${grown}`);
  // max-height caps the frame (the lesson then scrolls inside it); min-height holds it up.
  await page.evaluate(() => document.querySelector('conv-lab').setAttribute('max-height', '320'));
  assert.equal(await frameHeight(page), 320);
  await page.evaluate(() => document.querySelector('conv-lab').setAttribute('min-height', '3000'));
  assert.equal(await frameHeight(page), 3000, 'max-height below min-height: min-height wins');
  // Without bounds again, the frame goes back to the height the playground asked for.
  await page.evaluate(() => { const e = document.querySelector('conv-lab'); e.removeAttribute('min-height'); e.removeAttribute('max-height'); });
  assert.equal(await frameHeight(page), grown);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a page whose width follows the frame\'s height (a scrollbar appearing) does not make it loop', async () => {
  // Each growth narrows the box and each shrink widens it again, as a page scrollbar would: without the
  // element's guard the frame would alternate between two heights for ever.
  const page = await hostPage(`<div id="box" style="width: 700px"><conv-lab lesson="stride"></conv-lab></div>
    <script>
      window.changes = [];
      let last = 0;
      document.querySelector('conv-lab').addEventListener('convlab:resize', (e) => {
        const h = e.detail.height;
        document.getElementById('box').style.width = h > last ? '600px' : '700px';
        window.changes.push(h);
        last = h;
      });
    </script>`);
  const frame = await playgroundIn(page);
  await page.waitForTimeout(3000);
  const changes = await page.evaluate(() => window.changes.length);
  await frame.evaluate(() => window.playground.setState({ s: 2 }));
  await page.waitForTimeout(2000);
  const all = await page.evaluate(() => window.changes);
  assert.ok(all.length <= 3, `the frame changed height ${all.length} times: ${all}`);
  assert.equal(all.length, changes, `still changing: ${all}`);
  const wanted = Number((await frame.evaluate(() => window.playground.readout())).content_height);
  assert.ok(await frameHeight(page) >= wanted, 'the frame may keep the larger height, never cut the content');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('attribute changes go to the running playground and keep the learner\'s own changes', async () => {
  const page = await hostPage('<conv-lab lesson="padding"></conv-lab>');
  const frame = await playgroundIn(page);
  await frame.evaluate(() => { window.sameDocument = true; window.playground.setState({ img: 'checker' }); });  // the learner's change
  const el = page.locator('conv-lab');
  await el.evaluate((e) => { e.setAttribute('lesson', 'stride'); e.setAttribute('s', '3'); });
  await frame.waitForFunction(() => window.playground.getState().lesson === 'stride' && window.playground.getState().s === '3');
  assert.deepEqual(await changed(frame), { lesson: 'stride', img: 'checker', s: '3', embed: '1', autoheight: '1' });
  assert.equal(await frame.evaluate(() => window.sameDocument), true, 'the frame was reloaded');
  assert.equal(await page.locator('conv-lab iframe').getAttribute('title'), 'ConvLab: the stride lesson');
  // A removed attribute goes back to its default.
  await el.evaluate((e) => e.removeAttribute('s'));
  await frame.waitForFunction(() => window.playground.getState().s === '1');
  // A fixed height turns auto-height off; removing it turns it on again.
  await el.evaluate((e) => e.setAttribute('height', '300'));
  await frame.waitForFunction(() => window.playground.getState().autoheight === '0');
  assert.equal(await frameHeight(page), 300);
  await el.evaluate((e) => e.removeAttribute('height'));
  await frame.waitForFunction(() => window.playground.getState().autoheight === '1');
  await settledHeight(page, frame);
  assert.equal(await shadowMessage(page), '');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('bad attributes show the playground\'s own message and never break the element', async () => {
  // At load: the link applies what it can and the playground's banner names the bad key.
  const page = await hostPage('<conv-lab lesson="nope" k="5"></conv-lab>');
  const frame = await playgroundIn(page);
  assert.match(await frame.evaluate(() => window.playground.lastError()), /lesson: must be one of .*got "nope"/);
  assert.deepEqual(await changed(frame), { k: '5', embed: '1', autoheight: '1' });
  const el = page.locator('conv-lab');
  // Later: the refused value leaves the state as it was and the message shows under the frame.
  await el.evaluate((e) => e.setAttribute('k', '99'));
  await page.waitForFunction(() => !document.querySelector('conv-lab').shadowRoot.querySelector('p').hidden);
  assert.equal(await shadowMessage(page), 'ConvLab kept its settings: k: must be from 1 to 15, got 99');
  assert.equal(await frame.evaluate(() => window.playground.getState().k), '5');
  await page.locator('conv-lab p[role=alert]').screenshot({ path: join(shotDir, 'element-bad-attribute.png') });
  // Two changes in one go, one of them bad: neither applies (all or nothing); fixing the bad one sends both.
  await el.evaluate((e) => { e.setAttribute('k', '5'); e.setAttribute('s', '2'); e.setAttribute('pad', 'sideways'); });
  await page.waitForFunction(() => /pad: must be one of/.test(document.querySelector('conv-lab').shadowRoot.querySelector('p').textContent));
  assert.equal(await frame.evaluate(() => window.playground.getState().s), '1');
  await el.evaluate((e) => { e.setAttribute('pad', 'circular'); e.setAttribute('k', '7'); });
  await frame.waitForFunction(() => { const s = window.playground.getState(); return s.s === '2' && s.pad === 'circular' && s.k === '7'; });
  assert.equal(await shadowMessage(page), '');
  // A key the playground does not know, and the element's own attributes with bad values.
  await el.evaluate((e) => e.setAttribute('colour', 'red'));
  await page.waitForFunction(() => /"colour": is not a setting ConvLab knows/.test(document.querySelector('conv-lab').shadowRoot.querySelector('p').textContent));
  await el.evaluate((e) => { e.removeAttribute('colour'); e.setAttribute('height', 'tall'); });
  assert.match(await shadowMessage(page), /height must be a number of CSS pixels or a CSS length such as 70vh, got "tall"/);
  assert.equal(await frame.evaluate(() => window.playground.getState().autoheight), '1');
  await el.evaluate((e) => { e.removeAttribute('height'); e.setAttribute('src', 'http://['); });
  assert.match(await shadowMessage(page), /src "http:\/\/\[" is not a web address/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('every lesson has an oEmbed JSON and a page that carries its discovery link', async () => {
  const page = await env.openAt('');
  const lessons = await page.evaluate(() => window.playground.lessons());
  await page.close();
  assert.ok(lessons.length >= 12);
  // Exactly these files: none left from a lesson that no longer exists.
  assert.deepEqual(readdirSync(join(siteDir, 'oembed')).sort(), lessons.map((l) => `${l.id}.json`).sort());
  let providerUrl = '';
  for (const { id, title } of lessons) {
    const response = await fetch(`${env.url}oembed/${id}.json`);
    assert.equal(response.status, 200, id);
    const o = await response.json();
    assert.deepEqual(Object.keys(o).sort(), ['height', 'html', 'provider_name', 'provider_url', 'title', 'type', 'version', 'width'], id);
    assert.equal(o.version, '1.0');
    assert.equal(o.type, 'rich');
    assert.equal(o.title, `ConvLab: ${title}`);
    assert.equal(o.provider_name, 'ConvLab');
    assert.match(o.provider_url, /^https?:\/\/[^ ]+\/$/);
    assert.ok(Number.isInteger(o.width) && Number.isInteger(o.height) && o.width > 0 && o.height > 0, id);
    const iframe = o.html.match(/^<iframe src="([^"]+)" width="(\d+)" height="(\d+)" title="([^"]+)"[^>]*><\/iframe>$/);
    assert.ok(iframe, o.html);
    assert.equal(iframe[1].replace(/&amp;/g, '&'), `${o.provider_url}#lesson=${id}&embed=1`);
    assert.deepEqual([Number(iframe[2]), Number(iframe[3])], [o.width, o.height]);
    providerUrl = o.provider_url;
    const html = await (await fetch(`${env.url}lessons/${id}.html`)).text();
    assert.ok(html.includes(`<link rel="alternate" type="application/json+oembed" href="${o.provider_url}oembed/${id}.json"`), id);
  }
  // A lesson's page opens the playground at that lesson, with the page's own hash keys.
  const viaPage = await env.newPage();
  await viaPage.goto(`${env.url}lessons/stride.html#s=2`);
  await waitForReady(viaPage);
  assert.deepEqual(await changed(viaPage), { lesson: 'stride', s: '2' });
  assert.deepEqual(viaPage.problems, []);
  await viaPage.close();
  // The oEmbed HTML, pasted into a consumer's page (with the site's address where this test serves it), embeds the lesson.
  const o = await (await fetch(`${env.url}oembed/pooling.json`)).json();
  const consumer = await hostPage(o.html.replace(providerUrl, env.url), { width: 900, height: 700 });
  const frame = await (await consumer.locator('iframe').elementHandle()).contentFrame();
  await waitForReady(frame);
  assert.deepEqual(await changed(frame), { lesson: 'pooling', embed: '1' });
  assert.deepEqual(consumer.problems, []);
  await consumer.close();
});

test('the example tutorial page: the one-line <conv-lab> shows its lesson at its content height', async () => {
  const page = await env.newPage({ width: 1000, height: 900 });
  await page.goto(`${env.url}examples/`);
  await page.locator('#dilation-lesson').scrollIntoViewIfNeeded();  // the frame loads lazily
  const frame = await playgroundIn(page, '#dilation-lesson');
  assert.deepEqual(await changed(frame), { lesson: 'dilation', d: '2', embed: '1', autoheight: '1' });
  const t0 = Date.now();
  for (;;) {
    const wanted = Number((await frame.evaluate(() => window.playground.readout())).content_height);
    if (wanted > 0 && Math.abs(await frameHeight(page, '#dilation-lesson') - wanted) < 0.5) break;
    if (Date.now() - t0 > 20000) assert.fail('the example element never reached its content height');
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(300);
  const shot = await page.locator('#dilation-lesson').screenshot({ path: join(shotDir, 'examples-element.png') });
  assert.ok(await distinctColours(page, shot) > 8, 'the element looks blank');
  assert.deepEqual(page.problems, []);
  await page.close();
});
