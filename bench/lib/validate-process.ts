// One `validate <dir>` process under GNU time, for the files-mode benchmarks: its own accounting of CPU and peak RSS,
// the object count from its summary line.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ValidateRun {
  readonly objects: number;
  readonly wall: number;
  /** user + system seconds of the whole process (every thread) */
  readonly cpu: number;
  readonly rssMb: number;
  readonly exit: number;
}

/**
 * The environment and node options `npm run validate` starts node with in the checkout of `launcher` (its
 * package.json's scripts.validate, `[NAME=value ...] node <options> scripts/launch.mjs validate`): the benchmark runs
 * validate as a user does.
 */
export function validateCommand(launcher: string): { env: Record<string, string>; options: string[] } {
  const script = (JSON.parse(readFileSync(join(dirname(launcher), '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.validate ?? '';
  const m = /^((?:[A-Z_][A-Z0-9_]*=\S* )*)node((?: --[\w-]+(?:=\S+)?)*) scripts\/launch\.mjs validate$/.exec(script);
  if (!m) throw new Error(`package.json scripts.validate is not \`[NAME=value ...] node [--options] scripts/launch.mjs validate\`: ${script}`);
  const env = Object.fromEntries(m[1]!.split(' ').filter(Boolean).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  return { env, options: m[2]!.split(' ').filter(Boolean) };
}

/** Run `<launcher> validate --format json .` in `dir` with the environment and node options `npm run validate` gives it (validateCommand; a time file is written beside it, then removed). */
export function runValidate(launcher: string, dir: string): ValidateRun {
  const timeFile = join(dir, '..', `time-${process.pid}.txt`);
  const { env, options } = validateCommand(launcher);
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', process.execPath, ...options, launcher, 'validate', '--format', 'json', '.'], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  if (r.error) throw r.error;
  const m = /(\d+) resources/.exec(r.stderr);
  if (!m) throw new Error(`validate printed no summary (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { objects: Number(m[1]), wall: wall!, cpu: user! + sys!, rssMb: rssKb! / 1024, exit: r.status ?? -1 };
}

/** The median of `values`. */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
