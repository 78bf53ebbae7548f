-- Up Migration
CREATE TABLE movies (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  director text NOT NULL CHECK (char_length(director) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE movies;
