// Hostile inputs through the JS API: every case must throw a ConvLabError with the expected code and
// a message naming the parameter (and its value), and after EACH one a valid call must still give the
// right answer. Then 10,000 failing calls must leave the wasm heap exactly as it was.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { loadLab, tensor, filled } from './reference.mjs';

let lab, ConvLabError;
before(async () => { const loaded = await loadLab(); lab = loaded.lab; ConvLabError = loaded.mod.ConvLabError; });

const x3 = () => filled([1, 3, 3], 1);
const w3 = () => filled([1, 1, 3, 3], 1);
const conv = (opts) => lab.conv2d(x3(), w3(), opts);
const pool = (opts) => lab.pool2d(filled([1, 4, 4], 1), opts);
const layers = (...l) => l;

// [name, call, code, message (string: exact; RegExp: must match)]
const CASES = [
  // ---- integer options: stride, dilation, groups, padding
  ['stride 0', () => conv({ stride: 0 }), 'InvalidStride', 'stride must be >= 1, got 0x0'],
  ['stride -1', () => conv({ stride: -1 }), 'InvalidStride', 'stride must be >= 1, got -1x-1'],
  ['stride NaN', () => conv({ stride: NaN }), 'InvalidStride', 'stride must be an integer, got NaN'],
  ['stride 1.5', () => conv({ stride: 1.5 }), 'InvalidStride', 'stride must be an integer, got 1.5'],
  ["stride '2'", () => conv({ stride: '2' }), 'InvalidStride', 'stride must be a number or an [h, w] pair, got "2"'],
  ['stride 2^31', () => conv({ stride: 2 ** 31 }), 'InvalidStride', 'stride must be <= 536870912, got 2147483648'],
  ['stride Infinity', () => conv({ stride: Infinity }), 'InvalidStride', 'stride must be an integer, got Infinity'],
  ['stride [1, 0]', () => conv({ stride: [1, 0] }), 'InvalidStride', 'stride must be >= 1, got 1x0'],
  ['stride [1, 2, 3]', () => conv({ stride: [1, 2, 3] }), 'InvalidStride', 'stride must be a number or an [h, w] pair, got [1, 2, 3]'],
  ['dilation 0', () => conv({ dilation: 0 }), 'InvalidDilation', 'dilation must be >= 1, got 0x0'],
  ['groups 0', () => conv({ groups: 0 }), 'InvalidGroups', 'groups must be >= 1, got 0'],
  ['groups NaN', () => conv({ groups: NaN }), 'InvalidGroups', 'groups must be an integer, got NaN'],
  ['groups not dividing the channels', () => lab.conv2d(filled([3, 3, 3], 1), filled([2, 1, 1, 1], 1), { groups: 2 }), 'InvalidGroups',
    'groups must divide the input channels 3, got 2'],
  ['negative padding', () => conv({ padding: -1 }), 'InvalidPadding', 'padding top must be >= 0, got -1'],
  ['negative padding side', () => conv({ padding: [0, 0, -1, 0] }), 'InvalidPadding', 'padding left must be >= 0, got -1'],
  ['padding a string', () => conv({ padding: 'full' }), 'InvalidPadding', /^padding must be a number, \[h, w\], .* got "full"$/],
  ["padding 'same' with stride 2", () => conv({ padding: 'same', stride: 2 }), 'InvalidPadding', "padding 'same' needs stride 1, got stride [2, 2]"],
  ['reflect padding >= size', () => conv({ padding: 3, paddingMode: 'reflect' }), 'InvalidPadding',
    'padding top must be < input size 3 for reflect padding, got 3'],
  ['circular padding > size', () => lab.pad(x3(), { padding: [0, 0, 0, 4], paddingMode: 'circular' }), 'InvalidPadding',
    'padding right must be <= input size 3 for circular padding, got 4'],
  ['padding beyond 2^29', () => conv({ padding: [2 ** 30, 0, 0, 0] }), 'InvalidPadding', 'padding[0] must be <= 536870912, got 1073741824'],
  ['padded height beyond 2^29', () => conv({ padding: [2 ** 29, 2 ** 29, 0, 0] }), 'TooLarge', 'padding top must be <= 268435456, got 536870912'],
  ["huge dilation with 'same'", () => conv({ padding: 'same', dilation: 2 ** 29 }), 'TooLarge', "'same' padding for kernel 3x3 with dilation 536870912x536870912 is too large"],
  ['pool padding at the integer limit', () => lab.outputSize({ size: 5, kernel: 2 ** 29, padding: 2 ** 29, pool: true }), 'InvalidPadding',
    'padding size must be between 0 and half the kernel (268435456), got 536870912'],
  ['unknown paddingMode', () => conv({ padding: 1, paddingMode: 'mirror' }), 'InvalidArgument',
    'paddingMode must be one of zeros, reflect, symmetric, replicate, circular, got "mirror"'],
  ['unknown option', () => conv({ strides: 2 }), 'InvalidArgument', /^conv2d: unknown option "strides"; expected one of bias, stride/],
  ['options not an object', () => lab.conv2d(x3(), w3(), 3), 'InvalidArgument', 'conv2d options must be an object, got 3'],
  // ---- shapes and data
  ['kernel larger than the padded input', () => lab.conv2d(x3(), filled([1, 1, 5, 5], 1), { padding: [0, 1] }), 'KernelTooLarge',
    /^kernel height 5 \(dilated span 5\) must fit the padded input height 3, got output height < 1$/],
  ['weight channels mismatch', () => lab.conv2d(filled([2, 3, 3], 1), filled([1, 3, 3, 3], 1)), 'ShapeMismatch',
    'weight dimension 1 must be input channels / groups = 2, got 3'],
  ['data length mismatch', () => lab.conv2d({ shape: [1, 3, 3], data: new Float32Array(8) }, w3()), 'InvalidShape',
    'input data length must be 9 to match its shape, got 8'],
  ['shape with a 0', () => lab.conv2d({ shape: [1, 0, 3], data: new Float32Array(0) }, w3()), 'InvalidShape', 'input dimensions must be >= 1, got 1x0x3'],
  ['shape with a negative', () => lab.conv2d(x3(), { shape: [1, 1, -3, 3], data: new Float32Array(9) }), 'InvalidShape',
    'weight dimensions must be >= 1, got 1x1x-3x3'],
  ['shape non-integer', () => lab.conv2d({ shape: [1, 2.5, 2], data: new Float32Array(5) }, w3()), 'InvalidShape',
    'input.shape[1] must be an integer, got 2.5'],
  ['shape of the wrong rank', () => lab.conv2d({ shape: [3, 3], data: new Float32Array(9) }, w3()), 'InvalidShape',
    'input.shape must be an array of 3 dimensions, got [3, 3]'],
  ['enormous shape', () => lab.conv2d({ shape: [1, 100000, 100000], data: new Float32Array(1) }, w3()), 'TooLarge',
    'input 1x100000x100000 has more than 268435456 elements'],
  ['dimension beyond 2^29', () => lab.pad({ shape: [1, 2 ** 31, 1], data: new Float32Array(1) }), 'TooLarge',
    'input 1x2147483648x1 has more than 268435456 elements'],
  ['null input', () => lab.conv2d(null, w3()), 'InvalidArgument', 'input must be an object {shape: [C, H, W], data: Float32Array}, got null'],
  ['undefined input', () => lab.pad(undefined), 'InvalidArgument', /^input must be an object .*got undefined$/],
  ['string input', () => lab.pool2d('image', { kernel: 2 }), 'InvalidArgument', /^input must be an object .*got "image"$/],
  ['typed array as a weight', () => lab.conv2d(x3(), new Float32Array(9)), 'InvalidArgument', /^weight must be an object .*got Float32Array$/],
  ['Float64Array data', () => lab.conv2d({ shape: [1, 3, 3], data: new Float64Array(9) }, w3()), 'InvalidArgument',
    'input.data must be a Float32Array or an array of numbers, got Float64Array'],
  ['a string among the data', () => lab.conv2d({ shape: [1, 1, 2], data: [1, 'x'] }, filled([1, 1, 1, 1], 1)), 'InvalidArgument',
    'input.data[1] must be a number, got "x"'],
  ['missing data', () => lab.conv2d({ shape: [1, 3, 3] }, w3()), 'InvalidArgument', 'input.data must be a Float32Array or an array of numbers, got undefined'],
  ['bias of the wrong length', () => conv({ bias: [1, 2] }), 'ShapeMismatch', 'bias length must be the output channels 1, got 2'],
  ['bias as Float64Array', () => conv({ bias: new Float64Array(1) }), 'InvalidArgument', 'bias must be a Float32Array or an array of numbers, got Float64Array'],
  // ---- transposed convolution
  ['outputPadding too big', () => lab.convTranspose2d(x3(), w3(), { outputPadding: 1 }), 'InvalidPadding',
    'output padding height must be >= 0 and smaller than stride or dilation, got 1'],
  ['transposed weight mismatch', () => lab.convTranspose2dSteps(filled([2, 3, 3], 1), w3()), 'ShapeMismatch',
    'weight dimension 0 must be the input channels 2, got 1'],
  ['transposed output < 1', () => lab.convTranspose2d(filled([1, 1, 1], 1), filled([1, 1, 1, 1], 1), { padding: 1 }), 'KernelTooLarge',
    'transposed output height must be >= 1, got -1'],
  ['transposed padding as 4 sides', () => lab.convTranspose2d(x3(), w3(), { padding: [1, 1, 1, 1] }), 'InvalidPadding',
    'padding must be a number or an [h, w] pair, got [1, 1, 1, 1]'],
  // ---- pooling
  ['pool padding > kernel / 2', () => pool({ kernel: 2, padding: 2 }), 'InvalidPadding',
    'padding height must be between 0 and half the kernel (1), got 2'],
  ['mean pool with dilation', () => pool({ mode: 'mean', kernel: 2, dilation: 2 }), 'InvalidArgument', 'dilation must be 1x1 for mean pooling, got 2x2'],
  ['unknown pool mode', () => pool({ mode: 'avg', kernel: 2 }), 'InvalidArgument', 'mode must be one of max, mean, min, got "avg"'],
  ['pool without a kernel', () => pool({}), 'InvalidKernel', 'kernel is required'],
  ['pool window larger than the input', () => pool({ kernel: 5 }), 'KernelTooLarge', /^pooling window height 5 .* got output height < 1$/],
  ['returnIndices with mean', () => pool({ mode: 'mean', kernel: 2, returnIndices: true }), 'InvalidArgument', 'argmax needs max or min pooling, got mean'],
  ['ceilMode not a boolean', () => pool({ kernel: 2, ceilMode: 'yes' }), 'InvalidArgument', 'ceilMode must be true or false, got "yes"'],
  // ---- geometry
  ['outputSize output < 1', () => lab.outputSize({ size: 2, kernel: 5 }), 'KernelTooLarge', /must fit the padded input size 2, got output size < 1/],
  ['outputSize NaN size', () => lab.outputSize({ size: NaN, kernel: 3 }), 'InvalidShape', 'size must be an integer, got NaN'],
  ['outputSize without a kernel', () => lab.outputSize({ size: 5 }), 'InvalidKernel', 'kernel is required'],
  ['outputSize transposed with ceilMode', () => lab.outputSize({ size: 5, kernel: 2, ceilMode: true, transposed: true }), 'InvalidArgument',
    'outputSize: transposed and pool (or ceilMode) cannot be combined'],
  ['outputSize outputPadding without transposed', () => lab.outputSize({ size: 5, kernel: 2, outputPadding: 1 }), 'InvalidPadding',
    'outputPadding applies to transposed convolution only, got 1'],
  ['receptiveField of an object', () => lab.receptiveField({ kernel: 3 }), 'InvalidArgument', /^layers must be an array .*got Object$/],
  ['receptiveField null layer', () => lab.receptiveField([null]), 'InvalidArgument', /^layers\[0\] must be an object .*got null$/],
  ['receptiveField stride 0', () => lab.receptiveField(layers({ kernel: 3 }, { kernel: 3, stride: 0 })), 'InvalidStride', 'layer 1: stride must be >= 1, got 0x0'],
  ['receptiveField unknown type', () => lab.receptiveField(layers({ type: 'dense', kernel: 3 })), 'InvalidArgument',
    'layers[0].type must be one of conv, pool, got "dense"'],
  ['receptiveField missing kernel', () => lab.receptiveField(layers({ stride: 2 })), 'InvalidKernel', 'layers[0].kernel is required'],
  ['receptiveField unknown key', () => lab.receptiveField(layers({ kernel: 3, padding_mode: 'zeros' })), 'InvalidArgument', /^layers\[0\]: unknown option "padding_mode"/],
  ['receptiveField negative padding', () => lab.receptiveField(layers({ kernel: 3, padding: [0, -1] })), 'InvalidPadding', 'layer 0: padding must be >= 0, got 0x-1'],
  ['inputRect layer out of range', () => lab.inputRect(layers({ kernel: 3 }), 1, 0, 0), 'InvalidArgument', 'layer index must be between 0 and 0, got 1'],
  ['inputRect unit outside the output', () => lab.inputRect(layers({ kernel: 3 }), 0, 3, 0, { inputSize: 5 }), 'InvalidArgument',
    /output row must be between 0 and 2, got 3/],
  ['ERF pool padding > kernel / 2', () => lab.effectiveReceptiveField([1, 8, 8], layers({ type: 'pool', kernel: 2, padding: 2 })), 'InvalidPadding',
    'layer 0: padding height must be between 0 and half the kernel (1), got 2'],
  ['ERF empty output', () => lab.effectiveReceptiveField([1, 2, 2], layers({ kernel: 3 }, { kernel: 5 })), 'KernelTooLarge', /^layer 0: kernel height 3/],
  ['ERF bad input shape', () => lab.effectiveReceptiveField([1, 0, 5], []), 'InvalidShape', 'input dimensions must be >= 1, got 1x0x5'],
  ['ERF negative seed', () => lab.effectiveReceptiveField([1, 5, 5], [], { seed: -1 }), 'InvalidArgument', 'seed must be an integer within 0..4294967295, got -1'],
  ['ERF unknown weights', () => lab.effectiveReceptiveField([1, 5, 5], [], { weights: 'normal' }), 'InvalidArgument',
    'weights must be one of uniform, random, got "normal"'],
  // ---- cost
  ['cost unknown kind', () => lab.cost({ kind: 'dense', kernel: 3 }, [3, 8, 8]), 'InvalidArgument', /^kind must be one of standard, grouped, .* got "dense"$/],
  ['cost standard with groups', () => lab.cost({ kernel: 3, groups: 2 }, [4, 8, 8]), 'InvalidGroups',
    'groups must be 1 for a standard convolution (use grouped), got 2'],
  ['cost grouped not dividing', () => lab.cost({ kind: 'grouped', outChannels: 6, kernel: 3, groups: 4 }, [4, 8, 8]), 'InvalidGroups',
    'groups must divide the output channels 6, got 4'],
  ['cost outputPadding on a conv', () => lab.cost({ kernel: 3, outputPadding: 1 }, [4, 8, 8]), 'InvalidPadding',
    'output padding must be 0x0 for a standard layer, got 1x1'],
  ['cost input shape', () => lab.cost({ kernel: 3 }, [4, 8]), 'InvalidShape', 'inputShape must be an array of 3 dimensions, got [4, 8]'],
  // ---- kernels
  ['unknown kernel preset', () => lab.kernel('blur'), 'InvalidArgument', 'kernel preset "blur" is unknown'],
  ['kernel size 0', () => lab.kernel('mean', 0), 'InvalidKernel', 'kernel size must be >= 1, got 0'],
  ['even Sobel', () => lab.kernel('sobel_x', 4), 'InvalidKernel', 'sobel kernel size must be odd and between 3 and 31, got 4'],
  ['sigma NaN', () => lab.kernel('gaussian', 5, NaN), 'InvalidArgument', 'sigma must be finite, got nan'],
  ['separate a NaN kernel', () => lab.separate(tensor([1, 2], [1, NaN])), 'InvalidKernel', 'kernel value at (0, 1) must be finite, got nan'],
  ['separate negative tolerance', () => lab.separate(tensor([1, 1], [1]), { tolerance: -1 }), 'InvalidArgument', 'tolerance must be >= 0, got -1.000000'],
  ['separable empty column', () => lab.separableConv2d(x3(), [], [1]), 'InvalidKernel', 'column length must be >= 1, got 0'],
  ['flip of a 3-D tensor', () => lab.flip(x3()), 'InvalidShape', 'kernel.shape must be an array of 2 dimensions, got [1, 3, 3]'],
  // ---- images
  ['fromRGBA wrong length', () => lab.fromRGBA({ width: 2, height: 2, data: new Uint8ClampedArray(15) }), 'InvalidShape',
    'image.data length must be width * height * 4 = 16, got 15'],
  ['fromRGBA 2 channels', () => lab.fromRGBA({ width: 1, height: 1, data: new Uint8ClampedArray(4) }, { channels: 2 }), 'InvalidArgument',
    'channels must be 1 or 3, got 2'],
  ['fromRGBA float data', () => lab.fromRGBA({ width: 1, height: 1, data: new Float32Array(4) }), 'InvalidArgument',
    'image.data must be a Uint8ClampedArray or Uint8Array, got Float32Array'],
  ['fromRGBA width 0', () => lab.fromRGBA({ width: 0, height: 1, data: new Uint8ClampedArray(0) }), 'InvalidShape', 'image dimensions must be >= 1, got 1x0x4'],
  ['toRGBA channel out of range', () => lab.toRGBA(filled([3, 2, 2], 0), { channel: 3 }), 'InvalidArgument', 'channel must be -1 or within 0..2, got 3'],
  ['toRGBA diverging on RGB', () => lab.toRGBA(filled([3, 2, 2], 0), { mode: 'diverging' }), 'InvalidArgument',
    'diverging display needs one channel: pass a channel >= 0 for a 3-channel tensor, got -1'],
  ['toRGBA unknown mode', () => lab.toRGBA(x3(), { mode: 'log' }), 'InvalidArgument', 'mode must be one of clamp, minmax, abs, diverging, got "log"'],
];

