// The input image the learner changes: painting on it (mouse and one finger; erase gives back the original
// pixels, clear all of them; through the padded view of the padding lesson too) and the webcam (Chromium's
// fake camera gives frames as the input; freezing, choosing another image and hiding the page turn it off;
// a refused, missing or unavailable camera shows a message and keeps the image).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, waitForReady, readout, until, setState, lastError, changedState, shotDir, FAKE_CAMERA, touchPath } from './browser.mjs';

let env;
before(async () => { env = await openBrowser({ args: FAKE_CAMERA }); });
after(async () => { await env?.close(); });

const info = (page) => page.evaluate(() => window.playground.imageInfo());
// The input's values as float32, as the page holds them (it prints 9 digits).
const pixel = async (page, x, y) => (await page.evaluate(([a, b]) => window.playground.inputPixel(a, b), [x, y])).map(Math.fround);
const paint = (page, o) => page.evaluate((x) => window.playground.paint(x), o);
const rect = (text) => { const [x, y, w, h] = text.split(',').map(Number); return { x, y, w, h }; };

// The screen point of input pixel (ix, iy)'s centre in a view of `box` fitting an image of shownW x shownH
// (the view's own rule: fitted, centred), the input starting at (dx, dy) of what is shown.
function screenOf(box, shownW, shownH, ix, iy, dx = 0, dy = 0) {
  const scale = Math.min(box.w / shownW, box.h / shownH);
  const ox = box.x + box.w / 2 - (shownW / 2) * scale, oy = box.y + box.h / 2 - (shownH / 2) * scale;
  return { x: ox + (ix + dx + 0.5) * scale, y: oy + (iy + dy + 0.5) * scale };
}

// The colour on screen at a point (the view's texture, as drawn), decoded in the page.
async function screenColour(page, pt) {
  const png = await page.screenshot({ clip: { x: Math.round(pt.x), y: Math.round(pt.y), width: 1, height: 1 } });
  return page.evaluate(async (b64) => {
    const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(1, 1).getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
  }, png.toString('base64'));
}

async function mouseStroke(page, from, to, steps = 12) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
  await page.mouse.move(1, 1);  // the brush's outline away from what the tests look at
}

