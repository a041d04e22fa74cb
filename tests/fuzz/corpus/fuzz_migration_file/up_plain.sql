1ALTER TABLE users ADD COLUMN bio text DEFAULT E'none\'s';
COMMENT ON COLUMN users.bio IS $$Free text; shown on the profile.$$;
