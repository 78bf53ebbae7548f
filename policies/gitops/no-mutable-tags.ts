// `latest`, `main`, `develop`... move under the commit that names them.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { mutableTagPatterns, mutableTags } from '../lib/data.ts';
import { parseImage } from '../../kube/index.ts';

export const isMutableTag = (tag: string): boolean => mutableTags.has(tag.toLowerCase()) || mutableTagPatterns.some((p) => p.test(tag));

export default containerPolicy(
  {
    id: 'gitops/no-mutable-tags',
    title: 'No latest or branch-like image tags',
    rationale:
      'A tag like latest, main or develop is re-pointed by every build: Git no longer says what runs, rollbacks redeploy the new code, and nodes with a cached image run something else.',
    hint: 'use a release tag (semver) or a digest; npm run set-image writes one',
    references: ['kube-linter latest-tag', 'Kyverno disallow-latest-tag'],
  },
  (c) => {
    if (typeof c.container.image !== 'string') return undefined;
    const ref = parseImage(c.container.image);
    if (ref.digest || !ref.tag || !isMutableTag(ref.tag)) return undefined;
    return { message: `${containerLabel(c)} uses mutable tag "${ref.tag}" (${c.container.image})`, path: `${c.path}.image` };
  },
);
