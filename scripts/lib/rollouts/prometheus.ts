// The machine's real Prometheus for the decision tests and the drill: a TSDB built from
// OpenMetrics text with `promtool tsdb create-blocks-from openmetrics`, a server on a loopback
// port with its own data directory, and instant queries as Argo Rollouts makes them
// (GET /api/v1/query with a time), turned into the value its Prometheus provider evaluates.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrometheusValue } from './analysis.ts';

export const binaries = { prometheus: '/usr/bin/prometheus', promtool: '/usr/bin/promtool' } as const;

/** Named timeouts: every wait says what it waited for. */
export const timeouts = { prometheusReady: 30_000, prometheusStop: 5_000, query: 10_000, promtool: 120_000 } as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Poll `probe` until it returns a value; the error names what was awaited. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** Write OpenMetrics text (it must end with `# EOF`) and turn it into TSDB blocks under `dataDir`. */
export function createBlocks(dir: string, openMetrics: string, dataDir: string): void {
  const file = join(dir, 'series.om');
  writeFileSync(file, openMetrics);
  const r = spawnSync(binaries.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], { encoding: 'utf8', timeout: timeouts.promtool });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed (${r.status}): ${r.stdout}${r.stderr}`);
}

export interface RunningPrometheus {
  readonly url: string;
  readonly logs: string[];
  stop(): Promise<void>;
}

/** Start the real Prometheus on a free loopback port with its own config and data directory. */
export async function startPrometheus(o: { config: string; dataDir: string; dir: string; extraArgs?: readonly string[] }): Promise<RunningPrometheus> {
  const configFile = join(o.dir, 'prometheus.yml');
  writeFileSync(configFile, o.config);
  const port = await freePort();
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    binaries.prometheus,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${o.dataDir}`, `--web.listen-address=127.0.0.1:${port}`, ...(o.extraArgs ?? [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), timeouts.prometheusStop);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitFor(`Prometheus ready on ${url}`, timeouts.prometheusReady, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${logs.join('').slice(-2000)}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, logs, stop };
}

/**
 * One instant query, as the Argo Rollouts Prometheus provider sees it: a vector becomes its
 * values in order, a scalar its value; a transport or query error becomes `{ error }` (an Error
 * measurement). `time` in seconds; omitted = now.
 */
export async function query(url: string, promql: string, time?: number): Promise<PrometheusValue | { error: string }> {
  const params = new URLSearchParams({ query: promql, ...(time !== undefined ? { time: String(time) } : {}) });
  try {
    const res = await fetch(`${url}/api/v1/query?${params}`, { signal: AbortSignal.timeout(timeouts.query) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (body.status !== 'success') return { error: body.error ?? `HTTP ${res.status}` };
    const { resultType, result } = body.data!;
    if (resultType === 'scalar') return { resultType: 'scalar', value: sampleValue((result as [number, string])[1]) };
    if (resultType === 'vector') return { resultType: 'vector', values: (result as { value: [number, string] }[]).map((s) => sampleValue(s.value[1])) };
    return { error: 'Prometheus metric type not supported' };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Sample values as the HTTP API writes them ("NaN", "+Inf", "-Inf", decimals). */
const sampleValue = (v: string): number => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));

/** `{{args.name}}` substitution (Argo Rollouts resolves args into the metric before it runs). */
export const resolveArgs = (text: string, args: Readonly<Record<string, string>>): string =>
  text.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+?)\s*\}\}/g, (m, name: string) => {
    if (!(name in args)) throw new Error(`args.${name} was not resolved`);
    return args[name]!;
  });
