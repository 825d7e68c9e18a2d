// Browser benchmark of the playground page: time to first frame, idle frame time, and the frame time and
// core time (the kernel lesson's compute_ms readout) while every frame recomputes a convolution of a
// 1024x1024 RGB image with a 3x3, 5x5 and 7x7 kernel. Prints a table; asserts nothing (speed is never
// asserted in tests). Run after a wasm build:  node tests/bench/page_bench.mjs
// Headless Chromium draws WebGL2 with SwiftShader on the CPU here, so frame times include software
// rendering that a real GPU would not pay; the core time does not.
import { openBrowser, waitForReady } from '../browser/browser.mjs';

const FRAMES = 30;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const env = await openBrowser();
try {
  const page = await env.newPage({ width: 1280, height: 800 });
  const started = Date.now();
  await page.goto(`${env.url}#lesson=kernel`);
  await waitForReady(page);
  const firstFrameMs = Date.now() - started;

  // A 1024x1024 RGB test image made in the page, uploaded through the real file input.
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(1024, 1024);
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 1024, 1024);
    grad.addColorStop(0, '#d33'); grad.addColorStop(0.5, '#3d3'); grad.addColorStop(1, '#33d');
    g.fillStyle = grad; g.fillRect(0, 0, 1024, 1024);
    for (let i = 0; i < 400; i++) { g.fillStyle = `hsl(${i * 37 % 360} 70% 50%)`; g.fillRect((i * 97) % 1000, (i * 61) % 1000, 24, 24); }
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let s = ''; for (const b of bytes) s += String.fromCharCode(b); return btoa(s);
  });
  await page.setInputFiles('#file', { name: 'bench.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') });
  await page.waitForFunction(() => { const i = window.playground.imageInfo?.(); return i && i.width === 1024 && i.height === 1024; }, null, { timeout: 30000 });

  const idle = await page.evaluate(async (n) => {
    const t = [];
    let last = performance.now();
    for (let i = 0; i < n; i++) { await new Promise((r) => requestAnimationFrame(r)); const now = performance.now(); t.push(now - last); last = now; }
    return t;
  }, FRAMES);

  const rows = [];
  for (const k of [3, 5, 7]) {
    const r = await page.evaluate(async ({ k, n }) => {
      const frame = [], core = [];
      let last = performance.now();
      for (let i = 0; i < n; i++) {
        // Alternate two kernels of the same size so every frame recomputes.
        window.playground.setState({ kp: i % 2 ? 'gaussian' : 'mean', k });
        await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frame.push((now - last) / 2);
        last = now;
        core.push(Number(window.playground.readout().compute_ms));
      }
      return { frame, core };
    }, { k, n: FRAMES });
    rows.push({ k, frame: median(r.frame), core: median(r.core.filter(Number.isFinite)) });
  }
  console.log(`first frame: ${firstFrameMs} ms (localhost, includes wasm compile and the first image)`);
  console.log(`idle frame: ${median(idle).toFixed(1)} ms median`);
  console.log('kernel  core ms/recompute  frame ms (recompute every frame)  fps');
  for (const r of rows) console.log(`${r.k}x${r.k}     ${r.core.toFixed(1).padStart(8)}           ${r.frame.toFixed(1).padStart(8)}                        ${(1000 / r.frame).toFixed(0)}`);
  if (page.problems.length) console.log('page problems:', page.problems);
} finally {
  await env.close();
}
