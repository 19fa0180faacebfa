-- Fault rules in the database (issue 23), so that every sandbox serving it applies the same
-- rules: one added, listed or removed through any sandbox's admin API is in force on all.
--
-- sandbox_fault_rules: the rules in force, consulted in id order. `rule` is the rule as given
-- (`{match, fire, action}`, JSON); `times` is the N of a `{times: N}` rule (NULL otherwise),
-- which the firing UPDATE compares `fired` with, so that the rule fires N times in all.
-- AUTOINCREMENT: an id is never handed out twice, even after its rule is removed.
CREATE TABLE sandbox_fault_rules (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    rule     TEXT    NOT NULL,
    times    INTEGER,
    matched  INTEGER NOT NULL DEFAULT 0,
    fired    INTEGER NOT NULL DEFAULT 0
);

-- sandbox_fault_version: one row at most (none: 0), moved on by every change of the rule set
-- (not by the counters), in the change's transaction. Each sandbox polls it and reads the rules
-- again only when it moved.
CREATE TABLE sandbox_fault_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
