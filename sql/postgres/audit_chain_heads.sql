-- The audit hash-chain heads kept OUTSIDE genims_audit_db, in the Dagster instance's PostgreSQL
-- database (DAGSTER_PG_DB): one row per audit table with the last sequence written and its row_hash.
-- The audit store (genims_assets/audit/store.py) moves a head forward after each MySQL commit, never
-- back; the verifier (genims_assets/audit/verify.py) checks that the MySQL row at last_sequence still
-- carries last_row_hash, so a chain rewritten consistently inside MySQL (rows and counters) is detected.
CREATE SCHEMA IF NOT EXISTS genims_audit;

CREATE TABLE IF NOT EXISTS genims_audit.chain_heads (
    table_name text PRIMARY KEY,
    last_sequence bigint NOT NULL CHECK (last_sequence >= 0),
    last_row_hash char(64) NOT NULL CHECK (last_row_hash ~ '^[0-9a-f]{64}$'),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
