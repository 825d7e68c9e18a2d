// ConvLab JS API: the convolution core compiled to WebAssembly, with PyTorch's conventions.
//   import createConvLab from './convlab.mjs';
//   const lab = await createConvLab();
//   const out = lab.conv2d({shape: [3, H, W], data}, {shape: [1, 3, 3, 3], data: w}, {padding: 'same'});
// The same file loads in a browser and in Node 20. This wrapper checks only JS types (numbers where
// numbers go, integers, strings for names, Float32Array data, known option names) and fills defaults;
// every VALUE is checked once, in C++ (wasm/bindings.cpp and the core), so the message a caller sees is
// the core's. Every failure throws a ConvLabError (an Error with a .code such as 'InvalidStride') whose
// message names the parameter and its value, and the module keeps working.
import createCore from './convlab_core.mjs';

// The names C++ accepts, for callers that list them (tests/js/validator.test.mjs checks they agree); the
// wrapper itself checks no name.
export const PAD_MODES = ['zeros', 'reflect', 'symmetric', 'replicate', 'circular'];
export const POOL_MODES = ['max', 'mean', 'min'];
export const DISPLAY_MODES = ['clamp', 'minmax', 'abs', 'diverging'];
export const LAYER_KINDS = ['standard', 'grouped', 'depthwise', 'pointwise', 'spatially-separable', 'depthwise-separable',
  'transposed', 'pool'];

export class ConvLabError extends Error {
  constructor(message, code = 'InvalidArgument') {
    super(message);
    this.name = 'ConvLabError';
    this.code = code;
  }
}

const fail = (message, code = 'InvalidArgument') => { throw new ConvLabError(message, code); };
const show = (v) => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') return Object.prototype.toString.call(v).slice(8, -1);
  if (typeof v === 'function') return 'a function';
  return String(v);
};

// The error code of a parameter, from its last name: 'layers[2].stride' -> InvalidStride.
const CODES = {
  stride: 'InvalidStride', dilation: 'InvalidDilation', padding: 'InvalidPadding', outputPadding: 'InvalidPadding',
  groups: 'InvalidGroups', kernel: 'InvalidKernel', shape: 'InvalidShape', size: 'InvalidShape',
  inputShape: 'InvalidShape', outChannels: 'InvalidShape', width: 'InvalidShape', height: 'InvalidShape',
};
const codeOf = (name) => CODES[name.replace(/\[\d+\]/g, '').split('.').pop()] ?? 'InvalidArgument';

