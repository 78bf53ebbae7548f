// An image reference the kubelet cannot parse: the API server stores it, Argo CD syncs it, the pod never starts.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { imageReferenceError } from '../../kube/index.ts';

export default containerPolicy(
  {
    id: 'gitops/image-reference',
    title: 'Image references follow the reference grammar',
    rationale:
      'The API server accepts any image string, but the kubelet parses it with distribution/reference first: a space in a tag, an uppercase repository or a short digest leaves the pod waiting in InvalidImageName while the sync reports success.',
    hint: 'write registry/repository[:tag][@sha256:<64 hex digits>]: a lowercase repository, a tag of letters, digits, _ . - (at most 128)',
    references: ['distribution/reference normalize.go ParseNormalizedNamed and regexp.go', 'Kubernetes pkg/util/parsers ParseImageName (kubelet ErrInvalidImageName)'],
  },
  (c) => {
    const image = c.container.image;
    if (typeof image !== 'string' || !image) return undefined; // gitops/image-tag-required and the API server say so
    const error = imageReferenceError(image);
    return error ? { message: `${containerLabel(c)} image ${JSON.stringify(image)} cannot be pulled: ${error}`, path: `${c.path}.image` } : undefined;
  },
);
