// Shared set-up of the browser tests: Debian's Chromium through playwright-core (never a downloaded
// browser), WebGL2 on the CPU through SwiftShader, the site served on 127.0.0.1, and a record of every
// console error and page error so a test can fail on them.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tools/static-server.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const siteDir = process.env.CONVLAB_SITE || join(root, 'build', 'site');  // helpers may build elsewhere
export const shotDir = join(root, 'build', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist', '--enable-webgl',
];

// Chromium's stand-in camera (a moving test picture), granted without asking: openBrowser({ args: FAKE_CAMERA }).
// Without --use-fake-ui-for-media-stream a headless Chromium refuses the camera, as a learner who says no.
export const FAKE_CAMERA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

export async function openBrowser({ args = [] } = {}) {
  const server = await startServer(siteDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...args] });
  mkdirSync(shotDir, { recursive: true });
  return {
    url: server.url,
    browser,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const page = await browser.newPage({ viewport });
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.problems = problems;
      return page;
    },
    // A new page at the playground with this URL hash, once its first frame is drawn.
    async openAt(hash, viewport) {
      const page = await this.newPage(viewport);
      await page.goto(`${server.url}#${hash}`);
      await waitForReady(page);
      return page;
    },
    async close() { await browser.close(); await server.close(); },
  };
}

// Waits until the playground has drawn its first frame with a computed output.
export async function waitForReady(page, timeout = 60000) {
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout });
}

// Counts the distinct colours of a screenshot, decoding the PNG in the page itself (no Node image library).
export async function distinctColours(page, png) {
  return page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, png.toString('base64'));
}

// The page's state API from a test: read the published numbers, set URL keys, read the last error.
export const readout = (page) => page.evaluate(() => window.playground.readout());
export const setState = (page, s) => page.evaluate((x) => { window.playground.setState(x); }, s);
export const lastError = (page) => page.evaluate(() => window.playground.lastError());
// The keys whose value differs from the default (what the URL's hash lists); getState() has them all.
export const changedState = (page) => page.evaluate(() => {
  const defaults = window.playground.defaults();
  return Object.fromEntries(Object.entries(window.playground.getState()).filter(([k, v]) => defaults[k] !== v));
});

// Waits (frames) until pred(readout) holds; returns the readout.
export async function until(page, pred, what, timeout = 20000) {
  const t0 = Date.now();
  for (;;) {
    const r = await readout(page);
    if (pred(r)) return r;
    if (Date.now() - t0 > timeout) assert.fail(`timed out waiting for ${what}; readout ${JSON.stringify(r)}`);
    await page.waitForTimeout(50);
  }
}

// One finger, or two, moved in steps through the DevTools protocol (real touch events for the page).
export async function touchPath(cdp, page, paths, steps = 12) {
  const at = (i) => paths.map((p, id) => ({ x: p[0].x + ((p[1].x - p[0].x) * i) / steps, y: p[0].y + ((p[1].y - p[0].y) * i) / steps, id }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let i = 1; i <= steps; i++) {
    await page.waitForTimeout(16);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(i) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}
