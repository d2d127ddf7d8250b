-- Synchronization brings teams, members and sign-in connections along with repositories.

-- The sign-in provider (config entry name) whose linked accounts are the host's users:
-- members are matched to Packyard users through it. NULL when no sign-in is configured
-- for the host; teams then arrive without members.
ALTER TABLE synchronizations ADD COLUMN login_provider TEXT;

-- Teams a synchronization manages: their members and packages follow the host.
-- `external_key` names the host's team (and the permission tier) so that renames at
-- the host rename rather than duplicate.
ALTER TABLE teams ADD COLUMN synchronization_id BIGINT
    REFERENCES synchronizations (id) ON DELETE SET NULL;
ALTER TABLE teams ADD COLUMN external_key TEXT;
CREATE UNIQUE INDEX teams_synchronized ON teams (synchronization_id, external_key);

-- Members a synchronization brought: they lose the organization when they leave the
-- host's teams. Members added by hand keep it.
ALTER TABLE memberships ADD COLUMN synchronization_id BIGINT
    REFERENCES synchronizations (id) ON DELETE SET NULL;

-- A credential that is a user's sign-in at a code host: its token is the account's
-- current (refreshed) access token, not a stored secret.
ALTER TABLE credentials ADD COLUMN identity_id BIGINT
    REFERENCES user_identities (id) ON DELETE SET NULL;
