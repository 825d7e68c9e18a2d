// ConvLab JS API: the convolution core compiled to WebAssembly, with PyTorch's conventions.
//   import createConvLab from './convlab.mjs';
//   const lab = await createConvLab();
//   const out = lab.conv2d({shape: [3, H, W], data}, {shape: [1, 3, 3, 3], data: w}, {padding: 'same'});
// The same file loads in a browser and in Node 20. Options are normalised and checked here, then checked
// again in C++; every failure throws a JS Error naming the parameter and its value, and the module keeps working.
import createCore from './convlab_core.mjs';

const PAD_MODES = ['zeros', 'reflect', 'symmetric', 'replicate', 'circular'];

export class ConvLabError extends Error {
  constructor(message, code = 'InvalidArgument') {
    super(message);
    this.name = 'ConvLabError';
    this.code = code;
  }
}

const fail = (message, code) => { throw new ConvLabError(message, code); };
const show = (v) => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') return Object.prototype.toString.call(v).slice(8, -1);
  return String(v);
};

function int(name, v, min) {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${name} must be an integer, got ${show(v)}`);
  if (min !== undefined && v < min) fail(`${name} must be >= ${min}, got ${show(v)}`);
  if (Math.abs(v) > 2 ** 30) fail(`${name} is out of range, got ${show(v)}`);
  return v;
}

// A scalar or an [h, w] pair -> [h, w].
function pair(name, v, fallback, min) {
  if (v === undefined || v === null) v = fallback;
  if (typeof v === 'number') return [int(name, v, min), int(name, v, min)];
  if (Array.isArray(v) && v.length === 2) return [int(name, v[0], min), int(name, v[1], min)];
  return fail(`${name} must be a number or an [h, w] pair, got ${show(v)}`);
}

function floatData(name, data, length) {
  let out = data;
  if (Array.isArray(data)) out = Float32Array.from(data);
  else if (ArrayBuffer.isView(data) && !(data instanceof Float32Array)) out = Float32Array.from(data);
  if (!(out instanceof Float32Array)) fail(`${name}.data must be a Float32Array or an array of numbers, got ${show(data)}`);
  if (length !== undefined && out.length !== length) fail(`${name}.data length must be ${length} to match its shape, got ${out.length}`, 'InvalidShape');
  return out;
}

function shaped(name, t, rank) {
  if (t === null || typeof t !== 'object') fail(`${name} must be {shape, data}, got ${show(t)}`);
  const { shape } = t;
  if (!Array.isArray(shape) || shape.length !== rank) fail(`${name}.shape must have ${rank} dimensions, got ${show(shape)}`, 'InvalidShape');
  shape.forEach((d, i) => int(`${name}.shape[${i}]`, d, 1));
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > 2 ** 28) fail(`${name}.shape ${shape.join('x')} has more than ${2 ** 28} elements`, 'TooLarge');
  return { shape, data: floatData(name, t.data, count) };
}

const tensor3 = (name, t) => { const { shape, data } = shaped(name, t, 3); return { c: shape[0], h: shape[1], w: shape[2], data }; };
const weight4 = (name, t) => { const { shape, data } = shaped(name, t, 4); return { a: shape[0], b: shape[1], kh: shape[2], kw: shape[3], data }; };
const kernel2 = (name, t) => { const { shape, data } = shaped(name, t, 2); return { h: shape[0], w: shape[1], data }; };

function padMode(v) {
  if (v === undefined) return 'zeros';
  if (!PAD_MODES.includes(v)) fail(`paddingMode must be one of ${PAD_MODES.join(', ')}, got ${show(v)}`);
  return v;
}

function checkOptions(name, opts, allowed) {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) fail(`${name} options must be an object, got ${show(opts)}`);
  for (const key of Object.keys(opts)) if (!allowed.includes(key)) fail(`${name}: unknown option ${show(key)}; expected one of ${allowed.join(', ')}`);
  return opts;
}

// padding: number | [h, w] | [top, bottom, left, right] | 'valid' | 'same' -> [top, bottom, left, right]
function convPadding(v, kernel, dilation, stride, core) {
  if (v === undefined || v === 'valid') return [0, 0, 0, 0];
  if (v === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) fail(`padding 'same' needs stride 1, got stride ${show(stride)}`, 'InvalidPadding');
    return unwrap(core.samePadding(kernel[0], kernel[1], dilation[0], dilation[1]));
  }
  if (typeof v === 'number') { int('padding', v, 0); return [v, v, v, v]; }
  if (Array.isArray(v) && v.length === 2) { const [h, w] = pair('padding', v, 0, 0); return [h, h, w, w]; }
  if (Array.isArray(v) && v.length === 4) return v.map((p, i) => int(`padding[${i}]`, p, 0));
  return fail(`padding must be a number, [h, w], [top, bottom, left, right], 'valid' or 'same', got ${show(v)}`, 'InvalidPadding');
}

function unwrap(result) {
  if (result && typeof result === 'object' && typeof result.error === 'string') throw new ConvLabError(result.error, result.code);
  return result;
}

class ConvLab {
  #core;
  constructor(core) { this.#core = core; }

  /** Cross-correlation exactly as torch.nn.functional.conv2d (+ Conv2d's padding_mode). */
  conv2d(input, weight, opts) {
    const o = checkOptions('conv2d', opts, ['bias', 'stride', 'padding', 'dilation', 'groups', 'paddingMode']);
    const x = tensor3('input', input), w = weight4('weight', weight);
    const stride = pair('stride', o.stride, 1, 1), dilation = pair('dilation', o.dilation, 1, 1);
    const groups = int('groups', o.groups ?? 1, 1);
    const padding = convPadding(o.padding, [w.kh, w.kw], dilation, stride, this.#core);
    const bias = o.bias === undefined || o.bias === null ? null : floatData('bias', o.bias, w.a);
    return unwrap(this.#core.conv2d(x, w, { stride, dilation, padding, groups, bias, paddingMode: padMode(o.paddingMode) }));
  }

  /** The padded tensor itself: [C, H + top + bottom, W + left + right]. */
  pad(input, opts) {
    const o = checkOptions('pad', opts, ['padding', 'paddingMode']);
    const x = tensor3('input', input);
    let padding;
    if (typeof o.padding === 'number' || o.padding === undefined) { const p = int('padding', o.padding ?? 0, 0); padding = [p, p, p, p]; }
    else if (Array.isArray(o.padding) && o.padding.length === 2) { const [h, w] = pair('padding', o.padding, 0, 0); padding = [h, h, w, w]; }
    else if (Array.isArray(o.padding) && o.padding.length === 4) padding = o.padding.map((p, i) => int(`padding[${i}]`, p, 0));
    else fail(`padding must be a number, [h, w] or [top, bottom, left, right], got ${show(o.padding)}`, 'InvalidPadding');
    return unwrap(this.#core.pad(x, { padding, paddingMode: padMode(o.paddingMode) }));
  }

  /** Output size along one axis (or [h, w] when any argument is a pair) for conv, pool or transposed conv. */
  outputSize(opts) {
    const o = checkOptions('outputSize', opts, ['size', 'kernel', 'stride', 'padding', 'dilation', 'transposed', 'outputPadding', 'ceilMode', 'pool']);
    const isPair = ['size', 'kernel', 'stride', 'padding', 'dilation', 'outputPadding'].some((k) => Array.isArray(o[k]));
    const size = pair('size', o.size, undefined, 1), kernel = pair('kernel', o.kernel, undefined, 1);
    const stride = pair('stride', o.stride, o.pool ? kernel : 1, 1), dilation = pair('dilation', o.dilation, 1, 1);
    const padding = pair('padding', o.padding, 0, 0), outputPadding = pair('outputPadding', o.outputPadding, 0, 0);
    const kind = o.transposed ? 'transposed' : o.pool ? 'pool' : 'conv';
    const axis = (i) => unwrap(this.#core.outputSize({
      kind, size: size[i], kernel: kernel[i], stride: stride[i], dilation: dilation[i], pad: padding[i],
      padTotal: 2 * padding[i], outputPadding: outputPadding[i], ceilMode: Boolean(o.ceilMode),
    }));
    return isPair ? [axis(0), axis(1)] : axis(0);
  }
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

export { createConvLab, PAD_MODES };
