// The postgres-bootstrap SQL (what base/postgres's Job runs), executed with psql against the
// local PostgreSQL under unique names: least privilege per service, idempotence, password
// rotation, and refusal of inputs that would break or demote roles.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { bootstrapEnv, bootstrapSql, defaultPostgresProps } from '../../generators/postgres.ts';
import { dropAll, psql, query, run, uniquePrefix } from './lib/postgres.ts';

const repo = new URL('../../', import.meta.url).pathname;
const databases = defaultPostgresProps().databases;

/** The script exactly as committed in base/postgres (and as bootstrapSql() renders it). */
const committedSql = (): string =>
  (parse(readFileSync(join(repo, 'base/postgres/config-map-postgres-bootstrap.yaml'), 'utf8')) as { data: Record<string, string> }).data['bootstrap.sql']!;

describe('postgres-bootstrap SQL against the local PostgreSQL', () => {
  const p = uniquePrefix('boot');
  const names = {
    exporter: `${p}_exporter`,
    backup: `${p}_backup`,
    db: Object.fromEntries(databases.map((d) => [d.name, `${p}_${d.name}`])) as Record<string, string>,
    user: Object.fromEntries(databases.map((d) => [d.name, `${p}_${d.name}_owner`])) as Record<string, string>,
  };
  const passwords: Record<string, string> = { exporter: 'exp-1', backup: 'bak-1', inventory: "inv'1\"x", billing: 'bil-1' };
  let dir = '';
  let file = '';

  const env = (over: Record<string, string> = {}): Record<string, string> => ({
    [bootstrapEnv.exporterUser]: names.exporter,
    [bootstrapEnv.exporterPassword]: passwords.exporter!,
    [bootstrapEnv.backupUser]: names.backup,
    [bootstrapEnv.backupPassword]: passwords.backup!,
    ...Object.fromEntries(
      databases.flatMap((d) => [
        [bootstrapEnv.dbName(d.name), names.db[d.name]!],
        [bootstrapEnv.dbUser(d.name), names.user[d.name]!],
        [bootstrapEnv.dbPassword(d.name), passwords[d.name]!],
      ]),
    ),
    ...over,
  });
  // Same invocation as the Job's container command (psql --file), as the superuser.
  const bootstrap = (over: Record<string, string> = {}) =>
    run('psql', ['--no-psqlrc', '--echo-errors', '-U', 'postgres', '-d', 'postgres', `--file=${file}`], env(over));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-bootstrap-'));
    file = join(dir, 'bootstrap.sql');
    writeFileSync(file, committedSql());
  });
  after(() => {
    dropAll(Object.values(names.db), [names.exporter, names.backup, ...Object.values(names.user)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the script bootstrapSql() renders (run npm run generate if not)', () => {
    assert.equal(committedSql(), bootstrapSql(databases));
  });

  it('creates every database owned by its service role, twice in a row without error', () => {
    for (let i = 0; i < 2; i++) {
      const r = bootstrap();
      assert.equal(r.status, 0, `run ${i + 1}: ${r.stderr}`);
    }
    for (const d of databases) {
      const owner = query(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${names.db[d.name]}'`);
      assert.equal(owner, names.user[d.name]);
    }
  });

  it('gives login roles no superuser, createdb, createrole, replication or bypassrls', () => {
    const all = [names.exporter, names.backup, ...Object.values(names.user)];
    const rows = query(
      `SELECT rolname, rolcanlogin, rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls FROM pg_roles WHERE rolname IN (${all.map((r) => `'${r}'`).join(',')}) ORDER BY 1`,
    );
    const lines = rows.split('\n');
    assert.equal(lines.length, all.length);
    for (const line of lines) assert.match(line, /\|t\|f$/, line);
  });

  it('stores SCRAM hashes of the passwords from the environment', () => {
    for (const role of [names.exporter, names.backup, ...Object.values(names.user)])
      assert.match(query(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role}'`), /^SCRAM-SHA-256\$/);
  });

  it('lets a service role create tables in its own database and not even connect to the other', () => {
    const [a, b] = databases;
    const own = psql('CREATE TABLE movies (id serial PRIMARY KEY, title text NOT NULL); INSERT INTO movies (title) VALUES (\'Metropolis\')', {
      user: names.user[a!.name],
      db: names.db[a!.name],
    });
    assert.equal(own.status, 0, own.stderr);
    const cross = psql('SELECT 1', { user: names.user[b!.name], db: names.db[a!.name] });
    assert.notEqual(cross.status, 0);
    assert.match(cross.stderr, /permission denied for database/);
    // Nor can roles that were never granted anything (PUBLIC has no CONNECT).
    const outsider = psql('SELECT 1', { user: names.exporter, db: names.db[a!.name] });
    assert.match(outsider.stderr, /permission denied for database/);
  });

  it('lets the backup role read every table and write none', () => {
    const a = databases[0]!;
    assert.equal(query('SELECT count(*) FROM movies', { user: names.backup, db: names.db[a.name] }), '1');
    const write = psql("INSERT INTO movies (title) VALUES ('Nosferatu')", { user: names.backup, db: names.db[a.name] });
    assert.match(write.stderr, /permission denied for table movies/);
  });

  it('grants the exporter pg_monitor and nothing on the databases', () => {
    assert.equal(query(`SELECT pg_has_role('${names.exporter}', 'pg_monitor', 'member')`), 't');
    assert.equal(query(`SELECT has_database_privilege('${names.exporter}', '${names.db.inventory}', 'CONNECT')`), 'f');
  });

  it('rotates a password on the next run', () => {
    const role = names.user.billing!;
    const before = query(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role}'`);
    const r = bootstrap({ [bootstrapEnv.dbPassword('billing')]: 'bil-2' });
    assert.equal(r.status, 0, r.stderr);
    assert.notEqual(query(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role}'`), before);
  });

  describe('refuses inputs that would break roles, naming the problem', () => {
    it('a missing variable', () => {
      const e = env();
      delete e[bootstrapEnv.backupPassword];
      const r = run('psql', ['--no-psqlrc', '-U', 'postgres', '-d', 'postgres', `--file=${file}`], e);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /environment variable BACKUP_PASSWORD is not set/);
    });
    it('two databases sharing one role', () => {
      const r = bootstrap({ [bootstrapEnv.dbUser('billing')]: names.user.inventory! });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /role names in the Secrets must be distinct/);
    });
    it('a service role named like the admin (ALTER ROLE would demote the superuser)', () => {
      const r = bootstrap({ [bootstrapEnv.dbUser('inventory')]: 'postgres' });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /differ from the admin user/);
      assert.equal(query("SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres'"), 't');
    });
    it('an empty password', () => {
      const r = bootstrap({ [bootstrapEnv.exporterPassword]: '' });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /a password in the Secrets is empty/);
    });
    it('a database name that is a system database', () => {
      const r = bootstrap({ [bootstrapEnv.dbName('billing')]: 'postgres' });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /not a system database/);
    });
  });
});