// Types only: an integer Number (NaN, 1.5, '2' are refused here; its range is C++'s to check).
function int(name, v, code = codeOf(name)) {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${name} must be an integer, got ${show(v)}`, code);
  return v;
}

function bool(name, v, fallback) {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') fail(`${name} must be true or false, got ${show(v)}`);
  return v;
}

// A name (a mode, a kind...): a string; which names exist is C++'s to check.
function str(name, v, fallback) {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') fail(`${name} must be a string, got ${show(v)}`);
  return v;
}

// A number or an [h, w] pair of integers, passed on as given. fallback: for an option not given,
// undefined when it is required.
function pair(name, v, fallback) {
  if (v === undefined || v === null) {
    if (fallback === undefined) fail(`${name} is required`, codeOf(name));
    v = fallback;
  }
  if (typeof v === 'number') return int(name, v);
  if (Array.isArray(v) && v.length === 2) { int(`${name}[0]`, v[0], codeOf(name)); int(`${name}[1]`, v[1], codeOf(name)); return v; }
  return fail(`${name} must be a number or an [h, w] pair, got ${show(v)}`, codeOf(name));
}

// Float32Array, or a plain array of numbers (copied). Other typed arrays are refused rather than
// silently rounded: a Float64Array is usually a mistake the caller wants to hear about.
function floatData(name, data) {
  if (Array.isArray(data)) {
    data.forEach((v, i) => { if (typeof v !== 'number') fail(`${name}[${i}] must be a number, got ${show(v)}`); });
    return Float32Array.from(data);
  }
  if (!(data instanceof Float32Array)) fail(`${name} must be a Float32Array or an array of numbers, got ${show(data)}`);
  return data;
}

// A shape: an array of `rank` integers (their values are C++'s to check).
function shapeOf(name, shape, rank) {
  if (!Array.isArray(shape) || shape.length !== rank) fail(`${name} must be an array of ${rank} dimensions, got ${show(shape)}`, 'InvalidShape');
  shape.forEach((d, i) => int(`${name}[${i}]`, d, 'InvalidShape'));
  return shape;
}

// {shape, data} with the shape's rank and Float32Array data, for the binding.
function shaped(name, t, rank) {
  const form = rank === 3 ? '[C, H, W]' : rank === 4 ? '[a, b, kh, kw]' : '[kh, kw]';
  if (t === null || typeof t !== 'object' || Array.isArray(t) || ArrayBuffer.isView(t))
    fail(`${name} must be an object {shape: ${form}, data: Float32Array}, got ${show(t)}`);
  return { shape: shapeOf(`${name}.shape`, t.shape, rank), data: floatData(`${name}.data`, t.data) };
}

const bias = (v) => (v === undefined || v === null ? null : floatData('bias', v));
const padMode = (v) => str('paddingMode', v, 'zeros');

function checkOptions(name, opts, allowed) {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== 'object' || Array.isArray(opts)) fail(`${name} options must be an object, got ${show(opts)}`);
  for (const key of Object.keys(opts)) if (!allowed.includes(key)) fail(`${name}: unknown option ${show(key)}; expected one of ${allowed.join(', ')}`);
  return opts;
}

// padding: number | [h, w] | [top, bottom, left, right] | 'valid' | 'same' (C++ resolves 'same').
function convPadding(v) {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' || (Array.isArray(v) && v.length === 4)) {
    if (Array.isArray(v)) v.forEach((p, i) => int(`padding[${i}]`, p, 'InvalidPadding'));
    return v;
  }
  if (typeof v === 'number' || (Array.isArray(v) && v.length === 2)) return pair('padding', v, 0);
  return fail(`padding must be a number, [h, w], [top, bottom, left, right], 'valid' or 'same', got ${show(v)}`, 'InvalidPadding');
}

function unwrap(result) {
  if (result && typeof result === 'object' && typeof result.error === 'string') throw new ConvLabError(result.error, result.code);
  return result;
}

// int64 counts arrive as decimal strings: a Number while exact, a BigInt beyond 2^53 - 1.
function count(text) {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

// [{type, kernel, stride, padding, dilation}] with the defaults filled, each option as given.
// Pool layers' stride defaults to the kernel (PyTorch's stride=None).
function layerList(layers) {
  if (!Array.isArray(layers)) fail(`layers must be an array of {type, kernel, stride, padding, dilation}, got ${show(layers)}`);
  let pairs = false;
  const out = layers.map((l, i) => {
    const name = `layers[${i}]`;
    if (l === null || typeof l !== 'object' || Array.isArray(l)) fail(`${name} must be an object {type, kernel, stride, padding, dilation}, got ${show(l)}`);
    checkOptions(name, l, ['type', 'kernel', 'stride', 'padding', 'dilation']);
    const type = str(`${name}.type`, l.type, 'conv');
    pairs ||= ['kernel', 'stride', 'padding', 'dilation'].some((k) => Array.isArray(l[k]));
    const kernel = pair(`${name}.kernel`, l.kernel);
    return {
      type, kernel, stride: pair(`${name}.stride`, l.stride, type === 'pool' ? kernel : 1),
      padding: pair(`${name}.padding`, l.padding, 0), dilation: pair(`${name}.dilation`, l.dilation, 1),
    };
  });
  return { layers: out, pairs };
}

// ---- heap tensors -------------------------------------------------------------------------------------

const MAKE_HEAP_TENSOR = Symbol('HeapTensor');  // only this module constructs them
const heapEntries = new WeakMap();  // HeapTensor -> {core, handle}: the embind-owned cl::Tensor
// A HeapTensor dropped without delete() is freed when it is garbage-collected.
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { if (!handle.isDeleted()) handle.delete(); }) : null;

/**
 * A [C, H, W] tensor kept in the wasm heap (made by lab.tensor()). Ops given a HeapTensor read it in
 * place and return HeapTensors, so a page that runs many ops on one image copies nothing per call.
 * Free it with delete(); one that is only dropped is freed when garbage-collected.
 */
export class HeapTensor {
  constructor(token, core, result) {
    if (token !== MAKE_HEAP_TENSOR) fail('a HeapTensor is made by lab.tensor() or returned by an op, not with new');
    this.shape = Object.freeze(result.shape);
    heapEntries.set(this, { core, handle: result.handle });
    finalizer?.register(this, result.handle, this);
  }

  /**
   * The values as a Float32Array view of the wasm heap: no copy. Read or write it at once; any later
   * ConvLab call may grow the heap and detach the view (ask for .data again), and delete() frees it.
   */
  get data() {
    const e = this.#entry('data');
    return e.core.heapTensorView(e.handle);
  }

  /** A plain {shape, data} copy, independent of the heap. */
  toObject() { return { shape: [...this.shape], data: this.data.slice() }; }

  get deleted() { const e = heapEntries.get(this); return !e || e.handle.isDeleted(); }

  /** Frees the heap storage; later use throws. Calling it again does nothing. */
  delete() {
    if (this.deleted) return;
    finalizer?.unregister(this);
    heapEntries.get(this).handle.delete();
  }

  #entry(what) {
    if (this.deleted) fail(`HeapTensor [${this.shape.join(', ')}] was deleted; cannot read its ${what}`);
    return heapEntries.get(this);
  }
}

class ConvLab {
  #core;
  #presets;
  constructor(core) {
    this.#core = core;
    this.#presets = core.kernelPresets();
  }

  // ---- heap tensors ----------------------------------------------------------------------------------

  /** Copies {shape: [C, H, W], data} once into the wasm heap; see HeapTensor. */
  tensor(t) { return new HeapTensor(MAKE_HEAP_TENSOR, this.#core, unwrap(this.#core.heapTensor(shaped('tensor', t, 3)))); }

  // An input tensor for the binding: a HeapTensor of this module by handle, anything else type-checked and copied.
  #input(name, t) {
    if (!(t instanceof HeapTensor)) return shaped(name, t, 3);
    const e = heapEntries.get(t);
    if (t.deleted) fail(`${name} is a HeapTensor that was deleted`);
    if (e.core !== this.#core) fail(`${name} is a HeapTensor of another ConvLab instance`);
    return { handle: e.handle };
  }

  // A tensor result: a HeapTensor when the binding left it in the heap (the input was one).
  #output(r) { return r.handle ? new HeapTensor(MAKE_HEAP_TENSOR, this.#core, r) : r; }

  // ---- convolution and padding ---------------------------------------------------------------------

  /**
   * Cross-correlation exactly as torch.nn.functional.conv2d (+ Conv2d's padding_mode). Tensor ops
   * return a HeapTensor when their input is one, a plain {shape, data} otherwise.
   */
  conv2d(input, weight, opts) {
    const o = checkOptions('conv2d', opts, ['bias', 'stride', 'padding', 'dilation', 'groups', 'paddingMode']);
    const x = this.#input('input', input), w = shaped('weight', weight, 4);
    return this.#output(unwrap(this.#core.conv2d(x, w, {
      stride: pair('stride', o.stride, 1), dilation: pair('dilation', o.dilation, 1), padding: convPadding(o.padding),
      groups: int('groups', o.groups ?? 1), bias: bias(o.bias), paddingMode: padMode(o.paddingMode),
    })));
  }

  #transposeArgs(name, input, weight, opts) {
    const o = checkOptions(name, opts, ['bias', 'stride', 'padding', 'outputPadding', 'dilation', 'groups']);
    const x = this.#input('input', input), w = shaped('weight', weight, 4);
    return [x, w, {
      stride: pair('stride', o.stride, 1), padding: pair('padding', o.padding, 0),
      outputPadding: pair('outputPadding', o.outputPadding, 0), dilation: pair('dilation', o.dilation, 1),
      groups: int('groups', o.groups ?? 1), bias: bias(o.bias),
    }];
  }

  /** torch.nn.functional.conv_transpose2d: weight [Cin, Cout/groups, kh, kw]. */
  convTranspose2d(input, weight, opts) {
    return this.#output(unwrap(this.#core.convTranspose2d(...this.#transposeArgs('convTranspose2d', input, weight, opts))));
  }

  /** The same result built in three steps: zero insertion, padding (or cropping), correlation with the rotated kernel (plain tensors). */
  convTranspose2dSteps(input, weight, opts) {
    return unwrap(this.#core.convTranspose2dSteps(...this.#transposeArgs('convTranspose2dSteps', input, weight, opts)));
  }

  /** The padded tensor itself: [C, H + top + bottom, W + left + right]. */
  pad(input, opts) {
    const o = checkOptions('pad', opts, ['padding', 'paddingMode']);
    const x = this.#input('input', input);
    return this.#output(unwrap(this.#core.pad(x, { padding: convPadding(o.padding), paddingMode: padMode(o.paddingMode) })));
  }

  /** Every value through a nonlinearity: 'relu' (torch.relu: NaN stays NaN) or 'abs'; 'none' copies. */
  activate(input, activation) {
    const x = this.#input('input', input);
    return this.#output(unwrap(this.#core.activate(x, { activation: str('activation', activation, 'none') })));
  }

  // ---- pooling ---------------------------------------------------------------------------------------

  /** max_pool2d / avg_pool2d / -max_pool2d(-x). With returnIndices: {output, indices} (flat y * W + x per channel). */
  pool2d(input, opts) {
    const o = checkOptions('pool2d', opts, ['mode', 'kernel', 'stride', 'padding', 'dilation', 'ceilMode', 'countIncludePad', 'returnIndices']);
    const x = this.#input('input', input);
    const kernel = pair('kernel', o.kernel);
    const returnIndices = bool('returnIndices', o.returnIndices, false);
    const r = unwrap(this.#core.pool2d(x, {
      mode: str('mode', o.mode, 'max'), kernel, stride: pair('stride', o.stride, kernel), padding: pair('padding', o.padding, 0),
      dilation: pair('dilation', o.dilation, 1), ceilMode: bool('ceilMode', o.ceilMode, false),
      countIncludePad: bool('countIncludePad', o.countIncludePad, true), returnIndices,
    }));
    r.output = this.#output(r.output);
    return returnIndices ? r : r.output;
  }

  // ---- separable kernels -----------------------------------------------------------------------------

  /** Best rank-1 split of a 2-D kernel: kernel ~ column * row^T; separable when residual <= tolerance. */
  separate(kernel, opts) {
    const o = checkOptions('separate', opts, ['tolerance']);
    const tolerance = o.tolerance ?? 1e-6;
    if (typeof tolerance !== 'number') fail(`tolerance must be a number, got ${show(tolerance)}`);
    return unwrap(this.#core.separate(shaped('kernel', kernel, 2), tolerance));
  }

  /** Every channel convolved with outer(column, row), as a column pass then a row pass. */
  separableConv2d(input, column, row, opts) {
    const o = checkOptions('separableConv2d', opts, ['stride', 'padding', 'dilation', 'paddingMode']);
    const x = this.#input('input', input);
    return this.#output(unwrap(this.#core.separableConv2d(x, floatData('column', column), floatData('row', row), {
      stride: pair('stride', o.stride, 1), dilation: pair('dilation', o.dilation, 1), padding: convPadding(o.padding),
      paddingMode: padMode(o.paddingMode),
    })));
  }

  // ---- geometry --------------------------------------------------------------------------------------

  /**
   * Output size along one axis (or [h, w] when any argument is a pair) for a convolution, a pooling
   * (pool: true, or ceilMode given: stride defaults to the kernel, padding <= kernel / 2) or a
   * transposed convolution (transposed: true).
   */
  outputSize(opts) {
    const o = checkOptions('outputSize', opts, ['size', 'kernel', 'stride', 'padding', 'dilation', 'transposed', 'outputPadding', 'ceilMode', 'pool']);
    if (opts === undefined || opts === null) fail('outputSize needs options {size, kernel, ...}');
    const given = (k) => o[k] !== undefined && o[k] !== null;
    return unwrap(this.#core.outputSize({
      size: pair('size', o.size), kernel: pair('kernel', o.kernel),
      stride: given('stride') ? pair('stride', o.stride) : null, dilation: given('dilation') ? pair('dilation', o.dilation) : null,
      padding: given('padding') ? convPadding(o.padding) : null,
      outputPadding: given('outputPadding') ? pair('outputPadding', o.outputPadding) : null,
      transposed: bool('transposed', o.transposed, null), pool: bool('pool', o.pool, null), ceilMode: bool('ceilMode', o.ceilMode, null),
    }));
  }

  /**
   * Theoretical receptive field of every layer of a stack: {size, jump, start} per layer, numbers,
   * or [h, w] pairs when any layer gives an option as a pair. start is the centre of unit 0's field
   * in input pixel coordinates.
   */
  receptiveField(layers) {
    const l = layerList(layers);
    return unwrap(this.#core.receptiveField(l.layers)).map((f) => {
      const square = !l.pairs && f.size[0] === f.size[1] && f.jump[0] === f.jump[1] && f.start[0] === f.start[1];
      return square ? { size: f.size[0], jump: f.jump[0], start: f.start[0] } : f;
    });
  }

  /**
   * The input rectangle {y0, x0, y1, x1} (half-open) unit (y, x) of layers[layerIndex] spans, padding
   * included; with {inputSize: [H, W]} only the input pixels that actually influence the unit.
   */
  inputRect(layers, layerIndex, y, x, opts) {
    const o = checkOptions('inputRect', opts, ['inputSize']);
    const l = layerList(layers);
    const inputSize = o.inputSize === undefined || o.inputSize === null ? null : pair('inputSize', o.inputSize);
    return unwrap(this.#core.inputRect(l.layers, int('layerIndex', layerIndex), int('y', y), int('x', x), inputSize));
  }

  /**
   * Effective receptive field (Luo et al. 2016): d unit / d input for the centre unit of the last
   * layer, as a [C, H, W] tensor. Conv layers map C -> C channels without bias, pool layers are max pools.
   */
  effectiveReceptiveField(inputShape, layers, opts) {
    const o = checkOptions('effectiveReceptiveField', opts, ['weights', 'seed', 'relu']);
    shapeOf('inputShape', inputShape, 3);
    const l = layerList(layers);
    return unwrap(this.#core.effectiveReceptiveField(inputShape, l.layers, {
      weights: str('weights', o.weights, 'uniform'), seed: int('seed', o.seed ?? 1), relu: bool('relu', o.relu, false),
    }));
  }

  /**
   * MACs and parameters of one layer for an input [C, H, W]: {macs, params, outputShape}. Counts are
   * Numbers, or BigInts when above Number.MAX_SAFE_INTEGER. bias defaults to true (as nn.Conv2d).
   */
  cost(layer, inputShape) {
    const o = checkOptions('cost layer', layer, ['kind', 'outChannels', 'kernel', 'stride', 'padding', 'dilation', 'groups', 'bias', 'outputPadding']);
    if (layer === undefined || layer === null) fail('layer must be an object {kind, outChannels, kernel, ...}, got ' + show(layer));
    shapeOf('inputShape', inputShape, 3);
    const kind = str('kind', o.kind, 'standard');
    const kernel = pair('kernel', o.kernel, kind === 'pointwise' ? 1 : undefined);
    const r = unwrap(this.#core.cost({
      kind, outChannels: o.outChannels === undefined || o.outChannels === null ? null : int('outChannels', o.outChannels),
      kernel, stride: pair('stride', o.stride, kind === 'pool' ? kernel : 1), padding: pair('padding', o.padding, 0),
      dilation: pair('dilation', o.dilation, 1), groups: int('groups', o.groups ?? 1),
      bias: bool('bias', o.bias, kind !== 'pool'), outputPadding: pair('outputPadding', o.outputPadding, 0),
    }, inputShape));
    return { macs: count(r.macs), params: count(r.params), outputShape: r.outputShape };
  }

  // ---- kernels ---------------------------------------------------------------------------------------

  /** The kernel presets: [{name, description, hasSize, hasSigma}] (a fresh copy). */
  get kernels() { return this.#presets.map((p) => ({ ...p })); }

  /** A preset kernel {shape: [kh, kw], data}; size and sigma are read only by presets that take them. */
  kernel(name, size = 3, sigma = 0) {
    str('name', name);
    int('size', size, 'InvalidKernel');
    if (typeof sigma !== 'number') fail(`sigma must be a number, got ${show(sigma)}`);
    return unwrap(this.#core.kernelPreset(name, size, sigma));
  }

  /** The kernel rotated by 180 degrees (true convolution = correlation with flip(kernel)). */
  flip(kernel) { return unwrap(this.#core.kernelOp(shaped('kernel', kernel, 2), 'flip')); }
  /** The kernel transposed: [kw, kh]. */
  transpose(kernel) { return unwrap(this.#core.kernelOp(shaped('kernel', kernel, 2), 'transpose')); }
  /** Divided by its sum (blurs), or by the sum of |values| for zero-sum kernels (edges). */
  normalise(kernel) { return unwrap(this.#core.kernelOp(shaped('kernel', kernel, 2), 'normalise')); }

  // ---- images ----------------------------------------------------------------------------------------

  /** ImageData-like {width, height, data: Uint8ClampedArray RGBA} -> [3, H, W] RGB or [1, H, W] luma in [0, 1]. */
  fromRGBA(image, opts) {
    const o = checkOptions('fromRGBA', opts, ['channels']);
    if (image === null || typeof image !== 'object') fail(`image must be an ImageData-like {width, height, data}, got ${show(image)}`);
    const { width, height, data } = image;
    int('image.width', width);
    int('image.height', height);
    if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) fail(`image.data must be a Uint8ClampedArray or Uint8Array, got ${show(data)}`);
    return unwrap(this.#core.fromRGBA({ width, height, data }, int('channels', o.channels ?? 3)));
  }

  /**
   * Tensor -> {width, height, data: Uint8ClampedArray RGBA, range: [lo, hi]} for putImageData.
   * mode: clamp ([0, 1]), minmax, abs (|x| / max|x|), diverging (blue-white-red, one channel).
   * channel: one channel as grey, or all (the default): 1 grey, 2 R+G, 3+ the first three as RGB.
   */
  toRGBA(tensor, opts) {
    const o = checkOptions('toRGBA', opts, ['mode', 'channel']);
    const t = this.#input('tensor', tensor);
    const channel = o.channel === undefined || o.channel === null ? -1 : int('channel', o.channel);
    const r = unwrap(this.#core.toRGBA(t, channel, str('mode', o.mode, 'clamp')));
    return { width: r.width, height: r.height, data: new Uint8ClampedArray(r.data.buffer), range: r.range };
  }

  // ---- debugging -------------------------------------------------------------------------------------

  /** Bytes of the wasm heap malloc has handed out and not taken back (a leak check). */
  _heapBytes() { return this.#core.heapInfo().inUse; }
  /** Current size of the wasm memory in bytes (grows, never shrinks). */
  _heapSize() { return this.#core.heapInfo().heapSize; }
}

/** Loads the wasm core. In Node the .wasm is read from disk next to this file; in a browser it is fetched. */
export default async function createConvLab(moduleOptions = {}) {
  const args = { ...moduleOptions };
  const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
  if (isNode && !args.wasmBinary) {
    const { readFile } = await import('node:fs/promises');
    args.wasmBinary = await readFile(new URL('./convlab_core.wasm', import.meta.url));
  }
  return new ConvLab(await createCore(args));
}

export { createConvLab };
