// The one way marquee's tooling library runs a process to completion: execFile with
// no shell (arguments are never quoted by hand, nothing is interpolated into a
// command line). A run never throws on a non-zero exit (`run`), or throws one
// ProcessError naming the command (`runOk`); every run has a time bound that names
// what it waited for. `limiter` caps how many run at once. The thin CLIs in
// scripts/*.ts use zx for their own processes; the library does not, because zx
// starts every process through a shell and costs more per process than the
// pre-commit path can pay (docs/benchmarks.md, "process runner").
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to the process's standard input. */
  readonly input?: string;
  /** Kill the process after this long (default 10 minutes) and report it as timed out. */
  readonly timeoutMs?: number;
}

export class ProcessError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`${command} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim() || 'no output'}`);
  }
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** `cmd args…` as a person would type it (for messages). */
export const commandLine = (cmd: string, args: readonly string[]): string =>
  [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

/** Run `cmd args…` in `opts.cwd`; resolves with its exit code and output whatever the code. */
export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((done) => {
    const child = execFile(
      cmd,
      args as string[],
      { cwd: opts.cwd, env: opts.env ? { ...process.env, ...opts.env } : process.env, maxBuffer: 1024 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (!err) return done({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (typeof e.code === 'string') {
          // the process never ran (ENOENT: no such command, or no such working directory)
          const why = e.code === 'ENOENT' ? `cannot run it in ${opts.cwd} (not found)` : e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? 'printed more than 1 GiB' : e.message;
          return done({ code: 1, stdout, stderr: `${commandLine(cmd, args)}: ${why}` });
        }
        if (e.killed && e.signal === 'SIGKILL') return done({ code: 1, stdout, stderr: `${commandLine(cmd, args)}: killed after ${timeoutMs} ms${stderr ? `\n${stderr}` : ''}` });
        done({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr: stderr || e.message });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Run and return stdout; throws ProcessError naming the command on a non-zero exit. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new ProcessError(commandLine(cmd, args), r);
  return r.stdout;
}

/** A gate that lets at most `n` callers through at once (default: one per core, plus one). */
export function limiter(n = availableParallelism() + 1): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** `fn` over every item with at most `n` in flight; results in input order. */
export function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const gate = limiter(n);
  return Promise.all(items.map((t) => gate(() => fn(t))));
}
