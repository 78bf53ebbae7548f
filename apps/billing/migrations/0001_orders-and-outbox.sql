-- Up Migration
-- Orders and their transactional outbox. An order row and its outbox row are written in one
-- statement (one transaction); the relay deletes the outbox row only after RabbitMQ confirmed it.

CREATE TABLE orders (
  id          uuid PRIMARY KEY,
  user_id     text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 64),
  -- inventory movies.id is an integer identity; the worker checks existence over HTTP (no cross-database FK)
  movie_id    integer NOT NULL CHECK (movie_id > 0),
  -- money is numeric, never float: sums over thousands of orders must be exact
  price       numeric(10, 2) NOT NULL CHECK (price > 0 AND price <= 10000),
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'rejected')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- set once, by the worker's conditional update (WHERE status = 'pending')
  processed_at timestamptz,
  CHECK ((status = 'pending') = (processed_at IS NULL))
);

CREATE INDEX orders_pending_created_at ON orders (created_at) WHERE status = 'pending';

CREATE TABLE outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id    uuid NOT NULL REFERENCES orders (id),
  payload     jsonb NOT NULL,
  request_id  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE outbox;
DROP TABLE orders;
