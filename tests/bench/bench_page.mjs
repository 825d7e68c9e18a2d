// What the page benchmarks share: the playground open on a 1024x1024 RGB test image, uploaded through the
// real file input.
import { openBrowser, waitForReady } from '../browser/browser.mjs';

// Opens the page at `hash` and uploads the image. Returns { env, page, firstFrameMs } (page load to the
// first frame). keepInput: window.benchInput keeps the image as the page sends it to its workers.
export async function openWithBigImage(hash, { keepInput = false } = {}) {
  const env = await openBrowser();
  const page = await env.newPage({ width: 1280, height: 800 });
  const started = Date.now();
  await page.goto(`${env.url}#${hash}`);
  await waitForReady(page);
  const firstFrameMs = Date.now() - started;
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
  if (keepInput) {
    await page.waitForFunction(() => window.convlabPool, null, { timeout: 30000 });
    await page.evaluate(() => {
      const pool = window.convlabPool, setInput = pool.setInput.bind(pool);
      pool.setInput = (generation, data, c, h, w) => { window.benchInput = { data, c, h, w }; setInput(generation, data, c, h, w); };
    });
  }
  await page.setInputFiles('#file', { name: 'bench.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') });
  await page.waitForFunction(() => { const i = window.playground.imageInfo?.(); return i && i.width === 1024 && i.height === 1024; }, null, { timeout: 30000 });
  await page.waitForTimeout(1000);  // past the page's tail of frames after the last change
  return { env, page, firstFrameMs };
}
