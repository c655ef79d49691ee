-- genims_audit: change capture inside one GenIMS source database (see genims_assets/audit/README.md, section 1).
--
-- Applied by genims_assets/audit/capture.py as ONE script inside the install transaction (psycopg2 runs it as a
-- multi-statement string: the plpgsql bodies contain semicolons, so it is never split). Idempotent: IF NOT EXISTS,
-- CREATE OR REPLACE. Which tables get the triggers is decided in Python (genims_assets/audit/scope.py) and applied
-- with genims_audit.attach_table(); this file only defines the machinery.
--
-- Design (the figures are in bench/audit_capture.py and the issue report):
-- * Statement-level AFTER triggers with transition tables, one per event (PostgreSQL 15 allows transition tables
--   only on a single-event trigger): one INSERT ... SELECT per statement writes every row event, and the
--   statement's row count and sample (the 'bulk' event) come from the same transition table.
-- * The key columns and the credential columns to redact are trigger arguments, computed when the triggers are
--   attached (a catalog read per statement cost more than the whole capture of a one-row INSERT); the DDL event
--   trigger re-attaches a captured table after every ALTER TABLE, so they never go stale.
-- * UPDATE pairs each old row with its new row by position: PostgreSQL appends the old and the new version of
--   every updated row to the two transition tables together (trigger.c, AfterTriggerSaveEvent). Position is the
--   exact pairing, also when the key itself changes (pairing by key would mis-pair `SET id = id + 1`).
-- * UPDATEs that change nothing are not recorded as row events: no value changed, so there is no before/after.
-- * TRUNCATE fires no row trigger: a BEFORE TRUNCATE statement trigger records it with the exact row count and a
--   sample, before the rows are gone.
-- * DDL and GRANT/REVOKE: event triggers on ddl_command_end and sql_drop. GRANT/REVOKE is recorded as the effective
--   change of privileges (a diff of the ACLs against genims_audit.acl_snapshot), one event per object, grantee
--   and direction, because pg_event_trigger_ddl_commands() does not name the objects of a GRANT.
-- * The install does not capture itself: the installing transaction registers its txid in
--   genims_audit.install_session (deleted before commit), and the event triggers skip only that transaction. A
--   session setting would be forgeable; a row only the owner can write is not.
-- * Trigger functions are SECURITY DEFINER (owned by the installing superuser) with a fixed search_path, so
--   application roles write the queue without any right on it; TimeZone = UTC, so row images do not depend on
--   the session's time zone; jit and nested loops off, so a plan cached from a one-row statement neither compiles
--   per statement nor turns quadratic when a 200k-row statement reuses it.

CREATE SCHEMA IF NOT EXISTS genims_audit;

