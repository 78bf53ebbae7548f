// The local storefront server: the assembled static site with the same cache and security
// headers as the cluster's nginx, /api/* proxied to the gateway over undici's keep-alive
// pool (@fastify/reply-from), plus the kit's /healthz, /readyz and /metrics.
// build() never listens; server.ts does.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import replyFrom from '@fastify/reply-from';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createService, packageVersion, requestIdHeader, type ErrorBody, type LogLevel } from '@marquee/kit';
import { assembleSite } from './assemble.ts';
import { assetsPrefix, cacheControl, maxBodyBytes, securityHeaders } from './policy.ts';

export interface WebOptions {
  /** Gateway origin, e.g. http://127.0.0.1:3000. */
  readonly gatewayUrl: string;
  /** An already assembled site (assembleSite()); by default public/ is assembled into a temp dir removed on close. */
  readonly siteDir?: string;
  /**
   * Time to wait for the gateway's response. Longer than the gateway's own upstream
   * timeout, so the gateway answers 504 itself first (as nginx's proxy_read_timeout).
   * @default 15000
   */
  readonly upstreamTimeoutMs?: number;
  readonly logLevel?: LogLevel;
  readonly logStream?: Writable;
}

export const version = packageVersion(new URL('../package.json', import.meta.url));

/** Every file of the site by URL path (`/index.html`, `/assets/app.<hash>.js`); only these are served. */
function siteFiles(dir: string): Set<string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `/${relative(dir, join(e.parentPath, e.name)).split(sep).join('/')}`);
  return new Set(files);
}

/** Errors of a pooled keep-alive connection the gateway closed just as it was reused. */
const staleSocket = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

const proxyError = (request: Pick<FastifyRequest, 'id'>, statusCode: number, code: string, message: string): ErrorBody => ({
  statusCode,
  code,
  message,
  requestId: String(request.id),
});

export function build(o: WebOptions): FastifyInstance {
  const gateway = new URL(o.gatewayUrl);
  if (gateway.protocol !== 'http:' && gateway.protocol !== 'https:') throw new Error(`web: gatewayUrl must be an http(s) URL (got ${o.gatewayUrl})`);
  const ownSite = o.siteDir === undefined;
  const siteDir = o.siteDir ?? assembleSite(mkdtempSync(join(tmpdir(), 'marquee-web-'))).outDir;
  const files = siteFiles(siteDir);
  if (!files.has('/index.html')) throw new Error(`web: ${siteDir} has no index.html; assemble the site first`);

  const app = createService({
    service: 'web',
    version,
    bodyLimit: maxBodyBytes,
    ...(o.logLevel ? { logLevel: o.logLevel } : {}),
    ...(o.logStream ? { logStream: o.logStream } : {}),
  });
  if (ownSite) app.addHook('onClose', async () => rmSync(siteDir, { recursive: true, force: true }));

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(securityHeaders);
    return payload;
  });

  // ---- static site: known files only (no path is ever joined from user input) ----------
  app.register(fastifyStatic, { root: siteDir, serve: false, cacheControl: false, etag: true, lastModified: true });

  const sendPage = (reply: FastifyReply, path: string) => {
    reply.header('cache-control', path.startsWith(assetsPrefix) ? cacheControl.immutable : cacheControl.revalidate);
    return reply.sendFile(path.slice(1));
  };
  app.route({
    method: 'GET',
    url: '/*',
    handler: async (request, reply) => {
      let path: string;
      try {
        path = decodeURIComponent(request.url.split('?')[0]!);
      } catch {
        path = '';
      }
      if (path === '/') path = '/index.html';
      if (files.has(path)) return sendPage(reply, path);
      // A missing asset or a hidden file is a 404, never the app shell.
      // no-store: an asset of another release (rolling update) must not stay cached as missing.
      if (path.startsWith(assetsPrefix) || path.includes('/.')) return reply.header('cache-control', 'no-store').callNotFound();
      return sendPage(reply, '/index.html');
    },
  });

  // ---- /api/* → gateway ------------------------------------------------------------------
  app.register(async (api) => {
    // Bodies are forwarded byte for byte: read as a Buffer (bounded by bodyLimit), not parsed.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
    await api.register(replyFrom, {
      base: gateway.origin,
      // Nothing is re-encoded: the Buffer above goes out as received.
      contentTypesToEncode: [],
      // One line per request is the kit's job (onResponse); reply-from's own lines are noise.
      disableRequestLogging: true,
      undici: { connections: 32, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: o.upstreamTimeoutMs ?? 15_000 },
    });
    api.all('/api/*', (request, reply) =>
      reply.from(request.url, {
        // The body as received: reply-from would JSON.stringify a Buffer with an application/json type.
        ...(Buffer.isBuffer(request.body)
          ? { body: request.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
          : {}),
        // Retry once only for an idempotent request whose pooled connection died under it;
        // never for a 503 (the gateway's answer) and never for POST.
        retryDelay: ({ err, req, attempt }) =>
          err && attempt < 1 && (req.method === 'GET' || req.method === 'HEAD') && staleSocket.has((err as { code?: string }).code ?? '')
            ? 1
            : null,
        rewriteRequestHeaders: (req, headers) => ({
          ...headers,
          [requestIdHeader]: String(req.id),
          'x-forwarded-for': [headers['x-forwarded-for'], req.ip].filter(Boolean).join(', '),
          'x-forwarded-proto': String(headers['x-forwarded-proto'] ?? req.protocol),
        }),
        // One x-request-id (ours, already set by the kit) in the response.
        rewriteHeaders: (headers) => {
          const { [requestIdHeader]: _drop, ...rest } = headers;
          return rest;
        },
        onError: (r, { error }) => {
          const e = error as { statusCode?: number; code?: string };
          const timedOut = e.statusCode === 504 || e.code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT';
          const body = timedOut
            ? proxyError(r.request, 504, 'GATEWAY_TIMEOUT', 'the API gateway did not answer in time')
            : proxyError(r.request, 502, 'BAD_GATEWAY', 'the API gateway is unreachable, retry later');
          r.request.log.warn({ err: error }, body.message);
          void r.code(body.statusCode).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
        },
      }),
    );
  });
  return app;
}
