SELECT E'it\'s; a \\ test', 'it''s; plain \', U&'d\0061t\+000061';
SELECT "weird;""name" FROM "Table$1" /* outer /* inner; */ still; */;
PREPARE by_id AS SELECT * FROM users WHERE id = $1 AND name <> $2;
SELECT a$b$c, $tag$ ; $x$ ; $tag$ FROM t -- trailing; comment
;
