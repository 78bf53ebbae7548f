// npm run diff -- --base <git-ref> [--head <git-ref>] [--target <name>]... [--format text|markdown|json] [--out file] [--no-cache]
// Renders every target at the base ref (temporary git worktree) and at the working
// tree (or --head), prints the semantic difference. Exit 2: bad arguments or unknown ref.
// Renders whose inputs are byte-for-byte unchanged come from the render cache (keyed by the
// content of every input, the kustomize binary and the rendering code); --no-cache runs kustomize for all.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/plumbing/cli.ts';
import { format, formats, type Format } from './lib/review/format.ts';
import { renderDiff, UnknownRefError } from './lib/review/index.ts';
import { defaultTargets } from './lib/kustomize/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: npm run diff -- --base <git-ref> [--head <git-ref>] [--target <dev|test|prod|platform/<cluster>|preview|argocd>]... [--format text|markdown|json] [--out <file>] [--no-cache]';

/** ANSI colours for a terminal: added green, removed red, changed yellow, unchanged targets dim. */
function colour(text: string): string {
  const paint = (code: number, l: string) => `\x1b[${code}m${l}\x1b[0m`;
  return text
    .split('\n')
    .map((l) =>
      /^\s*\+/.test(l) ? paint(32, l) : /^\s*-/.test(l) ? paint(31, l) : /^\s*~/.test(l) ? paint(33, l) : /: no changes$/.test(l) ? paint(2, l) : /^\S/.test(l) ? paint(1, l) : l,
    )
    .join('\n');
}

const { values: args, positionals, fail } = parseCli('diff', usage, {
  base: { type: 'string' },
  head: { type: 'string' },
  target: { type: 'string', multiple: true },
  format: { type: 'string', default: 'text' },
  out: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
});
if (positionals.length) fail(`unexpected argument ${positionals[0]}`);
const base = args.base ?? fail('--base is required (the git ref to compare against, e.g. origin/main)');
const known = defaultTargets(root).map((t) => t.name);
const unknown = (args.target ?? []).filter((t) => !known.includes(t));
if (unknown.length) {
  console.error(`diff: unknown --target ${unknown.join(', ')}; targets are ${known.join(', ')}`);
  process.exit(2);
}
if (!formats.includes(args.format as Format)) {
  console.error(`diff: --format must be one of ${formats.join(', ')}, got '${args.format}'`);
  process.exit(2);
}

try {
  const d = await renderDiff({ root, base, head: args.head, only: args.target, cache: !args['no-cache'] });
  const text = format(d, args.format as Format);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(args.format === 'text' && process.stdout.isTTY && !process.env.NO_COLOR ? colour(text) : text);
  const broken = d.targets.filter((t) => t.error);
  if (broken.length) {
    for (const t of broken) console.error(`diff: ${t.target} could not be rendered: ${t.error}`);
    process.exit(1);
  }
} catch (err) {
  if (err instanceof UnknownRefError) {
    console.error(`diff: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
