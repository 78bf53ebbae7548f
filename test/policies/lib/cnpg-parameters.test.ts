// CloudNativePG's webhook on spec.postgresql.parameters (policies/lib/cnpg-parameters.ts). Accepted: the parameter
// maps of cloudnative-pg internal/webhook/v1/cluster_webhook_test.go ("configuration change validation") for which
// validateConfiguration returns no error — none of their keys is fixed. Refused: the parameters the webhook is seen
// refusing with "Can't set fixed configuration parameter" (listen_addresses, data_directory, shared_preload_libraries,
// ssl, synchronous_standby_names), and port, fixed in pkg/postgres/configuration.go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cnpgParameterRefusal } from '../../../policies/lib/cnpg-parameters.ts';

const skipWalArchiving = { metadata: { name: 'pg', annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } } };
const plain = { metadata: { name: 'pg' } };

describe('cnpgParameterRefusal', () => {
  it('accepts what cluster_webhook_test.go accepts', () => {
    const accepted: [Record<string, any>, Record<string, string>][] = [
      [plain, { min_wal_size: '80MB', max_wal_size: '1024' }],
      [plain, { min_wal_size: '1500', max_wal_size: '2 GB' }],
      [plain, { min_wal_size: '1.5GB', max_wal_size: '2000' }],
      [plain, { max_wal_size: '1GB' }],
      [plain, { min_wal_size: '100MB' }],
      [plain, { wal_level: 'replica' }],
      [plain, { wal_level: 'logical' }],
      [skipWalArchiving, { wal_level: 'minimal', max_wal_senders: '0' }],
      [skipWalArchiving, { wal_log_hints: 'off' }],
      [skipWalArchiving, { wal_log_hints: 'on' }],
      [skipWalArchiving, { wal_log_hints: 'true' }],
    ];
    for (const [cluster, parameters] of accepted)
      for (const [name, value] of Object.entries(parameters)) assert.equal(cnpgParameterRefusal(cluster, name, value), undefined, `${name}: ${value}`);
  });

  it('refuses the parameters the operator keeps, in the webhook\'s words, with the field to use instead', () => {
    for (const [name, value, instead] of [
      ['listen_addresses', '127.0.0.1', 'listens on every address'],
      ['listen_addresses', '*', 'listens on every address'],
      ['port', '5433', 'runs PostgreSQL on 5432'],
      ['data_directory', '/tmp/x', ''],
      ['shared_preload_libraries', 'pg_stat_statements', 'spec.postgresql.shared_preload_libraries'],
      ['ssl', 'off', ''],
      ['synchronous_standby_names', 'ANY 1 (*)', 'spec.postgresql.synchronous'],
    ]) {
      const r = cnpgParameterRefusal(plain, name!, value);
      assert.ok(r?.message.includes(`spec.postgresql.parameters.${name}: Invalid value: "${value}": Can't set fixed configuration parameter`), `${name}: ${r?.message}`);
      assert.ok(r?.hint.startsWith(`delete ${name} from spec.postgresql.parameters`) && r.hint.includes(instead!), r?.hint);
    }
  });

  it('accepts a fixed parameter set to what the operator writes anyway (archive_mode, the log settings)', () => {
    assert.equal(cnpgParameterRefusal(plain, 'archive_mode', 'on'), undefined);
    assert.ok(cnpgParameterRefusal(plain, 'archive_mode', 'off'));
    assert.equal(cnpgParameterRefusal(skipWalArchiving, 'archive_mode', 'off'), undefined);
    assert.equal(cnpgParameterRefusal(plain, 'logging_collector', 'on'), undefined);
    assert.ok(cnpgParameterRefusal(plain, 'logging_collector', 'off'));
  });
});
