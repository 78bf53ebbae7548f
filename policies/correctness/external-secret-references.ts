// An ExternalSecret makes its Secret only when its store exists and its refresh interval parses: External Secrets reads
// spec.refreshInterval as a metav1.Duration (Go's time.ParseDuration), which the CRD's schema does not check.
import { objectPolicy } from '../lib/define.ts';
import { closest, goDurationError } from '../../kube/index.ts';
import { namespaceOf, scopeOf } from '../lib/index-objects.ts';
import type { Violation } from '../types.ts';

export default objectPolicy(
  {
    id: 'correctness/external-secret-references',
    title: "An ExternalSecret's store is rendered and its refreshInterval is a Go duration (1h, 15m)",
    rationale:
      'An ExternalSecret whose secretStoreRef names no SecretStore in its namespace (or no ClusterSecretStore), or whose refreshInterval is not a Go duration ("15 minutes"), never makes its Secret: the pods that read it stay in CreateContainerConfigError, and only the ExternalSecret\'s status says why.',
    hint: 'name a rendered SecretStore (kind SecretStore, same namespace) and write refreshInterval as a Go duration: 1h, 15m, 30s',
    kinds: ['ExternalSecret'],
    references: ['external-secrets/external-secrets apis/externalsecrets/v1 (ExternalSecretSpec.RefreshInterval *metav1.Duration, SecretStoreRef)', 'golang/go src/time/format.go (ParseDuration)'],
  },
  (subject, ctx) => {
    const spec = subject.object.spec ?? {};
    const out: Violation[] = [];
    const interval = spec.refreshInterval;
    if (typeof interval === 'string') {
      const err = goDurationError(interval);
      if (err) out.push({ message: `spec.refreshInterval ${JSON.stringify(interval)} is not a Go duration (${err}): External Secrets cannot read the ExternalSecret and never makes its Secret`, path: 'spec.refreshInterval', hint: 'write a Go duration: 1h, 15m, 30s, 1h30m (units ns, us, ms, s, m, h)' });
    }
    const ref = spec.secretStoreRef;
    if (typeof ref?.name === 'string') {
      const kind = ref.kind ?? 'SecretStore';
      const stores =
        kind === 'ClusterSecretStore'
          ? ctx.index.ofKind('ClusterSecretStore').filter((s) => scopeOf(s.target) === scopeOf(subject.target))
          : ctx.index.inNamespace(subject, 'SecretStore');
      const names = stores.map((s) => String(s.object.metadata?.name));
      if (!names.includes(ref.name)) {
        const where = kind === 'ClusterSecretStore' ? 'on the cluster' : `in namespace ${namespaceOf(subject)}`;
        const near = closest(ref.name, names) ?? (names.length === 1 ? names[0] : undefined);
        out.push({
          message: `${kind} ${ref.name} is not rendered ${where} (${names.length ? `there is: ${names.join(', ')}` : `there is no ${kind}`}): the Secret ${spec.target?.name ?? subject.object.metadata?.name} is never made`,
          path: 'spec.secretStoreRef.name',
          hint: near ? `write ${near}` : `name a rendered ${kind}, or render ${kind} ${ref.name}`,
        });
      }
    }
    return out;
  },
);
