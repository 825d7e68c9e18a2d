// The page's compute pool: Web Workers, each with its own wasm instance (compute_worker.js), that run
// the lessons' convolutions off the main thread so the page keeps drawing while a slider moves.
// SharedArrayBuffer threads would need cross-origin isolation, which a tutorial's iframe seldom has;
// plain workers work everywhere.
//
// - The image goes to each worker once per image (setInput), and after painting only the painted rectangle
//   (patchInput); a job carries only its parameters, as int32 words the wasm side encodes and decodes
//   (web/image_job.h, web/multi_job.h for a job of several outputs): this file never interprets them.
// - A job is split into one band of output rows per worker. Phase 1: each worker computes its band and
//   its range; phase 2: each colours its band from all the ranges (colours scale with the whole output's
//   range). The page posts each job to one worker, which passes the others their bands through ports
//   between the workers, and the workers send each other their ranges the same way: the page's main thread
//   posts one message per job (posting to a sleeping worker costs the poster 0.1-20 ms on a busy machine)
//   and gets one back per band. A job of one band does both phases at once. Bands come back as
//   transferred buffers, and stay there (heldResults): C++ uploads the RGBA to its texture straight from
//   them and copies the values into its heap only when something reads them (web/conv_client.cpp).
// - Coalescing: one job runs at a time; a newer submit from the same slot (a lesson's model) replaces the
//   one queued behind it, so while a slider moves only the newest setting is computed next.

// Taken results whose RGBA the page still shows or whose values it has not read yet: it uploads the RGBA
// to textures straight from the bands (web/conv_client.cpp's PooledRgba), copies the values into its heap
// when something reads them (LazyTensor), and releases each when done with it, which gives those buffers
// back to the workers that made them. One table for the page, since a result outlives a replaced pool.
export const heldResults = {
  entries: new Map(),  // handle -> { result, pool, which: 'rgba' or 'floats' }
  last: 0,
  hold(result, pool, which) {
    this.entries.set(++this.last, { result, pool, which });
    return this.last;
  },
  get(handle) { const e = this.entries.get(handle); return e && e.result; },
  release(handle) {
    const e = this.entries.get(handle);
    if (!e) return;
    this.entries.delete(handle);
    e.pool.recycle(e.result, e.which);  // nothing is sent once that pool is terminated
  },
};

