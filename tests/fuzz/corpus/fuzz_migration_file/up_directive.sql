1-- slugwright: transaction:false
CREATE INDEX CONCURRENTLY users_name ON users (lower(name));
