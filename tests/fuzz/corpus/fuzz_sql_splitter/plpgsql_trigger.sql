CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  NEW.updated_at := now();  -- keep it fresh; really
  RAISE NOTICE 'touched %', $$quoted;$$;
  RETURN NEW;
END;
$body$;

CREATE TRIGGER users_touch BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reporting') THEN
    CREATE ROLE reporting;
  END IF;
END $$;
