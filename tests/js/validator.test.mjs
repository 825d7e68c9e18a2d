// C++ is the one validator of option values: for each bad value below, the error a JS caller gets from
// convlab.mjs is exactly the {error, code} the binding (wasm/bindings.cpp over the core) returns when
// called directly with the same value, and every check that used to live in the wrapper still fires.
// The wrapper itself holds no value rules, only type checks (checked on its source).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { loadLab, siteUrl, filled } from './reference.mjs';

let lab, core, ConvLabError;
before(async () => {
  const loaded = await loadLab();
  lab = loaded.lab;
  ConvLabError = loaded.mod.ConvLabError;
  const createCore = (await import(new URL('convlab_core.mjs', siteUrl).href)).default;
  core = await createCore({ wasmBinary: await readFile(new URL('convlab_core.wasm', siteUrl)) });
});

const x3 = () => filled([1, 3, 3], 1);
const w3 = () => filled([1, 1, 3, 3], 1);
const conv = (o) => ({ stride: 1, dilation: 1, padding: 0, groups: 1, bias: null, paddingMode: 'zeros', ...o });
const poolOpts = (o) => ({ mode: 'max', kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: false, countIncludePad: true, returnIndices: false, ...o });
const layer = (o) => ({ type: 'conv', kernel: 3, stride: 1, padding: 0, dilation: 1, ...o });
const costLayer = (o) => ({ kind: 'standard', outChannels: null, kernel: 3, stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, outputPadding: 0, ...o });
const outOpts = (o) => ({ size: 5, kernel: 3, stride: null, padding: null, dilation: null, outputPadding: null, transposed: null, pool: null, ceilMode: null, ...o });
const rgba = (w, h, n = w * h * 4) => ({ width: w, height: h, data: new Uint8ClampedArray(Math.max(n, 0)) });
const tr = (o) => ({ stride: 1, padding: 0, outputPadding: 0, dilation: 1, groups: 1, bias: null, ...o });

