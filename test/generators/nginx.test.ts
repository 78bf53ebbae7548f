// The storefront's nginx config, checked with the real Debian nginx: `nginx -t` on the
// exact committed ConfigMap, then live traffic against an nginx started as an
// unprivileged user, serving the assembled storefront and proxying /api to a real upstream.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { cacheControl, contentSecurityPolicy, maxBodyBytes, securityHeaders } from '@marquee/web/policy';
import { nginxConfig } from '../../generators/nginx.ts';
import { freePort, mainConf, nginxBin, nginxTest, startNginx, type RunningNginx } from '../e2e/lib/nginx.ts';

const repo = new URL('../../', import.meta.url).pathname;
const committed = (): string => {
  const cm = parse(readFileSync(join(repo, 'base/web/config-map-web-nginx.yaml'), 'utf8')) as { data: Record<string, string> };
  return cm.data['default.conf']!;
};

describe('nginxConfig() defaults (what base/web ships)', () => {
  it('listens on 8080, proxies to api-gateway:3000, serves the image root, buffers in /tmp', () => {
    const conf = nginxConfig();
    assert.match(conf, /^\s+listen 8080 default_server;$/m);
    assert.match(conf, /^\s+server api-gateway:3000 max_fails=0;$/m);
    assert.match(conf, /^\s+keepalive 32;$/m);
    assert.match(conf, /^\s+root \/usr\/share\/nginx\/html;$/m);
    assert.match(conf, /^\s+client_body_temp_path \/tmp\/client_temp;$/m);
    assert.match(conf, /^\s+proxy_temp_path \/tmp\/proxy_temp;$/m);
    assert.match(conf, new RegExp(`client_max_body_size ${maxBodyBytes / 1024}k;`));
    assert.doesNotMatch(conf, /^\s*user\s/m, 'nginx-unprivileged runs as uid 101: no user directive');
  });

  it('is what base/web/config-map-web-nginx.yaml holds (run npm run generate if not)', () => {
    assert.equal(committed(), nginxConfig());
  });

  it('rejects an impossible gateway, port or path with the field named', () => {
    assert.throws(() => nginxConfig({ gateway: 'api-gateway:3000' }), /gateway must be an http:\/\/ URL/);
    assert.throws(() => nginxConfig({ gateway: 'http://api-gateway:3000/api' }), /gateway must be a bare http:\/\/ origin/);
    assert.throws(() => nginxConfig({ port: 70000 }), /port must be 1-65535/);
    assert.throws(() => nginxConfig({ root: 'relative/html' }), /root must be an absolute path/);
    assert.throws(() => nginxConfig({ tempDir: '/tmp; evil' }), /tempDir must be an absolute path/);
  });
});

