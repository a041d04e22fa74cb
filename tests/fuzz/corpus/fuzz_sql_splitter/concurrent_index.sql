/* Built outside a transaction: each statement is sent on its own. */
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id ON orders (user_id);
CREATE INDEX CONCURRENTLY orders_created ON orders (created_at DESC)
  WHERE status <> 'archived';
ALTER INDEX orders_created SET (fillfactor = 90);
