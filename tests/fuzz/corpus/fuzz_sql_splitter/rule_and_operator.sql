CREATE RULE log_insert AS ON INSERT TO items DO ALSO (
  INSERT INTO audit VALUES ('insert', NEW.id);
  NOTIFY items_changed
);
SELECT 2 */* not division */ 3;