CREATE TABLE IF NOT EXISTS genims_audit.install_session (
    txid bigint PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

INSERT INTO genims_audit.install_session (txid) VALUES (txid_current()) ON CONFLICT (txid) DO NOTHING;

-- The queue: one row per captured event, exactly the contract's columns.
CREATE TABLE IF NOT EXISTS genims_audit.change_queue (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_time timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid bigint NOT NULL DEFAULT txid_current(),
    event_kind text NOT NULL CHECK (event_kind IN ('row', 'bulk', 'truncate', 'ddl', 'grant')),
    schema_name text,
    table_name text,
    operation text NOT NULL,
    key_basis text CHECK (key_basis IN ('primary_key', 'whole_row')),
    pk_value text,
    old_row jsonb,
    new_row jsonb,
    changed_columns text[],
    rows_affected bigint,
    sample_rows jsonb,
    command_tag text,
    object_type text,
    object_identity text,
    statement_text text,
    app_user text,
    reason_code text,
    approval_id text,
    db_session_user text,
    client_addr text,
    application_name text,
    backend_pid int,
    backend_start timestamptz,
    shipped_at timestamptz NULL
);

CREATE INDEX IF NOT EXISTS change_queue_pending ON genims_audit.change_queue (event_time) WHERE shipped_at IS NULL;
-- Partial: an event costs one index entry fewer until it is shipped; pruning (shipped_at < x) still uses it.
CREATE INDEX IF NOT EXISTS change_queue_shipped ON genims_audit.change_queue (shipped_at) WHERE shipped_at IS NOT NULL;

-- What the installer decided for this database (one row), and the tables the scope names with their credential
-- columns: the DDL event trigger uses them to capture a table created later and to refresh a captured one.
CREATE TABLE IF NOT EXISTS genims_audit.capture_config (
    id int PRIMARY KEY CHECK (id = 1),
    database_short text NOT NULL,
    full_scope boolean NOT NULL,
    bulk_threshold int NOT NULL,
    sample_rows int NOT NULL,
    redacted_columns text[] NOT NULL,
    installed_at timestamptz NOT NULL,
    installed_by text NOT NULL
);

CREATE TABLE IF NOT EXISTS genims_audit.capture_scope (
    table_name text PRIMARY KEY,
    reasons text[] NOT NULL,
    redacted_columns text[] NOT NULL
);

-- Privileges as of the last DDL, to turn a GRANT/REVOKE into the privileges it actually changed.
CREATE TABLE IF NOT EXISTS genims_audit.acl_snapshot (
    object_type text NOT NULL,
    object_identity text NOT NULL,
    schema_name text,
    table_name text,
    grantee text NOT NULL,
    grantor text NOT NULL,
    privilege text NOT NULL,
    grantable boolean NOT NULL,
    PRIMARY KEY (object_type, object_identity, grantee, grantor, privilege)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION genims_audit.installing() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT EXISTS (SELECT 1 FROM genims_audit.install_session WHERE txid = txid_current_if_assigned())
$fn$;

-- pk_value as the contract states it: the key as text (composite: JSON array text), or, without a key ('{}'),
-- the sha256 of the canonical row text (to_jsonb(row)::text with TimeZone UTC, as the trigger functions set it).
-- The trigger functions inline the one-column case; this is the general form.
CREATE OR REPLACE FUNCTION genims_audit.pk_text(j jsonb, pk text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE
        WHEN j IS NULL THEN NULL
        WHEN coalesce(cardinality(pk), 0) = 0 THEN encode(sha256(convert_to(j::text, 'UTF8')), 'hex')
        WHEN cardinality(pk) = 1 THEN j ->> pk[1]
        ELSE (SELECT jsonb_agg(j -> c ORDER BY o) FROM unnest(pk) WITH ORDINALITY AS u(c, o))::text
    END
$fn$;

-- Credentials never enter the audit trail: the value is replaced, the column stays (so a change is still seen).
CREATE OR REPLACE FUNCTION genims_audit.redact(j jsonb, cols text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE
        WHEN j IS NULL OR cols IS NULL OR cardinality(cols) = 0 THEN j
        ELSE j || coalesce(
            (SELECT jsonb_object_agg(c, '"[redacted]"'::jsonb) FROM unnest(cols) AS c
             WHERE j ? c AND jsonb_typeof(j -> c) <> 'null'),
            '{}'::jsonb)
    END
$fn$;

-- Statement text as kept: password/secret literals masked, cut at max_chars.
CREATE OR REPLACE FUNCTION genims_audit.statement_text(q text, max_chars int) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN q IS NULL THEN NULL ELSE left(
        regexp_replace(q, '((password|passwd|secret|token)\s*(=\s*)?)''([^'']|'''')*''', '\1''***''', 'gi'),
        max_chars) END
$fn$;

DO $do$
BEGIN
    IF to_regtype('genims_audit.session_context') IS NULL THEN
        CREATE TYPE genims_audit.session_context AS (
            app_user text,
            reason_code text,
            approval_id text,
            db_session_user text,
            client_addr text,
            application_name text,
            backend_pid int,
            backend_start timestamptz
        );
    END IF;
END
$do$;

-- The backend's start, read once per session: pg_stat_get_activity copies every backend's status, a quarter of
-- the cost of capturing a one-row INSERT. Kept in genims_audit.session with the pid it belongs to; backend_start()
-- is plain SQL without SET clauses so that it is inlined into the capture statements.
CREATE OR REPLACE FUNCTION genims_audit.remember_backend_start() RETURNS timestamptz
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    started timestamptz;
BEGIN
    SELECT a.backend_start INTO started FROM pg_stat_get_activity(pg_backend_pid()) AS a;
    PERFORM set_config('genims_audit.session',
                       pg_backend_pid() || ' ' || to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00"'),
                       false);
    RETURN started;
END
$fn$;

CREATE OR REPLACE FUNCTION genims_audit.backend_start() RETURNS timestamptz
LANGUAGE sql AS $fn$
    SELECT CASE WHEN current_setting('genims_audit.session', true) LIKE pg_backend_pid() || ' %'
                THEN substr(current_setting('genims_audit.session', true),
                            length(pg_backend_pid()::text) + 2)::timestamptz
                ELSE genims_audit.remember_backend_start() END
$fn$;

-- Who and where, for the DDL, TRUNCATE and bulk events. The application settings are transaction-local
-- (SET LOCAL), NULL when unset or empty.
CREATE OR REPLACE FUNCTION genims_audit.session_context() RETURNS genims_audit.session_context
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT ROW(
        nullif(current_setting('genims.user_id', true), ''),
        nullif(current_setting('genims.reason_code', true), ''),
        nullif(current_setting('genims.approval_id', true), ''),
        session_user::text,
        host(inet_client_addr()),
        nullif(current_setting('application_name', true), ''),
        pg_backend_pid(),
        genims_audit.backend_start()
    )::genims_audit.session_context
$fn$;

-- ---------------------------------------------------------------------------------------------------------------
-- DML capture: statement-level triggers. Arguments: bulk threshold, sample size, key columns, credential columns.
-- ---------------------------------------------------------------------------------------------------------------

-- The extra event of a statement that changed more than the threshold: rows changed, a sample, the statement.
CREATE OR REPLACE FUNCTION genims_audit.queue_bulk(op text, schema_name text, table_name text, rows_changed bigint,
                                                   sample jsonb) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $fn$
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, rows_affected, sample_rows, statement_text,
        app_user, reason_code, approval_id, db_session_user, client_addr, application_name, backend_pid, backend_start)
    SELECT 'bulk', schema_name, table_name, op, rows_changed, sample,
           genims_audit.statement_text(current_query(), 16000),
           c.app_user, c.reason_code, c.approval_id, c.db_session_user, c.client_addr, c.application_name,
           c.backend_pid, c.backend_start
    FROM genims_audit.session_context() AS c
$fn$;

-- INSERT and DELETE: one INSERT ... SELECT over the transition table writes every row event. The statement's
-- constants (key and credential columns from the arguments, who and where) come from one sub-select evaluated
-- once (OFFSET 0 keeps it from being flattened into every row); plpgsql variables would cost more per
-- transaction than the whole capture of a one-row INSERT, because plpgsql prepares every expression anew in
-- each transaction. The three functions repeat that sub-select for this reason.
CREATE OR REPLACE FUNCTION genims_audit.capture_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' SET jit = off SET enable_nestloop = off AS $fn$
DECLARE
    changed bigint;
BEGIN
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, key_basis, pk_value, new_row, changed_columns,
        app_user, reason_code, approval_id, db_session_user, client_addr, application_name, backend_pid, backend_start)
    SELECT 'row', TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT',
           CASE WHEN a.pk_count = 0 THEN 'whole_row' ELSE 'primary_key' END,
           CASE WHEN a.pk_count = 1 THEN s.j ->> a.pk[1] ELSE genims_audit.pk_text(s.j, a.pk) END,
           CASE WHEN a.redact_count = 0 THEN s.j ELSE genims_audit.redact(s.j, a.redacted) END,
           ARRAY(SELECT jsonb_object_keys(jsonb_strip_nulls(s.j))),
           a.app_user, a.reason_code, a.approval_id, a.db_session_user, a.client_addr, a.application_name,
           a.backend_pid, a.backend_start
    FROM (SELECT to_jsonb(t) AS j FROM new_rows AS t) AS s
    CROSS JOIN (
        SELECT x.pk, cardinality(x.pk) AS pk_count, x.redacted, cardinality(x.redacted) AS redact_count,
               nullif(current_setting('genims.user_id', true), '') AS app_user,
               nullif(current_setting('genims.reason_code', true), '') AS reason_code,
               nullif(current_setting('genims.approval_id', true), '') AS approval_id,
               session_user::text AS db_session_user, host(inet_client_addr()) AS client_addr,
               nullif(current_setting('application_name', true), '') AS application_name,
               pg_backend_pid() AS backend_pid, genims_audit.backend_start() AS backend_start
        FROM (SELECT TG_ARGV[2]::text[] AS pk, TG_ARGV[3]::text[] AS redacted) AS x
        OFFSET 0
    ) AS a;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > TG_ARGV[0]::bigint THEN
        PERFORM genims_audit.queue_bulk('INSERT', TG_TABLE_SCHEMA, TG_TABLE_NAME, changed,
            (SELECT jsonb_agg(genims_audit.redact(to_jsonb(t), TG_ARGV[3]::text[]))
             FROM (SELECT * FROM new_rows LIMIT TG_ARGV[1]::int) AS t));
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION genims_audit.capture_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' SET jit = off SET enable_nestloop = off AS $fn$
DECLARE
    changed bigint;
BEGIN
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, key_basis, pk_value, old_row, changed_columns,
        app_user, reason_code, approval_id, db_session_user, client_addr, application_name, backend_pid, backend_start)
    SELECT 'row', TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE',
           CASE WHEN a.pk_count = 0 THEN 'whole_row' ELSE 'primary_key' END,
           CASE WHEN a.pk_count = 1 THEN s.j ->> a.pk[1] ELSE genims_audit.pk_text(s.j, a.pk) END,
           CASE WHEN a.redact_count = 0 THEN s.j ELSE genims_audit.redact(s.j, a.redacted) END,
           ARRAY(SELECT jsonb_object_keys(jsonb_strip_nulls(s.j))),
           a.app_user, a.reason_code, a.approval_id, a.db_session_user, a.client_addr, a.application_name,
           a.backend_pid, a.backend_start
    FROM (SELECT to_jsonb(t) AS j FROM old_rows AS t) AS s
    CROSS JOIN (
        SELECT x.pk, cardinality(x.pk) AS pk_count, x.redacted, cardinality(x.redacted) AS redact_count,
               nullif(current_setting('genims.user_id', true), '') AS app_user,
               nullif(current_setting('genims.reason_code', true), '') AS reason_code,
               nullif(current_setting('genims.approval_id', true), '') AS approval_id,
               session_user::text AS db_session_user, host(inet_client_addr()) AS client_addr,
               nullif(current_setting('application_name', true), '') AS application_name,
               pg_backend_pid() AS backend_pid, genims_audit.backend_start() AS backend_start
        FROM (SELECT TG_ARGV[2]::text[] AS pk, TG_ARGV[3]::text[] AS redacted) AS x
        OFFSET 0
    ) AS a;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > TG_ARGV[0]::bigint THEN
        PERFORM genims_audit.queue_bulk('DELETE', TG_TABLE_SCHEMA, TG_TABLE_NAME, changed,
            (SELECT jsonb_agg(genims_audit.redact(to_jsonb(t), TG_ARGV[3]::text[]))
             FROM (SELECT * FROM old_rows LIMIT TG_ARGV[1]::int) AS t));
    END IF;
    RETURN NULL;
END
$fn$;

-- UPDATE: old and new rows paired by position (see the header), unchanged rows skipped. Without a key, pk_value
-- is the hash of the row as it was found; otherwise the key after the change.
CREATE OR REPLACE FUNCTION genims_audit.capture_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' SET jit = off SET enable_nestloop = off AS $fn$
DECLARE
    changed bigint;
BEGIN
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, key_basis, pk_value, old_row, new_row, changed_columns,
        app_user, reason_code, approval_id, db_session_user, client_addr, application_name, backend_pid, backend_start)
    SELECT 'row', TG_TABLE_SCHEMA, TG_TABLE_NAME, 'UPDATE',
           CASE WHEN a.pk_count = 0 THEN 'whole_row' ELSE 'primary_key' END,
           CASE WHEN a.pk_count = 1 THEN p.nj ->> a.pk[1]
                WHEN a.pk_count = 0 THEN genims_audit.pk_text(p.oj, a.pk)
                ELSE genims_audit.pk_text(p.nj, a.pk) END,
           CASE WHEN a.redact_count = 0 THEN p.oj ELSE genims_audit.redact(p.oj, a.redacted) END,
           CASE WHEN a.redact_count = 0 THEN p.nj ELSE genims_audit.redact(p.nj, a.redacted) END,
           d.cols,
           a.app_user, a.reason_code, a.approval_id, a.db_session_user, a.client_addr, a.application_name,
           a.backend_pid, a.backend_start
    FROM (SELECT o.j AS oj, n.j AS nj
          FROM (SELECT row_number() OVER () AS rn, to_jsonb(t) AS j FROM old_rows AS t) AS o
          JOIN (SELECT row_number() OVER () AS rn, to_jsonb(t) AS j FROM new_rows AS t) AS n ON n.rn = o.rn) AS p
    CROSS JOIN LATERAL (
        SELECT ARRAY(SELECT c FROM jsonb_object_keys(p.nj) AS c WHERE (p.nj -> c) IS DISTINCT FROM (p.oj -> c)) AS cols
    ) AS d
    CROSS JOIN (
        SELECT x.pk, cardinality(x.pk) AS pk_count, x.redacted, cardinality(x.redacted) AS redact_count,
               nullif(current_setting('genims.user_id', true), '') AS app_user,
               nullif(current_setting('genims.reason_code', true), '') AS reason_code,
               nullif(current_setting('genims.approval_id', true), '') AS approval_id,
               session_user::text AS db_session_user, host(inet_client_addr()) AS client_addr,
               nullif(current_setting('application_name', true), '') AS application_name,
               pg_backend_pid() AS backend_pid, genims_audit.backend_start() AS backend_start
        FROM (SELECT TG_ARGV[2]::text[] AS pk, TG_ARGV[3]::text[] AS redacted) AS x
        OFFSET 0
    ) AS a
    WHERE cardinality(d.cols) > 0;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > TG_ARGV[0]::bigint THEN
        PERFORM genims_audit.queue_bulk('UPDATE', TG_TABLE_SCHEMA, TG_TABLE_NAME, changed,
            (SELECT jsonb_agg(genims_audit.redact(to_jsonb(t), TG_ARGV[3]::text[]))
             FROM (SELECT * FROM new_rows LIMIT TG_ARGV[1]::int) AS t));
    END IF;
    RETURN NULL;
