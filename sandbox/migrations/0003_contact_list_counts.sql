-- List Contacts at scale, part 2 (measured by wacr-bench on 100,000 contacts, see README).
--
-- 1. A filter on `type` with the firstname sort or the default created_at order reads one index
--    range in order: the rows an OFFSET skips are never looked up in the table, and neither
--    the page nor the count checks `type` row by row. (tenant_id, type) alone is a prefix of
--    the first of them, so it goes.
DROP INDEX contacts_tenant_type;
CREATE INDEX contacts_tenant_type_firstname ON contacts(tenant_id, type, firstname COLLATE NOCASE, id);
CREATE INDEX contacts_tenant_type_created ON contacts(tenant_id, type, created_at);

-- 2. A per-tenant version of the contacts, bumped in the writing transaction by every INSERT,
--    UPDATE and DELETE of a contact, whoever writes (this process, another one, the sqlite3
--    shell; a tenant's deletion cascades to its contacts, which fires the DELETE trigger). Group
--    membership lives on the contact row (`group_id`), so membership changes bump it too. The
--    list's exact `COUNT(*)` for the page meta is cached per connection under (tenant, the
--    query's conditions) and trusted only while the tenant's version is unchanged (store::counts).
--    A tenant without a row has version 0: no contact was written since this migration. Rows are
--    never deleted, so a version never repeats. (An `INSERT OR REPLACE` that replaces another
--    tenant's contact fires the DELETE trigger only under `PRAGMA recursive_triggers`, which
--    the sandbox's connections turn on; nothing in the sandbox writes contacts with REPLACE.)
CREATE TABLE contact_versions (
    tenant_id INTEGER PRIMARY KEY,
    version   INTEGER NOT NULL
);

CREATE TRIGGER contacts_version_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER contacts_version_update AFTER UPDATE ON contacts BEGIN
    INSERT INTO contact_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    -- a contact moved to another tenant changes the old tenant's contacts too
    INSERT INTO contact_versions (tenant_id, version) SELECT OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER contacts_version_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contact_versions (tenant_id, version) VALUES (OLD.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
