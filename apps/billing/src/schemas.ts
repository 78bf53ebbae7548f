// JSON schemas of the orders API, declared once: they validate input (400 naming the field)
// and compile the response serialisers.
import { errorSchema } from '@marquee/kit';

/** inventory's movies.id is a PostgreSQL integer */
export const maxMovieId = 2_147_483_647;
/** numeric(10,2) would hold more; a single movie order above this is a typo or an attack */
export const maxPrice = 10_000;

export const createOrderBody = {
  type: 'object',
  properties: {
    user_id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' },
    movie_id: { type: 'integer', minimum: 1, maximum: maxMovieId },
    price: { type: 'number', exclusiveMinimum: 0, maximum: maxPrice },
  },
  required: ['user_id', 'movie_id', 'price'],
  additionalProperties: false,
} as const;

export interface CreateOrderBody {
  user_id: string;
  movie_id: number;
  price: number;
}

export const orderIdParams = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
  },
  required: ['id'],
} as const;

export const accepted = {
  type: 'object',
  properties: { id: { type: 'string' }, status: { type: 'string' } },
  required: ['id', 'status'],
} as const;

export const order = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    user_id: { type: 'string' },
    movie_id: { type: 'integer' },
    price: { type: 'number' },
    status: { type: 'string', enum: ['pending', 'completed', 'rejected'] },
    created_at: { type: 'string' },
  },
  required: ['id', 'user_id', 'movie_id', 'price', 'status', 'created_at'],
} as const;

export const errors = { 400: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema } as const;

/** Prices are money: at most two decimals (JSON Schema's multipleOf is unreliable with binary floats). */
export function hasCents(price: number): boolean {
  const cents = price * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}