END
$fn$;

-- BEFORE TRUNCATE: the rows are still there to count and sample.
CREATE OR REPLACE FUNCTION genims_audit.capture_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' SET jit = off AS $fn$
DECLARE
    redacted text[] := TG_ARGV[3]::text[];
    ctx genims_audit.session_context := genims_audit.session_context();
    total bigint;
    sample jsonb;
BEGIN
    EXECUTE format('SELECT count(*) FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO total;
    EXECUTE format('SELECT jsonb_agg(genims_audit.redact(to_jsonb(t), $1)) FROM (SELECT * FROM %I.%I LIMIT $2) AS t',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO sample USING redacted, TG_ARGV[1]::int;
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, rows_affected, sample_rows, command_tag, statement_text,
        app_user, reason_code, approval_id, db_session_user, client_addr, application_name, backend_pid, backend_start)
    VALUES ('truncate', TG_TABLE_SCHEMA, TG_TABLE_NAME, 'TRUNCATE', total, sample, 'TRUNCATE TABLE',
            genims_audit.statement_text(current_query(), 16000),
            ctx.app_user, ctx.reason_code, ctx.approval_id, ctx.db_session_user, ctx.client_addr,
            ctx.application_name, ctx.backend_pid, ctx.backend_start);
    RETURN NULL;
END
$fn$;

-- Attach (or refresh) the four capture triggers on one table, with its key and credential columns as they are
-- now; detach removes them.
CREATE OR REPLACE FUNCTION genims_audit.attach_table(rel regclass, bulk_threshold int, sample_rows int,
                                                     credentials text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    pk text[] := coalesce(
        (SELECT array_agg(a.attname::text ORDER BY k.ord)
         FROM pg_index AS i
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = rel AND i.indisprimary), '{}');
    redacted text[] := ARRAY(
        SELECT a.attname::text FROM pg_attribute AS a
        WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY(credentials)
        ORDER BY a.attnum);
    args text := format('%L, %L, %L, %L', bulk_threshold, sample_rows, pk, redacted);
BEGIN
    EXECUTE format('CREATE OR REPLACE TRIGGER genims_audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION genims_audit.capture_insert(%s)', rel, args);
    EXECUTE format('CREATE OR REPLACE TRIGGER genims_audit_update AFTER UPDATE ON %s '
                   'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION genims_audit.capture_update(%s)', rel, args);
    EXECUTE format('CREATE OR REPLACE TRIGGER genims_audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION genims_audit.capture_delete(%s)', rel, args);
    EXECUTE format('CREATE OR REPLACE TRIGGER genims_audit_truncate BEFORE TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION genims_audit.capture_truncate(%s)', rel, args);
    -- ALWAYS: they fire under session_replication_role = replica too, which would otherwise switch capture off.
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER genims_audit_insert, '
                   'ENABLE ALWAYS TRIGGER genims_audit_update, ENABLE ALWAYS TRIGGER genims_audit_delete, '
                   'ENABLE ALWAYS TRIGGER genims_audit_truncate', rel);
END
$fn$;

CREATE OR REPLACE FUNCTION genims_audit.detach_table(rel regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    trigger_name text;
BEGIN
    FOREACH trigger_name IN ARRAY ARRAY['genims_audit_insert', 'genims_audit_update', 'genims_audit_delete',
                                        'genims_audit_truncate'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', trigger_name, rel);
    END LOOP;
END
$fn$;

-- Attach capture to a public table by the installed scope: a new table when its database is captured whole or
-- the scope names it; with refresh, only a table that is captured already (after an ALTER TABLE). True if done.
CREATE OR REPLACE FUNCTION genims_audit.attach_by_scope(rel oid, refresh boolean) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    cfg genims_audit.capture_config;
    rel_name text;
    credentials text[];
BEGIN
    SELECT * INTO cfg FROM genims_audit.capture_config WHERE id = 1;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT c.relname INTO rel_name
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.oid = rel AND n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relpersistence <> 't';
    IF rel_name IS NULL THEN
        RETURN false;
    END IF;
    SELECT s.redacted_columns INTO credentials FROM genims_audit.capture_scope AS s WHERE s.table_name = rel_name;
    IF refresh THEN
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = rel AND tgname = 'genims_audit_insert') THEN
            RETURN false;
        END IF;
    ELSIF NOT cfg.full_scope AND credentials IS NULL THEN
        RETURN false;
    END IF;
    PERFORM genims_audit.attach_table(rel::regclass, cfg.bulk_threshold, cfg.sample_rows,
                                      coalesce(credentials, cfg.redacted_columns));
    RETURN true;
END
$fn$;

-- ---------------------------------------------------------------------------------------------------------------
-- Privileges: current ACL entries of the database's own objects, and the diff against the snapshot.
-- ---------------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION genims_audit.current_acl()
RETURNS TABLE (object_type text, object_identity text, schema_name text, table_name text, grantee text,
               grantor text, privilege text, grantable boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    WITH user_schemas AS (
        SELECT oid, nspname, nspacl, nspowner FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_toast%'
          AND nspname NOT LIKE 'pg\_temp%'
    ), entries AS (
        SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                              WHEN 'f' THEN 'foreign table' ELSE 'table' END AS object_type,
               format('%I.%I', s.nspname, c.relname) AS object_identity, s.nspname::text AS schema_name,
               c.relname::text AS table_name, a.grantee, a.grantor, a.privilege_type, a.is_grantable
        FROM pg_class AS c JOIN user_schemas AS s ON s.oid = c.relnamespace
        CROSS JOIN LATERAL aclexplode(coalesce(c.relacl,
            acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) AS a
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        UNION ALL
        SELECT 'column', format('%I.%I.%I', s.nspname, c.relname, att.attname), s.nspname::text, c.relname::text,
               a.grantee, a.grantor, a.privilege_type, a.is_grantable
        FROM pg_attribute AS att JOIN pg_class AS c ON c.oid = att.attrelid
        JOIN user_schemas AS s ON s.oid = c.relnamespace
        CROSS JOIN LATERAL aclexplode(att.attacl) AS a
        WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped
        UNION ALL
        SELECT 'schema', format('%I', s.nspname), s.nspname::text, NULL, a.grantee, a.grantor, a.privilege_type,
               a.is_grantable
        FROM user_schemas AS s CROSS JOIN LATERAL aclexplode(coalesce(s.nspacl, acldefault('n', s.nspowner))) AS a
        UNION ALL
        SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, p.oid::regprocedure::text,
               s.nspname::text, NULL, a.grantee, a.grantor, a.privilege_type, a.is_grantable
        FROM pg_proc AS p JOIN user_schemas AS s ON s.oid = p.pronamespace
        CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS a
        UNION ALL
        SELECT 'database', format('%I', d.datname), NULL, NULL, a.grantee, a.grantor, a.privilege_type,
               a.is_grantable
        FROM pg_database AS d CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) AS a
        WHERE d.datname = current_database()
    )
    SELECT object_type, object_identity, schema_name, table_name,
           CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(grantee)::text END,
           pg_get_userbyid(grantor)::text, privilege_type, is_grantable
    FROM entries
$fn$;

-- Bring the snapshot up to date; with record_as set ('GRANT' or 'REVOKE' command), queue the differences first:
-- one 'grant' event per object, grantee, grantor and direction, or one event without details when the command
-- changed no privilege. Concurrent DDL needs no lock: each transaction diffs against committed privileges, and
-- ON CONFLICT DO NOTHING makes two transactions adding the same entry wait for each other, not fail.
CREATE OR REPLACE FUNCTION genims_audit.sync_acl(record_as text, query text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    -- Held in a variable, not a temporary table: DDL here would fire the event triggers again.
    acl_now genims_audit.acl_snapshot[];
    ctx genims_audit.session_context;
    recorded bigint := 0;
BEGIN
    acl_now := ARRAY(SELECT ROW(a.*)::genims_audit.acl_snapshot FROM genims_audit.current_acl() AS a);
    IF record_as IS NOT NULL THEN
        ctx := genims_audit.session_context();
        INSERT INTO genims_audit.change_queue (
            event_kind, schema_name, table_name, operation, old_row, new_row, changed_columns, command_tag,
            object_type, object_identity, statement_text, app_user, reason_code, approval_id, db_session_user,
            client_addr, application_name, backend_pid, backend_start)
        SELECT 'grant', d.schema_name, d.table_name, d.direction,
               CASE WHEN d.direction = 'REVOKE' THEN d.details END,
               CASE WHEN d.direction = 'GRANT' THEN d.details END,
               d.privileges, record_as, d.object_type, d.object_identity, query,
               ctx.app_user, ctx.reason_code, ctx.approval_id, ctx.db_session_user, ctx.client_addr,
               ctx.application_name, ctx.backend_pid, ctx.backend_start
        FROM (
            SELECT coalesce(nw.object_type, old.object_type) AS object_type,
                   coalesce(nw.object_identity, old.object_identity) AS object_identity,
                   coalesce(nw.schema_name, old.schema_name) AS schema_name,
                   coalesce(nw.table_name, old.table_name) AS table_name,
                   CASE WHEN nw.privilege IS NULL THEN 'REVOKE' ELSE 'GRANT' END AS direction,
                   coalesce(nw.grantee, old.grantee) AS grantee,
                   coalesce(nw.grantor, old.grantor) AS grantor,
                   array_agg(coalesce(nw.privilege, old.privilege) ORDER BY coalesce(nw.privilege, old.privilege))
                       AS privileges,
                   jsonb_build_object(
                       'grantee', coalesce(nw.grantee, old.grantee),
                       'grantor', coalesce(nw.grantor, old.grantor),
                       'privileges', jsonb_agg(coalesce(nw.privilege, old.privilege)
                                               ORDER BY coalesce(nw.privilege, old.privilege)),
                       'with_grant_option', bool_or(coalesce(nw.grantable, old.grantable)),
                       'trigger_event', 'ddl_command_end') AS details
            FROM unnest(acl_now) AS nw
            FULL JOIN genims_audit.acl_snapshot AS old
              ON old.object_type = nw.object_type AND old.object_identity = nw.object_identity
             AND old.grantee = nw.grantee AND old.grantor = nw.grantor AND old.privilege = nw.privilege
            WHERE nw.privilege IS NULL OR old.privilege IS NULL OR old.grantable <> nw.grantable
            GROUP BY 1, 2, 3, 4, 5, 6, 7
        ) AS d
        ORDER BY d.object_identity, d.grantee, d.direction;
        GET DIAGNOSTICS recorded = ROW_COUNT;
        IF recorded = 0 THEN
            INSERT INTO genims_audit.change_queue (
                event_kind, operation, command_tag, statement_text, new_row, app_user, reason_code, approval_id,
                db_session_user, client_addr, application_name, backend_pid, backend_start)
            VALUES ('grant', record_as, record_as, query,
                    jsonb_build_object('trigger_event', 'ddl_command_end', 'effective', false),
                    ctx.app_user, ctx.reason_code, ctx.approval_id, ctx.db_session_user, ctx.client_addr,
                    ctx.application_name, ctx.backend_pid, ctx.backend_start);
        END IF;
    END IF;
    DELETE FROM genims_audit.acl_snapshot AS old
    WHERE NOT EXISTS (
        SELECT 1 FROM unnest(acl_now) AS nw
        WHERE nw.object_type = old.object_type AND nw.object_identity = old.object_identity
          AND nw.grantee = old.grantee AND nw.grantor = old.grantor AND nw.privilege = old.privilege
          AND nw.grantable = old.grantable);
    INSERT INTO genims_audit.acl_snapshot SELECT * FROM unnest(acl_now) ON CONFLICT DO NOTHING;
END
$fn$;

-- ---------------------------------------------------------------------------------------------------------------
-- DDL capture: event triggers.
-- ---------------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION genims_audit.on_ddl_command_end() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $fn$
DECLARE
    r record;
    ctx genims_audit.session_context;
    query text;
    changed_table text;
    capture text;
    acl_objects boolean := false;
BEGIN
    IF genims_audit.installing() THEN
        RETURN;
    END IF;
    query := genims_audit.statement_text(current_query(), 1000000);
    IF tg_tag IN ('GRANT', 'REVOKE') THEN
        PERFORM genims_audit.sync_acl(tg_tag, query);
        RETURN;
    END IF;
    FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        CONTINUE WHEN r.schema_name LIKE 'pg\_temp%' OR r.schema_name LIKE 'pg\_toast%';
        ctx := coalesce(ctx, genims_audit.session_context());
        acl_objects := acl_objects OR r.object_type IN ('table', 'view', 'materialized view', 'sequence',
                                                        'foreign table', 'schema', 'function', 'procedure',
                                                        'aggregate', 'database');
        changed_table := CASE
            WHEN r.classid = 'pg_class'::regclass THEN
                (SELECT coalesce(t.relname, c.relname)::text FROM pg_class AS c
                 LEFT JOIN pg_index AS i ON c.relkind IN ('i', 'I') AND i.indexrelid = c.oid
                 LEFT JOIN pg_class AS t ON t.oid = i.indrelid
                 WHERE c.oid = r.objid)
            WHEN r.classid = 'pg_trigger'::regclass THEN
                (SELECT c.relname::text FROM pg_trigger AS g JOIN pg_class AS c ON c.oid = g.tgrelid
                 WHERE g.oid = r.objid)
            WHEN r.classid = 'pg_constraint'::regclass THEN
                (SELECT c.relname::text FROM pg_constraint AS k JOIN pg_class AS c ON c.oid = k.conrelid
                 WHERE k.oid = r.objid)
        END;
        -- A new table of a captured scope gets capture; a captured table gets its triggers refreshed after any
        -- ALTER TABLE (a new key, a new credential column, or its triggers disabled: capture is switched back
        -- on). The triggers this creates are capture's own work: registered like the install, and stated here.
        capture := NULL;
        IF r.object_type = 'table' AND r.command_tag IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO',
                                                           'ALTER TABLE') THEN
            INSERT INTO genims_audit.install_session (txid) VALUES (txid_current()) ON CONFLICT (txid) DO NOTHING;
            IF genims_audit.attach_by_scope(r.objid, r.command_tag = 'ALTER TABLE') THEN
                capture := CASE WHEN r.command_tag = 'ALTER TABLE' THEN 'refreshed' ELSE 'attached' END;
            END IF;
            DELETE FROM genims_audit.install_session WHERE txid = txid_current();
        END IF;
        INSERT INTO genims_audit.change_queue (
            event_kind, schema_name, table_name, operation, new_row, command_tag, object_type, object_identity,
            statement_text, app_user, reason_code, approval_id, db_session_user, client_addr, application_name,
            backend_pid, backend_start)
        VALUES (CASE WHEN r.command_tag = 'ALTER DEFAULT PRIVILEGES' THEN 'grant' ELSE 'ddl' END,
                r.schema_name, changed_table, r.command_tag,
                jsonb_strip_nulls(jsonb_build_object('trigger_event', 'ddl_command_end',
                                                     'in_extension', r.in_extension, 'capture', capture)),
                r.command_tag, r.object_type, r.object_identity, query,
                ctx.app_user, ctx.reason_code, ctx.approval_id, ctx.db_session_user, ctx.client_addr,
                ctx.application_name, ctx.backend_pid, ctx.backend_start);
    END LOOP;
    -- Only when an object whose privileges are tracked was created or altered (not for indexes or temp tables).
    IF acl_objects THEN
        PERFORM genims_audit.sync_acl(NULL, NULL);
    END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION genims_audit.on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $fn$
DECLARE
    ctx genims_audit.session_context;
    query text;
BEGIN
    IF genims_audit.installing() THEN
        RETURN;
    END IF;
    query := genims_audit.statement_text(current_query(), 1000000);
    ctx := genims_audit.session_context();
    INSERT INTO genims_audit.change_queue (
        event_kind, schema_name, table_name, operation, old_row, command_tag, object_type, object_identity,
        statement_text, app_user, reason_code, approval_id, db_session_user, client_addr, application_name,
        backend_pid, backend_start)
    SELECT 'ddl', d.schema_name,
           CASE WHEN d.object_type IN ('table', 'view', 'materialized view', 'foreign table') THEN d.object_name
                WHEN d.object_type IN ('trigger', 'table constraint', 'table column', 'policy', 'rule')
                    THEN d.address_names[2] END,
           tg_tag,
           jsonb_build_object('trigger_event', 'sql_drop', 'original', d.original, 'normal', d.normal,
                              'address_names', to_jsonb(d.address_names)),
           tg_tag, d.object_type, d.object_identity, query,
           ctx.app_user, ctx.reason_code, ctx.approval_id, ctx.db_session_user, ctx.client_addr,
           ctx.application_name, ctx.backend_pid, ctx.backend_start
    FROM pg_event_trigger_dropped_objects() AS d
    WHERE NOT d.is_temporary
      AND (d.original OR (d.normal AND d.object_type IN ('table', 'view', 'materialized view', 'foreign table',
                                                         'function', 'procedure', 'sequence', 'schema')));
    IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() AS d
               WHERE NOT d.is_temporary AND d.object_type IN ('table', 'view', 'materialized view', 'sequence',
                                                              'foreign table', 'schema', 'function', 'procedure',
                                                              'aggregate', 'table column')) THEN
        PERFORM genims_audit.sync_acl(NULL, NULL);
    END IF;
END
$fn$;

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'genims_audit_ddl') THEN
        CREATE EVENT TRIGGER genims_audit_ddl ON ddl_command_end EXECUTE FUNCTION genims_audit.on_ddl_command_end();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'genims_audit_drop') THEN
        CREATE EVENT TRIGGER genims_audit_drop ON sql_drop EXECUTE FUNCTION genims_audit.on_sql_drop();
    END IF;
