// A service's image as its Dockerfile defines it: the image's stage, its base and the ENV lines
// that change how node runs (NODE_ENV, NODE_OPTIONS), so a bench measures the flags the
// Deployment gets. Used by bench/services-lib.ts, bench/orders-e2e.ts, test/images.test.ts
// and test/workflows.test.ts (the images workflow builds each image from this Dockerfile).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { services, type ServiceName } from '@marquee/contract';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Node services' images share one Dockerfile, a stage per image (its last line picks the stage APP names). */
export const nodeDockerfile = 'apps/node.Dockerfile';

/**
 * The Dockerfile an image repository (`api-gateway`, `web`: the last part of services[*].image)
 * is built from: its own apps/<repo>/Dockerfile where there is one, else the Node services' one.
 */
export const dockerfileOf = (repo: string): string => (existsSync(join(root, 'apps', repo, 'Dockerfile')) ? `apps/${repo}/Dockerfile` : nodeDockerfile);

export interface Image {
  /** the Dockerfile, relative to the repository root */
  dockerfile: string;
  /** the image's stage runs on a node: base image */
  runsNode: boolean;
  /** NODE_ENV and NODE_OPTIONS of the image's stage, inherited ones included (NODE_OPTIONS '' when unset) */
  env: Record<string, string>;
}

interface Stage {
  readonly base: string;
  readonly name?: string;
  readonly body: string;
}

const stagesOf = (text: string): Stage[] =>
  text
    .split(/^(?=FROM )/m)
    .filter((s) => s.startsWith('FROM '))
    .map((s) => {
      const [, base, name] = /^FROM (\S+)(?: AS (\S+))?/.exec(s)!;
      return { base: base!, name, body: s };
    });

export function imageOf(name: ServiceName): Image {
  const repo = services[name].image.split('/').pop()!;
  const dockerfile = dockerfileOf(repo);
  const stages = stagesOf(readFileSync(join(root, dockerfile), 'utf8'));
  // the image's stage: the one named after it (one Dockerfile, many images), else the last
  let stage: Stage | undefined = dockerfile === nodeDockerfile ? stages.find((s) => s.name === repo) : stages.at(-1);
  if (!stage) throw new Error(`${dockerfile} has no stage "${repo}" for ${services[name].image}`);
  const chain: Stage[] = [];
  for (; stage && chain.length <= stages.length; stage = stages.find((s) => s.name === stage!.base)) chain.unshift(stage);
  const env: Record<string, string> = { NODE_OPTIONS: '' };
  for (const s of chain) for (const m of s.body.matchAll(/^ENV (NODE_ENV|NODE_OPTIONS)=(.*)$/gm)) env[m[1]!] = m[2]!.trim().replace(/^"(.*)"$/, '$1');
  return { dockerfile, runsNode: /^node:/.test(chain[0]!.base), env };
}

export const imageEnv = (name: ServiceName): Record<string, string> => imageOf(name).env;
