// Hostile input to the page: garbled and script-like URL hashes, hash edits, and uploaded files (valid,
// empty, not an image, claiming 20000 x 20000 pixels, too many bytes, too large to use unscaled), by the
// file picker and by drag and drop; and the PNG export's file name. After every refusal the page shows a
// clear message and keeps the previous image and settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';
import { openBrowser, waitForReady, distinctColours, shotDir, lastError, changedState } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

// ---- PNG files made here, byte by byte -----------------------------------------------------------------
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function ihdr(width, height) {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h.set([8, 6, 0, 0, 0], 8);  // 8 bits, RGBA, deflate, no filter, no interlace
  return h;
}
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// An RGBA PNG whose pixel (x, y) is pixel(x, y) -> [r, g, b, a].
function png(width, height, pixel) {
  const raw = Buffer.alloc(height * (1 + 4 * width));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (1 + 4 * width) + 1 + 4 * x);
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr(width, height)), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
// A small file whose header claims width x height: the start of a decompression bomb.
const bombHeader = (width, height) => Buffer.concat([SIGNATURE, chunk('IHDR', ihdr(width, height)),
  chunk('IDAT', deflateSync(Buffer.alloc(4096))), chunk('IEND', Buffer.alloc(0))]);

const state = changedState;
// The image's name and size (imageInfo() also says how much is painted and whether the webcam runs).
const imageInfo = (page) => page.evaluate(() => { const { name, width, height } = window.playground.imageInfo(); return { name, width, height }; });
const noticeText = (page) => page.evaluate(() => document.getElementById('notice').textContent);

// Everything in the document that an injection would add to: elements and inline handlers.
const domFingerprint = (page) => page.evaluate(() => ({
  elements: document.querySelectorAll('*').length,
  images: document.images.length,
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
}));

test('a garbled link applies what it can, names every bad key, and the page still works', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=nope&s=abc&%zz=1&pk=3&img=rocket`);
  await waitForReady(page);
  assert.match(await lastError(page),
    /^This link could not be read in full; the rest of it is applied\. lesson: must be one of .* got "nope"; s: expected a whole number, got "abc"; "%zz": is not a setting ConvLab knows$/);
  assert.deepEqual(await state(page), { img: 'rocket', pk: '3' });
  await page.evaluate(() => window.playground.setState({ pk: 2, img: 'chelsea' }));
  await page.screenshot({ path: join(shotDir, 'hash-garbled.png') });
  // Still usable: a new setting applies and reaches the URL.
  await page.evaluate(() => window.playground.setState({ lesson: 'pooling', pk: 3 }));
  await page.waitForFunction(() => location.hash === '#lesson=pooling&pk=3');
  const shot = await page.screenshot();
  assert.ok(await distinctColours(page, shot) > 500, 'the page looks blank after a garbled link');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a script-like hash or query injects nothing', async () => {
  const clean = await env.newPage();
  await clean.goto(env.url);
  await waitForReady(clean);
  const expected = await domFingerprint(clean);
  await clean.close();

  // Each with what applies of it: a link applies its good keys and names the bad ones.
  const hostile = {
    '#lesson=<img src=x onerror=alert(1)>': {},
    '#lesson=kernel&img="><svg onload=alert(2)>': {},
    '?lesson=<script>alert(3)</script>&embed=1': { embed: '1' },
    '#<iframe src=javascript:alert(4)>=1': {},
  };
  for (const [tail, applied] of Object.entries(hostile)) {
    const page = await env.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await page.goto(env.url + tail);
    await waitForReady(page);
    await page.waitForTimeout(300);
    assert.match(await lastError(page), /This link could not be read/, tail);
    assert.deepEqual(await state(page), applied, tail);
    assert.deepEqual(await domFingerprint(page), expected, `the DOM changed for ${tail}`);
    // The same text typed into the address bar later: refused, state kept.
    await page.evaluate(() => window.playground.setState({ pk: 3 }));
    await page.evaluate(() => { location.hash = 'lesson=<img src=x onerror=alert(5)>'; });
    await page.waitForFunction(() => window.playground.lastError().includes('kept the current view'));
    assert.deepEqual(await state(page), { ...applied, pk: '3' });
    await page.waitForFunction((embed) => location.hash === (embed ? '#embed=1&pk=3' : '#pk=3'), applied.embed === '1');
    assert.deepEqual(await domFingerprint(page), expected);
    assert.deepEqual(dialogs, [], `a dialog opened for ${tail}`);
    assert.deepEqual(page.problems, []);
    await page.close();
  }
});

test('editing the hash applies it; back and forward follow; a bad edit keeps the state and the URL', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=pooling`);
  await waitForReady(page);
  await page.evaluate(() => { location.hash = 'lesson=pooling&pk=4&pool=min'; });
  await page.waitForFunction(() => window.playground.getState().pk === '4');
  assert.deepEqual(await state(page), { lesson: 'pooling', pool: 'min', pk: '4' });
  await page.goBack();
  await page.waitForFunction(() => window.playground.getState().pk === '2');
  assert.deepEqual(await state(page), { lesson: 'pooling' });
  await page.goForward();
  await page.waitForFunction(() => window.playground.getState().pk === '4');

  await page.evaluate(() => { location.hash = 'lesson=pooling&pk=400'; });
  await page.waitForFunction(() => window.playground.lastError().includes('pk: must be from 1 to 15, got 400'));
  assert.deepEqual(await state(page), { lesson: 'pooling', pool: 'min', pk: '4' });
  await page.waitForFunction(() => location.hash === '#lesson=pooling&pool=min&pk=4');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// Chooses a file through the page's own hidden <input type=file>, as the Upload button does.
