// Movies API against a real PostgreSQL database: CRUD, keyset pagination, bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCursor, seedData, seedMovies } from '../src/index.ts';
import { inventoryFixture, type Fixture } from './helpers.ts';

let f: Fixture;
before(async () => {
  f = await inventoryFixture('inv_movies');
});
after(async () => {
  await f?.close();
});

const json = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  f.app.inject({
    method: method as 'GET',
    url,
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    ...(body === undefined ? { headers } : {}),
  });

describe('CRUD', () => {
  test('create → get → patch → put → delete', async () => {
    const created = await json('POST', '/api/movies', { title: 'Stalker', director: 'Andrei Tarkovsky' });
    assert.equal(created.statusCode, 201, created.body);
    const m = created.json();
    assert.equal(typeof m.id, 'number');
    assert.equal(created.headers.location, `/api/movies/${m.id}`);
    assert.ok(!Number.isNaN(Date.parse(m.created_at)), 'created_at is an ISO date');

    const got = await json('GET', `/api/movies/${m.id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), m);

    const patched = await json('PATCH', `/api/movies/${m.id}`, { title: 'Solaris' });
    assert.equal(patched.statusCode, 200);
    assert.deepEqual(patched.json(), { ...m, title: 'Solaris' });

    const put = await json('PUT', `/api/movies/${m.id}`, { title: 'Mirror', director: 'A. Tarkovsky' });
    assert.deepEqual(put.json(), { ...m, title: 'Mirror', director: 'A. Tarkovsky' });

    const del = await json('DELETE', `/api/movies/${m.id}`);
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    for (const [method, body] of [['GET'], ['DELETE'], ['PATCH', { title: 'x' }]] as const) {
      const r = await json(method, `/api/movies/${m.id}`, body);
      assert.equal(r.statusCode, 404, `${method} after delete`);
      assert.equal(r.json().code, 'NOT_FOUND');
      assert.equal(r.json().message, `movie ${m.id} not found`);
    }
  });

  test('unicode and SQL-looking strings are stored verbatim', async () => {
    for (const title of ["Robert'); DROP TABLE movies;--", "' OR '1'='1", '8½ — Amélie 千と千尋の神隠し 🎬', '%_\\']) {
      const r = await json('POST', '/api/movies', { title, director: "x' --" });
      assert.equal(r.statusCode, 201, r.body);
      const back = await json('GET', `/api/movies/${r.json().id}`);
      assert.equal(back.json().title, title);
      assert.equal(back.json().director, "x' --");
    }
    const list = await json('GET', '/api/movies?limit=100');
    assert.equal(list.statusCode, 200, 'the table is still there');
  });
});

describe('pagination', () => {
  test('keyset pages walk the whole catalogue once, in id order', async () => {
    await f.db && (await f.app.pool.query('TRUNCATE movies'));
    assert.equal(await seedMovies(f.app.pool), seedData.length);
    assert.equal(await seedMovies(f.app.pool), 0, 'seeding a non-empty catalogue is a no-op');
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await json('GET', `/api/movies?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json() as { items: { id: number }[]; nextCursor: string | null };
      assert.ok(page.items.length <= 7);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(seen.length, seedData.length);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
    assert.equal(pages, Math.ceil(seedData.length / 7));
    const first = (await json('GET', '/api/movies')).json();
    assert.equal(first.items.length, 20, 'default limit is 20');
    assert.equal(first.items[0].title, seedData[0]![0]);
  });

  test('list items (JSON built by PostgreSQL) equal GET by id, whatever the strings hold', async () => {
    const titles = ['plain', 'quote " and \\ backslash', 'tab\tnew\nline', 'ctrl \u0001\u001f', '8½ — Amélie 千と千尋 🎬', '</script>'];
    const ids: number[] = [];
    for (const title of titles) ids.push((await json('POST', '/api/movies', { title, director: `d ${title}` })).json().id);
    const before = ids[0]! - 1;
    const r = await json('GET', `/api/movies?limit=${titles.length - 1}&cursor=${encodeCursor(before)}`);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^application\/json; charset=utf-8/);
    const page = r.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
    assert.deepEqual(Object.keys(page), ['items', 'nextCursor']);
    assert.equal(page.nextCursor, encodeCursor(ids[titles.length - 2]!), 'a full page points past its last item');
    for (const [i, item] of page.items.entries()) {
      const byId = (await json('GET', `/api/movies/${ids[i]}`)).json();
      assert.deepEqual(item, byId, `item ${i} (${JSON.stringify(titles[i])})`);
      assert.deepEqual(Object.keys(item), ['id', 'title', 'director', 'created_at']);
      assert.match(String(item.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    const last = (await json('GET', `/api/movies?limit=${titles.length - 1}&cursor=${page.nextCursor}`)).json();
    assert.deepEqual(last.items.map((m: { title: string }) => m.title), [titles.at(-1)]);
  });

  test('a last page has nextCursor null; a cursor past the end gives an empty page', async () => {
    const r = await json('GET', `/api/movies?limit=100&cursor=${encodeCursor(2_147_483_647)}`);
    assert.deepEqual(r.json(), { items: [], nextCursor: null });
  });
});

describe('bad input → 4xx JSON naming the field', () => {
  const cases: Array<[string, string, string, unknown, number, string | undefined]> = [
    ['limit 0', 'GET', '/api/movies?limit=0', undefined, 400, 'querystring.limit'],
    ['limit 101', 'GET', '/api/movies?limit=101', undefined, 400, 'querystring.limit'],
    ['limit -1', 'GET', '/api/movies?limit=-1', undefined, 400, 'querystring.limit'],
    ['limit abc', 'GET', '/api/movies?limit=abc', undefined, 400, 'querystring.limit'],
    ['limit 1.5', 'GET', '/api/movies?limit=1.5', undefined, 400, 'querystring.limit'],
    ['limit huge', 'GET', `/api/movies?limit=${'9'.repeat(400)}`, undefined, 400, 'querystring.limit'],
    ['cursor garbage', 'GET', '/api/movies?cursor=!!', undefined, 400, 'querystring.cursor'],
    ['cursor not ours', 'GET', `/api/movies?cursor=${Buffer.from('abc').toString('base64url')}`, undefined, 400, 'querystring.cursor'],
    ['cursor injection', 'GET', `/api/movies?cursor=${encodeURIComponent("1' OR 1=1")}`, undefined, 400, 'querystring.cursor'],
    ['id text', 'GET', '/api/movies/abc', undefined, 400, 'params.id'],
    ['id 0', 'GET', '/api/movies/0', undefined, 400, 'params.id'],
    ['id too large', 'GET', '/api/movies/2147483648', undefined, 400, 'params.id'],
    ['undecodable url', 'GET', '/api/movies/%ED%A0%80', undefined, 400, 'url'],
    ['overlong id', 'GET', `/api/movies/${'1'.repeat(150)}`, undefined, 414, 'url'],
    ['id injection', 'GET', `/api/movies/${encodeURIComponent('1 OR 1=1')}`, undefined, 400, 'params.id'],
    ['malformed JSON', 'POST', '/api/movies', '{"title": "x",', 400, 'body'],
    ['empty JSON body', 'POST', '/api/movies', '', 400, 'body'],
    ['JSON array', 'POST', '/api/movies', [], 400, 'body'],
    ['JSON null', 'POST', '/api/movies', 'null', 400, 'body'],
    ['title missing', 'POST', '/api/movies', { director: 'x' }, 400, 'body.title'],
    ['director missing', 'POST', '/api/movies', { title: 'x' }, 400, 'body.director'],
    ['title number', 'POST', '/api/movies', { title: 5, director: 'x' }, 400, 'body.title'],
    ['title boolean', 'POST', '/api/movies', { title: true, director: 'x' }, 400, 'body.title'],
    ['title object', 'POST', '/api/movies', { title: { $gt: '' }, director: 'x' }, 400, 'body.title'],
    ['title empty', 'POST', '/api/movies', { title: '', director: 'x' }, 400, 'body.title'],
    ['title blank', 'POST', '/api/movies', { title: '   ', director: 'x' }, 400, 'body.title'],
    ['title too long', 'POST', '/api/movies', { title: 'x'.repeat(201), director: 'x' }, 400, 'body.title'],
    ['title NUL', 'POST', '/api/movies', { title: 'a\u0000b', director: 'x' }, 400, 'body.title'],
    ['extra field', 'POST', '/api/movies', { title: 'x', director: 'y', id: 1 }, 400, 'body.id'],
    ['proto pollution', 'POST', '/api/movies', '{"title":"x","director":"y","__proto__":{"admin":true}}', 400, undefined],
    ['empty patch', 'PATCH', '/api/movies/1', {}, 400, 'body'],
    ['put missing field', 'PUT', '/api/movies/1', { title: 'x' }, 400, 'body.director'],
    ['huge body', 'POST', '/api/movies', { title: 'x'.repeat(100_000), director: 'y' }, 413, 'body'],
  ];
  for (const [name, method, url, body, status, field] of cases) {
    test(name, async () => {
      const r = await json(method, url, body);
      assert.equal(r.statusCode, status, `${name}: ${r.body}`);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      const e = r.json();
      assert.equal(e.statusCode, status);
      assert.equal(typeof e.message, 'string');
      assert.equal(e.requestId, r.headers['x-request-id']);
      if (field) {
        assert.equal(e.field, field, `${name}: ${r.body}`);
        assert.ok(e.message.includes(field), `message names the field: ${e.message}`);
      }
    });
  }

  test('unknown query parameters (cache busters) are ignored', async () => {
    const r = await json('GET', '/api/movies?limit=1&_=1700000000');
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().items.length, 1);
  });

  test('wrong content type is 415, naming the body', async () => {
    const r = await f.app.inject({ method: 'POST', url: '/api/movies', payload: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.statusCode, 415);
    assert.equal(r.json().field, 'body');
  });

  test('none of it reached the server-error path', () => {
    assert.deepEqual(f.logs.filter((l) => /"level":"(error|fatal)"/.test(l)), []);
  });
});

describe('request id', () => {
  test('a caller id is echoed and logged; a bad one is replaced', async () => {
    const r = await json('GET', '/api/movies/999999', undefined, { 'x-request-id': 'abc-123' });
    assert.equal(r.headers['x-request-id'], 'abc-123');
    assert.equal(r.json().requestId, 'abc-123');
    const bad = await json('GET', '/healthz', undefined, { 'x-request-id': 'a\nb"c'.repeat(3) });
    assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  test('histogram uses route templates, and the pool gauge is exported', async () => {
    await json('GET', '/api/movies/424242');
    const text = (await json('GET', '/metrics')).body;
    assert.match(text, /http_request_duration_seconds_count\{method="GET",route="\/api\/movies\/:id",status_code="404"\} \d+/);
    assert.doesNotMatch(text, /route="\/api\/movies\/424242"/);
    assert.match(text, /marquee_pg_pool_in_use\{pool="inventory"\} \d+/);
    assert.match(text, /process_resident_memory_bytes \d+/);
  });
});