export class ComputePool {
  // count workers; `started` resolves true once all have started their wasm, false if any failed.
  constructor(count, workerUrl = new URL('./compute_worker.js', import.meta.url)) {
    this.workers = [];
    this.spare = [];  // per worker: buffers of taken results, to send back with its next job message
    this.slots = new Map();  // slot -> { queued, done }
    this.running = null;
    this.jobsRun = 0;  // jobs started (tests check that coalescing skipped some)
    this.imagesSent = 0;  // whole images sent, and painted rectangles (tests check that painting sends rectangles)
    this.patchesSent = 0;
    this.generation = -1;
    // Milliseconds the page's thread spent in the pool's submits and in its workers' replies: what a build with
    // threads sharing its memory could save at most (page_bench.mjs reports it per frame).
    this.mainMs = 0;
    this.failed = null;
    this.onresult = null;  // called when a job finishes (the page draws a frame to show it)
    const started = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerUrl, { type: 'module' });
      started.push(new Promise((resolve) => {
        worker.onmessage = (e) => {
          if (e.data.type === 'ready') resolve(true);
          else if (e.data.type === 'failed') { this.failed = e.data.message; resolve(false); }
          else this.#timed(() => this.#reply(i, e.data));
        };
        worker.onerror = (e) => { this.failed = e.message || 'a compute worker could not start'; resolve(false); this.#abort(); };
      }));
      this.workers.push(worker);
    }
    // A port between every two workers: the leader's messages to the others, the bands' ranges (compute_worker.js).
    const ports = this.workers.map(() => ({}));
    for (let i = 0; i < count; i++)
      for (let j = i + 1; j < count; j++) {
        const channel = new MessageChannel();
        ports[i][j] = channel.port1;
        ports[j][i] = channel.port2;
      }
    this.workers.forEach((worker, i) => worker.postMessage({ type: 'peers', ports: ports[i] }, Object.values(ports[i])));
    this.started = Promise.all(started).then((ok) => ok.every(Boolean));
  }

  size() { return this.failed ? 0 : this.workers.length; }
  terminate() { for (const w of this.workers) w.terminate(); this.workers = []; }

  setInput(generation, data, c, h, w) {
    this.generation = generation;
    this.imagesSent++;
    this.#toLeader({ type: 'input', c, h, w, data }, 'all');  // the leader copies it on to the others
  }

  // The image painted: `data` holds the channels of rect [x0, y0, x1, y1] of the image the workers hold.
  patchInput(generation, data, rect) {
    this.generation = generation;
    this.patchesSent++;
    this.#toLeader({ type: 'patch', rect, data }, 'all');
  }

  submit(slot, id, words, shape) {
    const s = this.#slot(slot);
    s.queued = { slot, id, words, shape };
    this.#timed(() => this.#pump());
  }

  // A job of several outputs (web/multi_job.h): shapes holds each output's C, H, W; showOutputs the
  // output each show colours. Split into row bands when `banded`, else computed whole by one worker.
  submitMulti(slot, id, words, shapes, showOutputs, banded) {
    const s = this.#slot(slot);
    const outputs = [];
    for (let i = 0; i + 2 < shapes.length; i += 3) outputs.push([shapes[i], shapes[i + 1], shapes[i + 2]]);
    s.queued = { slot, id, words, shape: outputs[0] || [0, 1, 1], multi: { shapes: outputs, showOutputs: [...showOutputs], banded } };
    this.#timed(() => this.#pump());
  }

  #timed(fn) {
    const t0 = performance.now();
    try { fn(); } finally { this.mainMs += performance.now() - t0; }
  }

  // The id of slot's finished job waiting to be taken, or 0.
  ready(slot) { const s = this.slots.get(slot); return s && s.done ? s.done.id : 0; }
  take(slot) {
    const s = this.slots.get(slot);
    const done = s.done;
    s.done = null;
    return done;
  }
  // Gives a taken result's buffers back to the workers that made them, to fill again: 'floats', 'rgba' or
  // (by default) both. They go with each worker's next job message: a message of their own would wake a
  // sleeping worker, which on a busy machine costs the page milliseconds (measured: 0.1 to 20 ms a post).
  recycle(result, which = 'both') {
    if (!result || !result.bands) return;
    result.bands.forEach((band, i) => {
      const floats = which !== 'rgba' ? [band.floats, ...(band.outputs || [])] : [];
      const rgba = which !== 'floats' ? [band.rgba, ...(band.rgbas || [])] : [];
      const buffers = [...floats, ...rgba].filter((b) => b && b.byteLength > 0);
      if (!buffers.length || !this.workers[i]) return;
      this.spare[i] = [...(this.spare[i] || []), ...buffers].slice(-12);  // what a worker keeps (compute_worker.js)
    });
  }

  // Every message goes to worker 0, the leader, which passes it on to the others through their ports
  // (compute_worker.js): the page's busy main thread wakes one worker per job, not one per band, and each
  // worker gets its messages in the order they were sent, through one port. forward: 'all' (the same
  // message for every worker), or per other band {band, rows}. Each worker's spare buffers go along.
  #toLeader(msg, forward = []) {
    const spareOf = (i) => { const s = this.spare[i] || []; this.spare[i] = []; return s; };
    const spare = spareOf(0), transfer = [...spare];
    const others = forward === 'all' ? this.workers.slice(1).map((_, i) => ({ band: i + 1 })) : forward;
    for (const f of others) {
      f.spare = spareOf(f.band);
      transfer.push(...f.spare);
    }
    this.workers[0].postMessage({ ...msg, spare, forward: others }, transfer);
  }

  // Keeps a taken result for its RGBA or its values ('rgba' or 'floats': see heldResults); returns its handle.
  hold(result, which) { return heldResults.hold(result, this, which); }
  // The same for show s of a taken multi result: held apart, since each view lets go of its own.
  holdShow(result, s) {
    const shape = result.shapes[result.showOutputs[s]];
    return heldResults.hold({ shape, bands: result.bands.map((b) => ({ rows: b.rows, rgba: b.rgbas[s] })) }, this, 'rgba');
  }

  #slot(slot) {
    if (!this.slots.has(slot)) this.slots.set(slot, { queued: null, done: null });
    return this.slots.get(slot);
  }

  #pump() {
    if (this.running || this.failed) return;
    const next = [...this.slots.values()].find((s) => s.queued);
    if (!next) return;
    const job = next.queued;
    next.queued = null;
    const [, oh] = job.shape;
    const n = job.multi && !job.multi.banded ? 1 : Math.min(this.workers.length, oh);
    job.bands = [];
    for (let i = 0; i < n; i++) job.bands.push({ rows: [Math.floor((oh * i) / n), Math.floor((oh * (i + 1)) / n)] });
    job.waiting = n;
    job.ms = 0;
    this.running = job;
    job.seq = ++this.jobsRun;
    const type = job.multi ? 'multi-run' : 'run';
    const forward = job.bands.slice(1).map((band, i) => ({ band: i + 1, rows: band.rows }));
    this.#toLeader({ type, id: job.id, seq: job.seq, words: job.words, rows: job.bands[0].rows, band: 0, bands: n, whole: n === 1 }, forward);
  }

  #reply(worker, msg) {
    const job = this.running;
    if (!job || msg.seq !== job.seq || !job.bands[worker]) return;  // a reply of a job already given up
    const band = job.bands[worker];
    if (msg.type === 'error') { this.#finish({ id: job.id, error: msg.message }); return; }
    if (msg.type === 'multi-band') {
      if (msg.scalars) band.scalars = msg.scalars;
      Object.assign(band, { outputs: msg.outputs, rgbas: msg.rgbas });
    } else {
      Object.assign(band, { floats: msg.floats, rgba: msg.rgba });
    }
    job.ms = Math.max(job.ms, msg.convMs);  // every band's: the slowest band's computation
    job.info = msg.info;  // every band's is the same: the whole output's choice and range
    if (--job.waiting > 0) return;
    if (job.multi) this.#finish({ id: job.id, ...job.multi, bands: job.bands, info: job.info, scalars: job.bands[0].scalars, ms: job.ms });
    else this.#finish({ id: job.id, shape: job.shape, bands: job.bands, info: job.info, ms: job.ms });
  }

  #finish(result) {
    const job = this.running;
    this.running = null;
    const s = this.#slot(job.slot);
    this.recycle(s.done);  // a finished job never taken: only the newest is shown
    s.done = result;
    this.#pump();
    if (this.onresult) this.onresult();
  }

  #abort() {
    if (this.running) this.#finish({ id: this.running.id, error: `the compute workers stopped: ${this.failed}` });
  }
}
