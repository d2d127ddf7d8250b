-- Outgoing webhooks: an organization's subscriptions to its events, and every delivery
-- with its outcome.

CREATE TABLE webhooks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- Sealed with the instance key: the secret signs each body (HMAC-SHA1), so it must be
    -- readable again. NULL sends unsigned events.
    sealed_secret TEXT,
    -- Event names, comma-separated (package.created, version.added, …).
    events TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_organization ON webhooks (organization_id);

CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    -- The exact bytes sent (and signed), the same on every attempt.
    payload TEXT NOT NULL,
    -- pending, success or failed (after the last attempt).
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    response_code INTEGER,
    duration_ms BIGINT,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
