-- The platform outbox, in the Dagster instance's PostgreSQL database (DAGSTER_PG_DB).
-- Records the platform produces for the audit database (job runs, backups, verifications,
-- legal holds, GDPR requests, control checks, reads and exports) are written here first, in the
-- producer's own transaction, so none is lost while MySQL is down; the audit shipper moves them
-- to genims_audit_db exactly like the source databases' change queues (see genims_assets/audit/README.md).
CREATE SCHEMA IF NOT EXISTS genims_audit;

CREATE TABLE IF NOT EXISTS genims_audit.platform_outbox (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_time timestamptz NOT NULL,
    target_table text NOT NULL,
    payload jsonb NOT NULL,
    producer text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    shipped_at timestamptz NULL
);

CREATE INDEX IF NOT EXISTS platform_outbox_pending
    ON genims_audit.platform_outbox (event_time) WHERE shipped_at IS NULL;
CREATE INDEX IF NOT EXISTS platform_outbox_shipped ON genims_audit.platform_outbox (shipped_at);
