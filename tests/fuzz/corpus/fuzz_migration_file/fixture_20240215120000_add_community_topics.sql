0-- migrate:up
CREATE TABLE topics (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_id text NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  UNIQUE (community_id, name)
);
ALTER TABLE threads ADD COLUMN topic_id bigint REFERENCES topics (id) ON DELETE SET NULL;
-- A default topic for every existing community.
INSERT INTO topics (community_id, name) SELECT id, 'General' FROM communities;

-- migrate:down
ALTER TABLE threads DROP COLUMN topic_id;
DROP TABLE topics;
