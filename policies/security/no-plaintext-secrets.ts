// A Secret in Git is a secret in every clone, fork and CI log of the repository forever.
import { objectPolicy } from '../lib/define.ts';

export default objectPolicy(
  {
    id: 'security/no-plaintext-secrets',
    title: 'No Secret objects with data in Git',
    rationale:
      'base64 is not encryption: a committed Secret is readable by everyone with the repository. Secrets come from an ExternalSecret (or another controller) at runtime; only empty Secrets a controller fills (service-account tokens) may be committed.',
    hint: 'replace it with an ExternalSecret whose target has this name',
    kinds: ['Secret'],
    references: ['Argo CD docs: Secret Management', 'External Secrets Operator'],
  },
  (subject) => {
    const o = subject.object;
    const keys = [...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})];
    if (!keys.length) return undefined;
    // the first value's own line (a generated Secret's: its literal), where the secret stands
    const field = Object.keys(o.data ?? {}).length ? 'data' : 'stringData';
    const key = keys[0]!;
    return {
      message: `Secret carries ${keys.length} value(s) in Git (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''})`,
      path: `${field}${/^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`,
    };
  },
);
