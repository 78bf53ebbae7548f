// A service's image as its Dockerfile defines it: the final stage's base and the ENV lines
// that change how node runs (NODE_ENV, NODE_OPTIONS), so a bench measures the flags the
// Deployment gets. Used by bench/services-lib.ts, bench/orders-e2e.ts and test/images.test.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { services, type ServiceName } from '@marquee/contract';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Image {
  /** apps/<app>/Dockerfile, relative to the repository root */
  dockerfile: string;
  /** the final stage runs on a node: base image */
  runsNode: boolean;
  /** NODE_ENV and NODE_OPTIONS of the final stage (NODE_OPTIONS '' when unset) */
  env: Record<string, string>;
}

export function imageOf(name: ServiceName): Image {
  const dockerfile = join(dirname(dirname(services[name].entry)), 'Dockerfile');
  const text = readFileSync(join(root, dockerfile), 'utf8');
  const finalStage = text.slice(text.lastIndexOf('\nFROM ') + 1);
  const env: Record<string, string> = { NODE_OPTIONS: '' };
  for (const m of finalStage.matchAll(/^ENV (NODE_ENV|NODE_OPTIONS)=(.*)$/gm)) env[m[1]!] = m[2]!.trim().replace(/^"(.*)"$/, '$1');
  return { dockerfile, runsNode: /^FROM node:/.test(finalStage), env };
}

export const imageEnv = (name: ServiceName): Record<string, string> => imageOf(name).env;
