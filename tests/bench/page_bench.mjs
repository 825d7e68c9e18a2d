// Browser benchmark of the playground page on a 1024x1024 RGB upload in the kernel lesson:
//   - first frame: page load to the first frame with an image (localhost; includes the wasm compile);
//   - idle: the rAF interval with nothing happening, and how many of those frames the page drew or skipped
//     (it draws on demand, so an idle page should skip them all);
//   - redraw: a setState that changes nothing on every frame, so every frame is drawn but none recomputes;
//   - recompute: a kernel change on every frame (3x3, 5x5, 7x7), so every frame recomputes and draws;
//   - the other lessons with an image: a setting of theirs alternated on every frame (which one: LESSONS).
// For each it prints the frame interval (what the learner gets) next to the main thread's own busy time
// per drawn frame, split into app (ImGui + App::frame, which includes the core's convolution) and gl
// (issuing the GL calls), from window.convlabFrameStats(); core is the kernel lesson's compute_ms. An
// interval much longer than busy is time spent waiting for the GPU: here headless Chromium draws WebGL2
// with SwiftShader on the CPU (2 cores shared with the main thread), which a real GPU would not cost.
//   - the compute pool: the kernel lesson's recompute and its change-to-result latency with 0 workers (the
//     main thread computes), 1, 2 and one per core, and the speed-up over one worker.
// Prints a table; asserts nothing (speed is never asserted in tests). Run after a wasm build:
//   node tests/bench/page_bench.mjs              (CONVLAB_SITE=build/site-x for another build folder)
//   LESSONS=pointwise,separable node tests/bench/page_bench.mjs   only those lessons' rows, each measured
//                                                with 0 workers (the main thread computes) and with the pool
import { openWithBigImage } from './bench_page.mjs';

const FRAMES = Number(process.env.FRAMES || 30);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (x, w = 7) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a').padStart(w);

