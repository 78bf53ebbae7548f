// The one way marquee's tooling runs a process: zx's `$` (automatic quoting, no
// shell strings built by hand), loaded on first use so a command that starts no
// process does not pay for it. A run never throws on a non-zero exit (`run`), or
// throws one ProcessError naming the command (`runOk`); every run has a time bound
// that names what it waited for. `limiter` caps how many run at once.
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

type Zx = typeof import('zx/core');
let zx: Promise<Zx> | undefined;
const loadZx = (): Promise<Zx> => (zx ??= import('zx/core'));

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** `cmd args…` as a person would type it (for messages). */
export const commandLine = (cmd: string, args: readonly string[]): string =>
  [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

/** Run `cmd args…` in `opts.cwd`; resolves with its exit code and output whatever the code. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const { $ } = await loadZx();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const p = await $({
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env } as NodeJS.ProcessEnv,
      input: opts.input,
      nothrow: true,
      quiet: true,
      verbose: false,
      timeout: timeoutMs,
      timeoutSignal: 'SIGKILL',
    })`${cmd} ${args}`;
    if ((p.exitCode ?? 0) < 0) return { code: 1, stdout: '', stderr: `${commandLine(cmd, args)}: cannot start in ${opts.cwd} (${p.stderr.trim() || 'spawn failed'})` };
    const code = p.exitCode ?? 1;
    const stderr = p.signal === 'SIGKILL' && code !== 0 && !p.stderr ? `${commandLine(cmd, args)}: killed after ${timeoutMs} ms` : p.stderr;
    // 127: the shell could not find the command
    if (code === 127 && /not found|No such file/.test(p.stderr)) return { code, stdout: p.stdout, stderr: `${cmd}: cannot run it (not found)` };
    return { code, stdout: p.stdout, stderr };
  } catch (e) {
    return { code: 1, stdout: '', stderr: `${commandLine(cmd, args)}: ${(e as Error).message}` };
  }
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
