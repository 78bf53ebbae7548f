// Backup and restore throughput of generators/postgres-backup (what the postgres-backup CronJob and the
// restore runbook run) on the local PostgreSQL, to ground the RTO figures in docs/data.md:
// pgbench -i -s <scale> as the owner role, pg-backup.sh as the backup role, drop, pg-restore.sh.
//   npx tsx bench/data-backup-restore.ts [--scale 20]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrapEnv, bootstrapSql, defaultPostgresProps } from '../generators/postgres.ts';
import { dropAll, databasesLike, query, run, uniquePrefix } from '../test/data/lib/postgres.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '20' } } });
const scale = Number(values.scale);
const repo = new URL('../', import.meta.url).pathname;
const p = uniquePrefix('bench');
const dbs = defaultPostgresProps().databases;
const db = `${p}_${dbs[0]!.name}`;
const owner = `${db}_owner`;
const roles = [owner, `${p}_b_owner`, `${p}_backup`, `${p}_exporter`];
const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));

function must(r: { status: number | null; stderr: string }, what: string) {
  if (r.status !== 0) throw new Error(`${what}: ${r.stderr}`);
}
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

try {
  writeFileSync(join(dir, 'bootstrap.sql'), bootstrapSql(dbs));
  must(
    run('psql', ['--no-psqlrc', '-U', 'postgres', '-d', 'postgres', `--file=${join(dir, 'bootstrap.sql')}`], {
      [bootstrapEnv.exporterUser]: roles[3]!, [bootstrapEnv.exporterPassword]: 'x',
      [bootstrapEnv.backupUser]: roles[2]!, [bootstrapEnv.backupPassword]: 'x',
      [bootstrapEnv.dbName(dbs[0]!.name)]: db, [bootstrapEnv.dbUser(dbs[0]!.name)]: owner, [bootstrapEnv.dbPassword(dbs[0]!.name)]: 'x',
      [bootstrapEnv.dbName(dbs[1]!.name)]: `${p}_b`, [bootstrapEnv.dbUser(dbs[1]!.name)]: roles[1]!, [bootstrapEnv.dbPassword(dbs[1]!.name)]: 'x',
    }),
    'bootstrap',
  );
  let t0 = performance.now();
  must(run('pgbench', ['-i', '-q', '-s', String(scale), '-U', owner, db]), 'pgbench -i');
  const size = query(`SELECT pg_database_size('${db}')`);
  const rows = query('SELECT count(*) FROM pgbench_accounts', { db });
  console.log(`seed: scale ${scale}, ${rows} accounts, database ${(Number(size) / 2 ** 20).toFixed(0)} MiB, ${seconds(t0)} s`);

  t0 = performance.now();
  must(run('sh', [join(repo, 'generators/postgres-backup/pg-backup.sh'), join(dir, 'out')], { PGUSER: roles[2]!, BACKUP_DATABASES: db, BACKUP_TIMESTAMP: '2026-11-22T000000Z' }), 'backup');
  const dumpFile = join(dir, 'out/2026-11-22T000000Z', `${db}.dump`);
  console.log(`backup (pg_dump -Fc -Z6 + pg_restore --list + sha256): ${seconds(t0)} s, archive ${(statSync(dumpFile).size / 2 ** 20).toFixed(1)} MiB`);

  query(`DROP DATABASE ${db} WITH (FORCE)`);
  t0 = performance.now();
  must(run('sh', [join(repo, 'generators/postgres-backup/pg-restore.sh'), dumpFile, db, owner], { PGUSER: 'postgres' }), 'restore');
  console.log(`restore (pg-restore.sh, single transaction, indexes rebuilt): ${seconds(t0)} s`);
  const after = query('SELECT count(*) FROM pgbench_accounts', { db });
  if (after !== rows) throw new Error(`row count ${after} != ${rows}`);
  console.log(`verified: ${after} accounts after restore`);
} finally {
  dropAll([db, `${p}_b`, ...databasesLike(p)], roles);
  rmSync(dir, { recursive: true, force: true });
}
