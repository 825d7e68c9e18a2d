// Where the page's main thread spends a frame while the kernel lesson recomputes on every frame (a kernel
// change before each rAF, 1024x1024 RGB): Chromium's sampling profiler over those frames, its samples summed
// per function, self time and total (with callees), in ms per drawn frame. page_bench.mjs gives the totals;
// this names what is in them. Build the page with function names kept first, into its own folder:
//   cmake --preset wasm -B build/wasm-prof -DCONVLAB_PROFILING=ON -DCONVLAB_SITE_DIR=$PWD/build/site-prof
//   cmake --build build/wasm-prof -j2
//   CONVLAB_SITE=build/site-prof node tests/bench/frame_profile.mjs      WORKERS=0|1|2 K=3|5|7 FRAMES=60 TOP=30
// Another lesson: LESSON=depthwise CHANGES='[{"kp":"mean"},{"kp":"gaussian"}]' (two states alternated).
import { openWithBigImage } from './bench_page.mjs';

const frames = Number(process.env.FRAMES || 60), k = Number(process.env.K || 5), top = Number(process.env.TOP || 30);
const lesson = process.env.LESSON || 'kernel';
const changes = process.env.CHANGES ? JSON.parse(process.env.CHANGES) : [{ kp: 'mean', k }, { kp: 'gaussian', k }];
const { env, page } = await openWithBigImage(`lesson=${lesson}`);
try {
  if (process.env.WORKERS !== undefined) await page.evaluate((n) => window.playground.setWorkers(n), Number(process.env.WORKERS));
  const workers = await page.evaluate(() => window.playground.workers());
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: Number(process.env.INTERVAL_US || 100) });  // microseconds
  await cdp.send('Profiler.start');
  const drawn = await page.evaluate(async ({ changes, n }) => {
    const rAF = () => new Promise((r) => requestAnimationFrame(r));
    await rAF();
    const before = window.convlabFrameStats().drawn;
    for (let i = 0; i < n; i++) {
      window.playground.setState(changes[i % 2]);
      await rAF();
    }
    return window.convlabFrameStats().drawn - before;
  }, { changes, n: frames });
  const { profile } = await cdp.send('Profiler.stop');

  // Samples -> ms per node; then per function name, self and total (each function once per sample's stack).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const name = (n) => {
    const f = n.callFrame;
    return f.url ? `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}` : f.functionName || '(anonymous)';
  };
  const self = new Map(), total = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (['(idle)', '(program)'].includes(leaf.callFrame.functionName)) return;
    busy += ms;
    self.set(name(leaf), (self.get(name(leaf)) || 0) + ms);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const nm = name(byId.get(at));
      if (seen.has(nm)) continue;
      seen.add(nm);
      total.set(nm, (total.get(nm) || 0) + ms);
    }
  });
  const per = (ms) => (ms / drawn).toFixed(2).padStart(7);
  const list = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`${lesson} lesson, ${JSON.stringify(changes)} alternated, 1024x1024 RGB, ${workers} workers: ${drawn} frames drawn in ${frames} rAFs; main thread busy`);
  console.log(`(samples outside idle and (program)) ${per(busy)} ms per drawn frame`);
  console.log('\nself ms/frame  function');
  for (const [nm, ms] of list(self)) console.log(`${per(ms)}  ${nm}`);
  console.log('\ntotal ms/frame  function (with what it called)');
  for (const [nm, ms] of list(total)) console.log(`${per(ms)}  ${nm}`);
} finally {
  await env.close();
}
