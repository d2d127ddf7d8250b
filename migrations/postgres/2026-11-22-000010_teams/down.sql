ALTER TABLE jobs DROP COLUMN package_id;
ALTER TABLE memberships ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member'));
UPDATE memberships m SET role = 'owner'
WHERE EXISTS (SELECT 1 FROM team_members tm JOIN teams t ON t.id = tm.team_id
              WHERE t.is_owners AND t.organization_id = m.organization_id AND tm.user_id = m.user_id);
ALTER TABLE memberships ALTER COLUMN role DROP DEFAULT;
ALTER TABLE organization_tokens DROP COLUMN access_to_all_packages;
ALTER TABLE organization_tokens DROP COLUMN team_id;
DROP TABLE invitation_teams;
DROP TABLE invitations;
DROP TABLE suborganization_teams;
DROP TABLE team_packages;
DROP TABLE team_members;
DROP TABLE teams;
DELETE FROM organizations WHERE parent_id IS NOT NULL;
ALTER TABLE organizations DROP COLUMN parent_id;
