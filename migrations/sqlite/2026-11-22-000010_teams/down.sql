DROP INDEX jobs_package;
ALTER TABLE jobs DROP COLUMN package_id;
CREATE TABLE memberships_old (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, user_id)
);
INSERT INTO memberships_old (id, organization_id, user_id, role, created_at)
SELECT m.id, m.organization_id, m.user_id,
       CASE WHEN EXISTS (SELECT 1 FROM team_members tm JOIN teams t ON t.id = tm.team_id
                         WHERE t.is_owners AND t.organization_id = m.organization_id
                           AND tm.user_id = m.user_id) THEN 'owner' ELSE 'member' END,
       m.created_at
FROM memberships m;
DROP TABLE memberships;
ALTER TABLE memberships_old RENAME TO memberships;
CREATE INDEX memberships_user ON memberships (user_id);

DROP INDEX organization_tokens_team;
ALTER TABLE organization_tokens DROP COLUMN access_to_all_packages;
ALTER TABLE organization_tokens DROP COLUMN team_id;
DROP TABLE invitation_teams;
DROP TABLE invitations;
DROP TABLE suborganization_teams;
DROP TABLE team_packages;
DROP TABLE team_members;
DROP TABLE teams;
DELETE FROM organizations WHERE parent_id IS NOT NULL;
DROP INDEX organizations_parent;
ALTER TABLE organizations DROP COLUMN parent_id;
