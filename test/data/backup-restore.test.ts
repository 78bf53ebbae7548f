// Backup and restore for real, against the local PostgreSQL, with the scripts the
// postgres-backup CronJob ships (generators/postgres-backup, mounted from base/postgres's ConfigMap):
// pg_dump custom format as the least-privilege backup role → archive → drop → pg-restore.sh
// → compare row counts, sequences, ownership and grants. Roles and databases come from the
// bootstrap SQL under unique names. The S3 upload is covered by retention.test.ts (dry run).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { backupScripts, bootstrapEnv, bootstrapSql, defaultPostgresProps, readBackupScript } from '../../generators/postgres.ts';
import { databasesLike, dropAll, psql, query, run, uniquePrefix } from './lib/postgres.ts';

const repo = new URL('../../', import.meta.url).pathname;
const script = (name: string) => join(repo, 'generators/postgres-backup', name);
const databases = defaultPostgresProps().databases;

describe('backup and restore (generators/postgres-backup) against the local PostgreSQL', () => {
  const p = uniquePrefix('bk');
  const db = Object.fromEntries(databases.map((d) => [d.name, `${p}_${d.name}`])) as Record<string, string>;
  const owner = Object.fromEntries(databases.map((d) => [d.name, `${p}_${d.name}_owner`])) as Record<string, string>;
  const backupRole = `${p}_backup`;
  const exporterRole = `${p}_exporter`;
  const stamp = '2026-11-22T021500Z';
  let dir = '';
  let out = '';
  const counts = (database: string) =>
    query(
      `SELECT (SELECT count(*) FROM movies) || ',' || (SELECT count(*) FROM orders) || ',' || (SELECT last_value FROM orders_id_seq) || ',' || (SELECT count(*) FROM cheap_movies)`,
      { db: database },
    );
  let before_: Record<string, string> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-backup-'));
    out = join(dir, 'out');
    const sql = join(dir, 'bootstrap.sql');
    writeFileSync(sql, bootstrapSql(databases));
    const env: Record<string, string> = {
      [bootstrapEnv.exporterUser]: exporterRole,
      [bootstrapEnv.exporterPassword]: 'x',
      [bootstrapEnv.backupUser]: backupRole,
      [bootstrapEnv.backupPassword]: 'x',
    };
    for (const d of databases) {
      env[bootstrapEnv.dbName(d.name)] = db[d.name]!;
      env[bootstrapEnv.dbUser(d.name)] = owner[d.name]!;
      env[bootstrapEnv.dbPassword(d.name)] = 'x';
    }
    const r = run('psql', ['--no-psqlrc', '-U', 'postgres', '-d', 'postgres', `--file=${sql}`], env);
    assert.equal(r.status, 0, r.stderr);
    // A schema like the services' (as the owner role, like the migrations): FK, sequences, a view, an index, a trigger-free default.
    for (const d of databases) {
      const seed = psql(
        `CREATE TABLE movies (id serial PRIMARY KEY, title text NOT NULL, price numeric(8,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE orders (id bigserial PRIMARY KEY, movie_id int NOT NULL REFERENCES movies(id), status text NOT NULL DEFAULT 'pending', payload jsonb);
         CREATE INDEX orders_status ON orders (status);
         CREATE VIEW cheap_movies AS SELECT * FROM movies WHERE price < 5;
         INSERT INTO movies (title, price) SELECT 'movie ' || g, (g % 20) + 0.99 FROM generate_series(1, 800) g;
         INSERT INTO orders (movie_id, status, payload) SELECT (g % 800) + 1, CASE WHEN g % 3 = 0 THEN 'completed' ELSE 'pending' END, jsonb_build_object('n', g, 'note', E'quote '' and \\\\ backslash') FROM generate_series(1, 2500) g;
         SELECT setval('orders_id_seq', 5000);`,
        { user: owner[d.name], db: db[d.name] },
      );
      assert.equal(seed.status, 0, seed.stderr);
      before_[d.name] = counts(db[d.name]!);
    }
  });
  after(() => {
    dropAll([...Object.values(db), ...databasesLike(p)], [backupRole, exporterRole, ...Object.values(owner)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships the same scripts in the CronJob ConfigMap (run npm run generate if not)', () => {
    const cm = parse(readFileSync(join(repo, 'base/postgres/config-map-postgres-backup-scripts.yaml'), 'utf8')) as { data: Record<string, string> };
    for (const f of backupScripts) assert.equal(cm.data[f], readBackupScript(f), f);
  });

  it('pg-backup.sh dumps every database as the backup role into verified custom-format archives', () => {
    const t0 = Date.now();
    const r = run('sh', [script('pg-backup.sh'), out], {
      PGUSER: backupRole,
      BACKUP_DATABASES: Object.values(db).join(' '),
      BACKUP_TIMESTAMP: stamp,
    });
    assert.equal(r.status, 0, r.stderr);
    console.log(`# backup of ${databases.length} databases: ${Date.now() - t0} ms`);
    assert.equal(readFileSync(join(out, 'LATEST'), 'utf8').trim(), stamp);
    const check = run('sh', ['-c', `cd "${join(out, stamp)}" && sha256sum -c SHA256SUMS`]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    for (const name of Object.values(db)) {
      const file = join(out, stamp, `${name}.dump`);
      assert.ok(existsSync(file), file);
      assert.equal(readFileSync(file).subarray(0, 5).toString(), 'PGDMP', 'custom-format archive magic');
      const toc = run('pg_restore', ['--list', file]);
      assert.match(toc.stdout, /TABLE DATA public movies/);
      assert.match(toc.stdout, /TABLE DATA public orders/);
      assert.match(toc.stdout, /SEQUENCE SET public orders_id_seq/);
      assert.match(toc.stdout, /VIEW public cheap_movies/);
    }
  });

  it('pg-backup.sh fails (and writes no LATEST) when a database cannot be dumped', () => {
    const bad = join(dir, 'bad');
    const r = run('sh', [script('pg-backup.sh'), bad], { PGUSER: backupRole, BACKUP_DATABASES: `${db.inventory} ${p}_missing`, BACKUP_TIMESTAMP: stamp });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /does not exist/);
    assert.equal(existsSync(join(bad, 'LATEST')), false);
  });

  it('restores a dropped database with the same rows, sequences, owner and grants', () => {
    const name = db.inventory!;
    psql(`DROP DATABASE ${name} WITH (FORCE)`);
    assert.equal(query(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`), '0');
    const t0 = Date.now();
    const r = run('sh', [script('pg-restore.sh'), join(out, stamp, `${name}.dump`), name, owner.inventory!], {
      PGUSER: 'postgres',
      RESTORE_CONNECT_ROLES: backupRole,
    });
    assert.equal(r.status, 0, r.stderr);
    console.log(`# restore of ${name}: ${Date.now() - t0} ms`);
    assert.equal(counts(name), before_.inventory);
    assert.equal(query(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${name}'`), owner.inventory);
    assert.equal(query(`SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'`, { db: name }), owner.inventory);
    // The owner keeps working: the sequence continues after the restored value.
    assert.equal(query("INSERT INTO orders (movie_id) VALUES (1) RETURNING id", { user: owner.inventory, db: name }).split('\n')[0], '5001');
    assert.equal(query('SELECT count(*) FROM movies', { user: backupRole, db: name }), '800');
    assert.match(psql('SELECT 1', { user: owner.billing, db: name }).stderr, /permission denied for database/);
  });

  it('restores over a live database, keeping the replaced one aside', () => {
    const name = db.billing!;
    query('DELETE FROM orders WHERE status = \'pending\'', { db: name });
    assert.notEqual(counts(name), before_.billing);
    const r = run('sh', [script('pg-restore.sh'), join(out, stamp, `${name}.dump`), name, owner.billing!], { PGUSER: 'postgres' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(counts(name), before_.billing);
    const aside = databasesLike(`${name}_replaced_`);
    assert.equal(aside.length, 1, 'the replaced database is kept');
    // What was live (only the completed orders: every third of 2500) is what was set aside.
    assert.equal(query('SELECT count(*) FROM orders', { db: aside[0]! }), String(Math.floor(2500 / 3)));
    assert.equal(query("SELECT count(*) FROM orders WHERE status = 'pending'", { db: aside[0]! }), '0');
  });

  it('refuses a truncated archive before touching the live database', () => {
    const name = db.billing!;
    const broken = join(dir, 'broken.dump');
    copyFileSync(join(out, stamp, `${name}.dump`), broken);
    truncateSync(broken, 2000);
    const live = counts(name);
    const r = run('sh', [script('pg-restore.sh'), broken, name, owner.billing!], { PGUSER: 'postgres' });
    assert.notEqual(r.status, 0);
    assert.equal(counts(name), live);
    assert.equal(databasesLike(`${name}_restoring`).length, 0);
  });
});
