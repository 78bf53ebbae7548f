// JSON schemas of the movies API, declared once with TypeBox: they validate input, compile the
// response serialisers (fast-json-stringify) and give the handlers their types (Static).
import { errorSchema } from '@marquee/kit';
import Type, { type Static } from 'typebox';

/** PostgreSQL integer: ids beyond it can't exist and must be a 400, not a database error. */
export const maxId = 2_147_483_647;

const text = () => Type.String({ minLength: 1, maxLength: 200 });

export const movie = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  director: Type.String(),
  /** RFC 3339, UTC (see isoTimestamps in @marquee/kit) */
  created_at: Type.String({ format: 'date-time' }),
});

export type Movie = Static<typeof movie>;

export const idParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: maxId }) });

export const listQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    /** opaque: nextCursor of the previous page */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);

export const createBody = Type.Object({ title: text(), director: text() }, { additionalProperties: false });

export const patchBody = Type.Partial(createBody, { additionalProperties: false, minProperties: 1 });

export const errors = { 400: errorSchema, 404: errorSchema, 503: errorSchema } as const;

export const listResponse = Type.Object({
  items: Type.Array(movie),
  nextCursor: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
});
