// The playground page loads in headless Chromium, draws its first frame with no console or page error,
// and the canvas shows a real picture (not a blank or single-colour screen); it draws only on demand and
// never shows a stale picture.
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

// main.cpp draws only when something can have changed. What a learner sees must never be stale: a change
// made from JavaScript alone (no input event) is drawn, and the idle picture equals a fresh page's.
test('frames are drawn on demand: none while idle, and a change from JS alone is on screen', async () => {
  const stats = (page) => page.evaluate(() => window.convlabFrameStats());
  const settled = async (page) => {  // past the frames that follow any change
    let last = await stats(page);
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(700);
      const now = await stats(page);
      if (now.drawn === last.drawn) return now;
      last = now;
    }
    return assert.fail('the page never stops drawing');
  };
  const page = await env.newPage();
  await page.goto(`${env.url}#lesson=kernel`);
  await waitForReady(page);
  const idle = await settled(page);
  assert.ok(idle.skipped > 0, 'an idle page keeps drawing');

  const before = await page.screenshot();
  await page.evaluate(() => window.playground.setState({ kp: 'sobel_x' }));
  const changed = await settled(page);
  assert.ok(changed.drawn > idle.drawn, 'setState drew no frame');
  const after = await page.screenshot();
  assert.ok(!after.equals(before), 'the picture did not change after setState');

  const fresh = await env.newPage();
  await fresh.goto(`${env.url}#lesson=kernel&kp=sobel_x`);
  await waitForReady(fresh);
  await settled(fresh);
  assert.ok((await fresh.screenshot()).equals(after), 'the idle page differs from a fresh page in the same state');

  // Playback moves the step with no input at all, drawing every frame.
  await page.evaluate(() => window.playground.setState({ step: 0, autoplay: 1, rate: 30 }));
  await page.waitForTimeout(300);
  const step0 = (await page.evaluate(() => window.playground.readout())).step_cell;
  const playing0 = await stats(page);
  await page.waitForTimeout(1000);
  const step1 = (await page.evaluate(() => window.playground.readout())).step_cell;
  const playing1 = await stats(page);
  assert.notEqual(step1, step0, 'playback did not move');
  assert.equal(playing1.skipped, playing0.skipped, 'frames were skipped during playback');
  assert.deepEqual(page.problems, []);
  assert.deepEqual(fresh.problems, []);
  await page.close();
  await fresh.close();
});
