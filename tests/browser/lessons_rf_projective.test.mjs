// The receptive-field lesson's projective field: the pixel set by the link, its published extents and
// unit counts per layer against a plain-JS brute force (every unit's receptive field walked down to the
// input, membership of the pixel), a bad pixel refused with a message while the previous one stays,
// the pixel picked with a mouse click and a finger tap, and the views on a phone, tablet, embed and desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openBrowser, waitForReady, distinctColours, shotDir, readout, setState, lastError, until } from './browser.mjs';

let env;
before(async () => { env = await openBrowser(); });
after(async () => { await env?.close(); });

// "c3p1,p2,c3d2" -> layers (pool stride defaults to its kernel).
function parseLayers(text) {
  return text.split(',').map((t) => {
    const m = /^([cp])(\d+)((?:[sdp]\d+)*)$/.exec(t);
    const l = { k: +m[2], s: m[1] === 'p' ? +m[2] : 1, d: 1, p: 0 };
    for (const [, tag, n] of m[3].matchAll(/([sdp])(\d+)/g)) l[tag] = +n;
    return l;
  });
}
const outSize = (n, l) => Math.floor((n + 2 * l.p - (l.d * (l.k - 1) + 1)) / l.s) + 1;

// Brute force: for every unit of every layer whose padded window span could hold the pixel, walk its
// receptive field down to the input (position -> paths, taps in a layer's padding dropped) and read the
// pixel's count there. The projective field of layer k is every unit with a count > 0.
function bruteForce(layers, H, W, py, px) {
  const sizes = [];
  let h = H, w = W;
  for (const l of layers) { h = outSize(h, l); w = outSize(w, l); sizes.push([h, w]); }
  return layers.map((_, li) => {
    const [oh, ow] = sizes[li];
    let units = 0, total = 0, y0 = Infinity, x0 = Infinity, y1 = -1, x1 = -1;
    for (let uy = 0; uy < oh; ++uy) {
      for (let ux = 0; ux < ow; ++ux) {
        // The unit's unclipped span: skip units that cannot reach the pixel (the rest are walked in full).
        let a0 = uy, a1 = uy, b0 = ux, b1 = ux;
        for (let i = li; i >= 0; --i) {
          const l = layers[i];
          a0 = a0 * l.s - l.p; a1 = a1 * l.s - l.p + (l.k - 1) * l.d;
          b0 = b0 * l.s - l.p; b1 = b1 * l.s - l.p + (l.k - 1) * l.d;
        }
        if (py < a0 || py > a1 || px < b0 || px > b1) continue;
        let cur = new Map([[`${uy},${ux}`, 1]]);
        for (let i = li; i >= 0; --i) {
          const l = layers[i];
          const [bh, bw] = i > 0 ? sizes[i - 1] : [H, W];
          const next = new Map();
          for (const [key, n] of cur) {
            const [y, x] = key.split(',').map(Number);
            for (let ky = 0; ky < l.k; ++ky) {
              for (let kx = 0; kx < l.k; ++kx) {
                const iy = y * l.s - l.p + ky * l.d, ix = x * l.s - l.p + kx * l.d;
                if (iy < 0 || ix < 0 || iy >= bh || ix >= bw) continue;
                next.set(`${iy},${ix}`, (next.get(`${iy},${ix}`) ?? 0) + n);
              }
            }
          }
          cur = next;
        }
        const n = cur.get(`${py},${px}`) ?? 0;
        if (n === 0) continue;
        ++units; total += n;
        y0 = Math.min(y0, uy); x0 = Math.min(x0, ux); y1 = Math.max(y1, uy + 1); x1 = Math.max(x1, ux + 1);
      }
    }
    return units ? { box: `${y0},${x0},${y1},${x1}`, extent: `${y1 - y0}x${x1 - x0}`, units, total }
      : { box: '0,0,0,0', extent: '0x0', units: 0, total: 0 };
  });
}

async function imageSize(page) {
  // A 1x1 conv keeps the image's size: read it from out_1, then go back.
  const s = await page.evaluate(() => window.playground.getState());
  await setState(page, { layers: 'c1' });
  const r = await until(page, (x) => x.layers === '1' && x.size_1 === '1x1', 'a 1x1 layer');
  await setState(page, { layers: s.layers });
  return r.out_1.split('x').map(Number);
}

