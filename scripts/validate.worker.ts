// The entry point of validate's files-mode worker threads (scripts/lib/validate/files-pool.ts starts them); not a
// command. The launcher bundles it beside validate's bundle (scripts/launch.mjs: `scripts/<name>.worker.ts`), so a
// worker thread reads, compiles and caches the checker's code alone, not the repository pipeline's as well.
import { serve } from './lib/validate/files-pool.ts';

void serve();
