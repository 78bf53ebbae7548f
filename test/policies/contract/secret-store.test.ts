// storeIssue (policies/contract/secret-store.ts): a store copied from another cluster's or environment's overlay.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusters } from '../../../generators/environments.ts';
import { storeIssue } from '../../../policies/contract/secret-store.ts';

const store = (kind: string, vault: Record<string, unknown> | undefined) => ({ apiVersion: 'external-secrets.io/v1', kind, metadata: { name: 'vault' }, spec: { provider: vault ? { vault } : { aws: { service: 'SecretsManager' } } } });
const vaultOf = (c: 'nonprod' | 'prod', path: string) => ({ server: clusters[c].vault.server, path, auth: { kubernetes: { mountPath: clusters[c].vault.kubernetesAuthMountPath, role: path } } });

describe('storeIssue', () => {
  test("a platform store on its own cluster's Vault: nothing to say", () =>
    assert.equal(storeIssue(store('SecretStore', vaultOf('prod', 'monitoring')), { cluster: 'prod', where: 'the platform overlay' }), undefined));
  test('a ClusterSecretStore copied from nonprod onto prod: one issue at the server, naming both fields and nonprod', () => {
    const issue = storeIssue(store('ClusterSecretStore', vaultOf('nonprod', 'monitoring')), { cluster: 'prod', where: 'the platform overlay' });
    assert.equal(issue?.path, 'spec.provider.vault.server');
    assert.match(issue!.message, /^spec\.provider\.vault\.server is "https:\/\/vault\.nonprod\.marquee\.internal:8200", spec\.provider\.vault\.auth\.kubernetes\.mountPath is "kubernetes-nonprod" in the platform overlay on cluster prod: these are cluster nonprod's/);
    assert.equal(issue!.hint, "write server: https://vault.prod.marquee.internal:8200, auth.kubernetes.mountPath: kubernetes-prod (cluster prod's Vault: clusters.prod.vault in generators/environments.ts)");
  });
  test("an environment's store reading another environment's mount on the right cluster: at the path", () => {
    const issue = storeIssue(store('SecretStore', vaultOf('nonprod', 'marquee-dev')), { cluster: 'nonprod', mount: 'marquee-test', where: 'test' });
    assert.equal(issue?.path, 'spec.provider.vault.path');
    assert.match(issue!.message, /test must read its own mount marquee-test/);
    assert.doesNotMatch(issue!.message, /these are cluster/);
  });
  // hashicorp/vault api/client.go Client.NewRequest: path.Join(addr.Path, requestPath) drops a trailing slash
  test('the Vault address with a trailing slash or an upper-case host is the same Vault: nothing to say', () => {
    for (const server of ['https://vault.prod.marquee.internal:8200/', 'https://VAULT.prod.marquee.internal:8200', 'HTTPS://vault.prod.marquee.internal:8200//'])
      assert.equal(storeIssue(store('SecretStore', { ...vaultOf('prod', 'monitoring'), server }), { cluster: 'prod', where: 'the platform overlay' }), undefined, server);
  });
  test('another port, scheme, path or an unparsable address is another Vault', () => {
    for (const server of ['https://vault.prod.marquee.internal', 'http://vault.prod.marquee.internal:8200', 'https://vault.prod.marquee.internal:8200/vault', 'vault.prod.marquee.internal:8200', 8200])
      assert.equal(storeIssue(store('SecretStore', { ...vaultOf('prod', 'monitoring'), server }), { cluster: 'prod', where: 'the platform overlay' })?.path, 'spec.provider.vault.server', String(server));
  });
  test("prod's address with a trailing slash on nonprod still says where it was copied from", () => {
    const issue = storeIssue(store('SecretStore', { ...vaultOf('nonprod', 'marquee-test'), server: 'https://vault.prod.marquee.internal:8200/' }), { cluster: 'nonprod', mount: 'marquee-test', where: 'test' });
    assert.match(issue!.message, /these are cluster prod's/);
  });
  test('a store of another provider is not judged', () => assert.equal(storeIssue(store('SecretStore', undefined), { cluster: 'prod', where: 'x' }), undefined));
});