test('projective field: the pixel from the link; extents, boxes, unit and path counts per layer match a JS brute force', async () => {
  const page = await env.openAt('lesson=receptive-field&field=projective&pixel=0,3&layers=c3p1,c3d2p2,c3s2p1');
  await until(page, (x) => x.pixel === '0,3' && x.layers === '3', 'the pixel from the link');
  const [H, W] = await imageSize(page);
  const cases = [
    ['c3p1,c3d2p2,c3s2p1', 0, 3],      // the top edge: padding cuts the field
    ['c3p1,c3d2p2,c3s2p1', 40, 41],    // inside
    ['c3d2,c3d3p1', 20, 30],           // dilation alone: holes
    ['c3s2,p2,c3p1', 7, 9],            // stride and pooling: an odd pixel reaches fewer units
    ['c1s2,c3', 3, 3],                 // a pixel no window reads
    ['c5s3p2,c2', H - 1, W - 1],       // the far corner
  ];
  let holes = 0, fewer = 0, none = 0;
  for (const [text, py, px] of cases) {
    await setState(page, { layers: text, pixel: `${py},${px}` });
    const layers = parseLayers(text);
    const r = await until(page, (x) => x.layers === String(layers.length) && x.pixel === `${py},${px}` &&
      x[`pf_box_${layers.length}`] !== undefined, `${text} at ${py},${px}`);
    const want = bruteForce(layers, H, W, py, px);
    want.forEach((wnt, i) => {
      const k = i + 1, where = `${text} pixel ${py},${px} layer ${k}`;
      assert.equal(r[`pf_box_${k}`], wnt.box, where);
      assert.equal(r[`pf_extent_${k}`], wnt.extent, where);
      assert.equal(r[`pf_units_${k}`], String(wnt.units), where);
      assert.equal(r[`pf_paths_${k}`], String(wnt.total), where);
      const [eh, ew] = wnt.extent.split('x').map(Number);
      if (wnt.units > 0 && wnt.units < eh * ew) ++holes;
      if (wnt.units === 0) ++none;
    });
    assert.equal(r.pf_extent, want.at(-1).extent);  // the chosen layer (the last)
    assert.equal(r.pf_units, String(want.at(-1).units));
    if (text === 'c3s2,p2,c3p1') {
      // Its even neighbour is read by two stride-2 windows, the odd pixel by one.
      await setState(page, { pixel: `${py + 1},${px + 1}` });
      const even = await until(page, (x) => x.pixel === `${py + 1},${px + 1}`, 'the even neighbour');
      if (Number(even.pf_units_1) > Number(r.pf_units_1)) ++fewer;
    }
  }
  assert.ok(holes > 0 && none > 0 && fewer > 0, `holes ${holes}, empty ${none}, fewer ${fewer}`);
  console.log(`# projective field: ${cases.length} stacks x pixels on the ${H}x${W} image checked against the JS brute force`);

  // The relation, in both at once: the chosen unit's paths from the pixel are the receptive path count.
  await setState(page, { layers: 'c3,c3', field: 'both', pixel: `${Math.floor(H / 2)},${Math.floor(W / 2)}` });
  let r = await until(page, (x) => x.layers === '2' && x.pixel === `${Math.floor(H / 2)},${Math.floor(W / 2)}`, 'both');
  assert.equal(r.pf_unit_paths, '9');  // the centre unit's field is centred on the centre pixel
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shotDir, 'lesson-receptive-field-both.png') });

  // A pixel outside the image: a message naming it, the previous pixel stays (readout and state).
  const before = await readout(page);
  await setState(page, { pixel: `${H + 50},3` });
  await page.waitForTimeout(300);
  assert.equal(await lastError(page), `input pixel row must be between 0 and ${H - 1}, got ${H + 50}`);
  r = await readout(page);
  assert.equal(r.pixel, before.pixel);
  assert.equal(r.pf_box_2, before.pf_box_2);
  assert.equal((await page.evaluate(() => window.playground.getState())).pixel, before.pixel);
  // Not a pixel at all: the link layer refuses it and keeps the state.
  const thrown = await page.evaluate(() => { try { window.playground.setState({ pixel: '-4,2' }); return ''; } catch (e) { return e.message; } });
  assert.match(thrown, /pixel/);
  assert.equal((await readout(page)).pixel, before.pixel);
  assert.deepEqual(page.problems, []);
  await page.close();
});

