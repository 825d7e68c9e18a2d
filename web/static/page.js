// The page around the playground's wasm module. C++ owns the state and draws everything on the canvas;
// this file owns what only a page can do:
//   - the URL: every setting lives in the hash (#lesson=padding&s=2). The module serialises the state;
//     the page writes it to the address bar, and applies the hash when the learner edits it or goes
//     back/forward. A ?query with the same keys (?lesson=padding&embed=1) is folded into the hash at load.
//   - images: samples fetched on demand, the learner's own file (picker or drag and drop), the webcam
//     (webcam.js), PNG export;
//   - the clipboard (Copy link, Copy embed code);
//   - window.playground, the API for tutorial authors and tests, and the same API across an <iframe>
//     with postMessage (see README, "Embedding in a tutorial").
// Nothing that comes from the URL, a file or a message is ever inserted as HTML.
import { decodeUpload, rasterise, downloadPng, displayName, ImageInputError } from './image_input.js';
import { notice, hideNotice, linkTo, embedCode, copyToClipboard } from './share.js';
import { ComputePool, heldResults } from './compute_pool.js';
import { Webcam } from './webcam.js';

const loading = document.getElementById('loading');
const loadingText = document.getElementById('loading-text');
const fatalBox = document.getElementById('fatal');
const fileInput = document.getElementById('file');
const dropZone = document.getElementById('drop');

function fatal(message) {
  loading.hidden = true;
  fatalBox.textContent = message;
  fatalBox.hidden = false;
  rejectReady(new Error(message));
}
window.convlabFatal = fatal;

function browserSupported() {
  if (typeof WebAssembly !== 'object') { fatal('ConvLab needs WebAssembly, which this browser does not offer.'); return false; }
  // The interface only: a throwaway context would cost ~0.2 s of start-up. If the real context cannot be
  // made (a blocklisted GPU), main.cpp reports it through convlabFatal.
  if (typeof WebGL2RenderingContext !== 'function') {
    fatal('ConvLab needs WebGL2, which this browser or its settings do not offer. Try an up-to-date Chrome, Firefox or Safari.');
    return false;
  }
  return true;
}

// ---- the module and the two moments tests and embedders wait for ------------------------------------
let mod = null;  // the playground module once it runs
let resolveModule, resolveReady, rejectReady;
const moduleReady = new Promise((resolve) => { resolveModule = resolve; });
const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
ready.catch(() => {});  // a failed start is shown on the page; do not also report an unhandled rejection

// ---- compute workers ----------------------------------------------------------------------------------
// The lessons' convolutions run in a pool of workers (compute_pool.js), one per core up to 8. Until the
// pool has started, or if it cannot (no module workers, a blocked script), the module computes on the
// main thread as before: window.convlabPool is only set once every worker runs.
window.convlabHeldResults = heldResults;  // the module uploads results' colours from there (conv_client.cpp)
const defaultWorkers = () => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8));
let poolChange = Promise.resolve(0);
function startWorkers(count) {
  poolChange = poolChange.then(async () => {
    if (window.convlabPool) {
      window.convlabPool.terminate();
      window.convlabPool = null;
      if (mod) mod.poolReplaced();  // computed on the main thread from now on
    }
    if (!(count > 0) || typeof Worker !== 'function') return 0;
    const pool = new ComputePool(count);
    const timeout = new Promise((resolve) => { setTimeout(() => resolve(false), 20000); });
    if (!(await Promise.race([pool.started, timeout]))) {
      console.warn(`ConvLab computes on the page: its workers did not start (${pool.failed || 'timed out'}).`);
      pool.terminate();
      return 0;
    }
    pool.onresult = () => { if (mod) mod.requestFrame(); };  // frames are drawn on demand (main.cpp)
    window.convlabPool = pool;
    if (mod) mod.poolReplaced();  // jobs queued in the old pool are asked for again
    return count;
  });
  return poolChange;
}

