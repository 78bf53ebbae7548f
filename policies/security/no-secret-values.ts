// Credentials pasted into env values or ConfigMaps end up in Git, in `kubectl describe` and in logs.
import { objectPolicy } from '../lib/define.ts';
import { containersOf, key, podTemplateOf } from '../../kube/index.ts';
import { secretNamePattern, secretValuePatterns } from '../lib/data.ts';
import type { Violation } from '../types.ts';

/** Names that hold a pointer to a secret, not the secret (`PASSWORD_FILE`, `TOKEN_PATH`, `SECRET_NAME`). */
const pointerName = /(_|-|\.)(file|path|dir|name|ref|url|key_id|ttl|seconds|timeout)$/i;

/** Values that cannot be a literal credential: references, paths, numbers, booleans, empty. */
function isReference(v: string): boolean {
  const s = v.trim().replace(/^["']|["']$/g, '');
  if (s === '' || s.startsWith('/') || /^(true|false|yes|no|null|none)$/i.test(s) || /^[0-9.]+[a-z]*$/i.test(s)) return true;
  // $(VAR), ${VAR}, $__env{VAR}, $__file{...}, {{ template }}, <placeholder>: remove references, see what is left.
  const rest = s.replace(/\$\([^)]*\)|\$\{[^}]*\}|\$__\w+\{[^}]*\}|\{\{[^}]*\}\}|<[^>]*>/g, '');
  return !/[A-Za-z0-9]/.test(rest.replace(/[:@/._-]/g, ''));
}

/** `password = hunter2` / `api_key: abc` lines inside a config file. */
const assignment = /^[ \t]*["']?([\w.-]*(?:pass(?:word|wd)|secret|token|api[_-]?key|private[_-]?key)[\w.-]*)["']?[ \t]*[:=][ \t]*(.+?)[ \t]*$/gim;

function* scanValue(value: string, path: string, what: string, fileLike: boolean): Iterable<Violation> {
  for (const p of secretValuePatterns)
    if (p.pattern.test(value)) {
      yield { message: `${what} contains ${p.name}`, path };
      return;
    }
  if (!fileLike) return;
  for (const m of value.matchAll(assignment)) {
    const [, k, v] = m;
    if (pointerName.test(k!) || isReference(v!.replace(/[;,]$/, ''))) continue;
    yield { message: `${what} sets ${k} to a literal value`, path };
    return;
  }
}

export default objectPolicy(
  {
    id: 'security/no-secret-values',
    title: 'No secret-looking values in env vars or ConfigMaps',
    rationale:
      'A password in an env value or ConfigMap is committed to Git and shown by `kubectl describe` to anyone who can read pods. Secret-named env vars must use valueFrom.secretKeyRef, and config files must reference secrets (files, env) instead of inlining them.',
    hint: 'read it from a Secret (env valueFrom.secretKeyRef / a mounted Secret provided by an ExternalSecret)',
    kinds: ['ConfigMap', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'],
    references: ['kube-linter env-var-secret', 'gitleaks rule set (token formats)'],
  },
  function (subject) {
    const out: Violation[] = [];
    const o = subject.object;
    if (o.kind === 'ConfigMap') {
      for (const [k, v] of Object.entries(o.data ?? {})) {
        if (typeof v !== 'string') continue;
        const path = key('data', k);
        const fileLike = k.includes('.') || v.includes('\n');
        if (!fileLike && secretNamePattern.test(k) && !pointerName.test(k) && !isReference(v)) {
          out.push({ message: `ConfigMap key ${k} holds a literal secret-looking value`, path });
          continue;
        }
        out.push(...scanValue(v, path, `ConfigMap key ${k}`, fileLike));
      }
      return out;
    }
    const t = podTemplateOf(o);
    if (!t) return out;
    for (const c of containersOf(t)) {
      (Array.isArray(c.container.env) ? c.container.env : []).forEach((e: any, i: number) => {
        if (typeof e?.value !== 'string') return;
        const path = `${c.path}.env[${i}].value`;
        const what = `env ${e.name} of container "${c.name}"`;
        if (secretNamePattern.test(String(e.name)) && !pointerName.test(String(e.name)) && !isReference(e.value)) {
          out.push({ message: `${what} is a literal value; it looks like a credential`, path, container: c.name });
          return;
        }
        for (const v of scanValue(e.value, path, what, false)) out.push({ ...v, container: c.name });
      });
    }
    return out;
  },
);
