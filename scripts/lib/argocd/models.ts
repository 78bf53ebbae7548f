// Schema checks of Argo CD objects with the @kubernetes-models/argo-cd models,
// loaded only when needed and remembered by content.
//
// Importing the three models is costly (their generated validators; docs/benchmarks.md), more
// than everything else a warm `npm run validate` does for argocd/. A model's
// verdict is a pure function of the object, so it is kept between runs by
// content hash (node_modules/.cache/marquee/argocd-schema.json, keyed by this
// module's code and the models' version: plumbing/cache.ts): an unchanged
// ApplicationSet or Application is not validated, and the models are not even
// imported, again.
import { contentHash, KeyedCache } from '../plumbing/cache.ts';

export type ArgoKind = 'AppProject' | 'ApplicationSet' | 'Application';
export const argoApiVersion = 'argoproj.io/v1alpha1';

let verdicts: KeyedCache<string> | undefined;
const cache = (): KeyedCache<string> => (verdicts ??= new KeyedCache<string>('argocd-schema.json', import.meta.url));
export const saveArgoSchemaCache = (): void => verdicts?.save();

type Validator = (object: Record<string, unknown>) => void;
let validators: Promise<Record<ArgoKind, Validator>> | undefined;
const load = (): Promise<Record<ArgoKind, Validator>> =>
  (validators ??= Promise.all([
    import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject'),
    import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet'),
    import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application'),
  ]).then(([p, s, a]) => ({
    AppProject: (o) => new p.AppProject(o as any).validate(),
    ApplicationSet: (o) => new s.ApplicationSet(o as any).validate(),
    Application: (o) => new a.Application(o as any).validate(),
  })));

/** The model's validation error for `object`, or undefined when it is valid. */
export async function argoSchemaError(kind: ArgoKind, object: Record<string, unknown>): Promise<string | undefined> {
  const key = `${kind}:${contentHash(JSON.stringify(object))}`;
  let verdict = cache().get(key);
  if (verdict === undefined) {
    const validate = (await load())[kind];
    try {
      validate(object);
      verdict = '';
    } catch (e) {
      verdict = (e as Error).message || String(e);
    }
    cache().set(key, verdict);
  }
  return verdict || undefined;
}

/** An Application object as the model's `toJSON()` gives it: apiVersion and kind set, undefined fields dropped. */
export function applicationObject(metadata: unknown, spec: unknown): Record<string, any> {
  return JSON.parse(JSON.stringify({ apiVersion: argoApiVersion, kind: 'Application', metadata, spec })) as Record<string, any>;
}
