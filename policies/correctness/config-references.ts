// A pod referencing a ConfigMap or Secret that nothing creates sticks in CreateContainerConfigError.
import { podPolicy } from '../lib/define.ts';
import { containersOf } from '../../kube/index.ts';
import { namespaceOf, scopeOf } from '../lib/index-objects.ts';
import type { RenderedObject } from '../../kube/index.ts';
import type { PolicyContext, Violation } from '../types.ts';

/** Key sets of ConfigMaps, Secrets and ExternalSecrets, computed once per object. */
const keyCache = new WeakMap<RenderedObject, { found: boolean; keys?: ReadonlySet<string> }>();
function cached(r: RenderedObject, compute: () => { found: boolean; keys?: ReadonlySet<string> }) {
  let v = keyCache.get(r);
  if (!v) keyCache.set(r, (v = compute()));
  return v;
}

/** Keys a Secret will have, or `undefined` when they cannot be known offline (dataFrom, unknown template). */
function secretKeys(near: RenderedObject, name: string, ctx: PolicyContext): { found: boolean; keys?: ReadonlySet<string> } {
  const s = ctx.index.named(near, 'Secret', name);
  if (s) return cached(s, () => ({ found: true, keys: new Set([...Object.keys(s.object.data ?? {}), ...Object.keys(s.object.stringData ?? {})]) }));
  const byTarget = ctx.index.memo('external-secrets-by-target', () => {
    const m = new Map<string, RenderedObject>();
    for (const es of ctx.index.ofKind('ExternalSecret')) {
      const k = `${scopeOf(es.target)}\0${namespaceOf(es)}\0${es.object.spec?.target?.name ?? es.object.metadata?.name}`;
      if (!m.has(k)) m.set(k, es);
    }
    return m;
  });
  const es = byTarget.get(`${scopeOf(near.target)}\0${namespaceOf(near)}\0${name}`);
  return es ? cached(es, () => externalSecretKeys(es)) : { found: false };
}

function externalSecretKeys(es: RenderedObject): { found: boolean; keys?: ReadonlySet<string> } {
  const spec = es.object.spec ?? {};
  if (spec.dataFrom?.length) return { found: true };
  const keys = new Set<string>((spec.data ?? []).map((d: any) => d?.secretKey).filter(Boolean));
  const tmpl = spec.target?.template;
  if (tmpl?.data) {
    // With a template, the Secret holds the template's keys (plus data's when mergePolicy is Merge).
    if (tmpl.mergePolicy !== 'Merge') keys.clear();
    for (const k of Object.keys(tmpl.data)) keys.add(k);
  }
  if (tmpl?.templateFrom?.length) return { found: true };
  return { found: true, keys };
}

function configMapKeys(near: RenderedObject, name: string, ctx: PolicyContext): { found: boolean; keys?: ReadonlySet<string> } {
  const cm = ctx.index.named(near, 'ConfigMap', name);
  if (!cm) return { found: false };
  return cached(cm, () => ({ found: true, keys: new Set([...Object.keys(cm.object.data ?? {}), ...Object.keys(cm.object.binaryData ?? {})]) }));
}

export default podPolicy(
  {
    id: 'correctness/config-references',
    title: 'Every ConfigMap and Secret a pod references is rendered (ExternalSecret targets count)',
    rationale:
      'A missing ConfigMap/Secret or key keeps the pod in CreateContainerConfigError (or ContainerCreating for volumes) and the rollout stalls; it is only visible after the sync. Secrets count when an ExternalSecret in the namespace targets them.',
    hint: 'fix the name/key, or render the ConfigMap / an ExternalSecret with that target name and key',
    references: ['Kubernetes: CreateContainerConfigError on missing ConfigMap/Secret keys'],
  },
  (t, subject, ctx) => {
    const out: Violation[] = [];
    const check = (kind: 'ConfigMap' | 'Secret', name: unknown, key: unknown, optional: unknown, path: string, container?: string) => {
      if (typeof name !== 'string' || optional === true) return;
      const r = kind === 'Secret' ? secretKeys(subject, name, ctx) : configMapKeys(subject, name, ctx);
      const c = container ? { container } : {};
      if (!r.found) out.push({ message: `${kind} ${name} is referenced but not rendered in this namespace${kind === 'Secret' ? ' (no Secret and no ExternalSecret targets it)' : ''}`, path, ...c });
      else if (typeof key === 'string' && r.keys && !r.keys.has(key))
        out.push({ message: `${kind} ${name} has no key ${key} (has: ${[...r.keys].join(', ') || 'none'})`, path: path.replace(/\.name$/, '.key'), ...c });
    };
    for (const c of containersOf(t)) {
      (c.container.env ?? []).forEach((e: any, i: number) => {
        const cm = e?.valueFrom?.configMapKeyRef;
        const sec = e?.valueFrom?.secretKeyRef;
        if (cm) check('ConfigMap', cm.name, cm.key, cm.optional, `${c.path}.env[${i}].valueFrom.configMapKeyRef.name`, c.name);
        if (sec) check('Secret', sec.name, sec.key, sec.optional, `${c.path}.env[${i}].valueFrom.secretKeyRef.name`, c.name);
      });
      (c.container.envFrom ?? []).forEach((e: any, i: number) => {
        if (e?.configMapRef) check('ConfigMap', e.configMapRef.name, undefined, e.configMapRef.optional, `${c.path}.envFrom[${i}].configMapRef.name`, c.name);
        if (e?.secretRef) check('Secret', e.secretRef.name, undefined, e.secretRef.optional, `${c.path}.envFrom[${i}].secretRef.name`, c.name);
      });
    }
    (t.spec.volumes ?? []).forEach((v: any, i: number) => {
      const at = `${t.specPath}.volumes[${i}]`;
      const items = (src: any, kind: 'ConfigMap' | 'Secret', name: string, path: string) => {
        check(kind, name, undefined, src.optional, `${path}.${kind === 'Secret' && 'secretName' in src ? 'secretName' : 'name'}`);
        (src.items ?? []).forEach((it: any, j: number) => check(kind, name, it?.key, src.optional, `${path}.items[${j}].key`));
      };
      if (v?.configMap) items(v.configMap, 'ConfigMap', v.configMap.name, `${at}.configMap`);
      if (v?.secret) items(v.secret, 'Secret', v.secret.secretName, `${at}.secret`);
      (v?.projected?.sources ?? []).forEach((s: any, j: number) => {
        if (s?.configMap) items(s.configMap, 'ConfigMap', s.configMap.name, `${at}.projected.sources[${j}].configMap`);
        if (s?.secret) items(s.secret, 'Secret', s.secret.name, `${at}.projected.sources[${j}].secret`);
      });
    });
    (t.spec.imagePullSecrets ?? []).forEach((s: any, i: number) => check('Secret', s?.name, undefined, false, `${t.specPath}.imagePullSecrets[${i}].name`));
    return out;
  },
);
