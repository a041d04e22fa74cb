0-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY orders_user_id ON orders (user_id);
CREATE INDEX CONCURRENTLY orders_created ON orders (created_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY orders_created;
DROP INDEX CONCURRENTLY orders_user_id;
