// The wasm build of the core against its native build, case by case, side by side in one run.
//
//   node tests/bench/wasm_bench.mjs [--site=build/site] [--native=build/native/convlab_bench] [--reps=7] [--filter=conv3x3]
//
// For each case of tests/bench/convlab_bench.cpp that the JS API can express, this runs
// the native benchmark for that case (--benchmark_format=json, median of its repetitions), then times
// the same op on the same shapes through convlab.mjs in this Node process (median of --reps calls after
// a warm-up), two ways:
//   heap:  the input is a HeapTensor (lab.tensor) and so is the result: no copies, the core alone plus
//          the call's bookkeeping. This is what the native figure measures, so wasm/native uses it.
//   plain: {shape, data} in, {shape, data} out: the input is copied into the heap and the result out.
// Ratios are against the native best build (AVX2+FMA here) and, where the case has one, the native
// baseline build (SSE2: the same 4-float vector width as wasm SIMD128).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (!m) throw new Error(`unknown argument ${a}; expected --site=, --native=, --reps=, --filter=`);
  return [m[1], m[2]];
}));
const siteDir = path.resolve(root, args.site ?? 'build/site');
const nativeBench = path.resolve(root, args.native ?? 'build/native/convlab_bench');
const reps = Number(args.reps ?? 7);
const filter = args.filter ? new RegExp(args.filter) : null;

// The cases of convlab_bench.cpp, as JS API calls: input [C, H, W], weight [Cout, Cin/groups, k, k].
const H = 1080, W = 1920;
const CASES = [
  ...[3, 5, 7].map((k) => ({ name: `conv${k}x${k}_c1_1080p`, c: 1, h: H, w: W, wshape: [1, 1, k, k], opts: { padding: 'same', paddingMode: 'reflect' } })),
  ...[3, 5, 7].map((k) => ({ name: `conv${k}x${k}_c3_1080p`, c: 3, h: H, w: W, wshape: [3, 1, k, k], opts: { padding: 'same', paddingMode: 'reflect', groups: 3 } })),
  ...[3, 7].map((k) => ({ name: `conv${k}x${k}_c3full_1080p`, c: 3, h: H, w: W, wshape: [1, 3, k, k], opts: { padding: 'same', paddingMode: 'reflect' } })),
  { name: 'conv3x3_d2_c1_1080p', c: 1, h: H, w: W, wshape: [1, 1, 3, 3], opts: { padding: 'same', paddingMode: 'reflect', dilation: 2 } },
  { name: 'pointwise_c16to16_270x480', c: 16, h: 270, w: 480, wshape: [16, 16, 1, 1], opts: {} },
  // Not conv2d: `call` runs the op (weight data from the same random stream; shapes as in convlab_bench.cpp).
  { name: 'sep7_c1_1080p', c: 1, h: H, w: W, wshape: [2, 7],
    call: (lab, x, wt) => lab.separableConv2d(x, wt.data.subarray(0, 7), wt.data.subarray(7, 14), { padding: 'same', paddingMode: 'reflect' }) },
  { name: 'maxpool3x3_s1_c1_1080p', c: 1, h: H, w: W, wshape: [1],
    call: (lab, x) => lab.pool2d(x, { mode: 'max', kernel: 3, stride: 1, padding: 1 }) },
  { name: 'avgpool2x2_s2_c3_1080p', c: 3, h: H, w: W, wshape: [1],
    call: (lab, x) => lab.pool2d(x, { mode: 'mean', kernel: 2 }) },
  { name: 'transposed4x4_s2_c3_to1080p', c: 3, h: H / 2, w: W / 2, wshape: [3, 1, 4, 4],
    call: (lab, x, wt) => lab.convTranspose2d(x, wt, { stride: 2, padding: 1, groups: 3 }) },
].filter((c) => !filter || filter.test(c.name));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function randomFloats(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32; }
  return out;
}

// Median real time in ms of BM_<name>/convlab and /convlab_baseline from one native run.
function nativeTimes(name) {
  const r = spawnSync(nativeBench, [
    `--benchmark_filter=^BM_${name}/convlab`, '--benchmark_format=json', `--benchmark_repetitions=${reps}`,
    '--benchmark_report_aggregates_only=true', '--benchmark_min_time=0.2'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${nativeBench} failed (${r.status}): ${r.stderr}`);
  const out = {};
  for (const b of JSON.parse(r.stdout).benchmarks) {
    if (b.aggregate_name !== 'median') continue;
    const scale = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[b.time_unit];
    out[b.run_name.split('/')[1]] = b.real_time * scale;
  }
  return out;
}

function timeMs(fn) {
  for (let i = 0; i < 5; i++) fn();  // warm-up: tier-up from Liftoff to TurboFan, heap growth
  const ts = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); fn(); ts.push(performance.now() - t0); }
  return median(ts);
}

if (!existsSync(path.join(siteDir, 'convlab.mjs'))) throw new Error(`no ${siteDir}/convlab.mjs: build the wasm target first (see tests/bench/README.md)`);
if (!existsSync(nativeBench)) throw new Error(`no ${nativeBench}: build convlab_bench first (see tests/bench/README.md)`);
const lab = await (await import(pathToFileURL(path.join(siteDir, 'convlab.mjs')).href)).default();

const rows = [];
for (const c of CASES) {
  const native = nativeTimes(c.name);
  const input = { shape: [c.c, c.h, c.w], data: randomFloats(c.c * c.h * c.w, 1) };
  const weight = { shape: c.wshape, data: randomFloats(c.wshape.reduce((a, b) => a * b, 1), 2).map((v) => v - 0.5) };
  if (c.wshape.length !== 4) weight.shape = undefined;  // plain vectors (separable) or unused (pooling)
  const call = c.call ?? ((l, x, wt) => l.conv2d(x, wt, c.opts));
  const plain = timeMs(() => call(lab, input, weight));
  const x = lab.tensor(input);
  const heap = timeMs(() => call(lab, x, weight).delete());
  x.delete();
  const r = {
    case: c.name, 'native ms': native.convlab, 'native sse2 ms': native.convlab_baseline, 'wasm heap ms': heap,
    'wasm plain ms': plain, 'wasm/native': heap / native.convlab, 'wasm/native sse2': heap / native.convlab_baseline,
    'plain/native': plain / native.convlab,
  };
  rows.push(r);
  const f = (v) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2));
  console.log(`${c.name.padEnd(28)} native ${f(r['native ms'])} ms (sse2 ${f(r['native sse2 ms'])})  wasm ${f(heap)} ms` +
              ` (plain API ${f(plain)})  wasm/native ${f(r['wasm/native'])}x  wasm/native-sse2 ${f(r['wasm/native sse2'])}x` +
              `  plain/native ${f(r['plain/native'])}x`);
}
if (args.json !== undefined) console.log(JSON.stringify(rows, null, 2));
