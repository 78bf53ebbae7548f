// npm run set-image -- --env <env> --app <service|image> [--tag <tag>] [--digest sha256:…] [--dry-run]
// Edits the environment overlay's images: entry like `kustomize edit set image`,
// keeping comments and formatting. Mutable tags (latest, main, …) are refused past
// the first environment; environments with requireDigests need --digest.
// Exit: 0 changed or already set, 1 refused, 2 usage error.
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/plumbing/cli.ts';
import { setImage, SetImageError } from './lib/gitflow/set-image.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: npm run set-image -- --env <env> --app <service|image> [--tag <tag>] [--digest sha256:<hex>]';

const { values, positionals, fail } = parseCli('set-image', usage, {
  env: { type: 'string' },
  app: { type: 'string' },
  tag: { type: 'string' },
  digest: { type: 'string' },
});
if (positionals.length) fail(`unexpected argument ${positionals[0]}`);
const env = values.env ?? fail('--env and --app are required');
const app = values.app ?? fail('--env and --app are required');
try {
  const r = await setImage({ root, env, app, tag: values.tag, digest: values.digest });
  const show = (v?: { newTag?: string; digest?: string }) => (v ? [v.newTag, v.digest].filter(Boolean).join('@') || '(none)' : '(not listed)');
  if (!r.changed) console.log(`set-image: ${r.file}: ${r.image} is already ${show(r.after)}`);
  else console.log(`set-image: ${r.file}: ${r.image} ${show(r.before)} → ${show(r.after)}`);
  if (r.alsoAffects.length) console.log(`set-image: the image is shared: ${r.alsoAffects.join(', ')} change with it`);
} catch (e) {
  if (!(e instanceof SetImageError)) throw e;
  console.error(`set-image: refused: ${e.message}`);
  process.exit(1);
}
