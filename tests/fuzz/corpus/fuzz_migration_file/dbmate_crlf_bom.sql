0﻿-- migrate:up
CREATE FUNCTION one() RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT 1;
END;
-- migrate:down
DROP FUNCTION one();
