// The RabbitMQ definitions base/rabbitmq loads at boot, imported for real into the local
// RabbitMQ with `rabbitmqctl import_definitions`: queues with their quorum/DLX/delivery-limit
// arguments, exchanges, bindings, the policy, users and permissions, then an AMQP round trip
// as the application user (publish → redeliver past the delivery limit → dead-lettered).
//
// The committed file is an ESO template: its `{{ .var | toJson }}` placeholders are rendered
// here the way ESO's template engine renders them (sprig toJson = JSON string). Only the
// vhost name is changed (unique per run, deleted afterwards); users get unique names.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { parse } from 'yaml';
import { broker, brokerTopology } from '@marquee/contract';
import { defaultRabbitmqProps, definitionsTemplate, templateVars } from '../../generators/rabbitmq.ts';

const repo = new URL('../../', import.meta.url).pathname;

function rabbitmqctl(...args: string[]): string {
  const r = spawnSync('rabbitmqctl', ['--quiet', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const json = <T>(...args: string[]): T => JSON.parse(rabbitmqctl(...args, '--formatter', 'json')) as T;

/** Render the template exactly as ESO would for these values: every placeholder is `{{ .name | toJson }}`. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{ \.(\w+) \| toJson \}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template variable ${name} has no value`);
    return JSON.stringify(values[name]);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RabbitMQ definitions imported into the local RabbitMQ', () => {
  const id = randomBytes(4).toString('hex');
  const vhost = `t_defs_${id}`;
  const values = {
    [templateVars.adminUsername]: `t_defs_${id}_admin`,
    [templateVars.adminPassword]: `adm-${id}`,
    [templateVars.appUsername]: `t_defs_${id}_billing`,
    // Quotes and backslashes: toJson must escape them or the file would not parse.
    [templateVars.appPassword]: `p"w\\${id}`,
  };
  let dir = '';

  type Queue = { name: string; type: string; durable: boolean; arguments: Record<string, unknown> };
  /** rabbitmqctl's JSON formatter lists arguments as [name, AMQP type, value] triples. */
  const argumentsOf = (raw: unknown): Record<string, unknown> =>
    Array.isArray(raw) ? Object.fromEntries((raw as [string, string, unknown][]).map(([k, , v]) => [k, v])) : (raw as Record<string, unknown>);
  let queues: Queue[] = [];

  /** An AMQP connection to this run's vhost as the application or the admin user the definitions create. */
  const connect = (who: 'app' | 'admin') => {
    const [user, password] = who === 'app' ? [templateVars.appUsername, templateVars.appPassword] : [templateVars.adminUsername, templateVars.adminPassword];
    return amqp.connect(`amqp://${encodeURIComponent(values[user]!)}:${encodeURIComponent(values[password]!)}@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
  };
  /** Runs `use` on a connection as `who`, closing the connection afterwards. */
  async function withConnection(who: 'app' | 'admin', use: (conn: Awaited<ReturnType<typeof connect>>) => Promise<void>): Promise<void> {
    const conn = await connect(who);
    try {
      await use(conn);
    } finally {
      await conn.close();
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-defs-'));
    const cm = parse(readFileSync(join(repo, 'base/rabbitmq/config-map-rabbitmq-definitions-template.yaml'), 'utf8')) as { data: Record<string, string> };
    const defs = JSON.parse(renderTemplate(cm.data['definitions.json']!, values)) as Record<string, unknown[]>;
    // Isolation: the one transformation, vhost → unique name.
    const renamed = JSON.parse(JSON.stringify(defs), (k, v) => ((k === 'vhost' || k === 'name') && v === brokerTopology.vhost ? vhost : v)) as typeof defs;
    writeFileSync(join(dir, 'definitions.json'), JSON.stringify(renamed), { mode: 0o644 });
    // rabbitmqctl's wrapper runs the CLI as the rabbitmq user: it must be able to read the file.
    chmodSync(dir, 0o755);
    rabbitmqctl('import_definitions', join(dir, 'definitions.json'));
    // The import is asynchronous: wait for the queues.
    for (let i = 0; i < 60; i++) {
      try {
        queues = json<Queue[]>('list_queues', '-p', vhost, 'name', 'type', 'durable', 'arguments').map((q) => ({ ...q, arguments: argumentsOf(q.arguments) }));
        if (queues.length === brokerTopology.queues.length) break;
      } catch {
        /* vhost not there yet */
      }
      await sleep(500);
    }
  });
  after(() => {
    for (const f of [() => rabbitmqctl('delete_vhost', vhost), ...[templateVars.adminUsername, templateVars.appUsername].map((u) => () => rabbitmqctl('delete_user', values[u]!))])
      try {
        f();
      } catch {
        /* already gone */
      }
    rmSync(dir, { recursive: true, force: true });
  });

  it('the committed template is what definitionsTemplate() renders (run npm run generate if not)', () => {
    const cm = parse(readFileSync(join(repo, 'base/rabbitmq/config-map-rabbitmq-definitions-template.yaml'), 'utf8')) as { data: Record<string, string> };
    assert.equal(cm.data['definitions.json'], definitionsTemplate(defaultRabbitmqProps()));
  });

  it('declares the orders queue as a quorum queue with DLX, delivery limit and at-least-once dead-lettering', () => {
    const q = queues.find((x) => x.name === broker.queue);
    assert.ok(q, `queue ${broker.queue} missing; got ${JSON.stringify(queues)}`);
    assert.equal(q.type, 'quorum');
    assert.equal(q.durable, true);
    assert.equal(q.arguments['x-queue-type'], 'quorum');
    assert.equal(q.arguments['x-dead-letter-exchange'], broker.deadLetterExchange);
    assert.equal(q.arguments['x-delivery-limit'], broker.deliveryLimit);
    assert.equal(q.arguments['x-dead-letter-strategy'], 'at-least-once');
    assert.equal(q.arguments['x-overflow'], 'reject-publish');
    const dead = queues.find((x) => x.name === broker.deadLetterQueue);
    assert.equal(dead?.type, 'quorum');
    // Explicit on both quorum queues: RabbitMQ 4.0 would otherwise apply 20, 3.10 nothing.
    assert.equal(dead?.arguments['x-delivery-limit'], broker.deadLetterDeliveryLimit);
  });

  it('declares the exchanges and binds queue to exchange as the contract says', () => {
    const exchanges = json<{ name: string; type: string; durable: boolean }[]>('list_exchanges', '-p', vhost, 'name', 'type', 'durable');
    for (const e of brokerTopology.exchanges) assert.ok(exchanges.some((x) => x.name === e.name && x.type === e.type && x.durable), e.name);
    const bindings = json<{ source_name: string; destination_name: string; destination_kind: string; routing_key: string }[]>(
      'list_bindings', '-p', vhost, 'source_name', 'destination_name', 'destination_kind', 'routing_key',
    );
    const named = bindings.filter((b) => b.source_name !== '');
    assert.deepEqual(
      named.map((b) => `${b.source_name} -> ${b.destination_name} (${b.destination_kind}) ${b.routing_key}`).sort(),
      brokerTopology.bindings.map((b) => `${b.source} -> ${b.destination} (${b.destination_type}) ${b.routing_key}`).sort(),
    );
  });

  it('bounds the dead-letter queue by policy (reject-publish, so nothing is dropped)', () => {
    const policies = json<{ name: string; pattern: string; definition: Record<string, unknown> | string; 'apply-to': string }[]>('list_policies', '-p', vhost);
    const p = policies.find((x) => x.name === `${broker.deadLetterQueue}-bounded`);
    assert.ok(p, JSON.stringify(policies));
    const def = typeof p.definition === 'string' ? (JSON.parse(p.definition) as Record<string, unknown>) : p.definition;
    assert.equal(def['overflow'], 'reject-publish');
    assert.equal(def['max-length'], 100_000);
    assert.equal(p['apply-to'], 'queues');
  });

  it('creates the users with the passwords from the template values, the app user limited to the topology', () => {
    rabbitmqctl('authenticate_user', values[templateVars.appUsername]!, values[templateVars.appPassword]!);
    rabbitmqctl('authenticate_user', values[templateVars.adminUsername]!, values[templateVars.adminPassword]!);
    const users = json<{ user: string; tags: string[] | string }[]>('list_users');
    const admin = users.find((u) => u.user === values[templateVars.adminUsername]);
    assert.match(String(admin?.tags), /administrator/);
    const perms = json<{ user: string; configure: string; write: string; read: string }[]>('list_permissions', '-p', vhost);
    const app = perms.find((x) => x.user === values[templateVars.appUsername]);
    assert.ok(app);
    assert.ok(new RegExp(app.configure).test(broker.queue));
    assert.ok(!new RegExp(app.configure).test('something.else'));
  });

  it('routes an order to the queue and dead-letters it after the delivery limit, as the app user over AMQP', async () => {
    await withConnection('app', async (conn) => {
      const ch = await conn.createConfirmChannel();
      // The billing services assert the same topology at start: identical arguments must be accepted.
      for (const q of brokerTopology.queues) await ch.assertQueue(q.name, { durable: q.durable, arguments: { ...q.arguments } });
      const body = Buffer.from(JSON.stringify({ orderId: id }));
      ch.publish(broker.exchange, broker.routingKey, body, { persistent: true, messageId: id });
      await ch.waitForConfirms();
      // Reject with requeue until the broker gives up: deliveryLimit redeliveries, then the DLX.
      let deliveries = 0;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const m = await ch.get(broker.queue, { noAck: false });
        if (!m) {
          const dead = await ch.get(broker.deadLetterQueue, { noAck: false });
          if (dead) {
            assert.equal(dead.properties.messageId, id);
            const death = (dead.properties.headers?.['x-death'] as { reason: string; queue: string }[] | undefined)?.[0];
            assert.equal(death?.queue, broker.queue);
            assert.equal(death?.reason, 'delivery_limit');
            ch.ack(dead);
            break;
          }
          await sleep(100);
          continue;
        }
        deliveries++;
        ch.nack(m, false, true);
      }
      assert.equal(deliveries, broker.deliveryLimit + 1, 'first delivery plus deliveryLimit redeliveries');
      await ch.close();
    });
  });

  it('keeps a dead letter read with requeue more often than RabbitMQ 4.0\'s default limit of 20 allows', async () => {
    await withConnection('admin', async (conn) => {
      const ch = await conn.createConfirmChannel();
      ch.publish(broker.deadLetterExchange, '', Buffer.from('{}'), { persistent: true, messageId: `dead-${id}` });
      await ch.waitForConfirms();
      let reads = 0;
      for (; reads < 25; reads++) {
        let m: amqp.GetMessage | false = false;
        for (const until = Date.now() + 5000; !m && Date.now() < until; ) if (!(m = await ch.get(broker.deadLetterQueue, { noAck: false }))) await sleep(50);
        assert.ok(m, `the dead letter is gone after ${reads} reads with requeue (a delivery limit dropped it)`);
        assert.equal(m.properties.messageId, `dead-${id}`);
        if (reads < 24) ch.nack(m, false, true);
        else ch.ack(m);
      }
      assert.equal(reads, 25);
      await ch.close();
    });
  });

  it('refuses the app user anything outside the topology', async () => {
    const conn = await connect('app');
    try {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      await assert.rejects(ch.assertQueue('not-in-the-topology', { durable: true }), /ACCESS_REFUSED/);
    } finally {
      await conn.close().catch(() => {});
    }
  });
});
