-- wacr-sandbox schema, version 1. Times are INTEGER microseconds since the Unix epoch (UTC);
-- every tenant-owned table carries tenant_id and every lookup filters on it.

CREATE TABLE plans (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL,
    contacts_limit        INTEGER,            -- NULL: not configured (not enforced); -1: unlimited
    conversations_limit   INTEGER,
    campaigns_limit       INTEGER,
    staff_limit           INTEGER,
    whatsapp_templates    INTEGER NOT NULL DEFAULT 0,
    bulk_messaging        INTEGER NOT NULL DEFAULT 0,
    chatbot               INTEGER NOT NULL DEFAULT 0,
    advanced_analytics    INTEGER NOT NULL DEFAULT 0,
    api_access            INTEGER NOT NULL DEFAULT 1,
    custom_branding       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tenants (
    id                       INTEGER PRIMARY KEY,
    company_name             TEXT,
    subdomain                TEXT    NOT NULL UNIQUE,
    status                   TEXT    NOT NULL DEFAULT 'active',
    plan_id                  INTEGER NOT NULL REFERENCES plans(id),
    subscription_status      TEXT,               -- NULL: no subscription (the Free plan is shown)
    subscription_expires_at  INTEGER,
    active_campaigns         INTEGER NOT NULL DEFAULT 0,
    whatsapp_configured      INTEGER NOT NULL DEFAULT 1,
    whatsapp_phone           TEXT    NOT NULL,   -- the default sender number (digits)
    wm_business_account_id   TEXT,
    default_status_id        INTEGER REFERENCES statuses(id) ON DELETE SET NULL,  -- default lead settings
    default_source_id        INTEGER REFERENCES sources(id) ON DELETE SET NULL,   -- for auto-created contacts
    default_assigned_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at               INTEGER NOT NULL
);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_tenant ON users(tenant_id);

CREATE TABLE tokens (
    id                     INTEGER PRIMARY KEY,
    tenant_id              INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name                   TEXT    NOT NULL,
    token_hash             TEXT    NOT NULL UNIQUE,   -- hex SHA-256 of the token; the token itself is never stored
    scopes                 TEXT    NOT NULL,          -- space-separated
    rate_limit_per_minute  INTEGER NOT NULL DEFAULT 60,
    revoked_at             INTEGER,
    created_at             INTEGER NOT NULL
);
CREATE INDEX tokens_tenant_name ON tokens(tenant_id, name);

CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE statuses (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL COLLATE NOCASE,
    color      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE groups (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

-- group_id is the JSON array of the API (membership lives on the contact, as documented).
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    firstname    TEXT    NOT NULL,
    lastname     TEXT    NOT NULL,
    company      TEXT,
    type         TEXT    NOT NULL CHECK (type IN ('lead', 'customer', 'guest')),
    email        TEXT COLLATE NOCASE,
    phone        TEXT    NOT NULL,
    phone_key    TEXT    NOT NULL,   -- the phone's digits (the raw text when it has none): uniqueness and lookups
    status_id    INTEGER NOT NULL REFERENCES statuses(id),
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    description  TEXT,
    city         TEXT,
    state        TEXT,
    zip          TEXT,
    address      TEXT,
    country_id   INTEGER,
    assigned_id  INTEGER,
    group_id     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(group_id)),
    is_opted_out INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_phone ON contacts(tenant_id, phone_key);
CREATE UNIQUE INDEX contacts_email ON contacts(tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_created ON contacts(tenant_id, created_at);
CREATE INDEX contacts_status ON contacts(status_id);
CREATE INDEX contacts_source ON contacts(source_id);

-- A chat conversation (interaction) with one phone number.
CREATE TABLE chats (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    mobile      TEXT    NOT NULL,   -- digits only
    created_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, mobile)
);

-- Rows of a chat: messages exchanged with the contact and internal notes (comments).
CREATE TABLE chat_messages (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    chat_id         INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    is_note         INTEGER NOT NULL DEFAULT 0,
    type            TEXT    NOT NULL,
    message         TEXT    NOT NULL,
    status_message  TEXT,
    url             TEXT,
    message_id      TEXT,
    ref_message_id  TEXT,
    sender_id       TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX chat_messages_chat ON chat_messages(chat_id, is_note, created_at);

-- The message history (WhatsappHistory). status is what the send stored; the status shown
-- progresses sent -> delivered -> read with the time since sent_at (see store::messages).
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    chat_id          INTEGER REFERENCES chats(id) ON DELETE SET NULL,
    chat_message_id  INTEGER,
    contact_id       INTEGER,
    sender_id        TEXT,
    type             TEXT    NOT NULL,
    message          TEXT,
    status           TEXT    NOT NULL,
    fail_delivery    INTEGER NOT NULL DEFAULT 0,   -- simulated: the status becomes failed instead of delivered
    message_id       TEXT,
    direction        TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    status_message   TEXT,
    ref_message_id   TEXT,
    url              TEXT,
    staff_id         INTEGER,
    sent_at          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX messages_tenant_created ON messages(tenant_id, created_at);
CREATE INDEX messages_chat ON messages(chat_id);

-- Media stored by sends (metadata only; the sandbox does not keep the bytes).
CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    size        INTEGER,
    source_url  TEXT,
    url         TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One OTP per phone (digits) and purpose; a new one replaces the old.
CREATE TABLE otps (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    phone         TEXT    NOT NULL,
    purpose       TEXT    NOT NULL,
    code_hash     TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 5,
    expires_at    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, phone, purpose)
);

-- Fixed-window counters of the OTP resend/verify limits (Laravel RateLimiter semantics).
CREATE TABLE rate_counters (
    key       TEXT    PRIMARY KEY,
    hits      INTEGER NOT NULL,
    reset_at  INTEGER NOT NULL
);

CREATE TABLE templates (
    id                           INTEGER PRIMARY KEY,
    tenant_id                    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    template_id                  TEXT    NOT NULL,
    template_name                TEXT    NOT NULL,
    language                     TEXT    NOT NULL,
    category                     TEXT    NOT NULL,
    status                       TEXT    NOT NULL,
    header_format                TEXT    NOT NULL DEFAULT 'NONE',
    header_text                  TEXT    NOT NULL DEFAULT '',
    header_params_count          INTEGER NOT NULL DEFAULT 0,
    header_file_url              TEXT,
    header_variable_value        TEXT,
    body_data                    TEXT    NOT NULL DEFAULT '',
    body_params_count            INTEGER NOT NULL DEFAULT 0,
    body_variable_value          TEXT,
    footer_data                  TEXT,
    footer_params_count          INTEGER NOT NULL DEFAULT 0,
    buttons_data                 TEXT,
    message_send_ttl_seconds     INTEGER,
    add_security_recommendation  INTEGER NOT NULL DEFAULT 0,
    code_expiration_minutes      INTEGER,
    otp_button_config            TEXT,
    components                   TEXT    NOT NULL DEFAULT '[]',
    created_at                   INTEGER NOT NULL,
    updated_at                   INTEGER NOT NULL,
    UNIQUE (tenant_id, template_id)
);
CREATE INDEX templates_name ON templates(tenant_id, template_name, language);
