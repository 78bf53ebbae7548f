// Images only from registries the project trusts.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { allowedImagePrefixes } from '../lib/data.ts';
import { parseImage } from '../../kube/index.ts';

export function allowedImage(image: string): boolean {
  const name = parseImage(image).name;
  return allowedImagePrefixes.some(({ prefix }) => (prefix.endsWith('/') ? name.startsWith(prefix) : name === prefix || name.startsWith(`${prefix}/`)));
}

export default containerPolicy(
  {
    id: 'gitops/allowed-registries',
    title: 'Images come from an allowed registry',
    rationale:
      'An image from an arbitrary registry or Docker Hub user is code nobody vetted running with the service\'s credentials. The allow-list (policies/lib/data.ts) names our GHCR organisation and each upstream project\'s official registry.',
    hint: 'use an image from policies/lib/data.ts allowedImagePrefixes, or add its official registry there with a reason',
    references: ['Kyverno restrict-image-registries'],
  },
  (c) => {
    const image = c.container.image;
    if (typeof image !== 'string' || !image || allowedImage(image)) return undefined;
    return { message: `${containerLabel(c)} image ${image} (${parseImage(image).name}) is not from an allowed registry`, path: `${c.path}.image` };
  },
);
