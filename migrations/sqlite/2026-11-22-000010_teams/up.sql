-- Teams with permission flags, team membership and package grants, invitations,
-- suborganizations and team-scoped organization tokens.

-- A suborganization is an organization with a parent. Its url_name is stored as
-- "<parent>/<name>", which keeps url_name unique across the instance and is the path of
-- its Composer repository.
ALTER TABLE organizations ADD COLUMN parent_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE;
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The owners team: every right, and the organization always keeps one member in it.
    is_owners BOOLEAN NOT NULL DEFAULT 0,
    can_edit_team_packages BOOLEAN NOT NULL DEFAULT 0,
    can_add_packages BOOLEAN NOT NULL DEFAULT 0,
    can_create_suborganizations BOOLEAN NOT NULL DEFAULT 0,
    can_view_vendor_customers BOOLEAN NOT NULL DEFAULT 0,
    can_manage_vendor_customers BOOLEAN NOT NULL DEFAULT 0,
    -- Every current and future package (except those with synchronized permissions).
    access_to_all_packages BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);
CREATE UNIQUE INDEX teams_one_owners_team ON teams (organization_id) WHERE is_owners;

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE team_packages (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, package_id)
);
CREATE INDEX team_packages_package ON team_packages (package_id);

-- Teams of the parent organization with a permission on a suborganization.
CREATE TABLE suborganization_teams (
    suborganization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    permission TEXT NOT NULL CHECK (permission IN ('owner', 'view')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (suborganization_id, team_id)
);
CREATE INDEX suborganization_teams_team ON suborganization_teams (team_id);

-- An invitation names an existing user, or an email address that a user's account will
-- have when they accept.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    email TEXT,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    CHECK (user_id IS NOT NULL OR email IS NOT NULL)
);
CREATE INDEX invitations_organization ON invitations (organization_id);
CREATE INDEX invitations_user ON invitations (user_id);
CREATE INDEX invitations_email ON invitations (email);

CREATE TABLE invitation_teams (
    invitation_id BIGINT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, team_id)
);

-- Tokens see the packages of one team, or all packages; never both.
ALTER TABLE organization_tokens ADD COLUMN team_id BIGINT REFERENCES teams (id) ON DELETE CASCADE;
ALTER TABLE organization_tokens ADD COLUMN access_to_all_packages BOOLEAN NOT NULL DEFAULT 1;
CREATE INDEX organization_tokens_team ON organization_tokens (team_id);

-- Owners become the members of an owners team; the role column goes.
INSERT INTO teams (organization_id, name, is_owners, can_edit_team_packages, can_add_packages,
                   can_create_suborganizations, can_view_vendor_customers,
                   can_manage_vendor_customers, access_to_all_packages, created_at)
SELECT id, 'Owners', 1, 1, 1, 1, 1, 1, 1, created_at FROM organizations;
INSERT INTO team_members (team_id, user_id, created_at)
SELECT teams.id, memberships.user_id, memberships.created_at
FROM memberships JOIN teams ON teams.organization_id = memberships.organization_id AND teams.is_owners
WHERE memberships.role = 'owner';

CREATE TABLE memberships_new (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, user_id)
);
INSERT INTO memberships_new (id, organization_id, user_id, created_at)
SELECT id, organization_id, user_id, created_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_user ON memberships (user_id);

-- The package a job works on, so that a job is shown to those who see its package.
ALTER TABLE jobs ADD COLUMN package_id BIGINT;
UPDATE jobs SET package_id = json_extract(payload, '$.package_id') WHERE kind = 'update_package';
CREATE INDEX jobs_package ON jobs (package_id);