async function upload(page, file) {
  await page.setInputFiles('#file', file);
}

test('uploads: a valid PNG is used; empty, non-image, huge and oversized files are refused and change nothing', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=pooling&pk=3`);
  await waitForReady(page);
  assert.deepEqual(await imageInfo(page), { name: 'chelsea', width: 451, height: 300 });
  assert.equal((await page.evaluate(() => window.playground.readout())).output_shape, '3x149x225');
  const before = await page.screenshot();

  // A 300 x 200 picture: red on the left, blue on the right.
  await upload(page, { name: 'halves.png', mimeType: 'image/png', buffer: png(300, 200, (x) => (x < 150 ? [230, 20, 20, 255] : [20, 40, 230, 255])) });
  await page.waitForFunction(() => window.playground.imageInfo().name === 'upload');
  assert.deepEqual(await imageInfo(page), { name: 'upload', width: 300, height: 200 });
  assert.deepEqual(await state(page), { lesson: 'pooling', img: 'upload', pk: '3' });
  assert.equal(await noticeText(page), 'Using your image (300 × 200 pixels).');
  await page.waitForTimeout(300);
  const after = await page.screenshot({ path: join(shotDir, 'upload-valid.png') });
  assert.notDeepEqual(after, before, 'the picture on screen did not change');
  // The lesson now pools the upload: 3x3 windows, stride 2 over 200 x 300 -> 99 x 149.
  assert.equal((await page.evaluate(() => window.playground.readout())).output_shape, '3x99x149');

  const dir = mkdtempSync(join(tmpdir(), 'convlab-upload-'));
  try {
    const oversized = join(dir, 'big.png');
    writeFileSync(oversized, Buffer.concat([png(4, 4, () => [0, 0, 0, 255]), Buffer.alloc(51 * 1024 * 1024)]));
    const refusals = [
      [{ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) }, /"empty\.png" is empty \(0 bytes\)/],
      [{ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('Dear diary, this is not a picture.\n'.repeat(20)) },
        /"notes\.png" could not be decoded: it is damaged or not an image/],
      [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }, /"notes\.txt" is not an image \(its type is text\/plain\)/],
      [{ name: 'bomb.png', mimeType: 'image/png', buffer: bombHeader(20000, 20000) }, /"bomb\.png" is 20000 x 20000 pixels: too large/],
      [{ name: 'tall.png', mimeType: 'image/png', buffer: bombHeader(100, 40000) }, /"tall\.png" is 100 x 40000 pixels: too large/],
      [{ name: '<img src=x onerror=alert(1)>.png', mimeType: 'image/png', buffer: Buffer.alloc(0) }, /"<img src=x onerror=alert\(1\)>\.png" is empty/],
      [oversized, /"big\.png" is 51\.0 MB|"big\.png" is 51 MB/],
    ];
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const dom = await domFingerprint(page);
    for (const [file, message] of refusals) {
      const previous = await lastError(page);
      await upload(page, file);
      await page.waitForFunction((p) => window.playground.lastError() !== p, previous, { timeout: 20000 });
      assert.match(await lastError(page), message);
      assert.equal(await page.evaluate(() => document.getElementById('notice').hidden), true, 'the "Opening..." notice stayed');
      assert.deepEqual(await imageInfo(page), { name: 'upload', width: 300, height: 200 }, `${message}: the image changed`);
      assert.deepEqual(await state(page), { lesson: 'pooling', img: 'upload', pk: '3' });
    }
    await page.screenshot({ path: join(shotDir, 'upload-refused.png') });
    assert.deepEqual(await domFingerprint(page), dom, 'a file name was inserted as HTML');
    assert.deepEqual(dialogs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a large image is scaled down to 1024 pixels with a notice; drag and drop works too', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=pooling`);
  await waitForReady(page);
  await upload(page, { name: 'wide.png', mimeType: 'image/png', buffer: png(2048, 1536, (x, y) => [x & 255, y & 255, 128, 255]) });
  await page.waitForFunction(() => window.playground.imageInfo().name === 'upload', null, { timeout: 20000 });
  assert.deepEqual(await imageInfo(page), { name: 'upload', width: 1024, height: 768 });
  assert.equal(await noticeText(page), 'Your image (2048 × 1536) was scaled down to 1024 × 768 pixels.');
  assert.equal(await lastError(page), '');

  // Drop a 64 x 48 PNG on the page, as a file dragged from the desktop.
  const bytes = [...png(64, 48, (x, y) => [(x * 4) & 255, (y * 5) & 255, 0, 255])];
  await page.evaluate((data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, cancelable: true }));
    if (document.getElementById('drop').hidden) throw new Error('no drop hint while dragging');
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForFunction(() => window.playground.imageInfo().width === 64);
  assert.deepEqual(await imageInfo(page), { name: 'upload', width: 64, height: 48 });
  assert.equal(await page.evaluate(() => document.getElementById('drop').hidden), true);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Export PNG downloads the pixels under a safe file name; a size mismatch is refused', async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitForReady(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.evaluate(() => window.convlabDownloadPng('..\\..\\etc\\<b>out put?.png', 2, 1, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]))),
  ]);
  assert.equal(download.suggestedFilename(), 'b-out-put.png');
  const file = readFileSync(await download.path());
  assert.deepEqual([...file.subarray(0, 8)], [...SIGNATURE]);
  const pixels = await page.evaluate(async (b64) => {
    const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    return [bmp.width, bmp.height, ...ctx.getImageData(0, 0, bmp.width, bmp.height).data];
  }, file.toString('base64'));
  assert.deepEqual(pixels, [2, 1, 255, 0, 0, 255, 0, 0, 255, 255]);

  await page.evaluate(() => window.convlabDownloadPng('x.png', 3, 3, new Uint8Array(8)));
  await page.waitForFunction(() => window.playground.lastError().includes('The PNG could not be made'));
  assert.deepEqual(page.problems, []);
  await page.close();
});
