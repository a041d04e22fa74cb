0-- Users of the app.
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE INDEX users_email ON users (email);

-- migrate:down
DROP TABLE users;
