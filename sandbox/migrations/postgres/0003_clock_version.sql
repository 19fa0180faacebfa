-- sandbox_clock.version, as SQLite's 0007: moved on by every change of the clock (advance, set,
-- reset), so that a process keeps the newest reading of the offset; a reading begun on another
-- session before a concurrent change committed is older and is not taken.
ALTER TABLE sandbox_clock ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
