// TypeScript declarations for build/site/convlab.mjs (ConvLab's JS API). Conventions are PyTorch's:
// tensors are CHW float32, conv2d is cross-correlation, options take a number or an [h, w] pair.

/** A number for both axes, or [height, width]. */
export type Pair = number | [number, number];
/** A [C, H, W] float32 image tensor, row-major. Inputs may give data as a plain array of numbers. */
export interface Tensor { shape: [number, number, number]; data: Float32Array; }
export interface TensorInput { shape: [number, number, number]; data: Float32Array | number[]; }
/** A 4-D weight in PyTorch's layout: [Cout, Cin/groups, kh, kw] (conv2d) or [Cin, Cout/groups, kh, kw] (transposed). */
export interface Weight { shape: [number, number, number, number]; data: Float32Array; }
export interface WeightInput { shape: [number, number, number, number]; data: Float32Array | number[]; }
/** A 2-D kernel [kh, kw]. */
export interface Kernel2D { shape: [number, number]; data: Float32Array; }
export interface Kernel2DInput { shape: [number, number]; data: Float32Array | number[]; }
export type FloatsInput = Float32Array | number[];

export type PaddingMode = 'zeros' | 'reflect' | 'symmetric' | 'replicate' | 'circular';
export type PoolMode = 'max' | 'mean' | 'min';
export type DisplayMode = 'clamp' | 'minmax' | 'abs' | 'diverging';
export type LayerKind = 'standard' | 'grouped' | 'depthwise' | 'pointwise' | 'spatially-separable' | 'depthwise-separable'
  | 'transposed' | 'pool';
/** number | [h, w] | [top, bottom, left, right] | 'valid' (0) | 'same' (stride 1 only, extra pixel bottom/right). */
export type Padding = number | [number, number] | [number, number, number, number] | 'valid' | 'same';

/** The error codes: the core's ErrorCode names. */
export type ErrorCode = 'InvalidShape' | 'InvalidStride' | 'InvalidDilation' | 'InvalidPadding' | 'InvalidGroups'
  | 'InvalidKernel' | 'ShapeMismatch' | 'KernelTooLarge' | 'TooLarge' | 'InvalidArgument';

/** Thrown for every invalid argument; the message names the parameter and its value. */
export class ConvLabError extends Error {
  name: 'ConvLabError';
  code: ErrorCode;
  constructor(message: string, code?: ErrorCode);
}

