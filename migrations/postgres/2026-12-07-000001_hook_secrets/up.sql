-- The secret of an organization's inbound hook URL (/api/hooks/<org>): code hosts sign
-- their deliveries with it (GitHub, Bitbucket, Gitea) or send it back (GitLab, Gitee,
-- Azure DevOps). Sealed like credentials, because verifying an HMAC needs the secret
-- itself. Created on first use.
CREATE TABLE organization_hook_secrets (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    sealed_secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
