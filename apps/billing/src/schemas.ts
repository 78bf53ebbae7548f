// JSON schemas of the orders API, declared once with TypeBox: they validate input (400 naming the field),
// compile the response serialisers, and give the handlers their types (Static).
import { errorSchema } from '@marquee/kit';
import Type, { type Static } from 'typebox';

/** inventory's movies.id is a PostgreSQL integer */
export const maxMovieId = 2_147_483_647;
/** numeric(10,2) would hold more; a single movie order above this is a typo or an attack */
export const maxPrice = 10_000;

export const createOrderBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' }),
    movie_id: Type.Integer({ minimum: 1, maximum: maxMovieId }),
    price: Type.Number({ exclusiveMinimum: 0, maximum: maxPrice }),
  },
  { additionalProperties: false },
);

export type CreateOrderBody = Static<typeof createOrderBody>;

export const orderIdParams = Type.Object({
  id: Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }),
});

export const accepted = Type.Object({ id: Type.String(), status: Type.String() });

export const order = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  movie_id: Type.Integer(),
  price: Type.Number(),
  status: Type.String({ enum: ['pending', 'completed', 'rejected'] }),
  created_at: Type.String(),
});

export const errors = { 400: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema } as const;

/** Prices are money: at most two decimals (JSON Schema's multipleOf is unreliable with binary floats). */
export function hasCents(price: number): boolean {
  const cents = price * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}
