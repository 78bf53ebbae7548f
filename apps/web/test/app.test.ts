// The local storefront server: static site with the cluster's cache and security headers,
// /api proxied byte for byte to a real HTTP upstream, probes, and the JSON 413/502/504.
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { build } from '../src/app.ts';
import { cacheControl, maxBodyBytes, securityHeaders } from '../src/policy.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  socket: Socket;
}

describe('web dev server', () => {
  let upstream: Server;
  let app: FastifyInstance;
  let base: string;
  const seen: Seen[] = [];
  let assets: string[] = [];

  before(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks), socket: req.socket });
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'set-by-upstream' });
          res.end(JSON.stringify(body));
        };
        if (req.url === '/api/slow') setTimeout(() => json(200, {}), 1500);
        else if (req.url === '/api/unavailable') json(503, { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'inventory is unavailable' });
        else json(200, { ok: true });
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const { port } = upstream.address() as AddressInfo;
    app = build({ gatewayUrl: `http://127.0.0.1:${port}`, upstreamTimeoutMs: 500, logLevel: 'silent' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const html = await (await fetch(`${base}/`)).text();
    assets = [...html.matchAll(/"(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  });

  after(async () => {
    await app?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
  });

  const assertSecurityHeaders = (res: Response) => {
    for (const [k, v] of Object.entries(securityHeaders)) assert.equal(res.headers.get(k), v, k);
  };

  it('serves index.html (revalidated) and hashed assets (immutable) with the security headers', async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type')!, /^text\/html/);
    assert.equal(index.headers.get('cache-control'), cacheControl.revalidate);
    assertSecurityHeaders(index);
    assert.equal(assets.length, 2);
    for (const a of assets) {
      assert.match(a, /\.[0-9a-f]{10}\.(js|css)$/);
      const res = await fetch(`${base}${a}`);
      assert.equal(res.status, 200, a);
      assert.equal(res.headers.get('cache-control'), cacheControl.immutable);
      assertSecurityHeaders(res);
    }
    // A browser revalidating: node:http, since fetch() adds cache-control: no-cache to conditional requests.
    const etag = index.headers.get('etag')!;
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request(`${base}/`, { headers: { 'if-none-match': etag } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end(),
    );
    assert.equal(status, 304);
  });

  it('falls back to index.html for app routes, but 404s missing assets and hidden files', async () => {
    const route = await fetch(`${base}/orders/6a1f2c9e-0000-4000-8000-000000000000`);
    assert.equal(route.status, 200);
    assert.match(await route.text(), /<title>Marquee/);
    const missing = await fetch(`${base}/assets/app.0000000000.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('cache-control'), 'no-store');
    assert.equal((await fetch(`${base}/.env`)).status, 404);
  });

  it('never serves a file outside the site, however the path is spelled', async () => {
    for (const p of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json', '/%E0%A4%A']) {
      const res = await fetch(`${base}${p}`);
      const body = await res.text();
      assert.doesNotMatch(body, /root:|"name": "@marquee\/web"/, p);
      assert.ok([200, 400, 404].includes(res.status), `${p}: ${res.status}`);
    }
  });

  it('answers the probes and exposes metrics', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /http_request_duration_seconds_bucket\{.*route="\/\*"/);
  });

  it('proxies GET with path and query, passing the request id and answering with it once', async () => {
    const res = await fetch(`${base}/api/movies?limit=20&cursor=abc`, { headers: { 'x-request-id': 'browser-1:a' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
    const last = seen.at(-1)!;
    assert.equal(last.url, '/api/movies?limit=20&cursor=abc');
    assert.equal(last.headers['x-request-id'], 'browser-1:a');
    assert.equal(res.headers.get('x-request-id'), 'browser-1:a');
    assert.equal(last.headers['x-forwarded-for'], '127.0.0.1');

    const minted = await fetch(`${base}/api/movies`, { headers: { 'x-request-id': 'no spaces allowed' } });
    assert.match(String(seen.at(-1)!.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(minted.headers.get('x-request-id'), seen.at(-1)!.headers['x-request-id']);
  });

  it('forwards bodies byte for byte, even ones the gateway will reject', async () => {
    for (const [type, body] of [
      ['application/json', '{"user_id":"u","movie_id":1,"price":4.99}'],
      ['application/json', '{"user_id": '],
      ['text/plain', 'not json at all'],
    ] as const) {
      const res = await fetch(`${base}/api/orders`, { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(res.status, 200);
      assert.equal(seen.at(-1)!.method, 'POST');
      assert.equal(seen.at(-1)!.body.toString(), body);
      assert.equal(seen.at(-1)!.headers['content-type'], type);
    }
  });

  it('reuses keep-alive connections to the gateway', async () => {
    const from = seen.length;
    for (let i = 0; i < 10; i++) await (await fetch(`${base}/api/movies?i=${i}`)).arrayBuffer();
    assert.equal(new Set(seen.slice(from).map((s) => s.socket)).size, 1);
  });

  it('refuses a body over the limit with 413 BODY_TOO_LARGE, without calling the gateway', async () => {
    const from = seen.length;
    const res = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(maxBodyBytes) }),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { code: string }).code, 'BODY_TOO_LARGE');
    assert.equal(seen.length, from);
  });

  it("passes the gateway's 503 through once (no retry storm)", async () => {
    const from = seen.length;
    const res = await fetch(`${base}/api/unavailable`);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { code: string }).code, 'DEPENDENCY_UNAVAILABLE');
    assert.equal(seen.length - from, 1);
  });

  it('answers 504 GATEWAY_TIMEOUT when the gateway is too slow', async () => {
    const res = await fetch(`${base}/api/slow`);
    assert.equal(res.status, 504);
    const body = (await res.json()) as { code: string; requestId: string };
    assert.equal(body.code, 'GATEWAY_TIMEOUT');
    assert.equal(body.requestId, res.headers.get('x-request-id'));
  });

  it('reports draining on /readyz once drain() is called', async () => {
    app.kit.drain();
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
  });

  it('answers 502 BAD_GATEWAY when the gateway is down, and keeps serving the site', async () => {
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
    const res = await fetch(`${base}/api/movies`);
    assert.equal(res.status, 502);
    const body = (await res.json()) as { code: string };
    assert.equal(body.code, 'BAD_GATEWAY');
    assert.equal((await fetch(`${base}/`)).status, 200);
  });
});
