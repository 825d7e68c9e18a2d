// The ratios from one convlab_bench run, side by side: convlab / opencv per case, conv 3x3 c3 / memcpy,
// and each op / a conv2d with the same MACs. Medians of the run's repetitions, CPU time (the machine is shared).
//
//   build/native/convlab_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
//     --benchmark_format=json > build/bench.json && node tests/bench/ratios.mjs build/bench.json
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: node tests/bench/ratios.mjs <convlab_bench --benchmark_format=json output>');
const run = JSON.parse(readFileSync(file, 'utf8'));

// case -> variant -> median CPU time in ms. Without repetitions there are no aggregates: take the runs.
const times = {};
const aggregated = run.benchmarks.some((b) => b.aggregate_name === 'median');
for (const b of run.benchmarks) {
  if (aggregated ? b.aggregate_name !== 'median' : b.run_type !== 'iteration') continue;
  const [name, variant = 'only'] = b.run_name.replace(/^BM_/, '').split('/');
  const ms = b.cpu_time * { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[b.time_unit];
  (times[name] ??= {})[variant] = ms;
}

const rows = [];
const ratio = (what, a, b, target) => {
  if (a === undefined || b === undefined) return;
  const r = a / b;
  rows.push([what, a.toFixed(2), b.toFixed(2), r.toFixed(2), target === undefined ? '' : `<= ${target}`, target === undefined ? '' : r <= target ? 'met' : 'NOT met']);
};
const targets = { conv3x3_c1_1080p: 1.0, conv5x5_c1_1080p: 1.0, conv7x7_c1_1080p: 1.15, conv3x3_c3_1080p: 1.0, conv5x5_c3_1080p: 1.0,
  conv7x7_c3_1080p: 1.15, sep7_c1_1080p: 0.7 };
for (const [name, t] of Object.entries(times)) ratio(`${name}: convlab / opencv`, t.convlab, t.opencv, targets[name]);
ratio('conv3x3_c3_1080p: convlab / memcpy', times.conv3x3_c3_1080p?.convlab, times.memcpy_c3_1080p?.only, 2.5);
for (const [name, t] of Object.entries(times)) {
  if (name.startsWith('conv')) continue;  // depthwise convs are covered by the opencv rows
  ratio(`${name}: convlab / conv2d of the same MACs`, t.convlab, t.conv_same_macs, 2);
}
for (const [name, t] of Object.entries(times)) ratio(`${name}: AVX2 / SSE2 build`, t.convlab, t.convlab_baseline);

const width = [0, 1, 2, 3, 4, 5].map((i) => Math.max(...rows.map((r) => r[i].length), ['ratio', 'ms', 'ms', 'x', 'target', ''][i].length));
console.log(`${run.context.host_name}, ${run.context.num_cpus} CPUs, ${run.context.date}; CPU-time medians`);
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  '));
