// The image's own environment for a service: the ENV lines of apps/<app>/Dockerfile that
// change how node runs (NODE_ENV, NODE_OPTIONS), so a bench measures the flags the
// Deployment gets. Used by bench/services-lib.ts and bench/orders-e2e.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { services, type ServiceName } from '@marquee/contract';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function imageEnv(name: ServiceName): Record<string, string> {
  const dockerfile = readFileSync(join(root, dirname(dirname(services[name].entry)), 'Dockerfile'), 'utf8');
  const out: Record<string, string> = { NODE_OPTIONS: '' };
  for (const m of dockerfile.matchAll(/^ENV (NODE_ENV|NODE_OPTIONS)=(.*)$/gm)) out[m[1]!] = m[2]!.trim().replace(/^"(.*)"$/, '$1');
  return out;
}
