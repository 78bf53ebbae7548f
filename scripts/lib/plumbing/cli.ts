// What every thin CLI in scripts/*.ts does with its arguments: node's parseArgs
// (strict), --help prints the usage and exits 0, a bad argument prints one line
// naming the command, then the usage, and exits 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const help = { help: { type: 'boolean', short: 'h' } } as const;

export interface Cli<O extends Options> {
  readonly values: ReturnType<typeof parseArgs<{ options: O & typeof help; strict: true; allowPositionals: true }>>['values'];
  readonly positionals: string[];
  /** Print `<command>: <message>` and the usage, exit 2. */
  fail(message: string): never;
}

export function parseCli<const O extends Options>(command: string, usage: string, options: O): Cli<O> {
  const fail = (message: string): never => {
    console.error(`${command}: ${message}\n${usage}`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({ options: { ...options, ...help }, strict: true, allowPositionals: true });
  } catch (e) {
    return fail((e as Error).message);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    console.log(usage);
    process.exit(0);
  }
  return { values: parsed.values as Cli<O>['values'], positionals: parsed.positionals, fail };
}
