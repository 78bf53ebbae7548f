// wrk (Debian package `wrk`, C, epoll) as the load generator: one thread drives all
// connections and costs a fraction of autocannon's CPU per request, so on a 2-core machine
// more of the machine is left to the services being measured. Its Lua `done` hook prints
// the summary as one JSON line, so nothing is scraped from its text report.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSec: number;
  /** latency percentiles, milliseconds */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** socket errors (connect, read, write) */
  readonly errors: number;
  readonly timeouts: number;
  /** responses with status >= 400 */
  readonly non2xx: number;
}

const summaryScript = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('MARQUEE-WRK {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

export const wrkBinary = process.env.WRK ?? '/usr/bin/wrk';

/** Parse the line the summary script prints (latencies arrive in microseconds). */
export function parseWrkSummary(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith('MARQUEE-WRK '));
  if (!line) throw new Error(`wrk printed no summary (is ${wrkBinary} wrk 4.x with Lua?):\n${stdout.slice(-500)}`);
  const s = JSON.parse(line.slice('MARQUEE-WRK '.length)) as Record<string, number>;
  const ms = (us: number) => Math.round(us / 10) / 100;
  const seconds = s.duration_us! / 1e6;
  return {
    requests: s.requests!,
    seconds,
    requestsPerSec: Math.round(s.requests! / seconds),
    p50: ms(s.p50!),
    p90: ms(s.p90!),
    p99: ms(s.p99!),
    max: ms(s.max!),
    errors: s.connect! + s.read! + s.write!,
    timeouts: s.timeout!,
    non2xx: s.status!,
  };
}

export interface WrkRun {
  readonly pid: number;
  readonly result: Promise<WrkResult>;
}

/** Start `wrk -t1 -c<connections> -d<seconds>s --timeout 5s url`; `result` settles when it exits. */
export function wrk(url: string, o: { connections: number; duration: number; threads?: number }): WrkRun {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-wrk-'));
  const script = join(dir, 'summary.lua');
  writeFileSync(script, summaryScript);
  const child = spawn(wrkBinary, [`-t${o.threads ?? 1}`, `-c${o.connections}`, `-d${o.duration}s`, '--timeout', '5s', '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const result = new Promise<WrkResult>((resolve, reject) => {
    child.on('error', (e) => {
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`cannot run ${wrkBinary} (${e.message}): apt-get install wrk, or pass --tool autocannon`));
    });
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${(err || out).trim().slice(-500)}`));
      try {
        resolve(parseWrkSummary(out));
      } catch (e) {
        reject(e);
      }
    });
  });
  return { pid: child.pid ?? -1, result };
}
