-- The admin API (issue 20): the virtual clock and the admin tokens.
--
-- sandbox_clock: the offset of the virtual clock over the system time, in microseconds. One
-- row at most (none: offset 0). Kept in the database so that it survives a restart and is the
-- same for every sandbox process serving this file.
CREATE TABLE sandbox_clock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    offset_us  INTEGER NOT NULL
);

-- admin_tokens: one per start (each start issues one and prints it); stored only as the hex
-- SHA-256 of the token, like the API tokens. Earlier starts' admin tokens stay valid.
CREATE TABLE admin_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

-- The 24-hour window reads the last inbound message of a chat.
CREATE INDEX messages_chat_direction ON messages(chat_id, direction, sent_at);

-- sandbox_settings: the delivery simulation of the latest start (seconds after sending that a
-- message reads delivered or failed, and read), which the sends use to write their future
-- message.status_updated events. One row at most (none: 2 and 5).
CREATE TABLE sandbox_settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    delivered_after_secs  INTEGER NOT NULL,
    read_after_secs       INTEGER NOT NULL
);