export interface ConvOptions {
  /** [Cout] values; none by default (as F.conv2d). */
  bias?: FloatsInput | null; stride?: Pair; padding?: Padding; dilation?: Pair; groups?: number; paddingMode?: PaddingMode;
}
export interface ConvTransposeOptions {
  bias?: FloatsInput | null; stride?: Pair; padding?: Pair;
  /** Extra rows/columns on the bottom/right; each must be < stride or < dilation. */
  outputPadding?: Pair; dilation?: Pair; groups?: number;
}
export interface TransposedSteps {
  /** stride - 1 zeros between neighbouring pixels: [Cin, (H-1)*sh+1, (W-1)*sw+1]. */
  zeroInserted: Tensor;
  /** zeroInserted padded (zeros) by `padding`, or cropped where a side is negative. */
  padded: Tensor;
  /** The kernel rotated by 180 degrees with in/out channels swapped per group: [Cout, Cin/groups, kh, kw]. */
  rotated: Weight;
  /** conv2d(padded, rotated, stride 1) == convTranspose2d(input, weight, opts). */
  output: Tensor;
  /** [top, bottom, left, right] = d*(k-1) - p (+ outputPadding on bottom/right). */
  padding: [number, number, number, number];
}
export interface PoolOptions {
  mode?: PoolMode;
  /** Required. */
  kernel: Pair;
  /** Defaults to the kernel. */
  stride?: Pair;
  /** Symmetric, each <= kernel / 2; max/min pad with -inf/+inf, mean with zeros. */
  padding?: Pair;
  /** max and min only. */
  dilation?: Pair;
  ceilMode?: boolean;
  /** mean only; default true. */
  countIncludePad?: boolean;
  /** max/min only: also return the flat index y * W + x of the pixel each output read (-1: only padding). */
  returnIndices?: boolean;
}
export interface Separation {
  separable: boolean;
  column: Float32Array;
  row: Float32Array;
  /** ||K - column row^T||_F / ||K||_F. */
  residual: number;
}
export interface OutputSizeOptions {
  size: Pair; kernel: Pair; stride?: Pair;
  /** Convolution: any Padding form; pooling and transposed: number | [h, w]. */
  padding?: Padding;
  dilation?: Pair;
  /** Transposed convolution's formula. */
  transposed?: boolean;
  outputPadding?: Pair;
  /** Implies pooling rules (as pool: true). */
  ceilMode?: boolean;
  /** Pooling rules: stride defaults to the kernel, padding <= kernel / 2, PyTorch's ceil-mode rule. */
  pool?: boolean;
}
export interface Layer {
  /** Default 'conv'. */
  type?: 'conv' | 'pool';
  kernel: Pair;
  /** Default 1 for conv, the kernel for pool. */
  stride?: Pair;
  /** Symmetric. */
  padding?: Pair;
  dilation?: Pair;
}
/** Numbers, or [h, w] pairs when any layer gives an option as a pair. */
export interface FieldInfo<T = number | [number, number]> {
  /** Receptive field size in input pixels. */
  size: T;
  /** Distance in input pixels between neighbouring units. */
  jump: T;
  /** Centre of unit 0's field in input pixel coordinates (.5 for even kernels, < 0 with padding). */
  start: T;
}
/** Half-open input rectangle: rows y0..y1-1, columns x0..x1-1. */
export interface Rect { y0: number; x0: number; y1: number; x1: number; }
export interface ErfOptions {
  /** uniform: every conv weight 1; random: uniform on [-a, a], a = sqrt(3 / fan_in). */
  weights?: 'uniform' | 'random';
  /** 0..2^32-1, default 1. */
  seed?: number;
  /** ReLU after every conv layer but the last. */
  relu?: boolean;
}
export interface CostLayer {
  kind?: LayerKind;
  /** Default: the input channels. */
  outChannels?: number;
  /** Required except for pointwise. */
  kernel?: Pair;
  /** Default 1, or the kernel for pool. */
  stride?: Pair;
  padding?: Pair; dilation?: Pair; groups?: number;
  /** Default true (as nn.Conv2d), false for pool. */
  bias?: boolean;
  /** Transposed only. */
  outputPadding?: Pair;
}
export interface LayerCost {
  /** Multiply-accumulates: a number, or a bigint above Number.MAX_SAFE_INTEGER. */
  macs: number | bigint;
  params: number | bigint;
  outputShape: [number, number, number];
}
export interface KernelPresetInfo { name: string; description: string; hasSize: boolean; hasSigma: boolean; }
export interface ImageDataLike { width: number; height: number; data: Uint8ClampedArray | Uint8Array; }
export interface RGBAImage {
  width: number; height: number;
  /** RGBA bytes, ready for new ImageData(data, width, height). */
  data: Uint8ClampedArray;
  /** The values shown at the two ends of the scale. */
  range: [number, number];
}

/**
 * A [C, H, W] tensor kept in the wasm heap (lab.tensor()). Ops given one read it in place and return
 * HeapTensors: nothing is copied per call. Free it with delete() (a dropped one is freed when collected).
 */
export class HeapTensor {
  private constructor();
  readonly shape: readonly [number, number, number];
  /** A view of the wasm heap, no copy: use it at once; a later ConvLab call may detach it. */
  readonly data: Float32Array;
  readonly deleted: boolean;
  /** A plain copy, independent of the heap. */
  toObject(): Tensor;
  /** Frees the storage; later use throws; a second call does nothing. */
  delete(): void;
}

