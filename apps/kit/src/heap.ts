// V8 settings every long-running HTTP service runs with (server.ts calls this before building the app).
import { setFlagsFromString } from 'node:v8';

/**
 * V8 otherwise "pretenures" some per-request allocation sites after the warm-up (allocates them
 * straight in old space), and that garbage grows the old generation to 2-4x the live heap under
 * load. Not settable in NODE_OPTIONS, hence at run time. See docs/benchmarks.md (services: RSS).
 */
export function noAllocationSitePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
