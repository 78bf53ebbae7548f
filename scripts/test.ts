// npm test: type-check everything, then run every node:test file in test/ and apps/*/test/.
// Extra arguments filter test files by substring: npm test -- generators
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));

function testFiles(dir: string): string[] {
  try {
    return (readdirSync(join(root, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules') && !f.includes('fixtures'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

const apps = readdirSync(join(root, 'apps')).map((a) => `apps/${a}/test`);
const files = [...testFiles('test'), ...apps.flatMap(testFiles)]
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();

if (!filters.length) {
  const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', root], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
if (!files.length) {
  console.error(`test: no test files match ${filters.join(', ') || '(all)'}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...passThrough, ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
