COPY t (a) FROM stdin;
COPY (SELECT E'to\'stdout') TO STDOUT;
SET LOCAL standard_conforming_strings TO 'off';
BEGIN;
SAVEPOINT "p";
COMMIT;