// ---- URL hash <-> state ------------------------------------------------------------------------------
// Hash text as ordered [key, value] pairs. Not URLSearchParams: it turns '+' into a space, and '+' is
// part of numbers like 1e+06 here.
function parsePairs(text) {
  const pairs = [];
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const decode = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
    pairs.push(eq < 0 ? [decode(part), '1'] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}
// Keeps ',', ':' and '-' readable; everything else that could end a key or a value is escaped.
const encodePart = (s) => encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
const pairsToHash = (pairs) => pairs.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join('&');

// The state as an object of URL keys (string values); keys at their default are omitted, as in the URL.
function hashToState(hash) {
  const state = Object.create(null);
  for (const [k, v] of parsePairs(hash)) state[k] = v;
  return { ...state };
}

// {s: 2, gray: true, hide: ['stride', 'kernel']} -> "s=2&gray=1&hide=stride,kernel"
function stateToHash(partial) {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new Error(`setState expects an object of URL keys, e.g. {lesson: 'padding', s: 2}; got ${partial === null ? 'null' : Array.isArray(partial) ? 'an array' : typeof partial}`);
  }
  const pairs = [];
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    let text;
    if (typeof value === 'boolean') text = value ? '1' : '0';
    else if (typeof value === 'number' || typeof value === 'string') text = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'string')) text = value.join(',');
    else throw new Error(`${key}: expected a string, number, boolean or array, got ${value === null ? 'null' : typeof value}`);
    pairs.push([key, text]);
  }
  return pairsToHash(pairs);
}

// The hash the module starts from: the URL's hash on top of its query string. The query is then
// removed from the address bar, so that the hash alone says what the page shows.
function initialHash() {
  const hash = location.hash.slice(1);
  const query = location.search.slice(1);
  if (!query) return hash;
  const merged = new Map(parsePairs(query));
  for (const [k, v] of parsePairs(hash)) merged.set(k, v);
  const text = pairsToHash([...merged]);
  try { history.replaceState(history.state, '', location.pathname + (text ? `#${text}` : '')); } catch { /* sandboxed */ }
  return text;
}

// Writing the address bar on every change would trip browsers' history rate limits while the learner
// drags a slider, so writes are spaced at least URL_INTERVAL_MS apart; the last one always lands.
const URL_INTERVAL_MS = 250;
let urlHash = location.hash.slice(1);
let urlTimer = 0, urlWrittenAt = 0;
function writeUrl(hash, now = false) {
  clearTimeout(urlTimer);
  const write = () => {
    urlWrittenAt = performance.now();
    if (hash === urlHash) return;
    urlHash = hash;
    try { history.replaceState(history.state, '', hash ? `#${hash}` : location.pathname + location.search); } catch { /* sandboxed */ }
  };
  const wait = URL_INTERVAL_MS - (performance.now() - urlWrittenAt);
  if (now || wait <= 0) write();
  else urlTimer = setTimeout(write, wait);
}

// The learner edited the hash, or went back/forward to an older one: show exactly that state.
// The event's own URL, not location: a frame that ran between the edit and this event may already have
// written the current state over the address bar (replaceState fires no event), and the edit would be lost.
window.addEventListener('hashchange', (event) => {
  if (!mod) return;
  const hash = new URL(event.newURL).hash.slice(1);
  clearTimeout(urlTimer);
  urlHash = location.hash.slice(1);  // what the address bar shows now, so the next write puts the state there
  if (hash === mod.getStateHash()) return;
  const error = mod.setStateHash(hash, false);
  if (error) {
    mod.showError(`This link could not be read, so ConvLab kept the current view. ${error}`);
    writeUrl(mod.getStateHash(), true);
  }
});

