// build(): the API gateway — the single entry point, proxying /api/movies to inventory and
// /api/orders to billing over keep-alive pools. Never listens.
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { metrics } from '@marquee/contract';
import { createService, errorSchema, logOptions, packageVersion } from '@marquee/kit';
import type { GatewayConfig } from './config.ts';
import { Upstream } from './upstream.ts';

export const version = packageVersion(new URL('../package.json', import.meta.url));

export interface BuildOptions {
  readonly config: GatewayConfig;
  readonly logStream?: Writable;
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;

const infoSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' }, gitSha: { type: 'string' } },
  required: ['name', 'version', 'environment', 'gitSha'],
} as const;

const upstreamErrors = { 502: errorSchema, 504: errorSchema } as const;

export function build(o: BuildOptions): FastifyInstance {
  const { config } = o;
  const app = createService({
    service: 'api-gateway',
    version,
    ...logOptions(config, o.logStream),
    bodyLimit: 16 * 1024,
  });
  const errors = new Counter({
    name: metrics.upstreamErrors,
    help: 'Upstream requests that failed: unavailable (connection), timeout, or status_5xx',
    labelNames: ['upstream', 'reason'] as const,
    registers: [app.kit.registry],
  });
  const inventory = new Upstream({ name: 'inventory', origin: config.inventoryUrl, timeoutMs: config.upstreamTimeoutMs, errors });
  const billing = new Upstream({ name: 'billing-api', origin: config.billingUrl, timeoutMs: config.upstreamTimeoutMs, errors });
  app.addHook('onClose', async () => {
    await Promise.all([inventory.close(), billing.close()]);
  });

  // Bodies are forwarded byte for byte; the service behind validates them (one source of truth).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // The upstream validates the query string and ids; the gateway only bounds and encodes them.
  const query = (url: string) => {
    const i = url.indexOf('?');
    return i === -1 ? '' : url.slice(i);
  };

  app.get('/api/movies', { schema: { response: upstreamErrors } }, (request, reply) =>
    inventory.forward(request, reply, `/api/movies${query(request.url)}`),
  );
  app.get<{ Params: { id: string } }>('/api/movies/:id', { schema: { params: idParams, response: upstreamErrors } }, (request, reply) =>
    inventory.forward(request, reply, `/api/movies/${encodeURIComponent(request.params.id)}`),
  );
  app.post('/api/orders', { schema: { response: upstreamErrors } }, (request, reply) =>
    billing.forward(request, reply, '/api/orders', request.body as Buffer | undefined),
  );
  app.get<{ Params: { id: string } }>('/api/orders/:id', { schema: { params: idParams, response: upstreamErrors } }, (request, reply) =>
    billing.forward(request, reply, `/api/orders/${encodeURIComponent(request.params.id)}`),
  );
  app.get('/api/info', { schema: { response: { 200: infoSchema } } }, async () => ({
    name: 'api-gateway',
    version,
    environment: config.appEnv,
    gitSha: config.gitSha,
  }));
  return app;
}
