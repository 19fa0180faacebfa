-- Fault rules in the database (issue 23): see migrations/0006_fault_rules.sql. An identity
-- column never hands out an id twice, as SQLite's AUTOINCREMENT.
CREATE TABLE sandbox_fault_rules (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule     TEXT   NOT NULL,
    times    BIGINT,
    matched  BIGINT NOT NULL DEFAULT 0,
    fired    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sandbox_fault_version (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
