// One compute worker: its own instance of convlab_worker.wasm (web/worker/compute_worker.cpp) with its
// own copy of the page's image. Messages from the pool (compute_pool.js), handled one at a time in order.
// The pool sends them all to worker 0, the leader, which passes them on to the others through the ports
// between the workers (forward: [{band, rows, spare}], each worker's part), so each worker gets them in order:
//   {type: 'input', c, h, w, data}            keep this image (Float32Array, CHW)
//   {type: 'patch', rect: [x0, y0, x1, y1], data}  replace that rectangle of the image (all its channels)
//   {type: 'peers', ports: {i: MessagePort}}    the other workers of the pool, by their index (once, at start)
//   {type: 'run', id, seq, words, rows: [r0, r1], band, bands, whole}
//                                             compute output rows r0..r1 of the job (band `band` of `bands`; seq
//                                             numbers the pool's jobs), then colour them from every band's range:
//                                             the bands' ranges go from worker to worker ({seq, band, range, ms},
//                                             or {seq, band, failed}), never through the page's busy main thread.
//                                             Reply {type: 'band', id, seq, floats, rgba, info, convMs}, buffers
//                                             transferred, or {type: 'error', id, seq, message}. whole: the only band.
//   {type: 'multi-run', ...the same}          the same for a job of several outputs (web/multi_job.h): reply
//                                             {type: 'multi-band', id, seq, outputs: [ArrayBuffer], rgbas: [ArrayBuffer]
//                                             (one per show), info, convMs, scalars}, buffers transferred
// Job messages also carry spare: buffers of earlier replies, back to be filled again (a steady stream of fresh
// 16 MB buffers made the page collect garbage for longer than a frame).
import createComputeWorker from './convlab_worker.mjs';

let core = null;
let queue = createComputeWorker()
  .then((m) => { core = m; postMessage({ type: 'ready' }); })
  .catch((e) => { postMessage({ type: 'failed', message: String((e && e.message) || e) }); });

const spare = [];  // returned buffers, reused for replies of the same size
function buffer(bytes) {
  const i = spare.findIndex((b) => b.byteLength === bytes);
  return i >= 0 ? spare.splice(i, 1)[0] : new ArrayBuffer(bytes);
}
function copyOut(Type, pointer, count) {
  const out = new Type(buffer(count * Type.BYTES_PER_ELEMENT));
  out.set(new Type(core.HEAPU8.buffer, pointer, count));
  return out;
}

// Replies name the job by its slot's id and the pool's seq.
const failure = ({ id, seq }) => ({ type: 'error', id, seq, message: core.UTF8ToString(core._worker_error()) });
const outOfMemory = ({ id, seq }) => ({ type: 'error', id, seq, message: 'out of memory' });

// Copies a typed array into this module's heap for the length of fn(pointer).
function withHeapCopy(array, fn) {
  const p = core._worker_alloc(array.byteLength);
  if (!p) return null;
  try {
    new array.constructor(core.HEAPU8.buffer, p, array.length).set(array);
    return fn(p);
  } finally {
    core._worker_free(p);
  }
}

function handle(msg) {
  if (!core) return;  // the module failed to start: the pool has been told
  if (msg.forward && msg.forward.length) passOn(msg);  // first, so that the others start at once
  if (msg.spare && msg.spare.length) {  // buffers of earlier replies, back with a job message
    spare.push(...msg.spare);
    spare.splice(0, Math.max(0, spare.length - 12));  // a multi job returns up to 9 per band
  }
  if (msg.type === 'input') {
    const p = core._worker_input(msg.c, msg.h, msg.w);
    if (p) new Float32Array(core.HEAPU8.buffer, p, msg.data.length).set(msg.data);
    return;  // a failure shows at the next run ("no image yet" or the allocation's message)
  }
  if (msg.type === 'patch') {
    const p = core._worker_input_data();
    if (!p) return;
    const [x0, y0, x1, y1] = msg.rect, rw = x1 - x0, rh = y1 - y0;
    const c = core._worker_input_c(), h = core._worker_input_h(), w = core._worker_input_w();
    if (x0 < 0 || y0 < 0 || x1 > w || y1 > h || msg.data.length !== c * rh * rw) return;  // cannot happen: the pool sends what it holds
    const image = new Float32Array(core.HEAPU8.buffer, p, c * h * w);
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < rh; y++)
        image.set(msg.data.subarray((ch * rh + y) * rw, (ch * rh + y + 1) * rw), ch * h * w + (y0 + y) * w + x0);
    return;
  }
  if (msg.type === 'peers') {
    for (const [i, port] of Object.entries(msg.ports)) {
      peers.set(Number(i), port);
      port.onmessage = (e) => { queue = queue.then(() => (e.data.type ? handle(e.data) : peerRange(e.data))); };
    }
    return;
  }
  if (msg.type === 'run' || msg.type === 'multi-run') run(msg);
}

const peers = new Map();  // the pool's other workers by index: ports straight to them

