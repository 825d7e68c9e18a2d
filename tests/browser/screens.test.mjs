// Every lesson on every kind of screen: a phone (390x664, touch), a tablet (768x1024, touch), a small
// tutorial iframe (640x400, embed=1) and a desktop (1280x800). On each: the lesson's picture is on
// screen in the first view, a swipe scrolls the panel under the finger, a pinch on an image view zooms
// it and a two-finger drag pans it, and nothing reaches the console. Embeds fit down to 320x240.
// Screenshots land in build/screenshots/screens-<lesson>-<screen>.png.
// LESSONS=kernel,padding limits the run to some lessons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { openBrowser, waitForReady, distinctColours, shotDir, readout, root, touchPath } from './browser.mjs';

const SCREENS = [
  { name: 'phone', viewport: { width: 390, height: 664 }, touch: true, mobile: true, hash: '' },
  { name: 'tablet', viewport: { width: 768, height: 1024 }, touch: true, mobile: true, hash: '' },
  { name: 'embed', viewport: { width: 640, height: 400 }, touch: true, mobile: false, hash: '&embed=1' },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, touch: true, mobile: false, hash: '' },
  { name: 'tiny-embed', viewport: { width: 320, height: 240 }, touch: true, mobile: false, hash: '&embed=1' },
];

let env;
let lessons = [];
let lessonIds = [];
before(async () => {
  env = await openBrowser();
  const page = await env.openAt('');
  lessons = await page.evaluate(() => window.playground.lessons());
  lessonIds = lessons.map((l) => l.id);
  await page.close();
  if (process.env.LESSONS) lessonIds = lessonIds.filter((id) => process.env.LESSONS.split(',').includes(id));
});
after(async () => { await env?.close(); });

test('the README lists each lesson\'s hide= ids as the lesson registers them', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const l of lessons) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${l.id}\` |`));
    assert.ok(row, `README has no hide= row for ${l.id}`);
    assert.deepEqual([...row.split('|')[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]), l.controls, l.id);
  }
});

const rect = (text) => { const [x, y, w, h] = text.split(',').map(Number); return { x, y, w, h }; };

// The part of r inside the viewport, as a fraction of r.
function onScreen(r, vp) {
  const w = Math.max(0, Math.min(r.x + r.w, vp.width) - Math.max(r.x, 0));
  const h = Math.max(0, Math.min(r.y + r.h, vp.height) - Math.max(r.y, 0));
  return (w * h) / Math.max(1, r.w * r.h);
}


async function openScreen(screen, lesson) {
  const context = await env.browser.newContext({ viewport: screen.viewport, hasTouch: screen.touch, isMobile: screen.mobile });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${env.url}#lesson=${lesson}${screen.hash}`);
  await waitForReady(page);
  await page.waitForTimeout(300);  // a lesson that measures or plays settles
  return { context, page, problems };
}

for (const screen of SCREENS) {
  test(`every lesson on a ${screen.name} (${screen.viewport.width}x${screen.viewport.height}): picture first, swipe, pinch`, async (t) => {
    for (const lesson of lessonIds) {
      await t.test(lesson, async () => {
        const { context, page, problems } = await openScreen(screen, lesson);
        const vp = screen.viewport;
        const r = await readout(page);
        const where = `${lesson} on the ${screen.name}`;
        assert.equal(r.layout, screen.hash ? 'embed' : vp.width < 700 ? 'narrow' : 'wide', where);
        assert.ok(Number(r.hit_target_px) >= 40, `${where}: buttons ${r.hit_target_px} px tall on a touch screen`);

        // The picture is on screen, big, in the first view.
        const visual = rect(r.visual_rect);
        assert.ok(onScreen(visual, vp) > 0.95, `${where}: the visual ${r.visual_rect} must be on screen`);
        assert.ok(visual.w >= vp.width * (vp.width < 700 ? 0.9 : 0.45), `${where}: the visual is ${visual.w} px wide`);
        assert.ok(visual.h >= Math.min(300, vp.height * 0.55), `${where}: the visual is ${visual.h} px tall`);
        const boxes = (r.view_boxes || '').split(';').filter(Boolean).map(rect).filter((b) => onScreen(b, vp) > 0.5 && b.w >= 40 && b.h >= 40);
        const shot = await page.screenshot({ path: join(shotDir, `screens-${lesson}-${screen.name}.png`) });
        assert.ok(shot.length > 0);
        // The picture: the first image view on screen, or for a lesson whose visual draws its own grids
        // and charts (stride's numbers in a small embed, the cost bars of depthwise-separable) the visual.
        const pictured = boxes[0] ?? visual;
        const clip = await page.screenshot({ clip: { x: pictured.x, y: pictured.y, width: Math.min(pictured.w, vp.width - pictured.x), height: Math.min(pictured.h, vp.height - pictured.y) } });
        assert.ok(await distinctColours(page, clip) > 12, `${where}: the picture at ${JSON.stringify(pictured)} is blank`);

        const cdp = await context.newCDPSession(page);
        // A pinch (two fingers apart) on an image view zooms the views.
        if (boxes.length > 0) {
          const pinchBox = boxes[0];
          const cx = pinchBox.x + pinchBox.w / 2, cy = pinchBox.y + pinchBox.h / 2;
          const d0 = Math.min(12, pinchBox.w / 8), d1 = Math.min(pinchBox.w, pinchBox.h) * 0.45;
          assert.equal((await page.evaluate(() => window.playground.getState())).zoom, '0', `${where}: starts fitted`);
          await touchPath(cdp, page, [[{ x: cx - d0, y: cy }, { x: cx - d1, y: cy }], [{ x: cx + d0, y: cy }, { x: cx + d1, y: cy }]]);
          await page.waitForTimeout(200);
          const zoom = Number((await page.evaluate(() => window.playground.getState())).zoom);
          assert.ok(zoom > 1.5, `${where}: a pinch on the view at ${cx},${cy} left the zoom at ${zoom}`);
          // Two fingers moved together to the right drag the image with them: the view's centre moves left.
          const cx0 = Number((await page.evaluate(() => window.playground.getState())).cx);
          const dx = Math.min(60, pinchBox.w / 3);
          await touchPath(cdp, page, [[{ x: cx - 20, y: cy }, { x: cx - 20 + dx, y: cy }], [{ x: cx + 20, y: cy }, { x: cx + 20 + dx, y: cy }]]);
          await page.waitForTimeout(200);
          const cx1 = Number((await page.evaluate(() => window.playground.getState())).cx);
          assert.ok(cx1 < cx0 - 0.005, `${where}: a two-finger drag to the right moved the centre from ${cx0} to ${cx1}`);
        }

        // A swipe up over the scrolling panel (in a stacked layout, starting on the picture) scrolls it.
        if (Number(r.scroll_max_y) > 0) {
          const area = rect(r.scroll_rect);
          const x = area.x + area.w / 2, y0 = area.y + Math.min(area.h * 0.7, area.h - 20);
          await touchPath(cdp, page, [[{ x, y: y0 }, { x, y: y0 - Math.min(220, area.h * 0.5) }]]);
          await page.waitForTimeout(400);
          const after = await readout(page);
          const wanted = Math.min(40, Number(r.scroll_max_y));  // a short panel scrolls to its end
          assert.ok(Number(after.scroll_y) >= wanted - 0.5, `${where}: a swipe moved the panel to ${after.scroll_y} of ${r.scroll_max_y}`);
        } else {
          assert.notEqual(r.layout, 'narrow', `${where}: a phone's column always has controls below the picture to scroll to`);
        }

        assert.deepEqual(problems, [], where);
        await context.close();
      });
    }
  });
}