// ---- window.playground ------------------------------------------------------------------------------
const playground = new EventTarget();
Object.assign(playground, {
  // Resolves when the first frame with an image is on screen.
  ready,
  // Every key with its value, defaults included (the URL's hash lists only what differs from them).
  getState() { return mod ? JSON.parse(mod.fullState()) : hashToState(urlHash); },
  // Applies the given keys on top of the current state; throws an Error with the reason and keeps the
  // state on a bad key or value.
  setState(partial) {
    const hash = stateToHash(partial);
    if (!mod) throw new Error('ConvLab is still loading: wait for playground.ready');
    const error = mod.setStateHash(hash, true);
    if (error) throw new Error(error);
    return this.getState();
  },
  lastError() { return mod ? mod.lastError() : ''; },
  // Every key with its default value.
  defaults() { return mod ? JSON.parse(mod.defaultState()) : {}; },
  // The lessons in menu order: [{id, title, controls}], controls being the ids hide= accepts.
  lessons() { return mod ? JSON.parse(mod.lessons()) : []; },
  readout() { return mod ? JSON.parse(mod.readout()) : {}; },
  // The picture the lessons work on: {name, width, height, painted (pixels), webcam ('off', 'starting',
  // 'live' or 'frozen')}.
  imageInfo() { return mod ? JSON.parse(mod.imageInfo()) : { name: '', width: 0, height: 0, painted: 0, webcam: 'off' }; },
  // The input's values (0 to 1) at pixel (x, y): [r, g, b], or [grey]; [] outside the image.
  inputPixel(x, y) {
    if (!Number.isInteger(x) || !Number.isInteger(y)) throw new Error(`inputPixel expects whole numbers, got ${x}, ${y}`);
    return mod ? JSON.parse(mod.inputPixel(x, y)) : [];
  },
  // Paint mode and the brush: paint({on: true, size: 8, colour: [255, 0, 0], gray: 255, erase: false}),
  // any subset; paint() alone reads them. Throws an Error naming a bad option and changes nothing.
  paint(options = {}) {
    if (!mod) throw new Error('ConvLab is still loading: wait for playground.ready');
    checkPaintOptions(options);
    const error = mod.setPaint(options);
    if (error) throw new Error(error);
    return mod.paintSettings();
  },
  // Removes all the paint: back to the original image.
  clearPaint() { mod?.clearPaint(); },
  // The webcam as the input: 'start', 'freeze' (keep a still, camera off) or 'stop'.
  webcam(action) {
    if (!['start', 'freeze', 'stop'].includes(action)) throw new Error(`webcam expects 'start', 'freeze' or 'stop', got ${displayName(String(action))}`);
    window.convlabWebcam(action);
  },
  // The current lesson's main output as last shown: {c, h, w, data: Float32Array (CHW)}, or null.
  output() {
    const o = mod ? mod.lessonOutput() : null;
    return o ? { c: o.c, h: o.h, w: o.w, data: o.data.slice() } : null;
  },
  // How many compute workers run the convolutions (0: the page's main thread).
  workers() { return window.convlabPool ? window.convlabPool.size() : 0; },
  // Restarts the pool with n workers (0: compute on the main thread); resolves to the number running.
  setWorkers(n) {
    const count = Number(n);
    if (!Number.isInteger(count) || count < 0 || count > 64) throw new Error(`workers must be an integer in 0..64, got ${n}`);
    return startWorkers(count);
  },
  onstatechange: null,
});
window.playground = playground;

