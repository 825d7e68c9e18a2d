// One compute worker: its own instance of convlab_worker.wasm (web/worker/compute_worker.cpp) with its
// own copy of the page's image. Messages from the pool (compute_pool.js), handled one at a time in order:
//   {type: 'input', c, h, w, data}            keep this image (Float32Array, CHW)
//   {type: 'patch', rect: [x0, y0, x1, y1], data}  replace that rectangle of the image (all its channels)
//   {type: 'run', id, words, rows: [r0, r1], whole}  phase 1: compute output rows r0..r1 of the job; reply
//                                             {type: 'ranged', id, range, ms} or {type: 'error', id, message};
//                                             whole (the band is the whole output): phase 2 at once, no 'ranged'
//                                             (a round trip through the page's busy main thread saved)
//   {type: 'show', id, ranges}                phase 2: colour the band from every band's range; reply
//                                             {type: 'band', id, floats, rgba, info, convMs}, buffers transferred
//   {type: 'multi-run', id, words, rows, whole}  the same phases for a job of several outputs (web/multi_job.h):
//                                             reply {type: 'multi-ranged', id, range (one per show), scalars, ms}
//   {type: 'multi-show', id, ranges, bands}   reply {type: 'multi-band', id, outputs: [ArrayBuffer], rgbas:
//                                             [ArrayBuffer] (one per show), info, convMs, scalars (when whole)},
//                                             buffers transferred
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

const failure = (id) => ({ type: 'error', id, message: core.UTF8ToString(core._worker_error()) });

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
  if (msg.type === 'run') {
    const t0 = performance.now();
    const rc = withHeapCopy(msg.words, (p) => core._worker_run(p, msg.words.length, msg.rows[0], msg.rows[1]));
    if (rc !== 0) { postMessage(rc === null ? { type: 'error', id: msg.id, message: 'out of memory' } : failure(msg.id)); return; }
    const range = new Float32Array(core.HEAPU8.buffer, core._worker_range(), 8).slice();
    if (msg.whole) { show(msg.id, range, performance.now() - t0); return; }  // the only band: its range is the whole output's
    postMessage({ type: 'ranged', id: msg.id, range, ms: performance.now() - t0 });
    return;
  }
  if (msg.type === 'multi-run' || msg.type === 'multi-show') { handleMulti(msg); return; }
  if (msg.type === 'show') show(msg.id, msg.ranges);
}

// Phase 2: colours the band from every band's range and sends values and colours back (with the
// convolution's ms when phase 1 ran in the same message).
function show(id, ranges, convMs = undefined) {
  const rc = withHeapCopy(ranges, (p) => core._worker_display(p, ranges.length / 8));
  if (rc !== 0) { postMessage(rc === null ? { type: 'error', id, message: 'out of memory' } : failure(id)); return; }
  const floats = copyOut(Float32Array, core._worker_band(), core._worker_band_floats());
  const rgba = copyOut(Uint8Array, core._worker_rgba(), core._worker_rgba_bytes());
  const info = new Float32Array(core.HEAPU8.buffer, core._worker_display_info(), 5).slice();
  postMessage({ type: 'band', id, floats: floats.buffer, rgba: rgba.buffer, info, convMs },
    [floats.buffer, rgba.buffer]);
}

function handleMulti(msg) {
  if (msg.type === 'multi-run') {
    const t0 = performance.now();
    const rc = withHeapCopy(msg.words, (p) => core._worker_multi_run(p, msg.words.length, msg.rows[0], msg.rows[1]));
    if (rc !== 0) { postMessage(rc === null ? { type: 'error', id: msg.id, message: 'out of memory' } : failure(msg.id)); return; }
    const range = new Float32Array(core.HEAPU8.buffer, core._worker_multi_ranges(), core._worker_multi_shows() * 8).slice();
    const scalars = new Float64Array(core.HEAPU8.buffer, core._worker_multi_scalars(), core._worker_multi_scalar_count()).slice();
    if (msg.whole) { showMulti(msg.id, range, 1, performance.now() - t0, scalars); return; }  // the only band
    postMessage({ type: 'multi-ranged', id: msg.id, range, scalars, ms: performance.now() - t0 });
    return;
  }
  showMulti(msg.id, msg.ranges, msg.bands);
}

function showMulti(id, ranges, bands, convMs = undefined, scalars = undefined) {
  const rc = withHeapCopy(ranges, (p) => core._worker_multi_display(p, bands));
  if (rc !== 0) { postMessage(rc === null ? { type: 'error', id, message: 'out of memory' } : failure(id)); return; }
  const outputs = [], rgbas = [];
  for (let i = 0; i < core._worker_multi_outputs(); i++)
    outputs.push(copyOut(Float32Array, core._worker_multi_output(i), core._worker_multi_output_floats(i)).buffer);
  const shows = core._worker_multi_shows();
  for (let s = 0; s < shows; s++) rgbas.push(copyOut(Uint8Array, core._worker_multi_rgba(s), core._worker_multi_rgba_bytes(s)).buffer);
  const info = new Float32Array(core.HEAPU8.buffer, core._worker_multi_info(), shows * 5).slice();
  postMessage({ type: 'multi-band', id, outputs, rgbas, info, convMs, scalars }, [...outputs, ...rgbas]);
}

onmessage = (e) => { queue = queue.then(() => handle(e.data)); };
