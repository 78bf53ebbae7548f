// Tags can be re-pushed; digests cannot. Required where the environment contract says so.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { environmentsOf } from '../lib/index-objects.ts';
import { imageReferenceError, parseImage } from '../../kube/index.ts';

export default containerPolicy(
  {
    id: 'gitops/digest-pinning',
    title: 'Images are pinned by digest (error where the environment requires digests, warning elsewhere)',
    rationale:
      'A tag is a mutable pointer, even a semver one: a re-push changes what a running commit deploys. environments.ts requireDigests makes digests mandatory (prod); a platform overlay follows the strictest environment on its cluster. Elsewhere an undigested image is a warning.',
    hint: 'pin image@sha256:<digest> in the overlay (the image workflow writes digests with npm run set-image)',
    references: ['Kyverno require-image-digest'],
  },
  (c, _t, subject) => {
    const image = c.container.image;
    if (typeof image !== 'string' || !image) return undefined;
    // a digest pins only a reference the kubelet can pull (a short digest pins nothing: gitops/image-reference says why)
    const unpullable = parseImage(image).digest ? imageReferenceError(image) : undefined;
    if (parseImage(image).digest && !unpullable) return undefined;
    const required = environmentsOf(subject.target).some((e) => e.requireDigests);
    return {
      message: `${containerLabel(c)} image ${image} is not pinned by digest${unpullable ? ` (the reference does not parse: ${unpullable})` : ''}${required ? ` (required in ${subject.target.name})` : ''}`,
      path: `${c.path}.image`,
      severity: required ? 'error' : 'warning',
    };
  },
);