// The module still computes the right thing: a 3x3 box sum with zero padding, and a max pool.
function assertStillWorks(after) {
  assert.deepEqual(Array.from(lab.conv2d(x3(), w3(), { padding: 1 }).data), [4, 6, 4, 6, 9, 6, 4, 6, 4], `conv2d after ${after}`);
  assert.deepEqual(Array.from(lab.pool2d(tensor([1, 2, 2], [1, 4, 3, 2]), { kernel: 2 }).data), [4], `pool2d after ${after}`);
}

test(`hostile input table: ${CASES.length} cases, each a ConvLabError with its code and message, the module fine after each`, () => {
  assert.ok(CASES.length >= 40);
  for (const [name, call, code, message] of CASES) {
    let caught;
    try { call(); } catch (e) { caught = e; }
    assert.ok(caught, `${name}: did not throw`);
    assert.ok(caught instanceof Error && caught instanceof ConvLabError, `${name}: threw ${caught}`);
    assert.equal(caught.name, 'ConvLabError', name);
    assert.equal(caught.code, code, `${name}: code (message: ${caught.message})`);
    if (typeof message === 'string') assert.equal(caught.message, message, name);
    else assert.match(caught.message, message, name);
    assertStillWorks(name);
  }
});

test('10,000 failing calls leak nothing: the malloc heap and the wasm memory stay the same size', () => {
  // Failures detected inside the core, after the inputs were copied into the wasm heap.
  const deep = CASES.filter(([, , code]) => ['KernelTooLarge', 'ShapeMismatch', 'InvalidGroups', 'InvalidPadding'].includes(code));
  assert.ok(deep.length >= 10);
  for (const [, call] of deep) assert.throws(call);  // warm-up: any one-time allocation happens here
  assertStillWorks('warm-up');
  const bytes = lab._heapBytes(), size = lab._heapSize();
  for (let i = 0; i < 10000; ++i) {
    const [name, call] = i % 2 ? deep[i % deep.length] : CASES[i % CASES.length];
    assert.throws(call, ConvLabError, name);
  }
  assertStillWorks('10,000 failures');
  assert.equal(lab._heapBytes(), bytes, 'bytes in use');
  assert.equal(lab._heapSize(), size, 'wasm memory size');
});
