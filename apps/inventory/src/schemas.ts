// JSON schemas of the movies API, declared once: they validate input and compile the
// response serialisers (fast-json-stringify).
import { errorSchema } from '@marquee/kit';

/** PostgreSQL integer: ids beyond it can't exist and must be a 400, not a database error. */
export const maxId = 2_147_483_647;

const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const movie = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    director: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'title', 'director', 'created_at'],
} as const;

export interface Movie {
  id: number;
  title: string;
  director: string;
  /** RFC 3339, UTC (see isoTimestamps in @marquee/kit) */
  created_at: string;
}

export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: maxId } },
  required: ['id'],
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    /** opaque: nextCursor of the previous page */
    cursor: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' },
  },
  additionalProperties: false,
} as const;

export const createBody = {
  type: 'object',
  properties: { title: text, director: text },
  required: ['title', 'director'],
  additionalProperties: false,
} as const;

export const patchBody = { ...createBody, required: [], minProperties: 1 } as const;

export const errors = { 400: errorSchema, 404: errorSchema, 503: errorSchema } as const;

export const listResponse = {
  type: 'object',
  properties: {
    items: { type: 'array', items: movie },
    nextCursor: { type: ['string', 'null'] },
  },
  required: ['items', 'nextCursor'],
} as const;
