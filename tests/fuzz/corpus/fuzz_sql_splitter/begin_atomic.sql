CREATE FUNCTION order_total(o orders) RETURNS numeric
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT CASE WHEN o.discount IS NULL THEN o.amount
              ELSE o.amount - o.discount END;
END;

CREATE OR REPLACE PROCEDURE archive_old(cutoff date)
LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO orders_archive SELECT * FROM orders WHERE created_at < cutoff;
  DELETE FROM orders WHERE created_at < cutoff;
END;
SELECT 1;
