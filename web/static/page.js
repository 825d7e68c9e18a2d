// The page around the playground's wasm module: checks the browser, decodes images (the browser's
// decoders, so the core never parses files), and passes pixels to the module.
import createPlayground from './playground.js';

const loading = document.getElementById('loading');
const fatalBox = document.getElementById('fatal');

function fatal(message) {
  loading.hidden = true;
  fatalBox.textContent = message; // text, never HTML
  fatalBox.hidden = false;
}
window.convlabFatal = fatal;

function browserSupported() {
  if (typeof WebAssembly !== 'object') { fatal('ConvLab needs WebAssembly, which this browser does not offer.'); return false; }
  if (!document.createElement('canvas').getContext('webgl2')) {
    fatal('ConvLab needs WebGL2, which this browser or its settings do not offer. Try an up-to-date Chrome, Firefox or Safari.');
    return false;
  }
  return true;
}

async function decodeImage(blob) {
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

let resolveModule;
const moduleReady = new Promise((resolve) => { resolveModule = resolve; });

const SAMPLE_FILES = { chelsea: 'chelsea.png', coffee: 'coffee.png', astronaut: 'astronaut.png', camera: 'camera.png', rocket: 'rocket.jpg', brick: 'brick.png' };

async function loadSample(name) {
  const file = SAMPLE_FILES[name];
  if (!file) return;
  const response = await fetch(`assets/images/${file}`);
  if (!response.ok) throw new Error(`could not load sample image ${name}: HTTP ${response.status}`);
  const pixels = await decodeImage(await response.blob());
  const mod = await moduleReady;
  mod.setImage(name, pixels.width, pixels.height, new Uint8Array(pixels.data.buffer));
}
window.convlabRequestImage = (name) => { loadSample(name).catch((e) => console.warn(e.message)); };
window.convlabFirstFrame = () => { loading.hidden = true; document.body.dataset.ready = '1'; };

if (browserSupported()) {
  createPlayground({
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    arguments: [location.hash.slice(1)],
  }).then(resolveModule, (e) => fatal(`ConvLab could not start: ${e && e.message ? e.message : e}`));
}

// Hooks the module calls (app.cpp). Minimal for now; issue 5 extends them.
window.convlabStateChanged = (hash) => { history.replaceState(null, '', `#${hash}`); };
window.convlabCopyText = (text) => navigator.clipboard?.writeText(text).catch(() => {});

// window.playground: the page's state API for tutorial authors and tests. Keys are the URL's.
const toHash = (partial) => new URLSearchParams(Object.entries(partial).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])).toString();
window.playground = {
  ready: moduleReady,
  getState() { return moduleReady.then ? Object.fromEntries(new URLSearchParams(currentModule?.getStateHash() ?? '')) : {}; },
  setState(partial) {
    const error = currentModule.setStateHash(toHash(partial), true);
    if (error) throw new Error(error);
    return this.getState();
  },
  lastError() { return currentModule?.lastError() ?? ''; },
  readout() { return JSON.parse(currentModule?.readout() ?? '{}'); },
};
let currentModule = null;
moduleReady.then((m) => { currentModule = m; });
