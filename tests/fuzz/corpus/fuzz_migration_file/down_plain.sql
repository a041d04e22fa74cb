2/* Undo 0002. */
ALTER TABLE users DROP COLUMN bio;