describe('nginx -t on the exact committed config', () => {
  it('passes with api-gateway resolvable and /tmp writable, as in the pod', (t) => {
    // The committed file names the in-cluster host `api-gateway`, which nginx resolves at load.
    // A private mount namespace gives it an /etc/hosts entry and a fresh /tmp, touching nothing shared.
    const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip(`needs mount namespaces (unshare --mount) to resolve api-gateway: ${probe.stderr.trim()}`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'marquee-nginx-t-'));
    try {
      writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.1 api-gateway\n');
      writeFileSync(join(dir, 'default.conf'), committed());
      // The image's own main config: pid and temp paths under /tmp, conf.d included in http {}.
      writeFileSync(join(dir, 'nginx.conf'), mainConf('/tmp', '/mnt/default.conf'));
      const script = [
        'set -e',
        'mount --bind "$1/hosts" /etc/hosts',
        'mount --bind "$1" /mnt',
        'mount -t tmpfs tmpfs /tmp',
        `exec ${nginxBin} -t -p /tmp -c /mnt/nginx.conf`,
      ].join('\n');
      // access_log /dev/stdout must open: give nginx a file as stdout, as a container runtime gives a pipe
      // (spawnSync's own stdout is a socket, which /dev/stdout cannot reopen).
      const stdout = openSync(join(dir, 'stdout'), 'w');
      const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', dir], {
        encoding: 'utf8',
        timeout: 20_000,
        stdio: ['ignore', stdout, 'pipe'],
      });
      closeSync(stdout);
      assert.equal(r.status, 0, `nginx -t failed:\n${r.stderr}`);
      assert.match(r.stderr, /test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on a broken config (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-nginx-bad-'));
    try {
      writeFileSync(join(dir, 'default.conf'), nginxConfig({ gateway: 'http://127.0.0.1:9' }).replace('keepalive 32;', 'keepalive thirty-two;'));
      writeFileSync(join(dir, 'nginx.conf'), mainConf(dir, join(dir, 'default.conf')));
      const r = nginxTest(dir, join(dir, 'nginx.conf'));
      assert.equal(r.ok, false);
      assert.match(r.output, /invalid value "thirty-two"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  socket: Socket;
  bodyBytes: number;
}

describe('nginx serving the storefront (live, unprivileged, loopback)', () => {
  let upstream: Server;
  let nginx: RunningNginx & { readonly assets: ReadonlyMap<string, string> };
  const seen: Seen[] = [];

  before(async () => {
    // A real HTTP upstream standing in for the gateway: echoes what nginx sent it.
    upstream = createServer((req, res) => {
      let bodyBytes = 0;
      req.on('data', (d: Buffer) => (bodyBytes += d.length));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, socket: req.socket, bodyBytes });
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'set-by-upstream' });
          res.end(JSON.stringify(body));
        };
        if (req.url === '/api/slow') setTimeout(() => json(200, { late: true }), 2500);
        else if (req.url === '/api/unavailable') json(503, { statusCode: 503, error: 'Service Unavailable', message: 'inventory is down' });
        else json(200, { method: req.method, url: req.url, pad: 'x'.repeat(2048) });
      });
    });
    upstream.keepAliveTimeout = 72_000;
    const port = await freePort();
    await new Promise<void>((r) => upstream.listen(port, '127.0.0.1', r));
    nginx = await startNginx({ gateway: `http://127.0.0.1:${port}`, readTimeoutSeconds: 1 });
  });

  after(async () => {
    await nginx?.stop();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${nginx.url}${path}`, { headers });
  const assertSecurityHeaders = (res: Response, what: string) => {
    for (const [k, v] of Object.entries(securityHeaders)) assert.equal(res.headers.get(k), v, `${what}: ${k}`);
  };

  it('runs without root (the pod runs it as uid 101 with a read-only root filesystem)', (t) => {
    if (process.getuid?.() !== 0) return t.skip('the test itself is not root: nginx already runs unprivileged');
    const master = Number(readFileSync(join(nginx.prefix, 'nginx.pid'), 'utf8').trim());
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${master}/status`, 'utf8'))![1];
    assert.equal(uid, '65534', 'the master process is unprivileged, so no directive needed root');
  });

  it('serves index.html with no-cache, an ETag and the security headers', async () => {
    const res = await get('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html; charset=utf-8$/);
    assert.equal(res.headers.get('cache-control'), cacheControl.revalidate);
    assert.ok(res.headers.get('etag'), 'ETag lets the browser revalidate cheaply');
    assert.equal(res.headers.get('content-security-policy'), contentSecurityPolicy);
    assert.equal(res.headers.get('server'), 'nginx', 'server_tokens off: no version');
    assertSecurityHeaders(res, '/');
    const html = await res.text();
    for (const hashed of nginx.assets.values()) assert.ok(html.includes(hashed), `index.html links ${hashed}`);

    const again = await get('/', { 'if-none-match': res.headers.get('etag')! });
    assert.equal(again.status, 304);
  });

  it('serves hashed assets as immutable, gzip-compressed, with the right type', async () => {
    const js = nginx.assets.get('/assets/app.js')!;
    assert.match(js, /^\/assets\/app\.[0-9a-f]{10}\.js$/);
    const res = await fetch(`${nginx.url}${js}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), cacheControl.immutable);
    assert.match(res.headers.get('content-type')!, /javascript/);
    assertSecurityHeaders(res, js);
    // fetch() decodes gzip transparently; ask for the raw bytes to see nginx compressed them.
    const raw = await rawGet(nginx.port, js, { 'accept-encoding': 'gzip' });
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.match(String(raw.headers['vary']), /Accept-Encoding/i);
    const source = readFileSync(join(repo, 'apps/web/public/assets/app.js'));
    assert.deepEqual(gunzipSync(raw.body), source);
    assert.ok(raw.body.length < source.length / 2, `gzip: ${raw.body.length} of ${source.length} bytes`);

    const css = await get(nginx.assets.get('/assets/styles.css')!);
    assert.equal(css.headers.get('cache-control'), cacheControl.immutable);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
  });

  it('answers 404 for a missing asset, never index.html', async () => {
    const res = await get('/assets/app.0000000000.js');
    assert.equal(res.status, 404);
    // An asset of another release (rolling update) must not be cached as immutable.
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(await res.text(), /<title>Marquee/);
    assertSecurityHeaders(res, 'asset 404');
  });

  it('falls back to index.html for client-side routes', async () => {
    const res = await get('/orders/6a1f2c9e-0000-4000-8000-000000000000');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), cacheControl.revalidate);
    assert.match(await res.text(), /<title>Marquee/);
  });

  it('never serves dotfiles', async () => {
    const env = await get('/.env');
    assert.equal(env.status, 404);
    assertSecurityHeaders(env, '/.env');
    assert.equal((await get('/.git/config')).status, 404);
  });

  it('answers the probes without touching the gateway', async () => {
    const before = seen.length;
    const live = await get('/healthz');
    const ready = await get('/readyz');
    assert.equal(live.status, 200);
    assert.equal(await live.text(), 'ok\n');
    assert.equal(ready.status, 200);
    assert.equal(seen.length, before);
  });

  it('proxies /api with path and query intact and a generated request id', async () => {
    const res = await get('/api/movies?limit=20&cursor=abc');
    assert.equal(res.status, 200);
    const last = seen.at(-1)!;
    assert.equal(last.url, '/api/movies?limit=20&cursor=abc');
    assert.match(String(last.headers['x-request-id']), /^[0-9a-f]{32}$/);
    assert.equal(res.headers.get('x-request-id'), last.headers['x-request-id'], 'the client sees the id the gateway got');
    assert.equal(last.headers['x-forwarded-proto'], 'http');
    assert.equal(last.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(last.headers['connection'], undefined, 'HTTP/1.1 keep-alive to the upstream, no Connection: close');
    assertSecurityHeaders(res, '/api');
    // gzip_proxied: JSON from the gateway is compressed for the browser.
    const raw = await rawGet(nginx.port, '/api/movies?limit=20', { 'accept-encoding': 'gzip' });
    assert.equal(raw.headers['content-encoding'], 'gzip');
  });

  it('keeps a well-formed client request id and replaces a malformed one', async () => {
    await get('/api/movies', { 'x-request-id': 'browser-42.abc_DEF:7' });
    assert.equal(seen.at(-1)!.headers['x-request-id'], 'browser-42.abc_DEF:7');
    for (const bad of ['has space', '"quoted"', 'x'.repeat(129), '{"json":1}']) {
      const res = await get('/api/movies', { 'x-request-id': bad });
      const sent = String(seen.at(-1)!.headers['x-request-id']);
      assert.match(sent, /^[0-9a-f]{32}$/, `replaced ${JSON.stringify(bad)}`);
      assert.equal(res.headers.get('x-request-id'), sent);
    }
  });

  it('reuses keep-alive connections to the gateway', async () => {
    const from = seen.length;
    for (let i = 0; i < 20; i++) assert.equal((await get(`/api/movies?i=${i}`)).status, 200);
    const sockets = new Set(seen.slice(from).map((s) => s.socket));
    assert.equal(seen.length - from, 20);
    assert.equal(sockets.size, 1, `20 requests over ${sockets.size} upstream connections`);
  });

  it('passes a small POST through and refuses a huge one with a JSON 413', async () => {
    const ok = await fetch(`${nginx.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'u', movie_id: 1, price: 4.99 }),
    });
    assert.equal(ok.status, 200);
    assert.equal(seen.at(-1)!.method, 'POST');
    assert.ok(seen.at(-1)!.bodyBytes > 0);

    const from = seen.length;
    const big = await fetch(`${nginx.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(maxBodyBytes + 1) }),
    });
    assert.equal(big.status, 413);
    assert.match(big.headers.get('content-type')!, /^application\/json/);
    const body = (await big.json()) as { statusCode: number; code: string; field: string; requestId: string };
    assert.equal(body.statusCode, 413);
    assert.equal(body.code, 'BODY_TOO_LARGE');
    assert.equal(body.field, 'body');
    assert.equal(body.requestId, big.headers.get('x-request-id'));
    assert.equal(seen.length, from, 'the gateway never saw the oversized body');
  });

  it("passes the gateway's own errors through untouched", async () => {
    const res = await get('/api/unavailable');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { statusCode: 503, error: 'Service Unavailable', message: 'inventory is down' });
  });

  it('answers a JSON 504 when the gateway is too slow', async () => {
    const res = await get('/api/slow');
    assert.equal(res.status, 504);
    const body = (await res.json()) as { statusCode: number; code: string; requestId: string };
    assert.equal(body.statusCode, 504);
    assert.equal(body.code, 'GATEWAY_TIMEOUT');
    assert.equal(body.requestId, res.headers.get('x-request-id'));
    assertSecurityHeaders(res, '504');
  });

  it('writes one JSON access-log line per request, with the request id', async () => {
    await get('/api/movies', { 'x-request-id': 'log-line-check-1' });
    await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(nginx.accessLog, 'utf8').trim().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = entries.find((e) => e.request_id === 'log-line-check-1');
    assert.ok(mine, 'access log has the request');
    assert.equal(mine.status, 200);
    assert.equal(mine.uri, '/api/movies');
    assert.equal(entries.some((e) => e.uri === '/healthz'), false, 'probes are not logged');
  });

  it('answers a JSON 502 when the gateway is down', async () => {
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
    const res = await get('/api/movies');
    assert.equal(res.status, 502);
    const body = (await res.json()) as { statusCode: number; code: string; message: string; requestId: string };
    assert.equal(body.statusCode, 502);
    assert.equal(body.code, 'BAD_GATEWAY');
    assert.equal(body.requestId, res.headers.get('x-request-id'));
    assert.match(body.message, /unreachable/);
    // Static files keep working without the gateway.
    assert.equal((await get('/')).status, 200);
  });
});

/** GET without fetch()'s transparent decompression, to see the bytes on the wire. */
async function rawGet(port: number, path: string, headers: Record<string, string>) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('nginx stopping with SIGQUIT (the image STOPSIGNAL)', () => {
  it('finishes an in-flight /api request before exiting', async () => {
    const upstream = createServer((_req, res) => setTimeout(() => res.end('{"slow":true}'), 800));
    const port = await freePort();
    await new Promise<void>((r) => upstream.listen(port, '127.0.0.1', r));
    const nginx = await startNginx({ gateway: `http://127.0.0.1:${port}` });
    try {
      const inflight = fetch(`${nginx.url}/api/slow`);
      await new Promise((r) => setTimeout(r, 200));
      const master = Number(readFileSync(join(nginx.prefix, 'nginx.pid'), 'utf8').trim());
      process.kill(master, 'SIGQUIT');
      const res = await inflight;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { slow: true });
      // and it does exit once drained
      const gone = Date.now() + 5000;
      while (Date.now() < gone && alive(master)) await new Promise((r) => setTimeout(r, 50));
      assert.equal(alive(master), false);
    } finally {
      await nginx.stop();
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