const { env, page, firstFrameMs } = await openWithBigImage('lesson=kernel', { keepInput: true });
try {
  // Runs n rAFs; before each, change(i) (if any). Returns the frame intervals, the compute_ms readouts and
  // the frame statistics' difference over the run (null where the build does not publish them).
  const run = (what, k, change) => page.evaluate(async ({ what, k, n, change }) => {
    const stats = () => (window.convlabFrameStats ? window.convlabFrameStats() : null);
    const rAF = () => new Promise((r) => requestAnimationFrame(r));
    await rAF();
    const before = stats();
    const poolMs = () => (window.convlabPool ? window.convlabPool.mainMs : 0);
    const pool0 = poolMs();
    const version = () => Number(window.playground.readout().version);  // counts results shown
    const v0 = version();
    const frame = [], core = [];
    let last = performance.now();
    for (let i = 0; i < n; i++) {
      if (what === 'redraw') window.playground.setState({});
      // Alternate two kernels of the same size so every frame recomputes.
      if (what === 'recompute') window.playground.setState({ kp: i % 2 ? 'gaussian' : 'mean', k });
      if (what === 'lesson') window.playground.setState(change[i % 2]);
      await rAF();
      const now = performance.now();
      frame.push(now - last);
      last = now;
      core.push(Number(window.playground.readout().compute_ms));
    }
    const after = stats();
    const delta = before && after ? Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - before[key]])) : null;
    return { frame, core, delta, landed: version() - v0, poolMs: poolMs() - pool0 };
  }, { what, k, n: FRAMES, change });

  const rows = [];
  const add = (label, r, withCore) => {
    const d = r.delta;
    const per = (key) => (d && d.drawn > 0 ? d[key] / d.drawn : NaN);
    rows.push({
      label, frame: median(r.frame), drawn: d ? d.drawn : NaN, skipped: d ? d.skipped : NaN,
      busy: per('busyMs'), app: per('appMs'), gl: per('glMs'), copy: per('copyMs'), upload: per('uploadMs'), core: withCore ? median(r.core.filter(Number.isFinite)) : NaN,
    });
  };
  const only = process.env.LESSONS ? process.env.LESSONS.split(',') : null;
  if (!only) {
    add('idle', await run('idle'), false);
    add('redraw, no recompute', await run('redraw'), false);
    for (const k of [3, 5, 7]) add(`recompute ${k}x${k}`, await run('recompute', k), true);
  }
  // The other lessons on the same image: two settings alternated so that every frame recomputes.
  const LESSONS = [
    ['padding', [{ pad: 'zeros' }, { pad: 'reflect' }]],
    ['stride', [{ s: 1 }, { s: 2 }]],
    ['pooling', [{ pk: 2 }, { pk: 3 }]],
    ['dilation', [{ d: 1 }, { d: 2 }]],
    ['depthwise', [{ kp: 'mean', k: 3 }, { kp: 'gaussian', k: 3 }]],
    ['pointwise', [{ mix: 'gray' }, { mix: 'features' }]],
    ['separable', [{ kp: 'mean', k: 5 }, { kp: 'gaussian', k: 5 }]],
    ['depthwise-separable', [{ seed: 1 }, { seed: 2 }]],
  ];
  const defaultWorkers = await page.evaluate(() => window.playground.workers());
  const lessonCdp = await page.context().newCDPSession(page);
  await lessonCdp.send('Performance.enable');
  const lessonTasks = async () => (await lessonCdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  for (const [lesson, change] of LESSONS.filter(([l]) => !only || only.includes(l))) {
    for (const workers of only ? [0, defaultWorkers] : [null]) {
      if (workers !== null) await page.evaluate((n) => window.playground.setWorkers(n), workers);
      await page.evaluate((l) => window.playground.setState({ lesson: l, kp: 'mean', k: 3 }), lesson);
      await page.waitForTimeout(1500);
      const before = await lessonTasks();
      const r = await run('lesson', 0, change);
      const tasks = (await lessonTasks()) - before;
      add(workers === null ? lesson : `${lesson}, ${workers} workers`, r, false);
      rows[rows.length - 1].tasks = r.delta && r.delta.drawn > 0 ? (tasks * 1000) / r.delta.drawn : NaN;
    }
  }
  if (only) {
    console.log(`${FRAMES} rAFs per row, a setting changed before each; frame = median rAF interval; busy/app/gl = the`);
    console.log('frame callback\'s main-thread ms per drawn frame (mean); all tasks: everything the main thread ran per drawn');
    console.log('frame (Chromium\'s TaskDuration: also the workers\' messages and garbage collection); copy: of busy, the results\'');
    console.log('values copied into the module\'s heap; upload: of busy, the textures uploaded');
    console.log('case                          frame ms    fps  drawn/skipped   busy ms   app ms    gl ms  copy ms  upload ms  all tasks ms');
    for (const r of rows) {
      const counts = Number.isFinite(r.drawn) ? `${r.drawn}/${r.skipped}` : 'n/a';
      console.log(`${r.label.padEnd(29)} ${fmt(r.frame, 9)} ${(1000 / r.frame).toFixed(0).padStart(6)}  ${counts.padStart(13)} ${fmt(r.busy, 9)} ${fmt(r.app, 8)} ${fmt(r.gl, 8)} ${fmt(r.copy, 8)} ${fmt(r.upload, 10)} ${fmt(r.tasks, 13)}`);
    }
  }

  if (!only) {
    // The compute pool (issue 15): the kernel lesson again with 0 workers (the main thread computes), 1, 2 and
    // one per core. For each: the main thread's busy ms per drawn frame while a kernel change comes on every
    // frame, and the change-to-result latency (setState to the first frame showing that setting's output).
    await page.evaluate(() => window.playground.setState({ lesson: 'kernel', kp: 'mean', k: 3 }));
    const cores = await page.evaluate(() => navigator.hardwareConcurrency || 2);
    // Everything the page's main thread ran (tasks of any kind: the frames, the workers' messages, garbage
    // collection, the benchmark's own setState), in seconds since the page started: Chromium's TaskDuration.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const poolRows = [];
    for (const workers of [...new Set([0, 1, 2, Math.min(cores, 8)])]) {
      const running = await page.evaluate((n) => window.playground.setWorkers(n), workers);
      await page.waitForTimeout(500);
      await run('recompute', 5);  // warm-up after the pool's change (not measured)
      for (const k of [3, 5, 7]) {
        const tasksBefore = await taskSeconds();
        const r = await run('recompute', k);
        const tasks = (await taskSeconds()) - tasksBefore;
        const d = r.delta;
        const latency = await page.evaluate(async ({ k, n }) => {
          const rAF = () => new Promise((resolve) => requestAnimationFrame(resolve));
          const out = [];
          for (let i = 0; i < n; i++) {
            await rAF();
            const before = window.playground.readout().version;
            const t0 = performance.now();
            window.playground.setState({ kp: i % 2 ? 'gaussian' : 'mean', k });
            for (;;) {
              await rAF();
              const now = window.playground.readout();
              if (now.version !== before && Number(now.busy) === 0) break;
            }
            out.push(performance.now() - t0);
          }
          return out;
        }, { k, n: 12 });
        poolRows.push({ workers: running, k, latency: median(latency), frame: median(r.frame),
          busy: d && d.drawn > 0 ? d.busyMs / d.drawn : NaN, tasks: d && d.drawn > 0 ? (tasks * 1000) / d.drawn : NaN, copy: d && d.drawn > 0 ? d.copyMs / d.drawn : NaN,
          upload: d && d.drawn > 0 ? d.uploadMs / d.drawn : NaN, pool: d && d.drawn > 0 ? r.poolMs / d.drawn : NaN, landed: d && d.drawn > 0 ? r.landed / d.drawn : NaN,
          core: median(r.core.filter(Number.isFinite)) });
      }
    }

    // The pool alone: the kernel lesson's 3x3, 5x5 and 7x7 jobs (as the page encoded them) submitted straight
    // to fresh pools of 1, 2 and one worker per core, while the page draws nothing (so SwiftShader takes no
    // core): median ms from submit to the finished result (both phases, the transfers) of 7 runs after one
    // warm-up. This is the pool's own speed-up per worker, apart from the page's drawing.
    const jobs = [];
    for (const k of [3, 5, 7]) {
      jobs.push(await page.evaluate(async (k) => {
        await window.playground.setWorkers(1);
        const pool = window.convlabPool, submit = pool.submit.bind(pool);
        let job = null;
        pool.submit = (slot, id, words, shape) => { job = { k, words: Array.from(words), shape }; submit(slot, id, words, shape); };
        window.playground.setState({ kp: 'mean', k: 1 });
        await new Promise((r) => setTimeout(r, 300));
        job = null;  // not that one
        window.playground.setState({ kp: 'gaussian', k });
        while (!job) await new Promise((r) => setTimeout(r, 20));
        pool.submit = submit;
        return job;
      }, k));
    }
    await page.waitForTimeout(1000);  // the page idle: no frames drawn
    const aloneRows = await page.evaluate(async ({ jobs, counts }) => {
      const { ComputePool } = await import('./compute_pool.js');
      const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
      const { data, c, h, w } = window.benchInput;
      const rows = [];
      for (const n of counts) {
        const pool = new ComputePool(n);
        await pool.started;
        pool.setInput(1, data, c, h, w);
        for (const job of jobs) {
          const times = [], mains = [];
          for (let i = 0; i < 8; i++) {
            const t0 = performance.now(), main0 = pool.mainMs;
            await new Promise((resolve) => { pool.onresult = resolve; pool.submit(1, i + 1, new Int32Array(job.words), job.shape); });
            if (i > 0) times.push(performance.now() - t0), mains.push(pool.mainMs - main0);
            pool.recycle(pool.take(1));
          }
          rows.push({ workers: n, k: job.k, ms: median(times), main: median(mains) });
        }
        pool.terminate();
      }
      return rows;
    }, { jobs, counts: [...new Set([1, 2, Math.min(cores, 8)])] });

    console.log(`first frame: ${firstFrameMs} ms (localhost, includes wasm compile and the first image)`);
    console.log(`${FRAMES} rAFs per row; frame = median rAF interval; busy/app/gl = main thread ms per drawn frame (mean)`);
    console.log('case                     frame ms    fps  drawn/skipped   busy ms   app ms    gl ms   core ms');
    for (const r of rows) {
      const counts = Number.isFinite(r.drawn) ? `${r.drawn}/${r.skipped}` : 'n/a';
      console.log(`${r.label.padEnd(22)} ${fmt(r.frame, 9)} ${(1000 / r.frame).toFixed(0).padStart(6)}  ${counts.padStart(13)} ${fmt(r.busy, 9)} ${fmt(r.app, 8)} ${fmt(r.gl, 8)} ${fmt(r.core, 9)}`);
    }
    console.log('\ncompute pool, kernel lesson, 1024x1024 RGB (latency: setState to the frame showing its output, median of 12;');
    console.log('busy: the page\'s frame callback, ms per drawn frame while the kernel changes every frame, of which copy: the');
    console.log('results\' values copied into the module\'s heap (only when read: none here), upload: textures uploaded');
    console.log('(texSubImage2D), pool: the pool\'s own submits and reply handling (most of it posting to the workers);');
    console.log('all tasks: everything the main thread ran, per drawn frame; results: new outputs shown per drawn frame');
    console.log('(Chromium\'s TaskDuration: also the workers\' messages, garbage collection and the benchmark\'s setState);');
    console.log('speed-up: 1 worker\'s latency / this)');
    console.log('workers  kernel  latency ms  speed-up  busy ms  copy ms  upload ms  pool ms  all tasks ms  results  frame ms  conv ms');
    for (const r of poolRows) {
      const one = poolRows.find((o) => o.workers === 1 && o.k === r.k);
      const speedup = r.workers > 0 && one ? (one.latency / r.latency).toFixed(2) : '-';
      console.log(`${String(r.workers).padStart(7)}  ${`${r.k}x${r.k}`.padStart(6)} ${fmt(r.latency, 11)} ${speedup.padStart(9)} ${fmt(r.busy, 8)} ${fmt(r.copy, 8)} ${fmt(r.upload, 10)} ${fmt(r.pool, 8)} ${fmt(r.tasks, 13)} ${Number.isFinite(r.landed) ? r.landed.toFixed(2).padStart(8) : '     n/a'} ${fmt(r.frame, 9)} ${fmt(r.core, 8)}`);
    }
    console.log('\nthe pool alone, page idle: kernel lesson jobs on 1024x1024 RGB, submit to result (median of 7)');
    console.log('(page thread: its ms in the pool\'s submit and reply handling per job: posting the job, taking the bands)');
    console.log('workers  kernel  ms      speed-up over 1 worker  page thread ms');
    for (const r of aloneRows) {
      const one = aloneRows.find((o) => o.workers === 1 && o.k === r.k);
      console.log(`${String(r.workers).padStart(7)}  ${`${r.k}x${r.k}`.padStart(6)} ${fmt(r.ms, 6)}  ${(one.ms / r.ms).toFixed(2).padStart(8)}  ${fmt(r.main, 22)}`);
    }
  }
  if (page.problems.length) console.log('page problems:', page.problems);
} finally {
  await env.close();
}
