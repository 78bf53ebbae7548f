// bench/lib/wrk.ts against the real wrk (Debian package, installed by .ci/run) and a
// loopback server: the summary it parses must agree with what the server counted.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parseWrkSummary, wrk } from '../../bench/lib/wrk.ts';

let served = 0;
const server = createServer((req, res) => {
  served++;
  if (req.url === '/fail') {
    res.writeHead(503).end();
    return;
  }
  // ~5 ms per response, so the latency percentiles have something to measure.
  setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), 5);
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('counts requests and latency as the server saw them', async () => {
  served = 0;
  const r = await wrk(`${base}/`, { connections: 4, duration: 1 }).result;
  assert.ok(r.requests > 50, `only ${r.requests} requests`);
  // wrk counts completed responses; the server may have answered a few more it did not read.
  assert.ok(served >= r.requests && served - r.requests <= 4, `server ${served}, wrk ${r.requests}`);
  assert.ok(r.seconds > 0.9 && r.seconds < 2, `ran ${r.seconds} s`);
  // Node's timers count from the loop's cached clock, so a 5 ms timer can end ~1 ms early.
  assert.ok(r.p50 >= 3.5 && r.p50 < 50, `p50 ${r.p50} ms`);
  assert.ok(r.p99 >= r.p90 && r.p90 >= r.p50 && r.max >= r.p99);
  assert.equal(r.non2xx, 0);
  assert.equal(r.errors, 0);
});

test('reports error statuses and unreachable servers', async () => {
  const failing = await wrk(`${base}/fail`, { connections: 2, duration: 1 }).result;
  assert.ok(failing.requests > 0 && failing.non2xx === failing.requests, `${failing.non2xx} of ${failing.requests}`);
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  // wrk gives up at once when nothing listens: a clear error, not a run of zeros.
  await assert.rejects(wrk(`http://127.0.0.1:${port}/`, { connections: 2, duration: 1 }).result, /wrk exited with 1: unable to connect to 127\.0\.0\.1:\d+ Connection refused/);
});

test('a run without the summary line is an error, not zeros', () => {
  assert.throws(() => parseWrkSummary('Running 1s test @ http://x\n'), /wrk printed no summary/);
});