// The leader (worker 0) passes a message from the pool on to the other workers: each its own band and
// spare buffers, or the same image (copied for each).
function passOn(msg) {
  const { forward, spare, ...rest } = msg;
  for (const f of forward) {
    const port = peers.get(f.band);
    if (!port) continue;
    port.postMessage({ ...rest, ...(f.rows ? { rows: f.rows, band: f.band } : {}), spare: f.spare || [] }, f.spare || []);
  }
}
let waiting = null;  // the banded job whose bands' ranges this worker still waits for
let early = [];      // ranges from peers ahead of this worker (their job's run message is still queued here)

// Phase 1: the band and its range; phase 2 once every band's range is in (at once for the only band).
function run(msg) {
  const multi = msg.type === 'multi-run';
  const t0 = performance.now();
  const rc = withHeapCopy(msg.words, (p) => (multi ? core._worker_multi_run : core._worker_run)(p, msg.words.length, msg.rows[0], msg.rows[1]));
  if (rc !== 0) {
    postMessage(rc === null ? outOfMemory(msg) : failure(msg));
    tellPeers(msg, { seq: msg.seq, band: msg.band, failed: true });  // so that they stop waiting for this band
    return;
  }
  const range = multi
    ? new Float32Array(core.HEAPU8.buffer, core._worker_multi_ranges(), core._worker_multi_shows() * 8).slice()
    : new Float32Array(core.HEAPU8.buffer, core._worker_range(), 8).slice();
  const scalars = multi ? new Float64Array(core.HEAPU8.buffer, core._worker_multi_scalars(), core._worker_multi_scalar_count()).slice() : undefined;
  const ms = performance.now() - t0;
  if (msg.whole) { colour({ id: msg.id, seq: msg.seq, multi, bands: 1, scalars }, range, ms); return; }
  waiting = { id: msg.id, seq: msg.seq, multi, bands: msg.bands, scalars, ranges: [], got: 0, ms: 0 };
  tellPeers(msg, { seq: msg.seq, band: msg.band, range, ms });
  const mine = early.filter((r) => r.seq === msg.seq);
  early = early.filter((r) => r.seq > msg.seq);
  for (const r of [{ seq: msg.seq, band: msg.band, range, ms }, ...mine]) if (waiting) takeRange(r);
}

function tellPeers(msg, what) {
  if (msg.whole) return;
  for (let i = 0; i < msg.bands; i++) if (i !== msg.band) peers.get(i).postMessage(what);
}

function peerRange(r) {
  if (waiting && r.seq === waiting.seq) takeRange(r);
  else if (!waiting || r.seq > waiting.seq) early.push(r);  // else a job given up on
}

function takeRange(r) {
  if (r.failed) { waiting = null; return; }  // the pool has the error; nothing to colour
  const job = waiting;
  job.ranges[r.band] = r.range;
  job.ms = Math.max(job.ms, r.ms);  // the slowest band's computation
  if (++job.got < job.bands) return;
  waiting = null;
  const ranges = new Float32Array(job.ranges.reduce((n, x) => n + x.length, 0));
  job.ranges.reduce((at, x) => { ranges.set(x, at); return at + x.length; }, 0);
  colour(job, ranges, job.ms);
}

function colour(job, ranges, ms) {
  if (job.multi) showMulti(job, ranges, ms);
  else show(job, ranges, ms);
}

// Phase 2: colours the band from every band's range and sends values and colours back, with the slowest
// band's convolution ms.
function show(job, ranges, convMs) {
  const rc = withHeapCopy(ranges, (p) => core._worker_display(p, ranges.length / 8));
  if (rc !== 0) { postMessage(rc === null ? outOfMemory(job) : failure(job)); return; }
  const floats = copyOut(Float32Array, core._worker_band(), core._worker_band_floats());
  const rgba = copyOut(Uint8Array, core._worker_rgba(), core._worker_rgba_bytes());
  const info = new Float32Array(core.HEAPU8.buffer, core._worker_display_info(), 5).slice();
  postMessage({ type: 'band', id: job.id, seq: job.seq, floats: floats.buffer, rgba: rgba.buffer, info, convMs },
    [floats.buffer, rgba.buffer]);
}

function showMulti(job, ranges, convMs) {
  const rc = withHeapCopy(ranges, (p) => core._worker_multi_display(p, job.bands));
  if (rc !== 0) { postMessage(rc === null ? outOfMemory(job) : failure(job)); return; }
  const outputs = [], rgbas = [];
  for (let i = 0; i < core._worker_multi_outputs(); i++)
    outputs.push(copyOut(Float32Array, core._worker_multi_output(i), core._worker_multi_output_floats(i)).buffer);
  const shows = core._worker_multi_shows();
  for (let s = 0; s < shows; s++) rgbas.push(copyOut(Uint8Array, core._worker_multi_rgba(s), core._worker_multi_rgba_bytes(s)).buffer);
  const info = new Float32Array(core.HEAPU8.buffer, core._worker_multi_info(), shows * 5).slice();
  postMessage({ type: 'multi-band', id: job.id, seq: job.seq, outputs, rgbas, info, convMs, scalars: job.scalars }, [...outputs, ...rgbas]);
}

onmessage = (e) => { queue = queue.then(() => handle(e.data)); };
