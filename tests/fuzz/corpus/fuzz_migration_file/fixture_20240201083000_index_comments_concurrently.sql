0-- migrate:up transaction:false
-- Built without blocking writes on the busy tables: CREATE INDEX
-- CONCURRENTLY cannot run in a transaction, so each statement is sent on
-- its own. IF NOT EXISTS is deliberately absent: a failed build leaves an
-- INVALID index that must be dropped, not silently kept.
CREATE INDEX CONCURRENTLY comments_author_idx ON comments (author_id);
CREATE INDEX CONCURRENTLY reactions_thread_idx ON reactions (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX CONCURRENTLY reactions_comment_idx ON reactions (comment_id) WHERE comment_id IS NOT NULL;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS reactions_comment_idx;
DROP INDEX CONCURRENTLY IF EXISTS reactions_thread_idx;
DROP INDEX CONCURRENTLY IF EXISTS comments_author_idx;