// [name, the JS API call, the same value given to the binding directly, the code]. Each was a check of
// the wrapper before it moved to C++ (or one the wrapper ran before the core's own).
const CASES = [
  ['stride 0', () => lab.conv2d(x3(), w3(), { stride: 0 }), () => core.conv2d(x3(), w3(), conv({ stride: 0 })), 'InvalidStride'],
  ['stride [1, -2]', () => lab.conv2d(x3(), w3(), { stride: [1, -2] }), () => core.conv2d(x3(), w3(), conv({ stride: [1, -2] })), 'InvalidStride'],
  ['stride 2^31', () => lab.conv2d(x3(), w3(), { stride: 2 ** 31 }), () => core.conv2d(x3(), w3(), conv({ stride: 2 ** 31 })), 'InvalidStride'],
  ['stride -2^40', () => lab.conv2d(x3(), w3(), { stride: -(2 ** 40) }), () => core.conv2d(x3(), w3(), conv({ stride: -(2 ** 40) })), 'InvalidStride'],
  ['dilation 0', () => lab.conv2d(x3(), w3(), { dilation: 0 }), () => core.conv2d(x3(), w3(), conv({ dilation: 0 })), 'InvalidDilation'],
  ['groups 0', () => lab.conv2d(x3(), w3(), { groups: 0 }), () => core.conv2d(x3(), w3(), conv({ groups: 0 })), 'InvalidGroups'],
  ['padding -1', () => lab.conv2d(x3(), w3(), { padding: -1 }), () => core.conv2d(x3(), w3(), conv({ padding: -1 })), 'InvalidPadding'],
  ['padding side -1', () => lab.conv2d(x3(), w3(), { padding: [0, 0, 0, -1] }), () => core.conv2d(x3(), w3(), conv({ padding: [0, 0, 0, -1] })), 'InvalidPadding'],
  ['padding 2^30', () => lab.conv2d(x3(), w3(), { padding: [2 ** 30, 0] }), () => core.conv2d(x3(), w3(), conv({ padding: [2 ** 30, 0] })), 'InvalidPadding'],
  ['padded height over the limit', () => lab.pad(x3(), { padding: [2 ** 29, 0, 0, 0] }), () => core.pad(x3(), { padding: [2 ** 29, 0, 0, 0], paddingMode: 'zeros' }), 'TooLarge'],
  ["'same' with stride 2", () => lab.conv2d(x3(), w3(), { padding: 'same', stride: 2 }), () => core.conv2d(x3(), w3(), conv({ padding: 'same', stride: 2 })), 'InvalidPadding'],
  ["'same' with a huge dilation", () => lab.conv2d(x3(), w3(), { padding: 'same', dilation: 2 ** 29 }), () => core.conv2d(x3(), w3(), conv({ padding: 'same', dilation: 2 ** 29 })), 'TooLarge'],
  ["pad with 'same'", () => lab.pad(x3(), { padding: 'same' }), () => core.pad(x3(), { padding: 'same', paddingMode: 'zeros' }), 'InvalidPadding'],
  ['unknown paddingMode', () => lab.conv2d(x3(), w3(), { paddingMode: 'mirror' }), () => core.conv2d(x3(), w3(), conv({ paddingMode: 'mirror' })), 'InvalidArgument'],
  ['shape with a 0', () => lab.conv2d({ shape: [1, 0, 3], data: new Float32Array(0) }, w3()), () => core.conv2d({ shape: [1, 0, 3], data: new Float32Array(0) }, w3(), conv()), 'InvalidShape'],
  ['enormous shape', () => lab.pad({ shape: [1, 2 ** 31, 1], data: new Float32Array(1) }), () => core.pad({ shape: [1, 2 ** 31, 1], data: new Float32Array(1) }, { padding: 0, paddingMode: 'zeros' }), 'TooLarge'],
  ['data length', () => lab.conv2d({ shape: [1, 3, 3], data: new Float32Array(8) }, w3()), () => core.conv2d({ shape: [1, 3, 3], data: new Float32Array(8) }, w3(), conv()), 'InvalidShape'],
  ['weight data length', () => lab.conv2d(x3(), { shape: [1, 1, 3, 3], data: [1] }), () => core.conv2d(x3(), { shape: [1, 1, 3, 3], data: new Float32Array(1) }, conv()), 'InvalidShape'],
  ['outputPadding >= stride', () => lab.convTranspose2d(x3(), w3(), { outputPadding: 1 }), () => core.convTranspose2d(x3(), w3(), tr({ outputPadding: 1 })), 'InvalidPadding'],
  ['transposed padding -1', () => lab.convTranspose2dSteps(x3(), w3(), { padding: -1 }), () => core.convTranspose2dSteps(x3(), w3(), tr({ padding: -1 })), 'InvalidPadding'],
  // pooling
  ['pool stride 0', () => lab.pool2d(filled([1, 4, 4], 1), { kernel: 2, stride: 0 }), () => core.pool2d(filled([1, 4, 4], 1), poolOpts({ stride: 0 })), 'InvalidStride'],
  ['pool kernel 0', () => lab.pool2d(filled([1, 4, 4], 1), { kernel: 0, stride: 1 }), () => core.pool2d(filled([1, 4, 4], 1), poolOpts({ kernel: 0, stride: 1 })), 'InvalidKernel'],
  ['pool padding > kernel / 2', () => lab.pool2d(filled([1, 4, 4], 1), { kernel: 2, padding: 2 }), () => core.pool2d(filled([1, 4, 4], 1), poolOpts({ padding: 2 })), 'InvalidPadding'],
  ['returnIndices with mean', () => lab.pool2d(filled([1, 4, 4], 1), { mode: 'mean', kernel: 2, returnIndices: true }),
    () => core.pool2d(filled([1, 4, 4], 1), poolOpts({ mode: 'mean', returnIndices: true })), 'InvalidArgument'],
  ['unknown pool mode', () => lab.pool2d(filled([1, 4, 4], 1), { mode: 'avg', kernel: 2 }), () => core.pool2d(filled([1, 4, 4], 1), poolOpts({ mode: 'avg' })), 'InvalidArgument'],
  // separable kernels
  ['separate tolerance -1', () => lab.separate({ shape: [1, 1], data: [1] }, { tolerance: -1 }), () => core.separate({ shape: [1, 1], data: new Float32Array([1]) }, -1), 'InvalidArgument'],
  ['separable empty row', () => lab.separableConv2d(x3(), [1], []), () => core.separableConv2d(x3(), new Float32Array([1]), new Float32Array(0), conv()), 'InvalidKernel'],
  // geometry
  ['outputSize stride 0', () => lab.outputSize({ size: 5, kernel: 3, stride: 0 }), () => core.outputSize(outOpts({ stride: 0 })), 'InvalidStride'],
  ['outputSize size [5, 0]', () => lab.outputSize({ size: [5, 0], kernel: 1 }), () => core.outputSize(outOpts({ size: [5, 0], kernel: 1 })), 'InvalidShape'],
  ['outputSize negative padding side', () => lab.outputSize({ size: 5, kernel: 3, padding: [0, 0, -1, 0] }), () => core.outputSize(outOpts({ padding: [0, 0, -1, 0] })), 'InvalidPadding'],
  ['outputSize transposed and pool', () => lab.outputSize({ size: 5, kernel: 2, pool: true, transposed: true }), () => core.outputSize(outOpts({ kernel: 2, pool: true, transposed: true })), 'InvalidArgument'],
  ['outputSize ceilMode with pool false', () => lab.outputSize({ size: 5, kernel: 2, ceilMode: true, pool: false }), () => core.outputSize(outOpts({ kernel: 2, ceilMode: true, pool: false })), 'InvalidArgument'],
  ['outputSize outputPadding without transposed', () => lab.outputSize({ size: 5, kernel: 2, outputPadding: [1, 0] }), () => core.outputSize(outOpts({ kernel: 2, outputPadding: [1, 0] })), 'InvalidPadding'],
  ['layers stride 0', () => lab.receptiveField([{ kernel: 3 }, { kernel: 3, stride: 0 }]), () => core.receptiveField([layer(), layer({ stride: 0 })]), 'InvalidStride'],
  ['layers kernel 2^31', () => lab.receptiveField([{ kernel: [3, 2 ** 31] }]), () => core.receptiveField([layer({ kernel: [3, 2 ** 31] })]), 'InvalidKernel'],
  ['layers unknown type', () => lab.receptiveField([{ type: 'dense', kernel: 3 }]), () => core.receptiveField([layer({ type: 'dense' })]), 'InvalidArgument'],
  ['inputRect layerIndex 1 of 1', () => lab.inputRect([{ kernel: 3 }], 1, 0, 0), () => core.inputRect([layer()], 1, 0, 0, null), 'InvalidArgument'],
  ['inputRect y -1', () => lab.inputRect([{ kernel: 3 }], 0, -1, 0), () => core.inputRect([layer()], 0, -1, 0, null), 'InvalidArgument'],
  ['inputRect inputSize 0', () => lab.inputRect([{ kernel: 3 }], 0, 0, 0, { inputSize: 0 }), () => core.inputRect([layer()], 0, 0, 0, 0), 'InvalidShape'],
  ['ERF seed 2^32', () => lab.effectiveReceptiveField([1, 5, 5], [], { seed: 2 ** 32 }), () => core.effectiveReceptiveField([1, 5, 5], [], { weights: 'uniform', seed: 2 ** 32, relu: false }), 'InvalidArgument'],
  ['ERF unknown weights', () => lab.effectiveReceptiveField([1, 5, 5], [], { weights: 'normal' }), () => core.effectiveReceptiveField([1, 5, 5], [], { weights: 'normal', seed: 1, relu: false }), 'InvalidArgument'],
  ['ERF inputShape [1, 0, 5]', () => lab.effectiveReceptiveField([1, 0, 5], []), () => core.effectiveReceptiveField([1, 0, 5], [], { weights: 'uniform', seed: 1, relu: false }), 'InvalidShape'],
  // cost
  ['cost unknown kind', () => lab.cost({ kind: 'dense', kernel: 3 }, [3, 8, 8]), () => core.cost(costLayer({ kind: 'dense' }), [3, 8, 8]), 'InvalidArgument'],
  ['cost outChannels 0', () => lab.cost({ kernel: 3, outChannels: 0 }, [3, 8, 8]), () => core.cost(costLayer({ outChannels: 0 }), [3, 8, 8]), 'InvalidShape'],
  ['cost outputPadding on a conv', () => lab.cost({ kernel: 3, outputPadding: 1 }, [3, 8, 8]), () => core.cost(costLayer({ outputPadding: 1 }), [3, 8, 8]), 'InvalidPadding'],
  ['cost inputShape 2^31', () => lab.cost({ kernel: 3 }, [3, 2 ** 31, 8]), () => core.cost(costLayer(), [3, 2 ** 31, 8]), 'TooLarge'],
  // kernels
  ['unknown preset', () => lab.kernel('blur'), () => core.kernelPreset('blur', 3, 0), 'InvalidArgument'],
  ['preset size 0', () => lab.kernel('mean', 0), () => core.kernelPreset('mean', 0, 0), 'InvalidKernel'],
  ['preset sigma NaN', () => lab.kernel('gaussian', 5, NaN), () => core.kernelPreset('gaussian', 5, NaN), 'InvalidArgument'],
  ['flip of a [0, 2] kernel', () => lab.flip({ shape: [0, 2], data: [] }), () => core.kernelOp({ shape: [0, 2], data: new Float32Array(0) }, 'flip'), 'InvalidShape'],
  // images
  ['fromRGBA channels 2', () => lab.fromRGBA(rgba(1, 1), { channels: 2 }), () => core.fromRGBA(rgba(1, 1), 2), 'InvalidArgument'],
  ['fromRGBA width 0', () => lab.fromRGBA(rgba(0, 1)), () => core.fromRGBA(rgba(0, 1), 3), 'InvalidShape'],
  ['fromRGBA short data', () => lab.fromRGBA(rgba(2, 2, 15)), () => core.fromRGBA(rgba(2, 2, 15), 3), 'InvalidShape'],
  ['toRGBA channel 3 of 3', () => lab.toRGBA(filled([3, 2, 2], 0), { channel: 3 }), () => core.toRGBA(filled([3, 2, 2], 0), 3, 'clamp'), 'InvalidArgument'],
  ['toRGBA channel -2', () => lab.toRGBA(filled([3, 2, 2], 0), { channel: -2 }), () => core.toRGBA(filled([3, 2, 2], 0), -2, 'clamp'), 'InvalidArgument'],
  ['toRGBA unknown mode', () => lab.toRGBA(x3(), { mode: 'log' }), () => core.toRGBA(x3(), -1, 'log'), 'InvalidArgument'],
];