test('paint with the mouse: the stroke changes the input along its path, erase restores, clear resets', async () => {
  // The padding lesson with replicate: its corner_value readout is the input's pixel (0, 0), red channel.
  const page = await env.openAt('lesson=padding&img=checker&pad=replicate&p=2');
  const before = await changedState(page);
  // checker: 8-pixel squares, white at (0, 0).
  assert.deepEqual(await pixel(page, 0, 0), [1, 1, 1]);
  assert.deepEqual(await pixel(page, 8, 0), [0, 0, 0]);
  assert.equal((await readout(page)).corner_value, '1');
  assert.equal((await info(page)).painted, 0);

  assert.deepEqual(await paint(page, { on: true, size: 3, colour: [0, 0, 255] }), { on: true, size: 3, colour: [0, 0, 255], gray: 255, erase: false });
  const r = await until(page, (o) => o.paint_boxes, 'the paint boxes');
  const boxes = r.paint_boxes.split(';').map(rect);
  assert.equal(boxes.length, 1, 'the padded input is the one view that paints');
  const box = boxes[0];
  // Padded 68 x 68: the input starts at (2, 2) of what the view shows. A stroke along row 20 from x 4 to 40.
  await mouseStroke(page, screenOf(box, 68, 68, 4, 20, 2, 2), screenOf(box, 68, 68, 40, 20, 2, 2));
  await page.waitForFunction(() => window.playground.imageInfo().painted > 0);
  for (const x of [4, 10, 17, 25, 33, 40]) assert.deepEqual(await pixel(page, x, 20), [0, 0, 1], `row 20, x ${x} is painted`);
  assert.deepEqual(await pixel(page, 45, 20), await pixel(page, 45, 20 + 16), 'past the stroke\'s end the checker is untouched');
  assert.deepEqual(await pixel(page, 20, 25), [0, 0, 0], 'five rows below the stroke: the checker (black square at 16..23, 24..31)');
  // The view shows it (its texture is updated in the stroke's rectangle only).
  for (const x of [6, 22, 38]) assert.deepEqual(await screenColour(page, screenOf(box, 68, 68, x, 20, 2, 2)), [0, 0, 255], `on screen at x ${x}`);
  const painted = (await info(page)).painted;
  assert.ok(painted >= 37 * 3 && painted <= 41 * 3, `about 3 rows of 37 pixels painted, got ${painted}`);
  // A dab on the corner pixel: the lesson recomputes (its corner readout follows the input).
  await paint(page, { size: 1 });
  const corner = screenOf(box, 68, 68, 0, 0, 2, 2);
  await page.mouse.click(corner.x, corner.y);
  await until(page, (o) => o.corner_value === '0', 'the corner readout of the painted pixel');
  await page.screenshot({ path: join(shotDir, 'input-paint.png') });
  assert.deepEqual(await changedState(page), before, 'paint is not part of the state or the link');

  // Erase along the same row with a bigger brush: the original pixels come back, exactly.
  await paint(page, { size: 7, erase: true });
  await mouseStroke(page, screenOf(box, 68, 68, 0, 20, 2, 2), screenOf(box, 68, 68, 50, 20, 2, 2));
  await page.waitForFunction(() => window.playground.imageInfo().painted === 1);
  for (const x of [4, 10, 17, 25, 33, 40]) assert.deepEqual(await pixel(page, x, 20), (x >> 3) % 2 === (20 >> 3) % 2 ? [1, 1, 1] : [0, 0, 0], `x ${x} erased`);
  for (const x of [6, 22, 38]) assert.deepEqual(await screenColour(page, screenOf(box, 68, 68, x, 20, 2, 2)), (x >> 3) % 2 === (20 >> 3) % 2 ? [255, 255, 255] : [0, 0, 0], `erased on screen at x ${x}`);
  assert.equal((await readout(page)).corner_value, '0', 'the corner is still painted');
  // Clear: all of it.
  await page.evaluate(() => window.playground.clearPaint());
  await until(page, (o) => o.corner_value === '1', 'the corner back after clear');
  assert.equal((await info(page)).painted, 0);
  assert.deepEqual(await pixel(page, 0, 0), [1, 1, 1]);

  // Grey: the brush's grey level.
  await setState(page, { gray: true });
  await paint(page, { erase: false, size: 1, gray: 128 });
  await page.mouse.click(corner.x, corner.y);
  await page.waitForFunction(() => window.playground.imageInfo().painted === 1);
  assert.deepEqual(await pixel(page, 0, 0), [Math.fround(128 / 255)]);
  // Another image discards the paint.
  await setState(page, { img: 'square' });
  await page.waitForFunction(() => window.playground.inputPixel(0, 0)[0] === 0);  // square: black around
  await setState(page, { img: 'checker' });
  await page.waitForFunction(() => window.playground.inputPixel(0, 0)[0] === 1);
  assert.equal((await info(page)).painted, 0);
  assert.deepEqual(await pixel(page, 0, 0), [1]);
  // Bad options change nothing.
  await assert.rejects(paint(page, { size: 0 }), /size: the brush's diameter must be 1 to 64 pixels/);
  await assert.rejects(paint(page, { colour: [1, 2] }), /colour must be \[r, g, b\]/);
  await assert.rejects(paint(page, { brush: 2 }), /brush is not an option/);
  assert.equal((await page.evaluate(() => window.playground.paint())).size, 1);
  // Leaving paint mode: a drag pans again, nothing is painted.
  await paint(page, { on: false });
  await setState(page, { zoom: 4 });
  await mouseStroke(page, screenOf(box, 68, 68, 30, 30, 2, 2), screenOf(box, 68, 68, 10, 30, 2, 2));
  assert.equal((await info(page)).painted, 0);
  assert.notEqual((await page.evaluate(() => window.playground.getState())).cx, '0.5', 'the drag panned');
  assert.deepEqual(page.problems, []);
  await page.close();
});


test('paint on a phone: one finger paints instead of scrolling, two fingers still zoom', async () => {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 664 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(`${env.url}#lesson=kernel&img=checker`);
  await waitForReady(page);
  await paint(page, { on: true, size: 2, colour: [255, 0, 0] });
  const r = await until(page, (o) => o.paint_boxes, 'the paint boxes');
  const box = rect(r.paint_boxes.split(';')[0]);
  const cdp = await context.newCDPSession(page);
  // A vertical swipe on the input view would scroll the column; in paint mode it paints.
  const x = box.x + box.w / 2;
  await touchPath(cdp, page, [[{ x, y: box.y + box.h * 0.2 }, { x, y: box.y + box.h * 0.8 }]]);
  await page.waitForFunction(() => window.playground.imageInfo().painted > 20);
  const after = await readout(page);
  assert.equal(after.scroll_y, '0', 'the column did not scroll');
  // The input view shows the line (its texture updated in the stroke's rectangle only).
  await page.waitForTimeout(200);
  for (const f of [0.3, 0.5, 0.7]) assert.deepEqual(await screenColour(page, { x, y: box.y + box.h * f }), [255, 0, 0], `the line on screen at ${f}`);
  await page.screenshot({ path: join(shotDir, 'input-paint-phone.png') });
  // A pinch whose fingers land together paints nothing and zooms.
  const painted = (await info(page)).painted;
  const cy = box.y + box.h / 2;
  await touchPath(cdp, page, [[{ x: x - 10, y: cy }, { x: x - 120, y: cy }], [{ x: x + 10, y: cy }, { x: x + 120, y: cy }]]);
  await page.waitForTimeout(200);
  assert.ok(Number((await page.evaluate(() => window.playground.getState())).zoom) > 1.5, 'the pinch zoomed');
  assert.equal((await info(page)).painted, painted, 'the pinch painted nothing');
  await context.close();
});

test('webcam: frames from the fake camera are the input; freeze keeps a still; another image or a hidden page turns it off', async () => {
  const page = await env.newPage();
  // Every stream the page gets, to see that its tracks are stopped.
  await page.addInitScript(() => {
    const get = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    window.testStreams = [];
    navigator.mediaDevices.getUserMedia = async (c) => { const s = await get(c); window.testStreams.push(s); return s; };
  });
  const tracksLive = () => page.evaluate(() => window.testStreams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length);
  await page.goto(`${env.url}#lesson=pooling&img=chelsea`);
  await waitForReady(page);
  const before = (await readout(page)).output_shape;
  await page.evaluate(() => window.playground.webcam('start'));
  await page.waitForFunction(() => window.playground.imageInfo().name === 'webcam', null, { timeout: 20000 });
  let i = await info(page);
  assert.deepEqual([i.width, i.height, i.webcam], [320, 240, 'live']);
  const r = await until(page, (o) => o.output_shape === '3x120x160', 'the pooled webcam frame');
  assert.notEqual(r.output_shape, before);
  assert.equal(await tracksLive(page), 1);
  // The fake camera's picture moves (a clock and a turning shape): the input changes from frame to frame.
  const row = () => page.evaluate(() => Array.from({ length: 320 }, (_, x) => window.playground.inputPixel(x, 40).join()).join(';'));
  const first = await row();
  await page.waitForFunction((f) => Array.from({ length: 320 }, (_, x) => window.playground.inputPixel(x, 40).join()).join(';') !== f, first, { timeout: 10000 });
  await page.screenshot({ path: join(shotDir, 'input-webcam.png') });
  assert.equal((await changedState(page)).img, 'webcam');

  // Freeze: a still, the camera off.
  await page.evaluate(() => window.playground.webcam('freeze'));
  await page.waitForFunction(() => window.playground.imageInfo().webcam === 'frozen');
  assert.equal(await tracksLive(page), 0);
  const still = await row();
  await page.waitForTimeout(400);
  assert.equal(await row(), still, 'a frozen frame does not change');
  // Paint on the still, then live again: the paint stays over the new frames.
  await paint(page, { on: true, size: 5 });
  const box = rect((await until(page, (o) => o.paint_boxes, 'the paint boxes')).paint_boxes.split(';')[0]);
  const p = screenOf(box, 320, 240, 100, 120);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction(() => window.playground.imageInfo().painted > 0);
  await paint(page, { on: false });
  await page.evaluate(() => window.playground.webcam('start'));
  await page.waitForFunction(() => window.playground.imageInfo().webcam === 'live');
  await page.waitForTimeout(300);
  assert.deepEqual(await pixel(page, 100, 120), [1, 64 / 255, 64 / 255].map(Math.fround), 'the paint stays over live frames');

  // Another image: the camera stops, that image shows.
  await setState(page, { img: 'coffee' });
  await page.waitForFunction(() => window.playground.imageInfo().webcam === 'off');
  await page.waitForFunction(() => window.playground.imageInfo().name === 'coffee');
  assert.equal(await tracksLive(page), 0);
  await page.waitForTimeout(300);
  assert.equal((await info(page)).name, 'coffee', 'no late frame takes the image back');

  // The page hidden: the camera stops, the last frame stays as a still.
  await page.evaluate(() => window.playground.webcam('start'));
  await page.waitForFunction(() => window.playground.imageInfo().name === 'webcam' && window.playground.imageInfo().webcam === 'live');
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForFunction(() => window.playground.imageInfo().webcam === 'frozen');
  assert.equal(await tracksLive(page), 0);
  assert.equal((await info(page)).name, 'webcam');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('webcam refused, missing or unavailable: a clear message, and the image stays', async () => {
  const cases = [
    { why: 'permission refused', script: () => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')); },
      message: /^The camera was refused\. To use it, allow the camera for this site .* ConvLab keeps the current image\.$/ },
    { why: 'no camera', script: () => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError')); },
      message: /^No camera was found\. ConvLab keeps the current image\.$/ },
    { why: 'no camera API (an insecure page)', script: () => { Object.defineProperty(navigator, 'mediaDevices', { value: undefined }); },
      message: /^This browser does not let web pages use a camera\. ConvLab keeps the current image\.$/ },
  ];
  for (const c of cases) {
    const page = await env.newPage();
    await page.addInitScript(c.script);
    await page.goto(`${env.url}#lesson=kernel&img=coffee`);
    await waitForReady(page);
    const shape = (await readout(page)).output_shape;
    await page.evaluate(() => window.playground.webcam('start'));
    await page.waitForFunction(() => window.playground.lastError() !== '');
    assert.match(await lastError(page), c.message, c.why);
    await page.waitForTimeout(300);
    const i = await info(page);
    assert.deepEqual([i.name, i.webcam], ['coffee', 'off'], c.why);
    assert.equal((await readout(page)).output_shape, shape, c.why);
    if (c.why === 'permission refused') await page.screenshot({ path: join(shotDir, 'input-webcam-refused.png') });
    await page.close();
  }
});

test('webcam in an iframe: without allow="camera" a message names the fix; with it the camera works', async () => {
  for (const allow of ['', 'camera']) {
    const page = await env.newPage();
    // A tutorial page of another origin (localhost, the frame is 127.0.0.1), secure as both are local.
    await page.goto(`${env.url.replace('127.0.0.1', 'localhost')}assets/images/chelsea.png`);
    await page.evaluate(([src, allow]) => {
      document.body.innerHTML = '';
      const frame = Object.assign(document.createElement('iframe'), { src, width: 640, height: 400 });
      if (allow) frame.allow = allow;
      document.body.append(frame);
    }, [`${env.url}#lesson=kernel&img=coffee&embed=1`, allow]);
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    await frame.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60000 });
    await frame.evaluate(() => window.playground.webcam('start'));
    if (allow) {
      await frame.waitForFunction(() => window.playground.imageInfo().name === 'webcam', null, { timeout: 20000 });
    } else {
      await frame.waitForFunction(() => window.playground.lastError() !== '');
      assert.match(await frame.evaluate(() => window.playground.lastError()), /its <iframe> needs allow="camera"/);
      assert.equal((await frame.evaluate(() => window.playground.imageInfo())).name, 'coffee');
    }
    await page.close();
  }
});
