0-- migrate:up transaction:false
DROP INDEX CONCURRENTLY IF EXISTS big_a;
CREATE INDEX CONCURRENTLY big_a ON big (a);
SELECT pg_sleep(0.15);
