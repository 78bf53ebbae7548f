// The movies API: list (keyset pagination), get, create, update, delete. Every query is a
// named prepared statement (parsed once per connection); reads are pipelined (see app.ts).
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound, type Queryable } from '@marquee/kit';
import { createBody, errors, idParams, listQuery, listResponse, maxId, movie, patchBody, type Movie } from './schemas.ts';

const columns = 'id, title, director, created_at';

/**
 * One page of the list as JSON built by PostgreSQL (as PostgREST does): one text column instead
 * of limit x 4 fields parsed into objects and serialized again. created_at is rendered exactly as
 * the kit's isoTimestamps parser renders it for the other routes (UTC session: 'T' and 'Z').
 */
const listPageSql = `SELECT '[' || coalesce(string_agg(p.j, ',' ORDER BY p.id) FILTER (WHERE p.n <= $2), '') || ']' AS items,
  max(p.id) FILTER (WHERE p.n <= $2) AS last_id, count(*) > $2 AS more
FROM (SELECT m.id, row_number() OVER (ORDER BY m.id) AS n, row_to_json(r)::text AS j
      FROM movies m, LATERAL (SELECT m.id, m.title, m.director, replace(replace(m.created_at::text, ' ', 'T'), '+00', 'Z') AS created_at) r
      WHERE m.id > $1 ORDER BY m.id LIMIT $2 + 1) p`;

/** Cursors are opaque to clients (base64url of the last id) so the ordering can change later. */
export const encodeCursor = (id: number) => Buffer.from(String(id)).toString('base64url');
export function decodeCursor(cursor: string): number {
  const raw = Buffer.from(cursor, 'base64url').toString('latin1');
  const id = /^[0-9]{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(id >= 0 && id <= maxId)) throw badRequest('querystring.cursor', 'is not a cursor returned by this API');
  return id;
}

/** PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail in the database. */
function noNul(body: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && v.includes('\u0000')) throw badRequest(`body.${k}`, 'must not contain NUL characters');
    if (typeof v === 'string' && v.trim() === '') throw badRequest(`body.${k}`, 'must not be blank');
  }
}

interface MoviesOptions {
  /** SELECTs (a PgPipeline) */
  reads: Queryable;
  /** INSERT, UPDATE, DELETE (the Pool: they may wait on row locks) */
  writes: Queryable;
}

export async function moviesRoutes(app: FastifyInstance, { reads, writes }: MoviesOptions): Promise<void> {
  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/movies',
    { schema: { querystring: listQuery, response: { 200: listResponse, ...errors } } },
    async (request, reply) => {
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { rows } = await reads.query<{ items: string; last_id: number | null; more: boolean }>({
        name: 'movies_list_json',
        text: listPageSql,
        values: [after, limit],
      });
      const { items, last_id: last, more } = rows[0]!;
      // Already JSON: fastify sends a string with a JSON content type as it is (listResponse documents it).
      reply.type('application/json; charset=utf-8');
      return `{"items":${items},"nextCursor":${more && last !== null ? `"${encodeCursor(last)}"` : 'null'}}`;
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/movies/:id',
    { schema: { params: idParams, response: { 200: movie, ...errors } } },
    async (request) => {
      const { rows } = await reads.query<Movie>({ name: 'movies_get', text: `SELECT ${columns} FROM movies WHERE id = $1`, values: [request.params.id] });
      if (!rows[0]) throw notFound(`movie ${request.params.id}`);
      return rows[0];
    },
  );

  app.post<{ Body: { title: string; director: string } }>(
    '/api/movies',
    { schema: { body: createBody, response: { 201: movie, ...errors } } },
    async (request, reply) => {
      noNul(request.body);
      const { title, director } = request.body;
      const { rows } = await writes.query<Movie>({
        name: 'movies_create',
        text: `INSERT INTO movies (title, director) VALUES ($1, $2) RETURNING ${columns}`,
        values: [title, director],
      });
      const created = rows[0]!;
      reply.code(201).header('location', `/api/movies/${created.id}`);
      return created;
    },
  );

  const update = async (id: number, body: { title?: string; director?: string }) => {
    noNul(body);
    const { rows } = await writes.query<Movie>({
      name: 'movies_update',
      text: `UPDATE movies SET title = COALESCE($2, title), director = COALESCE($3, director) WHERE id = $1 RETURNING ${columns}`,
      values: [id, body.title ?? null, body.director ?? null],
    });
    if (!rows[0]) throw notFound(`movie ${id}`);
    return rows[0];
  };

  app.put<{ Params: { id: number }; Body: { title: string; director: string } }>(
    '/api/movies/:id',
    { schema: { params: idParams, body: createBody, response: { 200: movie, ...errors } } },
    async (request) => update(request.params.id, request.body),
  );

  app.patch<{ Params: { id: number }; Body: { title?: string; director?: string } }>(
    '/api/movies/:id',
    { schema: { params: idParams, body: patchBody, response: { 200: movie, ...errors } } },
    async (request) => update(request.params.id, request.body),
  );

  app.delete<{ Params: { id: number } }>(
    '/api/movies/:id',
    { schema: { params: idParams, response: { ...errors } } },
    async (request, reply) => {
      const { rowCount } = await writes.query({ name: 'movies_delete', text: 'DELETE FROM movies WHERE id = $1', values: [request.params.id] });
      if (!rowCount) throw notFound(`movie ${request.params.id}`);
      reply.code(204).send();
    },
  );
}
