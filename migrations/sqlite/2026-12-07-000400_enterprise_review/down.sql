ALTER TABLE enterprises DROP COLUMN live_revision_id;
ALTER TABLE enterprises DROP COLUMN published;
