// createService(): a fastify instance with everything every marquee service shares —
// JSON logs with request ids, probes, metrics, one error shape, strict body validation,
// and the draining state that graceful shutdown flips. It never listens.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { Ajv } from 'ajv';
import fastify, { LogController, type FastifyInstance } from 'fastify';
import { pino, stdTimeFunctions, type Logger } from 'pino';
import type { Histogram, Registry } from 'prom-client';
import { probes, type ServiceName } from '@marquee/contract';
import type { BaseConfig, LogLevel } from './config.ts';
import { handleError, handleNotFound } from './errors.ts';
import { createMetrics } from './metrics.ts';

/** A readiness check resolves when the dependency is usable and rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<void>;

/** What createService decorates the app with, as `app.kit`. */
export interface Kit {
  readonly service: ServiceName;
  readonly version: string;
  /** This app's own registry: add business metrics with `registers: [app.kit.registry]`. */
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Adds a named check run by GET /readyz (in parallel, each bounded by readinessTimeoutMs). */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Runs the checks: what GET /readyz answers. */
  readiness(): Promise<{ ready: boolean; status: 'ready' | 'draining' | 'unavailable'; checks: Record<string, string> }>;
  /** True once drain() was called: /readyz is 503 and every response says `connection: close`. */
  readonly draining: boolean;
  drain(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    kit: Kit;
  }
}

export interface ServiceOptions {
  readonly service: ServiceName;
  /** The app's package.json version (see packageVersion()). */
  readonly version: string;
  readonly logLevel?: LogLevel;
  /** Extra fields on every log line (e.g. env, gitSha). */
  readonly logBase?: Record<string, string>;
  /** Log destination; defaults to stdout. Tests pass a stream to read the lines. */
  readonly logStream?: Writable;
  /** Largest request body accepted, in bytes (413 beyond). @default 65536 */
  readonly bodyLimit?: number;
  /** @default 1000 */
  readonly readinessTimeoutMs?: number;
}

/** createService's log settings from a service's base config (LOG_LEVEL, APP_ENV, GIT_SHA) and a test's log stream. */
export function logOptions(config: Pick<BaseConfig, 'logLevel' | 'appEnv' | 'gitSha'>, logStream?: Writable): Pick<ServiceOptions, 'logLevel' | 'logBase' | 'logStream'> {
  return { logLevel: config.logLevel, logBase: { env: config.appEnv, gitSha: config.gitSha }, ...(logStream ? { logStream } : {}) };
}

/** Accept a caller's x-request-id only if it is short and log-safe; otherwise make one. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
export const requestIdHeader = 'x-request-id';

export function genRequestId(req: IncomingMessage): string {
  const given = req.headers[requestIdHeader];
  return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
}

export function createLogger(o: Pick<ServiceOptions, 'service' | 'version' | 'logLevel' | 'logBase' | 'logStream'>): Logger {
  return pino(
    {
      level: o.logLevel ?? 'info',
      base: { service: o.service, version: o.version, ...o.logBase },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    // Synchronous stdout: log volume is low (no per-request lines at info) and nothing is lost on exit.
    o.logStream ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * Two Ajv instances: query strings, params and headers are strings on the wire and are
 * coerced ("20" → 20); bodies are JSON and are not, so {"title": 5} is a 400, not "5".
 */
function validatorCompiler() {
  const common = { allErrors: false, useDefaults: true, strict: false } as const;
  const coercing = new Ajv({ ...common, coerceTypes: 'array', removeAdditional: true });
  const strict = new Ajv({ ...common, coerceTypes: false, removeAdditional: false });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema) as (data: unknown) => boolean;
}

export function createService(o: ServiceOptions): FastifyInstance {
  const logger = createLogger(o);
  const app = fastify({
    loggerInstance: logger,
    genReqId: genRequestId,
    // One line per request is written by the onResponse hook below (debug unless 5xx).
    logController: new LogController({ requestIdLogLabel: 'reqId', disableRequestLogging: true }),
    bodyLimit: o.bodyLimit ?? 65_536,
    // While closing, keep serving what still arrives on open connections (with
    // connection: close) instead of answering 503: the drain in shutdown.ts relies on it.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Router-level rejections (undecodable URL, over-long parameter) in the same JSON shape.
    frameworkErrors: (error, request, reply) => {
      reply.header(requestIdHeader, request.id);
      handleError(error, request, reply);
    },
  }) as unknown as FastifyInstance;

  const { registry, httpDuration } = createMetrics();
  const checks = new Map<string, ReadinessCheck>();
  const timeoutMs = o.readinessTimeoutMs ?? 1000;
  let draining = false;

  const runCheck = async (check: ReadinessCheck): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`timeout after ${timeoutMs} ms`), timeoutMs);
    });
    try {
      return await Promise.race([check().then(() => 'ok'), timeout]);
    } catch (err) {
      return (err as Error).message || String(err);
    } finally {
      clearTimeout(timer);
    }
  };

  const kit: Kit = {
    service: o.service,
    version: o.version,
    registry,
    httpDuration,
    addReadinessCheck(name, check) {
      if (checks.has(name)) throw new Error(`kit: readiness check "${name}" is already registered`);
      checks.set(name, check);
    },
    async readiness() {
      const names = [...checks.keys()];
      const results = await Promise.all([...checks.values()].map(runCheck));
      const out = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
      const ok = results.every((r) => r === 'ok');
      if (draining) return { ready: false, status: 'draining', checks: out };
      return { ready: ok, status: ok ? 'ready' : 'unavailable', checks: out };
    },
    get draining() {
      return draining;
    },
    drain() {
      if (!draining) app.log.info('draining: readiness is now 503');
      draining = true;
    },
  };
  app.decorate('kit', kit);

  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header(requestIdHeader, request.id);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    // The route template, never the raw URL: unmatched paths share one label value.
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: request.method, route, status_code: status }, reply.elapsedTime / 1000);
    if (status >= 500 || logger.isLevelEnabled('debug')) {
      request.log[status >= 500 ? 'warn' : 'debug'](
        { method: request.method, url: request.url, statusCode: status, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request completed',
      );
    }
    done();
  });

  const statusSchema = {
    type: 'object',
    properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
  } as const;
  app.get(probes.liveness, { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));
  app.get(probes.readiness, { schema: { response: { 200: statusSchema, 503: statusSchema } } }, async (_request, reply) => {
    const r = await kit.readiness();
    reply.code(r.ready ? 200 : 503);
    return { status: r.status, checks: r.checks };
  });
  app.get(probes.metrics, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return app;
}
