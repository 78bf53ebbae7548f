// The machine's speed at the moment, as one fixed single-threaded workload's time: this machine kind's speed moves by
// a third within minutes (docs/benchmarks.md, files mode), so a benchmark prints this beside its own figures and two
// runs of it can be compared through it. The workload is what validate's threads spend most on: JSON.parse of a
// fixed text of small objects with string, number and boolean fields, then a walk over what it gives. It runs in its
// own node process, so nothing of the benchmark's own process (its heap, its compiled code) enters the figure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const WORKLOAD = `
const items = [];
for (let i = 0; i < 20000; i++) items.push({ name: 'item-' + i, kind: i % 7 ? 'ConfigMap' : 'Deployment', port: i % 65535, ready: i % 2 === 0, labels: { app: 'a' + (i % 13), tier: 't' + (i % 3) }, description: 'x'.repeat(i % 97) });
const text = JSON.stringify(items);
const times = [];
let sum = 0;
for (let r = 0; r < 7; r++) {
  const t = performance.now();
  for (let k = 0; k < 10; k++) for (const o of JSON.parse(text)) for (const key in o) sum += key.length;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ ms: times[3], sum }));
`;

/** The workload's median time (ms) of seven rounds, in a fresh node process. */
export function machineReferenceMs(): number {
  const r = spawnSync(process.execPath, ['-e', WORKLOAD], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`the machine reference workload: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`the machine reference workload exited with ${r.status}: ${r.stderr.slice(-500)}`);
  return (JSON.parse(r.stdout) as { ms: number }).ms;
}

const FRESH_PAGES = `
const times = [];
for (let r = 0; r < 5; r++) {
  const b = new Uint8Array(new ArrayBuffer(64 * 1024 * 1024));
  const t = performance.now();
  for (let i = 0; i < b.length; i += 4096) b[i] = 1;
  times.push(((performance.now() - t) * 1000) / (b.length / 4096));
}
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ us: times[2] }));
`;

/**
 * What the first write to a page of fresh memory costs (µs, the median of five 64 MB buffers, in a fresh node process):
 * the page fault that gives it. The reference above does not measure it, and a validate run takes tens of thousands of
 * such faults, most of them as each thread's heap and compiled code first grow (docs/benchmarks.md, files mode, the
 * eighteenth session).
 */
export function freshPageMicros(): number {
  const r = spawnSync(process.execPath, ['-e', FRESH_PAGES], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`the fresh-page workload: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`the fresh-page workload exited with ${r.status}: ${r.stderr.slice(-500)}`);
  return (JSON.parse(r.stdout) as { us: number }).us;
}

/**
 * The processor as /proc/cpuinfo names it, with its family and model: hosts of one machine kind differ (the sixteenth
 * session's was a newer processor family than the fifteenth's, and its reference did not tell them apart).
 */
export function processorName(): string {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: the model name alone
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim();
  const family = field('cpu family');
  const model = field('model');
  return `${cpus()[0]?.model.trim() ?? 'unknown processor'}${family !== undefined ? ` (family ${family}, model ${model})` : ''}`;
}