END
$do$;
ALTER EVENT TRIGGER genims_audit_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER genims_audit_drop ENABLE ALWAYS;

-- ---------------------------------------------------------------------------------------------------------------
-- The queue is evidence: its events cannot be edited, and only shipped events can be removed.
-- ---------------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION genims_audit.refuse_queue_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'genims_audit.change_queue event % is audit evidence: only shipped_at may be set', OLD.event_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'The shipper sets shipped_at after the MySQL commit; nothing else changes an event.';
    ELSIF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'genims_audit.change_queue event % has not been shipped and cannot be deleted', OLD.event_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Ship it first (genims audit ship); pruning deletes shipped events only.';
    ELSIF EXISTS (SELECT 1 FROM genims_audit.change_queue WHERE shipped_at IS NULL) THEN
        RAISE EXCEPTION 'genims_audit.change_queue holds unshipped events and cannot be truncated'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Ship them first (genims audit ship); pruning deletes shipped events only.';
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER change_queue_no_edit
    BEFORE UPDATE OF event_id, event_time, txid, event_kind, schema_name, table_name, operation, key_basis, pk_value,
        old_row, new_row, changed_columns, rows_affected, sample_rows, command_tag, object_type, object_identity,
        statement_text, app_user, reason_code, approval_id, db_session_user, client_addr, application_name,
        backend_pid, backend_start
    ON genims_audit.change_queue FOR EACH ROW EXECUTE FUNCTION genims_audit.refuse_queue_change();
CREATE OR REPLACE TRIGGER change_queue_no_unshipped_delete
    BEFORE DELETE ON genims_audit.change_queue FOR EACH ROW WHEN (OLD.shipped_at IS NULL)
    EXECUTE FUNCTION genims_audit.refuse_queue_change();
CREATE OR REPLACE TRIGGER change_queue_no_truncate
    BEFORE TRUNCATE ON genims_audit.change_queue FOR EACH STATEMENT EXECUTE FUNCTION genims_audit.refuse_queue_change();

REVOKE ALL ON SCHEMA genims_audit FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA genims_audit FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA genims_audit FROM PUBLIC;
