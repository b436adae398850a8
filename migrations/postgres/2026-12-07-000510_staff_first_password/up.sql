-- An account whose password an admin made (first password, reset) must choose its own
-- at its next sign-in before it can use the workbench.
ALTER TABLE staff ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
