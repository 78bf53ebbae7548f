// The v1 CustomResourceDefinitions of vendor/crds and the real-manifests corpus: real CRDs the API server accepts, for
// the tests that a check of CRDs raises no false alarm on them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifests } from '../../kube/yaml-schema.ts';
import { filesUnder } from '../../scripts/lib/plumbing/files.ts';
import { repoRoot } from './repo-copy.ts';

/** Each CRD with the repository-relative file it is in. */
export const realCrds = (): { file: string; o: Record<string, any> }[] =>
  ['vendor/crds', 'test/corpus/real-manifests'].flatMap((dir) =>
    filesUnder(join(repoRoot, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) =>
        (loadManifests(readFileSync(join(repoRoot, dir, f), 'utf8')) as Record<string, any>[])
          .filter((o) => o?.kind === 'CustomResourceDefinition' && o?.apiVersion === 'apiextensions.k8s.io/v1')
          .map((o) => ({ file: `${dir}/${f}`, o })),
      ),
  );