// Every case is run and every miss listed, so one moved check that stops firing names itself.
function miss(name, viaApi, direct, code) {
  const r = direct();
  if (!(r && typeof r.error === 'string' && r.error.length > 0)) return `${name}: the binding accepted it`;
  if (r.code !== code) return `${name}: the binding's code is ${r.code}, not ${code} (${r.error})`;
  let caught;
  try { viaApi(); } catch (e) { caught = e; }
  if (!(caught instanceof ConvLabError)) return `${name}: the API did not throw a ConvLabError (${caught})`;
  if (caught.message !== r.error || caught.code !== r.code)
    return `${name}: the API says ${caught.code} ${JSON.stringify(caught.message)}, the binding ${r.code} ${JSON.stringify(r.error)}`;
  return null;
}

test(`${CASES.length} bad values: the JS caller's error is the binding's own {error, code}, word for word`, () => {
  assert.deepEqual(CASES.map((c) => miss(...c)).filter(Boolean), []);
});

test('the wrapper holds no value rules: none of its messages states a range, a list of names or a combination', async () => {
  const source = await readFile(new URL('convlab.mjs', siteUrl), 'utf8');
  const rules = [/must be (>=|<=|<|>|between|within|one of|1 or)/, /needs (stride|mode)/, /applies to/, /is unknown/, /more than/];
  const messages = [...source.matchAll(/fail\(\s*(`[^`]*`|'[^']*')/g)].map((m) => m[1]);
  assert.ok(messages.length >= 10, `found ${messages.length} fail() messages`);
  for (const m of messages) for (const rule of rules) assert.doesNotMatch(m, rule, `a value rule in the wrapper: ${m}`);
});

// The binding reads the caller's values itself, so it type-checks every one before converting it:
// a wrong type that slipped past the wrapper comes back as an {error, code} value, never as a JS
// exception thrown through C++ frames (which would skip their destructors and leak) or an abort.
const f64 = (shape) => ({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
const WRONG_TYPES = [
  ['options undefined', () => core.conv2d(x3(), w3(), undefined)],
  ['options a number', () => core.pool2d(x3(), 3)],
  ["stride '2'", () => core.conv2d(x3(), w3(), conv({ stride: '2' }))],
  ['stride NaN', () => core.conv2d(x3(), w3(), conv({ stride: NaN }))],
  ['stride 1.5', () => core.conv2d(x3(), w3(), conv({ stride: 1.5 }))],
  ['stride [1]', () => core.conv2d(x3(), w3(), conv({ stride: [1] }))],
  ['stride [1, null]', () => core.conv2d(x3(), w3(), conv({ stride: [1, null] }))],
  ['padding {}', () => core.conv2d(x3(), w3(), conv({ padding: {} }))],
  ['padding [1, 2, 3]', () => core.pad(x3(), { padding: [1, 2, 3], paddingMode: 'zeros' })],
  ['paddingMode 3', () => core.conv2d(x3(), w3(), conv({ paddingMode: 3 }))],
  ['groups undefined', () => core.conv2d(x3(), w3(), conv({ groups: undefined }))],
  ['input null', () => core.conv2d(null, w3(), conv())],
  ['input shape a string', () => core.conv2d({ shape: 'x', data: new Float32Array(9) }, w3(), conv())],
  ['input shape [1, "3", 3]', () => core.conv2d({ shape: [1, '3', 3], data: new Float32Array(9) }, w3(), conv())],
  ['input data a plain array', () => core.conv2d({ shape: [1, 1, 1], data: [1] }, w3(), conv())],
  ['weight data Float64Array', () => core.conv2d(x3(), f64([1, 1, 3, 3]), conv())],
  ['bias a plain array', () => core.conv2d(x3(), w3(), conv({ bias: [1] }))],
  ['column a plain array', () => core.separableConv2d(x3(), [1], new Float32Array([1]), conv())],
  ['ceilMode "yes"', () => core.pool2d(filled([1, 4, 4], 1), poolOpts({ ceilMode: 'yes' }))],
  ['layers a string', () => core.receptiveField('layers')],
  ['layers [null]', () => core.receptiveField([null])],
  ['layer without a kernel', () => core.receptiveField([{ type: 'conv', stride: 1, padding: 0, dilation: 1 }])],
  ['layer type 1', () => core.receptiveField([layer({ type: 1 })])],
  ['outputSize null', () => core.outputSize(null)],
  ['outputSize size "5"', () => core.outputSize(outOpts({ size: '5' }))],
  ['outputSize pool 1', () => core.outputSize(outOpts({ pool: 1 }))],
  ["inputRect layerIndex '0'", () => core.inputRect([layer()], '0', 0, 0, null)],
  ['ERF inputShape a string', () => core.effectiveReceptiveField('x', [], { weights: 'uniform', seed: 1, relu: false })],
  ['ERF seed NaN', () => core.effectiveReceptiveField([1, 5, 5], [], { weights: 'uniform', seed: NaN, relu: false })],
  ['ERF seed 1.5', () => core.effectiveReceptiveField([1, 5, 5], [], { weights: 'uniform', seed: 1.5, relu: false })],
  ['cost kind 3', () => core.cost(costLayer({ kind: 3 }), [3, 8, 8])],
  ['cost inputShape [3, 8]', () => core.cost(costLayer(), [3, 8])],
  ['cost layer null', () => core.cost(null, [3, 8, 8])],
  ['preset name 3', () => core.kernelPreset(3, 3, 0)],
  ["preset size '3'", () => core.kernelPreset('mean', '3', 0)],
  ["separate tolerance 'a'", () => core.separate({ shape: [1, 1], data: new Float32Array(1) }, 'a')],
  ['fromRGBA null', () => core.fromRGBA(null, 3)],
  ["fromRGBA channels '3'", () => core.fromRGBA(rgba(1, 1), '3')],
  ['fromRGBA data a plain array', () => core.fromRGBA({ width: 1, height: 1, data: [0, 0, 0, 0] }, 3)],
  ["toRGBA channel 'a'", () => core.toRGBA(x3(), 'a', 'clamp')],
  ['toRGBA mode 5', () => core.toRGBA(x3(), -1, 5)],
  ['heapTensor Float64Array data', () => core.heapTensor(f64([1, 1, 1]))],
];

test(`${WRONG_TYPES.length} wrong JS types given to the binding directly: an {error, code} each, no throw, no leak`, () => {
  const run = () => WRONG_TYPES.map(([name, call]) => {
    let r;
    try { r = call(); } catch (e) { return `${name}: threw ${e}`; }
    return r && typeof r.error === 'string' && typeof r.code === 'string' ? null : `${name}: returned ${JSON.stringify(r)}`;
  }).filter(Boolean);
  assert.deepEqual(run(), []);  // warm-up too: any one-time allocation happens here
  const bytes = core.heapInfo().inUse;
  for (let i = 0; i < 200; ++i) run();
  assert.equal(core.heapInfo().inUse, bytes, 'bytes in use after 200 rounds');
  assert.deepEqual(Array.from(core.pad(x3(), { padding: 1, paddingMode: 'zeros' }).shape), [1, 5, 5], 'the binding still works');
});

test("the exported name lists are exactly the names C++ accepts (its own 'must be one of' lists)", async () => {
  const mod = await import(new URL('convlab.mjs', siteUrl).href);
  const listed = (r) => { assert.ok(r && r.error, JSON.stringify(r)); return r.error.match(/must be one of (.*), got "nope"$/)[1].split(', '); };
  assert.deepEqual(listed(core.pad(x3(), { padding: 0, paddingMode: 'nope' })), mod.PAD_MODES);
  assert.deepEqual(listed(core.pool2d(filled([1, 4, 4], 1), poolOpts({ mode: 'nope' }))), mod.POOL_MODES);
  assert.deepEqual(listed(core.toRGBA(x3(), 0, 'nope')), mod.DISPLAY_MODES);
  assert.deepEqual(listed(core.cost(costLayer({ kind: 'nope' }), [3, 8, 8])), mod.LAYER_KINDS);
  for (const paddingMode of mod.PAD_MODES) assert.deepEqual(lab.pad(x3(), { padding: 1, paddingMode }).shape, [1, 5, 5], paddingMode);
  for (const mode of mod.POOL_MODES) assert.deepEqual(lab.pool2d(filled([1, 4, 4], 1), { mode, kernel: 2 }).shape, [1, 2, 2], mode);
  for (const mode of mod.DISPLAY_MODES) assert.equal(lab.toRGBA(x3(), { mode, channel: 0 }).width, 3, mode);
  for (const kind of mod.LAYER_KINDS) assert.ok(lab.cost({ kind, kernel: 3, outChannels: 4 }, [4, 8, 8]).macs > 0, kind);
});
