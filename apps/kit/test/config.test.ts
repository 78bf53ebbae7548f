import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { baseConfigSpec, ConfigError, env, pgConnectionConfig, readConfig } from '@marquee/kit';

const problems = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
};

test('defaults come from the contract when nothing is set', () => {
  const c = readConfig(baseConfigSpec('inventory'), {});
  assert.deepEqual(c, { port: 3001, logLevel: 'info', appEnv: 'local', gitSha: 'unknown' });
  assert.equal(readConfig(baseConfigSpec('api-gateway'), { PORT: '' }).port, 3000, 'empty counts as unset');
});

test('a bad PORT names the variable, the range and the value', () => {
  for (const bad of ['abc', '0', '65536', '80.5', '1e3', '0x50', '-1']) {
    assert.deepEqual(problems(() => readConfig(baseConfigSpec('inventory'), { PORT: bad })), [
      `config: PORT must be an integer 1-65535 (got "${bad}")`,
    ]);
  }
  assert.equal(readConfig(baseConfigSpec('inventory'), { PORT: ' 8080 ' }).port, 8080);
});

test('every bad variable is reported at once', () => {
  const p = problems(() => readConfig(baseConfigSpec('inventory'), { PORT: 'x', LOG_LEVEL: 'loud', GIT_SHA: 'not-a-sha', APP_ENV: 'Prod!' }));
  assert.equal(p.length, 4);
  assert.match(p[1]!, /^config: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)$/);
  assert.match(p[2]!, /^config: APP_ENV must be a short lowercase name/);
  assert.match(p[3]!, /^config: GIT_SHA must be a 7-40 character hex git sha/);
});

test('required URL and integer fields', () => {
  const spec = {
    inventory: env.url('INVENTORY_URL', { example: 'http://inventory:3001' }),
    timeout: env.int('UPSTREAM_TIMEOUT_MS', { min: 1, max: 60000 }),
  };
  assert.deepEqual(problems(() => readConfig(spec, {})), [
    'config: INVENTORY_URL is required (a http/https URL, e.g. http://inventory:3001)',
    'config: UPSTREAM_TIMEOUT_MS is required (an integer 1-60000)',
  ]);
  assert.deepEqual(problems(() => readConfig(spec, { INVENTORY_URL: 'ftp://x', UPSTREAM_TIMEOUT_MS: '0' })), [
    'config: INVENTORY_URL must be a http/https URL, e.g. http://inventory:3001 (got "ftp://x")',
    'config: UPSTREAM_TIMEOUT_MS must be an integer 1-60000 (got "0")',
  ]);
  assert.deepEqual(readConfig(spec, { INVENTORY_URL: 'http://inventory:3001/', UPSTREAM_TIMEOUT_MS: '5000' }), {
    inventory: 'http://inventory:3001',
    timeout: 5000,
  });
});

test('each field says what it expects, as its messages do (validate reports it where the value is set)', () => {
  const base = baseConfigSpec('inventory');
  assert.equal(base.port.expected, 'an integer 1-65535');
  assert.equal(base.logLevel.expected, 'one of fatal, error, warn, info, debug, trace, silent');
  assert.equal(base.appEnv.expected, 'a short lowercase name like dev, test or prod');
  assert.equal(env.url('X', { protocols: ['amqp:'] }).expected, 'a amqp URL');
  assert.equal(env.string('X', { pattern: /^a$/ }).expected, 'a string matching /^a$/');
  assert.equal(env.string('X').expected, 'a non-empty string');
});

test('PostgreSQL settings: DATABASE_URL, else PG*, else the local default', () => {
  assert.deepEqual(pgConnectionConfig('inventory', {}), { connectionString: 'postgres://postgres@127.0.0.1:5432/inventory' });
  assert.deepEqual(pgConnectionConfig('inventory', { DATABASE_URL: 'postgresql://u@db:5433/x' }), { connectionString: 'postgresql://u@db:5433/x' });
  assert.deepEqual(pgConnectionConfig('billing', { PGHOST: 'postgres', PGUSER: 'billing', PGPASSWORD: 's' }), {
    host: 'postgres',
    port: 5432,
    database: 'billing',
    user: 'billing',
    password: 's',
  });
  assert.deepEqual(problems(() => pgConnectionConfig('inventory', { DATABASE_URL: 'mysql://x/y' })), [
    'config: DATABASE_URL must be a postgres/postgresql URL, e.g. postgres://postgres@127.0.0.1:5432/inventory (got "mysql://x/y")',
  ]);
  assert.match(problems(() => pgConnectionConfig('inventory', { DATABASE_URL: 'postgres://h:5432' }))[0]!, /^config: DATABASE_URL must name a database/);
  assert.deepEqual(problems(() => pgConnectionConfig('inventory', { PGHOST: 'h', PGPORT: 'five' })), [
    'config: PGPORT must be an integer 1-65535 (got "five")',
  ]);
});

test('a server started with a bad variable exits 1 with the message and nothing else', () => {
  const server = fileURLToPath(new URL('../../inventory/src/server.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', server], {
    env: { ...process.env, PORT: 'abc', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.trim(), 'config: PORT must be an integer 1-65535 (got "abc")');
  assert.equal(r.stdout, '');
});