function checkPaintOptions(o) {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('paint expects an object, e.g. {on: true, size: 8}');
  const known = ['on', 'size', 'colour', 'gray', 'erase'];
  for (const [key, value] of Object.entries(o)) {
    if (!known.includes(key)) throw new Error(`paint: ${displayName(key)} is not an option (${known.join(', ')})`);
    if (value === undefined) continue;
    if ((key === 'on' || key === 'erase') && typeof value !== 'boolean') throw new Error(`paint: ${key} must be true or false`);
    if ((key === 'size' || key === 'gray') && (typeof value !== 'number' || !Number.isFinite(value))) throw new Error(`paint: ${key} must be a number`);
    if (key === 'colour' && !(Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number'))) {
      throw new Error('paint: colour must be [r, g, b], three numbers from 0 to 255');
    }
  }
}

const embedded = window.parent !== window;
const lessonTitle = (id) => (id ? `${id.replace(/-/g, ' ')} lesson` : 'kernel lesson');

// The module calls this whenever the state's hash changes (from inside a frame: listeners run after it).
window.convlabStateChanged = (hash) => {
  writeUrl(hash);
  queueMicrotask(() => {
    const state = playground.getState();  // every key, as getState() gives it
    document.documentElement.classList.toggle('embed', state.embed === '1');
    if (state.autoheight !== '1' || state.embed !== '1') contentHeight = 0;  // the wheel is the playground's again
    const event = new CustomEvent('convlab:statechange', { detail: { state } });
    window.dispatchEvent(event);
    playground.dispatchEvent(new CustomEvent('statechange', { detail: { state } }));
    if (typeof playground.onstatechange === 'function') playground.onstatechange(event);
    if (embedded) window.parent.postMessage({ type: 'convlab:state', state }, '*');
  });
};

// An auto-height embed (autoheight=1) asks its parent for the height its content needs at the frame's
// width (lesson_shell.cpp); the <conv-lab> element (conv-lab.js) sizes the frame to it. Only the parent hears it.
// While the frame is that tall, it has nothing to scroll: the wheel over it scrolls the tutorial around it
// (it never reaches SDL; Ctrl + wheel, which is also a touchpad's pinch, zooms a picture as before), and
// so does a swipe: once touch_input.cpp finds that it scrolls nothing here, the parent is told where the
// finger is, {type: 'convlab:scroll', y} (in this frame; dy: how far it moved before that), and scrolls.
let contentHeight = 0;
const frameFitsContent = () => embedded && contentHeight > 0 && contentHeight <= window.innerHeight + 1;
window.convlabContentHeight = (height) => {
  contentHeight = height;
  if (embedded) window.parent.postMessage({ type: 'convlab:height', height }, '*');
};
window.addEventListener('wheel', (event) => {
  if (frameFitsContent() && !event.ctrlKey) event.stopImmediatePropagation();
}, { capture: true });
// Positions, not movements, after the first message: as the parent scrolls, the frame moves under the
// finger, so only the parent can tell how far the finger really moved.
let handingSwipe = false;
let swipeY = 0;
window.convlabOverscroll = (dy) => {
  if (handingSwipe || !frameFitsContent()) return;
  handingSwipe = true;
  window.parent.postMessage({ type: 'convlab:scroll', y: swipeY, dy }, '*');
};
window.addEventListener('touchstart', (event) => {
  handingSwipe = false;
  swipeY = event.touches[0]?.clientY ?? 0;
}, { capture: true, passive: true });
window.addEventListener('touchmove', (event) => {
  if (event.touches.length !== 1) { handingSwipe = false; return; }
  swipeY = event.touches[0].clientY;
  if (handingSwipe) window.parent.postMessage({ type: 'convlab:scroll', y: swipeY }, '*');
}, { capture: true, passive: true });

// ---- the same API across an <iframe> ----------------------------------------------------------------
// Messages are accepted only from the window that embeds this one (window.parent); anything else, and
// anything without a known type, is ignored. Replies go back to the sender's origin. The state is what
// the iframe's own URL already shows, so broadcasts of it go to any origin.
window.addEventListener('message', async (event) => {
  if (!embedded || event.source !== window.parent) return;
  const data = event.data;
  if (data === null || typeof data !== 'object' || typeof data.type !== 'string' || !data.type.startsWith('convlab:')) return;
  // A request's id (a number or string), if it has one, comes back with the reply.
  const id = typeof data.id === 'number' || typeof data.id === 'string' ? { id: data.id } : {};
  const reply = (message) => event.source.postMessage({ ...message, ...id }, event.origin && event.origin !== 'null' ? event.origin : '*');
  await moduleReady;
  if (data.type === 'convlab:getState') {
    reply({ type: 'convlab:state', state: playground.getState() });
  } else if (data.type === 'convlab:setState') {
    try {
      reply({ type: 'convlab:state', state: playground.setState(data.state) });
    } catch (e) {
      reply({ type: 'convlab:error', message: e.message });
    }
  } else {
    reply({ type: 'convlab:error', message: `unknown message type ${displayName(data.type)}; expected convlab:setState or convlab:getState` });
  }
});

// ---- images -----------------------------------------------------------------------------------------
const SAMPLE_FILES = { chelsea: 'chelsea.png', coffee: 'coffee.png', astronaut: 'astronaut.png', camera: 'camera.png', rocket: 'rocket.jpg', brick: 'brick.png' };

// Fetch and decode of a sample: the start image's begins before the wasm module is loaded (below), and
// the module's request for it then reuses the same promise instead of waiting for a second fetch.
const decodedSamples = new Map();
function decodeSample(name) {
  let pending = decodedSamples.get(name);
  if (!pending) {
    pending = (async () => {
      const response = await fetch(`assets/images/${SAMPLE_FILES[name]}`);
      if (!response.ok) throw new Error(`The sample image ${name} could not be loaded (HTTP ${response.status}).`);
      const bitmap = await createImageBitmap(await response.blob());
      const pixels = rasterise(bitmap);
      bitmap.close();
      return pixels;
    })();
    decodedSamples.set(name, pending);
    pending.catch(() => decodedSamples.delete(name));  // a failed fetch is retried on the next request
  }
  return pending;
}

async function loadSample(name) {
  if (!SAMPLE_FILES[name]) return;
  const pending = decodeSample(name);
  decodedSamples.delete(name);  // the module keeps its images; a later request fetches anew
  const pixels = await pending;
  (await moduleReady).setImage(name, pixels.width, pixels.height, new Uint8Array(pixels.data.buffer));
}
window.convlabRequestImage = (name) => {
  loadSample(name).catch(async (e) => (await moduleReady).showError(e.message || `The sample image ${name} could not be loaded.`));
};

// The learner's own image. Only the newest of several quick uploads is used; on any failure the
// previous image and every setting stay as they were.
let uploadSerial = 0;
async function useFile(file) {
  const serial = ++uploadSerial;
  try {
    notice(`Opening "${displayName(file?.name)}"…`, 'info', 15000);
    const pixels = await decodeUpload(file);
    const m = await moduleReady;
    if (serial !== uploadSerial) return;
    m.setImage('upload', pixels.width, pixels.height, new Uint8Array(pixels.data.buffer));
    if (pixels.width !== pixels.originalWidth || pixels.height !== pixels.originalHeight) {
      notice(`Your image (${pixels.originalWidth} × ${pixels.originalHeight}) was scaled down to ${pixels.width} × ${pixels.height} pixels.`, 'info', 6000);
    } else {
      notice(`Using your image (${pixels.width} × ${pixels.height} pixels).`);
    }
  } catch (e) {
    if (serial !== uploadSerial) return;
    const message = e instanceof ImageInputError ? e.message : `"${displayName(file?.name)}" could not be opened.`;
    hideNotice();
    (await moduleReady).showError(message);  // the playground's banner, until dismissed
  }
}

window.convlabOpenFilePicker = () => fileInput.click();
fileInput.addEventListener('change', () => {
  const [file] = fileInput.files;
  fileInput.value = '';  // choosing the same file again is a change too
  if (file) useFile(file);
});

// Drag and drop anywhere on the page.
let dragDepth = 0;
const carriesFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
window.addEventListener('dragenter', (e) => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  dragDepth += 1;
  dropZone.hidden = false;
});
window.addEventListener('dragover', (e) => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) dropZone.hidden = true;
});
window.addEventListener('drop', (e) => {
  e.preventDefault();  // never let the browser navigate to the dropped file
  dragDepth = 0;
  dropZone.hidden = true;
  const files = Array.from(e.dataTransfer?.files ?? []);
  if (files.length === 0) return;
  if (files.length > 1) notice('Several files were dropped; using the first.', 'info');
  useFile(files[0]);
});

