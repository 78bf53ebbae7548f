// An image without tag or digest means `latest`: whatever was pushed last.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { parseImage } from '../../kube/index.ts';

export default containerPolicy(
  {
    id: 'gitops/image-tag-required',
    title: 'Images name a tag or digest',
    rationale: 'An untagged image resolves to :latest at pull time, so the same commit deploys different code on different nodes and days.',
    hint: 'pin the image in the overlay: npm run set-image -- --env <env> --app <name> --tag <version>',
    references: ['kube-linter latest-tag', 'kube-score container-image-tag', 'Kyverno disallow-latest-tag'],
  },
  (c) => {
    const image = c.container.image;
    if (typeof image !== 'string' || !image) return { message: `${containerLabel(c)} has no image`, path: `${c.path}.image` };
    const ref = parseImage(image);
    if (!ref.tag && !ref.digest) return { message: `${containerLabel(c)} image ${image} has no tag or digest`, path: `${c.path}.image` };
    return undefined;
  },
);
