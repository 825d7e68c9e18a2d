// TypeScript declarations for build/site/convlab.mjs (ConvLab's JS API).
export type Pair = number | [number, number];
export interface Tensor { shape: [number, number, number]; data: Float32Array; }
export interface Weight { shape: [number, number, number, number]; data: Float32Array | number[]; }
export type PaddingMode = 'zeros' | 'reflect' | 'symmetric' | 'replicate' | 'circular';
export type Padding = number | [number, number] | [number, number, number, number] | 'valid' | 'same';

export class ConvLabError extends Error { code: string; }

export interface ConvLab {
  conv2d(input: Tensor, weight: Weight, opts?: {
    bias?: Float32Array | number[]; stride?: Pair; padding?: Padding; dilation?: Pair; groups?: number; paddingMode?: PaddingMode;
  }): Tensor;
  pad(input: Tensor, opts?: { padding?: number | [number, number] | [number, number, number, number]; paddingMode?: PaddingMode }): Tensor;
  outputSize(opts: { size: Pair; kernel: Pair; stride?: Pair; padding?: Pair; dilation?: Pair; transposed?: boolean;
    outputPadding?: Pair; ceilMode?: boolean; pool?: boolean }): number | [number, number];
}

export default function createConvLab(moduleOptions?: object): Promise<ConvLab>;
export { createConvLab };
export const PAD_MODES: PaddingMode[];
