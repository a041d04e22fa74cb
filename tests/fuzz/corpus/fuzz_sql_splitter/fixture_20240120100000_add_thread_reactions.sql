CREATE TABLE reactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  thread_id bigint REFERENCES threads (id) ON DELETE CASCADE,
  comment_id bigint REFERENCES comments (id) ON DELETE CASCADE,
  reaction text NOT NULL DEFAULT 'like',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((thread_id IS NULL) <> (comment_id IS NULL))
);
ALTER TABLE threads ADD COLUMN reaction_count integer NOT NULL DEFAULT 0;

