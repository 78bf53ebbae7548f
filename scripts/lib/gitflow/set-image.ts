// `npm run set-image`: change one `images:` entry of an environment overlay the way
// `kustomize edit set image` does, but through the yaml Document API so comments,
// flow maps and ordering survive, with tag/digest syntax checks and the
// environment's rules (no mutable tags past the first environment, digests where
// the contract requires them). Verifies the overlay still builds before writing.
import { run } from '../plumbing/process.ts';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { services, type ServiceName } from '@marquee/contract';
import { envComponents, environments, envNames, type EnvName } from '../../../generators/environments.ts';
import { promotionOrder } from '../../../generators/argocd/delivery.ts';
import { closest, tagPattern } from '../../../kube/index.ts';
import { kustomizeBinary } from '../kustomize/index.ts';

export class SetImageError extends Error {}

export const digestPattern = /^sha256:[a-f0-9]{64}$/;

/** Tags that name a moving target; refused outside the first environment. */
export const mutableTags: ReadonlySet<string> = new Set([
  'latest', 'main', 'master', 'develop', 'development', 'dev', 'release', 'stable', 'edge', 'nightly', 'head', 'snapshot',
  ...Object.values(environments).map((e) => e.branch),
]);

export interface SetImageOptions {
  readonly root: string;
  readonly env: string;
  /** A service name (`inventory`, `billing-api`, …) or an image name or its last path segment (`billing`). */
  readonly app: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Run `kustomize build` of the environment after the edit and refuse if it fails. @default true */
  readonly verify?: boolean;
}

export interface SetImageResult {
  /** Repo-relative kustomization file that was (or would be) changed. */
  readonly file: string;
  readonly image: string;
  readonly before?: { readonly newTag?: string; readonly digest?: string };
  readonly after: { readonly newTag?: string; readonly digest?: string };
  readonly changed: boolean;
  /** Other services that share the image and change with it. */
  readonly alsoAffects: readonly string[];
}

const basename = (image: string): string => image.split('/').pop()!;

export async function setImage(opts: SetImageOptions): Promise<SetImageResult> {
  if (!envNames.includes(opts.env as EnvName)) throw new SetImageError(`--env ${opts.env}: unknown environment (one of ${envNames.join(', ')})`);
  const env = environments[opts.env as EnvName];
  const { tag, digest } = opts;
  if (!tag && !digest) throw new SetImageError('--tag or --digest is required');
  if (tag !== undefined && !tagPattern.test(tag))
    throw new SetImageError(`--tag ${JSON.stringify(tag)}: not a valid image tag (letters, digits, _ . -; at most 128; not starting with . or -)`);
  if (digest !== undefined && !digestPattern.test(digest)) throw new SetImageError(`--digest ${JSON.stringify(digest)}: expected sha256:<64 lowercase hex digits>`);
  if (tag !== undefined && !digest && env.name !== promotionOrder[0] && mutableTags.has(tag.toLowerCase()))
    throw new SetImageError(`--tag ${tag}: a mutable tag cannot be deployed to ${env.name} (only ${promotionOrder[0]} may follow a moving tag); use a release tag or a digest`);
  // Which image: a service of the contract, or an image already listed in the overlay.
  const service = Object.hasOwn(services, opts.app) ? services[opts.app as ServiceName] : undefined;
  const files = envComponents.map((c) => `${env.overlay}/${c}/kustomization.yaml`).filter((f) => existsSync(join(opts.root, f)));
  const docs = files.map((file) => ({ file, text: readFileSync(join(opts.root, file), 'utf8') })).map((f) => ({ ...f, doc: parseDocument(f.text) }));
  for (const d of docs) if (d.doc.errors.length) throw new SetImageError(`${d.file}: ${d.doc.errors[0]!.message}`);
  const entryName = (m: unknown) => (isMap(m) ? String((m as YAMLMap).get('name') ?? '') : '');
  let image: string | undefined = service?.image;
  let target = docs.find((d) => {
    const seq = d.doc.get('images');
    return isSeq(seq) && seq.items.some((m) => (image ? entryName(m) === image : entryName(m) === opts.app || basename(entryName(m)) === opts.app));
  });
  if (!image && target) {
    const seq = target.doc.get('images');
    image = entryName((seq as any).items.find((m: unknown) => entryName(m) === opts.app || basename(entryName(m)) === opts.app));
  }
  if (!image) {
    const listed = docs.flatMap((d) => {
      const seq = d.doc.get('images');
      return isSeq(seq) ? seq.items.map((m) => basename(entryName(m))) : [];
    });
    const near = closest(opts.app, [...Object.keys(services), ...listed]);
    throw new SetImageError(
      `--app ${opts.app}: not a service (${Object.keys(services).join(', ')}) and no images: entry named like it in ${files.join(', ') || `${env.overlay}/*`}${near ? `: did you mean --app ${near}?` : ''}`,
    );
  }
  // (after the app: a mistyped name is the first thing to fix)
  if (env.requireDigests && !digest)
    throw new SetImageError(`--env ${env.name} requires an image digest (requireDigests in generators/environments.ts): pass --digest sha256:… (with --tag for readability)`);

  // A service image not listed yet is added to the services overlay, as `kustomize edit set image` would.
  target ??= docs.find((d) => d.file.includes('/services/')) ?? docs[0];
  if (!target) throw new SetImageError(`${env.overlay}: no component kustomization.yaml to edit`);

  const { doc, file } = target;
  if (!doc.has('images')) doc.set('images', doc.createNode([]));
  const seq = doc.get('images');
  if (!isSeq(seq)) throw new SetImageError(`${file}: images: must be a list`);
  let entry = seq.items.find((m) => entryName(m) === image) as YAMLMap | undefined;
  const before = entry ? { newTag: entry.get('newTag') as string | undefined, digest: entry.get('digest') as string | undefined } : undefined;
  if (!entry) {
    entry = doc.createNode({ name: image }) as YAMLMap;
    seq.items.push(entry);
  }
  // kustomize edit set image: a tag replaces the digest, a digest replaces the tag, both keep both.
  if (tag !== undefined) entry.set('newTag', tag);
  else entry.delete('newTag');
  if (digest !== undefined) entry.set('digest', digest);
  else entry.delete('digest');
  const after = { newTag: tag, digest };
  const changed = !before || before.newTag !== after.newTag || before.digest !== after.digest;
  const alsoAffects = Object.entries(services)
    .filter(([name, f]) => f.image === image && name !== opts.app)
    .map(([name]) => name);
  if (!changed) return { file, image, before, after, changed, alsoAffects };

  const abs = join(opts.root, file);
  const original = target.text;
  // lineWidth 0: never fold a long line the person wrote (a flow-style patch target), so only the tag line changes
  const tmp = `${abs}.tmp-${process.pid}`;
  writeFileSync(tmp, doc.toString({ lineWidth: 0 }));
  renameSync(tmp, abs);
  if (opts.verify ?? true) {
    const r = await run(kustomizeBinary(), ['build', join(opts.root, env.overlay)], { cwd: opts.root });
    if (r.code !== 0) {
      writeFileSync(abs, original);
      throw new SetImageError(`kustomize build ${env.overlay} fails after the edit, nothing changed: ${r.stderr.trim()}`);
    }
  }
  return { file, image, before, after, changed, alsoAffects };
}
