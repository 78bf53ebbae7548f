// policies/lib/postgres-guc.ts against a real PostgreSQL (the local server, 127.0.0.1:5432): the unit tables are not
// their own oracle. Every listed parameter's base unit is the server's pg_settings.unit; every value is accepted or
// refused as `SET` accepts or refuses it, in PostgreSQL's words and hint; an accepted value reads as the server stores
// it. Session SETs only, on a connection closed at the end: nothing persists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { gucUnitProblem, gucValue, parameterUnits, unitsHint } from '../../../policies/lib/postgres-guc.ts';

let client: pg.Client;
before(async () => {
  client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 10_000, query_timeout: 10_000 });
  await client.connect();
});
after(async () => {
  await client?.end();
});

/** The server's answer to `SET name = value`: undefined when it takes it, else its message and hint. */
async function serverSays(name: string, value: string): Promise<{ message: string; hint?: string } | undefined> {
  try {
    await client.query(`SET ${name} = ${client.escapeLiteral(value)}`);
    return undefined;
  } catch (e) {
    const err = e as { message: string; hint?: string };
    return { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  } finally {
    await client.query(`RESET ${name}`);
  }
}

// Session-settable parameters of each base unit; the values stay inside their ranges, so a refusal is the unit's.
const memoryValues = ['64MB', '1GB', '65536kB', '67108864B', '1TB', '64 MB', '64MB ', ' 64MB', '0.5GB', '4096', '0x10000', '64MiB', '64Mi', '64mb', '64M', '64KB', '64kb', '64 M B', '64MBs', '2GiB'];
const timeValues = ['30s', '30 s', '500ms', '1min', '1h', '1d', '1500', '1.5h', '250us', '30sec', '30S', '5m', '1hour', '15 minutes', '2 days', '10 MIN', '1H'];

describe('postgres-guc against the local PostgreSQL', { timeout: 60_000 }, () => {
  it("every listed parameter's base unit is the server's pg_settings.unit", async () => {
    const names = Object.keys(parameterUnits);
    const { rows } = await client.query<{ name: string; unit: string | null }>('SELECT name, unit FROM pg_settings WHERE name = ANY($1)', [names]);
    const server = Object.fromEntries(rows.map((r) => [r.name, r.unit]));
    for (const name of names) assert.equal(server[name], parameterUnits[name], `${name}: pg_settings.unit`);
  });

  for (const [name, values, kind] of [['work_mem', memoryValues, 'memory'], ['statement_timeout', timeValues, 'time']] as const)
    it(`${name}: each value is accepted or refused as SET does, with PostgreSQL's message and hint`, async () => {
      for (const value of values) {
        const server = await serverSays(name, value);
        const ours = gucUnitProblem(name, value);
        if (!server) {
          assert.equal(ours, undefined, `${name} = ${JSON.stringify(value)}: the server takes it, we refuse it`);
          continue;
        }
        assert.ok(ours, `${name} = ${JSON.stringify(value)}: the server refuses it (${server.message}), we take it`);
        assert.equal(server.message, `invalid value for parameter "${name}": "${value}"`);
        assert.equal(server.hint, unitsHint[kind], `${name} = ${JSON.stringify(value)}: hint`);
        assert.ok(ours.message.includes(`${server.message} (${server.hint})`), ours.message);
      }
    });

  it('an accepted value reads as the server stores it (work_mem in kB, statement_timeout in ms)', async () => {
    for (const [name, value, per] of [['work_mem', '0.5GB', 1024], ['work_mem', '65536kB', 1024], ['statement_timeout', '1.5h', 1], ['statement_timeout', '1d', 1]] as const) {
      await client.query(`SET ${name} = ${client.escapeLiteral(value)}`);
      const { rows } = await client.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name]);
      await client.query(`RESET ${name}`);
      assert.equal(gucValue(name, value), Number(rows[0]!.setting) * per, `${name} = ${value}`);
    }
  });

  it('the hints are the server\'s own: memory and time', async () => {
    assert.equal((await serverSays('work_mem', '1Gi'))?.hint, unitsHint.memory);
    assert.equal((await serverSays('statement_timeout', '1sec'))?.hint, unitsHint.time);
  });
});
