// The PostgreSQL parameters CloudNativePG keeps for itself. Ported from cloudnative-pg/cloudnative-pg
// pkg/postgres/configuration.go (commit b122f63274d5: FixedConfigurationParameters, each "fixed" — the operator sets
// it — or "blocked" — it must keep PostgreSQL's default — and CnpgConfigurationSettings.GlobalDefaultSettings) and the
// admission webhook internal/webhook/v1/cluster_webhook.go (commit 00547d2b484: validateConfiguration), which refuses a
// Cluster whose spec.postgresql.parameters sets one of them ("Can't set fixed configuration parameter") unless the
// value is the one the operator would write anyway (CreatePostgresqlConfiguration's result without the mandatory
// settings).

/** FixedConfigurationParameters: name → fixed (the operator sets it) or blocked (it must keep its default). */
export const cnpgFixedParameters: Readonly<Record<string, 'fixed' | 'blocked'>> = {
  // need a restart
  allow_system_table_mods: 'blocked',
  archive_mode: 'fixed',
  bonjour: 'blocked',
  bonjour_name: 'blocked',
  cluster_name: 'fixed',
  config_file: 'blocked',
  data_directory: 'blocked',
  data_sync_retry: 'blocked',
  event_source: 'blocked',
  external_pid_file: 'blocked',
  hba_file: 'blocked',
  hot_standby: 'blocked',
  ident_file: 'blocked',
  jit_provider: 'blocked',
  listen_addresses: 'blocked',
  logging_collector: 'blocked',
  port: 'fixed',
  primary_conninfo: 'fixed',
  primary_slot_name: 'fixed',
  recovery_target: 'fixed',
  recovery_target_action: 'fixed',
  recovery_target_inclusive: 'fixed',
  recovery_target_lsn: 'fixed',
  recovery_target_name: 'fixed',
  recovery_target_time: 'fixed',
  recovery_target_timeline: 'fixed',
  recovery_target_xid: 'fixed',
  restore_command: 'fixed',
  shared_preload_libraries: 'fixed',
  temp_tablespaces: 'fixed',
  unix_socket_directories: 'blocked',
  unix_socket_group: 'blocked',
  unix_socket_permissions: 'blocked',
  // need a reload
  archive_cleanup_command: 'blocked',
  archive_command: 'fixed',
  log_destination: 'blocked',
  log_directory: 'blocked',
  log_file_mode: 'blocked',
  log_filename: 'blocked',
  log_rotation_age: 'blocked',
  log_rotation_size: 'blocked',
  log_truncate_on_rotation: 'blocked',
  'pg_failover_slots.primary_dsn': 'fixed',
  'pg_failover_slots.standby_slot_names': 'fixed',
  promote_trigger_file: 'blocked',
  recovery_end_command: 'blocked',
  recovery_min_apply_delay: 'blocked',
  restart_after_crash: 'blocked',
  ssl: 'fixed',
  ssl_ca_file: 'fixed',
  ssl_cert_file: 'fixed',
  ssl_crl_file: 'fixed',
  ssl_dh_params_file: 'fixed',
  ssl_ecdh_curve: 'fixed',
  ssl_key_file: 'fixed',
  ssl_passphrase_command: 'fixed',
  ssl_passphrase_command_supports_reload: 'fixed',
  ssl_prefer_server_ciphers: 'fixed',
  stats_temp_directory: 'blocked',
  synchronous_standby_names: 'fixed',
  synchronized_standby_slots: 'fixed',
  syslog_facility: 'blocked',
  syslog_ident: 'blocked',
  syslog_sequence_numbers: 'blocked',
  syslog_split_messages: 'blocked',
};

/** GlobalDefaultSettings of the fixed parameters: what the operator writes, so the webhook accepts the same value. */
const operatorDefaults: Readonly<Record<string, string>> = {
  log_destination: 'csvlog',
  log_directory: '/controller/log',
  log_filename: 'postgres',
  log_rotation_age: '0',
  log_rotation_size: '0',
  log_truncate_on_rotation: 'false',
  logging_collector: 'on',
  shared_preload_libraries: '',
};

/** Where a fixed parameter is set instead, when CloudNativePG has a field for it. */
const instead: Readonly<Record<string, string>> = {
  listen_addresses: 'the operator listens on every address ("*") itself; reach PostgreSQL through the <cluster>-rw Service',
  port: 'the operator runs PostgreSQL on 5432; the <cluster>-rw Service is what clients connect to',
  shared_preload_libraries: 'list the libraries in spec.postgresql.shared_preload_libraries',
  synchronous_standby_names: 'set spec.postgresql.synchronous (method, number) and the operator computes it',
  synchronized_standby_slots: 'set spec.replicationSlots.highAvailability and the operator computes it',
  archive_mode: 'WAL archiving follows spec.plugins (isWALArchiver) or spec.backup',
  archive_command: 'WAL archiving follows spec.plugins (isWALArchiver) or spec.backup',
  restore_command: 'recovery is configured in spec.bootstrap.recovery',
  primary_conninfo: 'a replica cluster is configured in spec.replica and spec.externalClusters',
  recovery_min_apply_delay: 'a delayed replica cluster sets spec.replica.minApplyDelay',
  temp_tablespaces: 'mark a tablespace temporary: true in spec.tablespaces',
};

/**
 * validateConfiguration's refusal of one parameter, or undefined when the webhook accepts it: not fixed, or set to
 * the value the operator would write (a default above; archive_mode "on", "always" in a replica cluster, "off" when
 * the cnpg.io/skipWalArchiving annotation is "enabled"). The webhook computes that value without the Cluster's name
 * or synchronous settings, so cluster_name and synchronous_standby_names are refused whatever they say.
 */
export function cnpgParameterRefusal(cluster: Record<string, any>, name: string, value: unknown): { message: string; hint: string } | undefined {
  const kind = cnpgFixedParameters[name];
  if (!kind) return undefined;
  const archiveMode = cluster.metadata?.annotations?.['cnpg.io/skipWalArchiving'] === 'enabled' ? 'off' : cluster.spec?.replica?.enabled === true ? 'always' : 'on';
  const sanitized: Readonly<Record<string, string>> = { ...operatorDefaults, archive_mode: archiveMode };
  if (Object.hasOwn(sanitized, name) && sanitized[name] === String(value)) return undefined;
  const why = kind === 'fixed' ? 'the operator sets it' : 'it must keep its default for the operator to work';
  return {
    message: `CloudNativePG's webhook refuses the Cluster: spec.postgresql.parameters.${name}: Invalid value: ${JSON.stringify(String(value))}: Can't set fixed configuration parameter (${why})`,
    hint: `delete ${name} from spec.postgresql.parameters${instead[name] ? `: ${instead[name]}` : ''}`,
  };
}
