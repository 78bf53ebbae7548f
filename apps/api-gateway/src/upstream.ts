// A keep-alive connection pool to one upstream service, and the proxying of one request
// through it: request-id propagation, bounded time, and a JSON 502/504 when it fails.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { HttpError, requestIdHeader } from '@marquee/kit';

export type UpstreamName = 'inventory' | 'billing-api';
export type UpstreamErrorReason = 'unavailable' | 'timeout' | 'status_5xx';

export interface UpstreamOptions {
  readonly name: UpstreamName;
  /** e.g. http://inventory:3001 */
  readonly origin: string;
  readonly timeoutMs: number;
  readonly errors: Counter<'upstream' | 'reason'>;
  /** @default 128 */
  readonly connections?: number;
  /**
   * Requests in flight per connection (HTTP/1.1 pipelining). undici sends a non-idempotent
   * request (POST) only on a connection with nothing in flight, so it is never lost behind
   * another; a GET caught on a connection the upstream closed is retried once (forward()). @default 4
   */
  readonly pipelining?: number;
}

/** Response headers worth passing back; hop-by-hop and the upstream's own request id are not. */
const passBack = ['content-type', 'location', 'retry-after', 'cache-control', 'etag', 'last-modified'];
/**
 * What undici accepts in a header value. Node's HTTP parser already guarantees it for incoming
 * headers; checked again because undici 7 leaves a pool connection stuck after refusing a request
 * for an invalid argument, so nothing invalid may ever reach it.
 */
const sendableValue = /^[\t\x20-\x7e\x80-\xff]*$/;
const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Failures before any response byte: safe to retry once for idempotent requests. */
const retriableCodes = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'ECONNREFUSED', 'EPIPE']);

interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One request through the pool with undici's dispatch handler API: the body is collected as
 * Buffers, without the Readable stream and promise chain of pool.request() (about a third
 * of the gateway's CPU per proxied request).
 */
function send(pool: Pool, options: Dispatcher.DispatchOptions): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: UpstreamResponse['headers'] = {};
    const chunks: Buffer[] = [];
    try {
      pool.dispatch(options, {
        // undici recognises the new handler API by this method
        onRequestStart() {},
        onResponseStart(_controller, status, h) {
          statusCode = status;
          headers = h;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve({ statusCode, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        },
        onResponseError(_controller, err) {
          reject(err);
        },
      });
    } catch (err) {
      reject(err);
    }
  });
}

export class Upstream {
  readonly name: UpstreamName;
  readonly origin: string;
  readonly #pool: Pool;
  readonly #errors: Counter<'upstream' | 'reason'>;

  constructor(o: UpstreamOptions) {
    this.name = o.name;
    this.origin = o.origin;
    this.#errors = o.errors;
    this.#pool = new Pool(o.origin, {
      connections: o.connections ?? 128,
      pipelining: o.pipelining ?? 4,
      // Below the upstream server's keep-alive timeout (fastify: 72 s), so we close idle sockets first.
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 30_000,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      connect: { timeout: Math.min(o.timeoutMs, 3_000) },
    });
  }

  /** Sends the request upstream and answers the client with its response (or a 502/504). */
  async forward(request: FastifyRequest, reply: FastifyReply, path: string, body?: Buffer): Promise<void> {
    const headers: Record<string, string> = { [requestIdHeader]: String(request.id) };
    if (typeof request.ip === 'string') headers['x-forwarded-for'] = request.ip;
    for (const h of ['accept', 'content-type', 'idempotency-key']) {
      const v = request.headers[h];
      if (typeof v === 'string' && sendableValue.test(v)) headers[h] = v;
    }
    const method = request.method as Dispatcher.HttpMethod;
    const options: Dispatcher.DispatchOptions = { path, method, headers, ...(body ? { body } : {}) };
    let res: UpstreamResponse;
    try {
      try {
        res = await send(this.#pool, options);
      } catch (err) {
        // A pooled connection the upstream closed as we reused it (rolling restart): retry once, GET only.
        if (method !== 'GET' || !retriableCodes.has(codeOf(err))) throw err;
        request.log.debug({ err, upstream: this.name }, 'upstream connection lost, retrying once');
        res = await send(this.#pool, options);
      }
    } catch (err) {
      throw this.#failure(request, err);
    }
    if (res.statusCode >= 500) this.#errors.inc({ upstream: this.name, reason: 'status_5xx' });
    for (const h of passBack) {
      const v = res.headers[h];
      if (v !== undefined) reply.header(h, v);
    }
    reply.code(res.statusCode).send(res.body);
  }

  #failure(request: FastifyRequest, err: unknown): HttpError {
    const code = codeOf(err);
    const timeout = timeoutCodes.has(code);
    this.#errors.inc({ upstream: this.name, reason: timeout ? 'timeout' : 'unavailable' });
    request.log.warn({ upstream: this.name, code, err: (err as Error).message }, timeout ? 'upstream timed out' : 'upstream unavailable');
    return timeout
      ? new HttpError(504, 'UPSTREAM_TIMEOUT', `${this.name} did not answer in time`, { headers: { 'retry-after': '1' } })
      : new HttpError(502, 'UPSTREAM_UNAVAILABLE', `${this.name} is unavailable (${code || 'error'})`, { headers: { 'retry-after': '1' } });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function codeOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return '';
}
