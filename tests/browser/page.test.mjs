// The playground page loads in headless Chromium, draws its first frame with no console or page error,
// and the canvas shows a real picture (not a blank or single-colour screen).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, waitForReady, distinctColours, shotDir } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

test('the playground draws its first frame with no console error', async () => {
  const page = await env.newPage();
  const started = Date.now();
  await page.goto(env.url);
  await waitForReady(page);
  const firstFrameMs = Date.now() - started;
  await page.waitForTimeout(500);
  const png = await page.screenshot({ path: join(shotDir, 'playground.png') });
  const colours = await distinctColours(page, png);
  assert.ok(colours > 500, `canvas looks blank: only ${colours} distinct colours`);
  assert.deepEqual(page.problems, []);
  console.log(`# first frame after ${firstFrameMs} ms; ${colours} distinct colours`);
  await page.close();
});
