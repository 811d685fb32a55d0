-- A registrar (or any caller who does not read restricted profiles) that
-- deletes an honours campaign or an expert pool deletes what it sees; the
-- nominations, members and engagements of restricted people stay, in the
-- campaign or pool handed to an administrator: renamed to a fresh id (the
-- old one is free again, as if deleted) and marked deleted here, so that
-- only an admin reads it (AIP-164) and resolves what it holds.
ALTER TABLE honor_campaigns ADD COLUMN delete_time INTEGER;
ALTER TABLE expert_pools ADD COLUMN delete_time INTEGER;