// Where pixel (y, x) of an H x W image fitted in the view box is on screen (its centre).
function pixelOnScreen(box, H, W, y, x) {
  const [bx, by, bw, bh] = box.split(',').map(Number);
  const fit = Math.min(bw / W, bh / H);
  return { x: bx + bw / 2 - (W * fit) / 2 + (x + 0.5) * fit, y: by + bh / 2 - (H * fit) / 2 + (y + 0.5) * fit };
}

const SCREENS = [
  { name: 'phone', viewport: { width: 390, height: 664 }, touch: true, mobile: true, hash: '' },
  { name: 'tablet', viewport: { width: 768, height: 1024 }, touch: true, mobile: true, hash: '' },
  { name: 'embed', viewport: { width: 640, height: 400 }, touch: true, mobile: false, hash: '&embed=1' },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, touch: false, mobile: false, hash: '' },
];

for (const screen of SCREENS) {
  test(`projective field on a ${screen.name}: ${screen.touch ? 'a tap' : 'a click'} on the input picks the pixel`, async () => {
    const context = await env.browser.newContext({ viewport: screen.viewport, hasTouch: screen.touch, isMobile: screen.mobile });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${env.url}#lesson=receptive-field&field=projective&layers=c3p1,c3d2p2,p2${screen.hash}`);
    await waitForReady(page);
    let r = await until(page, (x) => x.layers === '3' && x.view_boxes, 'the lesson');
    const [H, W] = (await until(page, (x) => x.out_1, 'sizes')).out_1.split('x').map(Number);  // c3p1 keeps the size
    assert.equal(r.pixel, `${Math.floor(H / 2)},${Math.floor(W / 2)}`, 'the centre by default');
    const box = r.view_boxes.split(';')[0];
    const [py, px] = [Math.floor(H / 4), Math.floor((3 * W) / 4)];
    const at = pixelOnScreen(box, H, W, py, px);
    if (screen.touch) await page.touchscreen.tap(at.x, at.y);
    else await page.mouse.click(at.x, at.y);
    r = await until(page, (x) => x.pixel !== `${Math.floor(H / 2)},${Math.floor(W / 2)}`, 'the picked pixel');
    const [gy, gx] = r.pixel.split(',').map(Number);
    // A displayed pixel may be under a CSS pixel's width on a phone: within one pixel of the aim.
    assert.ok(Math.abs(gy - py) <= 1 && Math.abs(gx - px) <= 1, `${screen.name}: aimed at ${py},${px}, got ${r.pixel}`);
    if (!screen.touch) await page.mouse.move(1, 1);  // leave the view: no hover preview
    await page.waitForTimeout(200);
    const state = await page.evaluate(() => window.playground.getState());
    assert.equal(state.pixel, r.pixel, 'the click is kept in the state (and the link)');
    assert.equal(r.pf_extent_1, '3x3');
    assert.equal(r.pf_units_2, '49');  // rows py-1..py+1, read by dilation-2 windows from 2 away: 7 rows
    const visual = r.visual_rect.split(',').map(Number);
    assert.ok(visual[1] >= 0 && visual[1] + visual[3] <= screen.viewport.height + 1, `${screen.name}: the visual ${r.visual_rect} is on screen`);
    const png = await page.screenshot({ path: join(shotDir, `rf-projective-${screen.name}.png`) });
    assert.ok((await distinctColours(page, png)) > 100);
    await page.goto(`${env.url}#lesson=receptive-field&field=both&pixel=${gy},${gx}${screen.hash}`);
    await waitForReady(page);
    await until(page, (x) => x.pixel === `${gy},${gx}`, 'both at once');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shotDir, `rf-both-${screen.name}.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  });
}
