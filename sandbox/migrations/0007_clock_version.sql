-- sandbox_clock.version: moved on by every change of the clock (advance, set, reset), so that a
-- process keeps the newest reading of the offset; a reading begun before a concurrent change
-- committed is older and is not taken. Resets update the row instead of deleting it.
ALTER TABLE sandbox_clock ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