export interface ConvLab {
  /** Copies a tensor once into the wasm heap. */
  tensor(t: TensorInput): HeapTensor;
  conv2d(input: HeapTensor, weight: WeightInput, opts?: ConvOptions): HeapTensor;
  conv2d(input: TensorInput, weight: WeightInput, opts?: ConvOptions): Tensor;
  convTranspose2d(input: HeapTensor, weight: WeightInput, opts?: ConvTransposeOptions): HeapTensor;
  convTranspose2d(input: TensorInput, weight: WeightInput, opts?: ConvTransposeOptions): Tensor;
  convTranspose2dSteps(input: TensorInput | HeapTensor, weight: WeightInput, opts?: ConvTransposeOptions): TransposedSteps;
  pad(input: HeapTensor, opts?: { padding?: number | [number, number] | [number, number, number, number]; paddingMode?: PaddingMode }): HeapTensor;
  pad(input: TensorInput, opts?: { padding?: number | [number, number] | [number, number, number, number]; paddingMode?: PaddingMode }): Tensor;
  /** ReLU (as torch.relu: NaN stays NaN, -0 becomes +0) or |x| of every value; 'none' (the default) copies. */
  activate(input: HeapTensor, activation?: 'none' | 'relu' | 'abs'): HeapTensor;
  activate(input: TensorInput, activation?: 'none' | 'relu' | 'abs'): Tensor;
  pool2d(input: HeapTensor, opts: PoolOptions & { returnIndices?: false }): HeapTensor;
  pool2d(input: HeapTensor, opts: PoolOptions & { returnIndices: true }): { output: HeapTensor; indices: Int32Array };
  pool2d(input: TensorInput, opts: PoolOptions & { returnIndices?: false }): Tensor;
  pool2d(input: TensorInput, opts: PoolOptions & { returnIndices: true }): { output: Tensor; indices: Int32Array };
  separate(kernel: Kernel2DInput, opts?: { tolerance?: number }): Separation;
  separableConv2d(input: HeapTensor, column: FloatsInput, row: FloatsInput,
    opts?: { stride?: Pair; padding?: Padding; dilation?: Pair; paddingMode?: PaddingMode }): HeapTensor;
  separableConv2d(input: TensorInput, column: FloatsInput, row: FloatsInput,
    opts?: { stride?: Pair; padding?: Padding; dilation?: Pair; paddingMode?: PaddingMode }): Tensor;
  outputSize(opts: OutputSizeOptions): number | [number, number];
  receptiveField(layers: Layer[]): FieldInfo[];
  inputRect(layers: Layer[], layerIndex: number, y: number, x: number, opts?: { inputSize?: Pair }): Rect;
  effectiveReceptiveField(inputShape: [number, number, number], layers: Layer[], opts?: ErfOptions): Tensor;
  cost(layer: CostLayer, inputShape: [number, number, number]): LayerCost;
  readonly kernels: KernelPresetInfo[];
  kernel(name: string, size?: number, sigma?: number): Kernel2D;
  flip(kernel: Kernel2DInput): Kernel2D;
  transpose(kernel: Kernel2DInput): Kernel2D;
  normalise(kernel: Kernel2DInput): Kernel2D;
  fromRGBA(image: ImageDataLike, opts?: { channels?: 1 | 3 }): Tensor;
  toRGBA(tensor: TensorInput | HeapTensor, opts?: { mode?: DisplayMode; channel?: number }): RGBAImage;
  /** Debugging: bytes malloc holds in the wasm heap (a leak check). */
  _heapBytes(): number;
  /** Debugging: the wasm memory size in bytes. */
  _heapSize(): number;
}

export default function createConvLab(moduleOptions?: object): Promise<ConvLab>;
export { createConvLab };
export const PAD_MODES: PaddingMode[];
export const POOL_MODES: PoolMode[];
export const DISPLAY_MODES: DisplayMode[];
export const LAYER_KINDS: LayerKind[];