// The webcam: started from the image list (or playground.webcam), stopped when another image is chosen
// (the module calls convlabWebcam('stop')), frozen when the page is hidden, released when it is closed.
const webcam = new Webcam({
  onFrame: (width, height, bytes) => mod?.setImage('webcam', width, height, bytes),
  onStatus: (status) => { if (status === 'live') hideNotice(); mod?.setWebcamStatus(status); },
  onError: (message) => { hideNotice(); mod?.showError(message); },
});
window.convlabWebcam = (action) => {
  if (action === 'start') {
    if (!webcam.live) notice('Asking for your camera…', 'info', 4000);
    webcam.start();
  } else if (action === 'freeze') {
    webcam.freeze();
  } else if (action === 'stop') {
    webcam.stop();
  }
};
document.addEventListener('visibilitychange', () => { if (document.hidden && webcam.live) webcam.freeze(); });
window.addEventListener('pagehide', () => { if (webcam.live) webcam.stop(); });

window.convlabDownloadPng = (filename, width, height, rgba) => {
  downloadPng(filename, width, height, rgba)
    .then((name) => notice(`Saved ${name}`))
    .catch((e) => mod?.showError(e.message));
};

// ---- sharing ----------------------------------------------------------------------------------------
window.convlabCopyText = (text) => copyToClipboard(String(text), 'Text');
window.convlabCopyLink = () => copyToClipboard(linkTo(mod.getStateHash()), 'Link');
window.convlabCopyEmbed = () => {
  const hash = mod.getStateHash();
  copyToClipboard(embedCode(hash, lessonTitle(hashToState(hash).lesson)), 'Embed code');
};

// ---- start ------------------------------------------------------------------------------------------
window.convlabFirstFrame = () => {
  loading.hidden = true;
  document.body.dataset.ready = '1';
  resolveReady();
  if (embedded) window.parent.postMessage({ type: 'convlab:ready', state: playground.getState(), defaults: playground.defaults() }, '*');
};

if (browserSupported()) {
  const slow = setTimeout(() => { loadingText.textContent = 'Still loading ConvLab… (a slow connection or computer)'; }, 15000);
  ready.then(() => clearTimeout(slow), () => clearTimeout(slow));
  const startHash = initialHash();
  urlHash = startHash;
  const startImage = hashToState(startHash).img ?? 'chelsea';
  if (SAMPLE_FILES[startImage]) decodeSample(startImage).catch(() => {});  // reported when the module asks for it
  startWorkers(defaultWorkers());  // alongside the module's download: the first frame does not wait for it
  import('./playground.js')
    .then(({ default: createPlayground }) => createPlayground({
      canvas: document.getElementById('canvas'),
      print: (text) => console.log(text),
      printErr: (text) => console.warn(text),
      arguments: [startHash],
    }))
    .then((m) => { mod = m; resolveModule(m); },
      (e) => fatal(`ConvLab could not start: ${e && e.message ? e.message : e}`));
}
