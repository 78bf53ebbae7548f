// Writing a file so that readers see the old or the new content, never half of it: every cache of marquee's is
// written this way (scripts/lib/plumbing/cache.ts, kube/code-cache.mjs). JavaScript, with its types beside it
// (write-atomic.d.mts): scripts/launch.mjs uses it before any TypeScript can run.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * Write `data` to `file` through a temporary file renamed over it (one per process and thread). When it cannot be
 * written (a full disk, a folder in the way), it throws and leaves no temporary file behind.
 * @param {string} file
 * @param {string | Uint8Array} data
 */
export function writeAtomic(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
