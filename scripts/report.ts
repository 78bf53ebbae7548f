// npm run report [-- --out <dir>] [--branches] [--update-docs] [--no-cache]
// Writes a static environments report to report/index.html (open it from disk).
// --branches renders each environment from the branch Argo CD deploys it from
// (develop, release, main) instead of the working tree.
// --no-cache runs kustomize for every target (by default unchanged renders come from the render cache).
// --update-docs also refreshes docs/img/architecture.svg (the diagram docs/architecture.md
// embeds) and the generated self-healing tables in docs/architecture.md;
// test/scripts/report/report.test.ts fails while either is stale.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { reportHtml } from './lib/report/html.ts';
import { collectReport } from './lib/report/index.ts';
import { architectureDoc, architectureMd } from './lib/report/docs.ts';
import { replaceBlock } from './lib/report/self-healing.ts';
import { modulesBlock, modulesBlockEnd, modulesBlockStart } from './lib/report/modules.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let args;
try {
  args = parseArgs({ options: {
      out: { type: 'string', default: 'report' },
      branches: { type: 'boolean', default: false },
      'update-docs': { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
    }, strict: true }).values;
} catch (err) {
  console.error(`report: ${(err as Error).message}\nusage: npm run report -- [--out <dir>] [--branches] [--update-docs] [--no-cache]`);
  process.exit(2);
}

/** Write through a temp file so a reader never sees half a file. */
function write(path: string, content: string): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

if (args.branches && args['update-docs']) {
  console.error('report: --update-docs documents this checkout; run it without --branches');
  process.exit(2);
}
const data = await collectReport(root, { branches: args.branches, cache: !args['no-cache'] });
const out = resolve(root, args.out!);
write(join(out, 'index.html'), reportHtml(data));
console.log(`report: wrote ${relative(process.cwd(), join(out, 'index.html')) || join(out, 'index.html')}`);
if (args['update-docs']) {
  // compute both before writing either: a missing marker leaves the docs untouched
  const healed = replaceBlock(readFileSync(join(root, architectureMd), 'utf8'), data.selfHealing, architectureMd);
  const md = replaceBlock(healed, await modulesBlock(root), architectureMd, modulesBlockStart, modulesBlockEnd);
  write(join(root, architectureDoc), data.architecture.svg);
  write(join(root, architectureMd), md);
  console.log(`report: wrote ${architectureDoc}, the self-healing tables and the parts picture in ${architectureMd}`);
}
for (const f of data.renderErrors) console.error(`report: ${f.target}: ${f.message}`);
if (data.renderErrors.length) process.exit(1);
