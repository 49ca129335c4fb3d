-- H2 2.4 keeps a CHECK constraint bound to the session that created it: once the command that ran this home's
-- migrations has exited (while the database server lives on), every INSERT into NS_MODEL_VERSION from another command
-- failed with 'Check constraint invalid: "NS_MODEL_VERSION_STATE"' (cause: "The database has been closed"). The state
-- is an enum in the registry's code, the only writer; PostgreSQL keeps its constraint.
ALTER TABLE NS_MODEL_VERSION DROP CONSTRAINT NS_MODEL_VERSION_STATE;
