-- Sign-in with code hosts (OAuth): accounts at a provider linked to users, and the
-- authorization requests in flight. Both live in the database so that any replica
-- can answer the provider's callback.

-- One account at one provider (the `name` of its config entry), linked to one user.
-- Tokens are sealed (auth::sealing); the later organization sync uses them.
CREATE TABLE user_identities (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    -- The provider's stable id (GitHub/GitLab/Bitbucket DC numeric id, Bitbucket
    -- Cloud uuid), never the login, which people can rename.
    provider_user_id TEXT NOT NULL,
    login TEXT NOT NULL,
    email TEXT,
    access_token TEXT NOT NULL,
    refresh_token TEXT,
    token_expires_at TIMESTAMP,
    -- Space-separated, as granted.
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    UNIQUE (provider, provider_user_id),
    -- One account per provider and user: what the sync reads must be unambiguous.
    UNIQUE (user_id, provider)
);

-- An authorization request between /start and /callback: single use, short-lived.
CREATE TABLE oauth_states (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SHA-256 of the `state` parameter, which is also in the browser's cookie.
    state_hash TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    -- The PKCE verifier, sealed.
    pkce_verifier TEXT NOT NULL,
    -- Set when a signed-in user links an account instead of signing in.
    link_user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
