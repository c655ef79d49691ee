-- genims_audit_db: the 30 audit tables (see README.md here). Append-only, 7-year retention.
-- Strict layout, read by genims_assets/sqlfiles.py: one column per line, keys, closing line.
-- Every table but audit_sequence_manager starts with one catch-all partition pmax on its event
-- timestamp, split monthly by genims_assets/mysql_partitions.py. PRIMARY KEY (<x>_sequence, <event ts>).

-- system_audit_log: every captured change, one row per row changed.
CREATE TABLE IF NOT EXISTS system_audit_log (
    audit_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of system_audit_log, assigned by its one writer from audit_sequence_manager',
    audit_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the source database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    session_id VARCHAR(64) NULL COMMENT 'source backend session (pid and backend start)',
    affected_rows BIGINT NULL COMMENT 'rows affected by the statement that made the change',
    status VARCHAR(16) NOT NULL COMMENT 'committed (a trigger event exists only for a committed transaction), or malformed: an event the shipper could not classify, kept whole in new_values and raised in security_events',
    duration_ms DECIMAL(12,3) NULL COMMENT 'statement duration in milliseconds, NULL when unknown',
    row_count_before BIGINT NULL COMMENT 'rows in the table before the statement, NULL when unknown',
    row_count_after BIGINT NULL COMMENT 'rows in the table after the statement, NULL when unknown',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (audit_sequence, audit_timestamp),
    UNIQUE KEY uq_system_audit_log_source (source_database, source_event_id, audit_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every captured change, one row per row changed (who, from where, what, outcome). Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(audit_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- user_activity_log: user actions on the platform.
CREATE TABLE IF NOT EXISTS user_activity_log (
    activity_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of user_activity_log, assigned by its one writer from audit_sequence_manager',
    activity_timestamp DATETIME(6) NOT NULL COMMENT 'time of the action (UTC), partitioning column',
    user_id VARCHAR(128) NOT NULL COMMENT 'platform or portal user who acted',
    user_type VARCHAR(32) NULL COMMENT 'platform, service_portal or supplier_portal',
    activity_type VARCHAR(32) NOT NULL COMMENT 'read, export, materialize, backfill, login, logout, view',
    object_type VARCHAR(32) NULL COMMENT 'table, asset, job, dashboard or report',
    object_name VARCHAR(255) NULL COMMENT 'what was acted on, for example genims_reporting_db.sales_order_summary',
    sensitive_data TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when the object holds personal, financial or health data',
    row_count BIGINT NULL COMMENT 'rows read or exported, NULL when not applicable',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id for materialisations started by a person',
    session_id VARCHAR(128) NULL COMMENT 'platform session',
    client_address VARCHAR(45) NULL COMMENT 'IPv4 or IPv6 address of the user',
    application_name VARCHAR(128) NULL COMMENT 'dagster-webserver, genims cli, BI tool ...',
    outcome VARCHAR(16) NOT NULL COMMENT 'success, denied or failed',
    details JSON NULL COMMENT 'action specific details (partition keys, filters, export format)',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (activity_sequence, activity_timestamp),
    UNIQUE KEY uq_user_activity_log_outbox (outbox_event_id, activity_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='User actions: reads and exports of sensitive data, materialisations started by a person, platform logins. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(activity_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- login_audit: logins and logouts of portal and platform users.
CREATE TABLE IF NOT EXISTS login_audit (
    login_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of login_audit, assigned by its one writer from audit_sequence_manager',
    event_timestamp DATETIME(6) NOT NULL COMMENT 'time of the login or logout (UTC), partitioning column',
    user_id VARCHAR(128) NOT NULL COMMENT 'user id in its system (portal_user_id, platform user)',
    username VARCHAR(128) NULL COMMENT 'login name as typed (kept for failed logins of unknown users)',
    user_type VARCHAR(32) NOT NULL COMMENT 'service_portal, supplier_portal or platform',
    event_type VARCHAR(32) NOT NULL COMMENT 'login, logout, login_failed, session_expired, password_changed or locked',
    outcome VARCHAR(16) NOT NULL COMMENT 'success or failure',
    failure_reason VARCHAR(255) NULL COMMENT 'why a login failed',
    authentication_method VARCHAR(32) NULL COMMENT 'password, sso, token ...',
    session_id VARCHAR(128) NULL COMMENT 'session opened or closed',
    session_duration_seconds INT NULL COMMENT 'for logout and session_expired',
    client_address VARCHAR(45) NULL COMMENT 'IPv4 or IPv6 address',
    user_agent VARCHAR(512) NULL COMMENT 'client user agent',
    source_database VARCHAR(64) NULL COMMENT 'source database when captured from a portal user table, NULL for platform logins',
    source_event_id BIGINT NULL COMMENT 'source queue event id when captured from a source database',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (login_sequence, event_timestamp),
    UNIQUE KEY uq_login_audit_source (source_database, source_event_id, event_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Login and logout events of application users (source portal users, platform users). Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(event_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- database_changes: DDL on the source databases (event triggers).
CREATE TABLE IF NOT EXISTS database_changes (
    ddl_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of database_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the DDL command (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NULL COMMENT 'changed table, NULL when the object is not a table',
    operation VARCHAR(16) NOT NULL COMMENT 'DDL',
    command_tag VARCHAR(64) NOT NULL COMMENT 'command tag of the DDL: ALTER TABLE, DROP INDEX, CREATE FUNCTION ...',
    object_type VARCHAR(64) NULL COMMENT 'table, index, function, schema ...',
    object_identity VARCHAR(255) NULL COMMENT 'schema-qualified name of the object',
    trigger_event VARCHAR(32) NULL COMMENT 'ddl_command_end or sql_drop',
    statement_text MEDIUMTEXT NULL COMMENT 'current_query() of the DDL',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (ddl_sequence, change_timestamp),
    UNIQUE KEY uq_database_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='DDL on the source databases, captured by PostgreSQL event triggers. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- permission_changes: GRANT/REVOKE and portal role changes.
CREATE TABLE IF NOT EXISTS permission_changes (
    permission_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of permission_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the grant, revoke or role change (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NULL COMMENT 'changed table, NULL when the object is not a table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'GRANT, REVOKE, or INSERT/UPDATE/DELETE on a portal user table',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    command_tag VARCHAR(64) NULL COMMENT 'GRANT, REVOKE, ALTER ROLE ..., NULL for portal user table changes',
    grantee VARCHAR(128) NULL COMMENT 'role or portal user receiving or losing the permission',
    grantor VARCHAR(128) NULL COMMENT 'role granting',
    role_name VARCHAR(128) NULL COMMENT 'role or portal role changed',
    object_type VARCHAR(32) NULL COMMENT 'table, schema, database, sequence, function or role',
    object_name VARCHAR(255) NULL COMMENT 'object the permission is on',
    privileges JSON NULL COMMENT 'privileges granted or revoked, [SELECT, INSERT, ...]',
    with_grant_option TINYINT(1) NULL COMMENT '1 when granted WITH GRANT OPTION',
    statement_text TEXT NULL COMMENT 'the GRANT or REVOKE statement',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (permission_sequence, change_timestamp),
    UNIQUE KEY uq_permission_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='GRANT/REVOKE on the source databases and role changes in portal user tables. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- configuration_changes: changes to configuration tables in every source database.
CREATE TABLE IF NOT EXISTS configuration_changes (
    configuration_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of configuration_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    config_area VARCHAR(64) NOT NULL COMMENT 'sla_definitions, posting_rules, escalation_rules, pm_schedules, slotting_rules ...',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (configuration_sequence, change_timestamp),
    UNIQUE KEY uq_configuration_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to configuration tables (SLA definitions, posting rules, escalation rules, PM schedules, slotting rules) in every database. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- security_events: integrity failures, rejected writes, access denials, tamper evidence.
CREATE TABLE IF NOT EXISTS security_events (
    security_event_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of security_events, assigned by its one writer from audit_sequence_manager',
    event_timestamp DATETIME(6) NOT NULL COMMENT 'time the event was detected (UTC), partitioning column',
    event_type VARCHAR(64) NOT NULL COMMENT 'integrity_check_failed, audit_write_rejected, access_denied, tamper_evidence, hash_chain_broken, sequence_gap ...',
    severity VARCHAR(16) NOT NULL COMMENT 'low, medium, high or critical',
    source_component VARCHAR(64) NULL COMMENT 'shipper, verifier, mysql_trigger, platform, source_database',
    database_name VARCHAR(64) NULL COMMENT 'database concerned',
    table_name VARCHAR(64) NULL COMMENT 'table concerned',
    related_sequence BIGINT UNSIGNED NULL COMMENT 'sequence of the audit row concerned (first broken link)',
    user_id VARCHAR(128) NULL COMMENT 'account or user involved',
    client_address VARCHAR(45) NULL COMMENT 'IPv4 or IPv6 address involved',
    status VARCHAR(16) NOT NULL COMMENT 'open when raised, acknowledged or resolved in a later row',
    detected_by VARCHAR(128) NULL COMMENT 'check, job or account that detected it',
    description TEXT NOT NULL COMMENT 'what happened',
    details JSON NULL COMMENT 'event specific evidence',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (security_event_sequence, event_timestamp),
    UNIQUE KEY uq_security_events_outbox (outbox_event_id, event_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Failed integrity checks, rejected writes to the audit store, access denials, tamper evidence. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(event_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- backup_recovery: every backup and restore.
CREATE TABLE IF NOT EXISTS backup_recovery (
    backup_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of backup_recovery, assigned by its one writer from audit_sequence_manager',
    operation_timestamp DATETIME(6) NOT NULL COMMENT 'time the operation ended (or started, for status started) (UTC), partitioning column',
    operation_id VARCHAR(64) NOT NULL COMMENT 'id shared by the rows of one operation',
    operation VARCHAR(16) NOT NULL COMMENT 'backup or restore',
    backup_type VARCHAR(16) NULL COMMENT 'full, incremental, logical or partition_export',
    target VARCHAR(255) NOT NULL COMMENT 'what was backed up or restored: server, database or table',
    location VARCHAR(1000) NULL COMMENT 'where the backup is (blob URL, path)',
    size_bytes BIGINT UNSIGNED NULL COMMENT 'size of the backup',
    checksum_sha256 CHAR(64) NULL COMMENT 'sha256 hex of the backup file',
    started_at DATETIME(6) NULL COMMENT 'UTC',
    finished_at DATETIME(6) NULL COMMENT 'UTC',
    duration_seconds DECIMAL(12,3) NULL COMMENT 'finished_at - started_at',
    status VARCHAR(16) NOT NULL COMMENT 'started, success, failed or verified',
    chain_heads JSON NULL COMMENT 'last sequence and row_hash of every audit table at backup time (chain head kept outside)',
    performed_by VARCHAR(128) NULL COMMENT 'account or job that ran it',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    error_message TEXT NULL COMMENT 'error, NULL on success',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (backup_sequence, operation_timestamp),
    UNIQUE KEY uq_backup_recovery_operation (operation_id, status, operation_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every backup and restore the platform runs, with size, location, checksum, status. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(operation_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- data_access_log: reads and exports of audited tables through the platform.
CREATE TABLE IF NOT EXISTS data_access_log (
    access_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of data_access_log, assigned by its one writer from audit_sequence_manager',
    access_timestamp DATETIME(6) NOT NULL COMMENT 'time of the read or export (UTC), partitioning column',
    user_id VARCHAR(128) NOT NULL COMMENT 'user or service account reading',
    access_type VARCHAR(16) NOT NULL COMMENT 'read, query or export',
    database_name VARCHAR(64) NOT NULL COMMENT 'database read',
    table_name VARCHAR(64) NOT NULL COMMENT 'audited table read',
    columns_accessed JSON NULL COMMENT 'columns read, NULL for all',
    filter_criteria TEXT NULL COMMENT 'predicate or partition keys of the read',
    row_count BIGINT NULL COMMENT 'rows returned or exported',
    export_format VARCHAR(16) NULL COMMENT 'csv, parquet, xlsx ... for exports',
    export_destination VARCHAR(1000) NULL COMMENT 'where an export was written',
    purpose VARCHAR(255) NULL COMMENT 'declared purpose (audit, gdpr_request, investigation ...)',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    session_id VARCHAR(128) NULL COMMENT 'platform session',
    client_address VARCHAR(45) NULL COMMENT 'IPv4 or IPv6 address',
    application_name VARCHAR(128) NULL COMMENT 'tool used',
    outcome VARCHAR(16) NOT NULL COMMENT 'success, denied or failed',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (access_sequence, access_timestamp),
    UNIQUE KEY uq_data_access_log_outbox (outbox_event_id, access_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Reads and exports of audited tables through the platform. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(access_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- job_execution_audit: every run of the platform jobs.
CREATE TABLE IF NOT EXISTS job_execution_audit (
    job_event_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of job_execution_audit, assigned by its one writer from audit_sequence_manager',
    event_timestamp DATETIME(6) NOT NULL COMMENT 'time of the run event (UTC), partitioning column',
    run_id VARCHAR(64) NOT NULL COMMENT 'Dagster run id',
    job_name VARCHAR(255) NOT NULL COMMENT 'Dagster job name',
    run_status VARCHAR(16) NOT NULL COMMENT 'started, success, failure or canceled (one row per event of the run)',
    launched_by VARCHAR(128) NULL COMMENT 'user, or schedule:<name> / sensor:<name> / backfill:<id>',
    launch_type VARCHAR(16) NULL COMMENT 'manual, schedule, sensor, backfill or automation',
    assets_touched JSON NULL COMMENT 'asset keys selected or materialised',
    partition_key VARCHAR(64) NULL COMMENT 'partition of the run, NULL when none',
    partition_range VARCHAR(128) NULL COMMENT 'first...last partition of a backfill run',
    backfill_id VARCHAR(64) NULL COMMENT 'Dagster backfill id',
    code_location VARCHAR(128) NULL COMMENT 'Dagster code location',
    started_at DATETIME(6) NULL COMMENT 'UTC',
    ended_at DATETIME(6) NULL COMMENT 'UTC, NULL for started',
    duration_seconds DECIMAL(12,3) NULL COMMENT 'ended_at - started_at',
    rows_written BIGINT NULL COMMENT 'rows written by the run, when known',
    error_message TEXT NULL COMMENT 'error of a failed run',
    tags JSON NULL COMMENT 'run tags',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (job_event_sequence, event_timestamp),
    UNIQUE KEY uq_job_execution_audit_run (run_id, run_status, event_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every run of the platform jobs: who launched it, what it touched, outcome. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(event_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- data_change_audit: one row per changed column.
CREATE TABLE IF NOT EXISTS data_change_audit (
    change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of data_change_audit, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the source database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    column_name VARCHAR(64) NOT NULL COMMENT 'changed column',
    data_type VARCHAR(64) NULL COMMENT 'PostgreSQL type of the column',
    old_value TEXT NULL COMMENT 'value before, as text, NULL for INSERT or a NULL value',
    new_value TEXT NULL COMMENT 'value after, as text, NULL for DELETE or a NULL value',
    change_type VARCHAR(16) NOT NULL COMMENT 'set (NULL to value), modified, cleared (value to NULL)',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (change_sequence, change_timestamp),
    UNIQUE KEY uq_data_change_audit_source (source_database, source_event_id, column_name, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='One row per changed column: table, primary key, column, old and new value, change type, transaction, reason code, approval id. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- bulk_operation_audit: multi-row statements and TRUNCATE (statement-level triggers).
CREATE TABLE IF NOT EXISTS bulk_operation_audit (
    bulk_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of bulk_operation_audit, assigned by its one writer from audit_sequence_manager',
    operation_timestamp DATETIME(6) NOT NULL COMMENT 'time of the statement (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the table',
    table_name VARCHAR(64) NOT NULL COMMENT 'table changed',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE, DELETE or TRUNCATE',
    rows_affected BIGINT NOT NULL COMMENT 'rows changed by the statement',
    status VARCHAR(16) NOT NULL COMMENT 'committed or failed',
    sample_rows JSON NULL COMMENT 'a sample of the rows changed (first rows of the transition table)',
    sample_size INT NULL COMMENT 'rows in sample_rows',
    statement_text TEXT NULL COMMENT 'current_query() of the statement, when captured',
    duration_ms DECIMAL(12,3) NULL COMMENT 'statement duration, NULL when unknown',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (bulk_sequence, operation_timestamp),
    UNIQUE KEY uq_bulk_operation_audit_source (source_database, source_event_id, operation_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Statements that change many rows at once, and TRUNCATE: table, rows affected, status, a sample of the data. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(operation_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- financial_data_changes: changes to the financial tables of genims_erp_db.
CREATE TABLE IF NOT EXISTS financial_data_changes (
    financial_change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of financial_data_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the ERP database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    document_number VARCHAR(50) NULL COMMENT 'financial document (journal entry, invoice ...) of the row',
    gl_account VARCHAR(50) NULL COMMENT 'GL account of the row, when it has one',
    fiscal_year SMALLINT NULL COMMENT 'fiscal year of the row',
    fiscal_period TINYINT NULL COMMENT 'fiscal period of the row',
    currency_code VARCHAR(3) NULL COMMENT 'currency of the amounts',
    amount_column VARCHAR(64) NULL COMMENT 'amount column compared (debit_amount, total_value ...)',
    amount_before DECIMAL(22,4) NULL COMMENT 'amount_column before the change, NULL for INSERT',
    amount_after DECIMAL(22,4) NULL COMMENT 'amount_column after the change, NULL for DELETE',
    amount_difference DECIMAL(23,4) NULL COMMENT 'COALESCE(amount_after, 0) - COALESCE(amount_before, 0)',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (financial_change_sequence, change_timestamp),
    UNIQUE KEY uq_financial_data_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to financial tables of the ERP database, with amount differences. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- master_data_changes: changes to genims_master_db.
CREATE TABLE IF NOT EXISTS master_data_changes (
    master_change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of master_data_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the master database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    entity_type VARCHAR(32) NULL COMMENT 'customer, product, machine, factory, line, employee, shift ...',
    business_key VARCHAR(100) NULL COMMENT 'business code of the record (customer_code, machine_code ...)',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (master_change_sequence, change_timestamp),
    UNIQUE KEY uq_master_data_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to the master database. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- price_cost_changes: one row per changed price or cost column, in any source database.
CREATE TABLE IF NOT EXISTS price_cost_changes (
    price_change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of price_cost_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    column_name VARCHAR(64) NOT NULL COMMENT 'price or cost column changed (unit_price, standard_cost, hourly_rate ...)',
    item_type VARCHAR(32) NULL COMMENT 'material, product, contract, carrier_rate, labor_rate ...',
    item_id VARCHAR(50) NULL COMMENT 'id of the priced item',
    currency_code VARCHAR(3) NULL COMMENT 'currency of the prices',
    old_price DECIMAL(22,4) NULL COMMENT 'value before, NULL for INSERT',
    new_price DECIMAL(22,4) NULL COMMENT 'value after, NULL for DELETE',
    price_difference DECIMAL(23,4) NULL COMMENT 'new_price - old_price',
    pct_change DECIMAL(30,4) NULL COMMENT '(new_price - old_price) / ABS(old_price) * 100, NULL when old_price is NULL or 0',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (price_change_sequence, change_timestamp),
    UNIQUE KEY uq_price_cost_changes_source (source_database, source_event_id, column_name, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to price and cost columns anywhere (unit price, standard cost, rates), one row per changed column, with pct change. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- customer_data_changes: changes to genims_crm_db.
CREATE TABLE IF NOT EXISTS customer_data_changes (
    customer_change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of customer_data_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the CRM database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    account_id VARCHAR(50) NULL COMMENT 'crm account of the row',
    customer_id VARCHAR(50) NULL COMMENT 'master customer of the account',
    contact_id VARCHAR(50) NULL COMMENT 'crm contact of the row (data subject for GDPR)',
    contains_personal_data TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when old or new values hold personal data of a contact',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (customer_change_sequence, change_timestamp),
    UNIQUE KEY uq_customer_data_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to the CRM database. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- personnel_data_changes: changes to genims_hcm_db.
CREATE TABLE IF NOT EXISTS personnel_data_changes (
    personnel_change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of personnel_data_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the HCM database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    employee_id VARCHAR(50) NULL COMMENT 'employee the row belongs to (data subject)',
    contains_health_data TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 for safety incident and medical treatment fields (HIPAA safeguards)',
    contains_compensation_data TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 for pay, rate and salary fields',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (personnel_change_sequence, change_timestamp),
    UNIQUE KEY uq_personnel_data_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to the HCM database. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- supplier_data_changes: changes to genims_supplier_db.
CREATE TABLE IF NOT EXISTS supplier_data_changes (
    supplier_change_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of supplier_data_changes, assigned by its one writer from audit_sequence_manager',
    change_timestamp DATETIME(6) NOT NULL COMMENT 'time of the change in the supplier database (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source PostgreSQL database, for example genims_erp_db',
    source_event_id BIGINT NOT NULL COMMENT 'id of the event in the source audit queue (idempotency key with source_database)',
    source_schema VARCHAR(64) NULL COMMENT 'schema of the changed object',
    table_name VARCHAR(64) NOT NULL COMMENT 'changed table',
    primary_key_value VARCHAR(255) NULL COMMENT 'primary key of the changed row as text (composite keys as a JSON array), sha256 of the canonical row when key_basis = whole_row',
    key_basis VARCHAR(16) NOT NULL DEFAULT 'primary_key' COMMENT 'primary_key, or whole_row for a source table without a primary key',
    operation VARCHAR(16) NOT NULL COMMENT 'INSERT, UPDATE or DELETE',
    old_values JSON NULL COMMENT 'row before the change, NULL for INSERT',
    new_values JSON NULL COMMENT 'row after the change, NULL for DELETE',
    changed_columns JSON NULL COMMENT 'names of the columns whose value changed',
    supplier_id VARCHAR(50) NULL COMMENT 'supplier the row belongs to',
    portal_user_id VARCHAR(50) NULL COMMENT 'supplier portal user who made the change, when it came through the portal',
    transaction_id BIGINT NULL COMMENT 'source txid_current() of the changing transaction',
    user_id VARCHAR(128) NULL COMMENT 'application user (SET LOCAL genims.user_id), else the database session user',
    user_source VARCHAR(16) NULL COMMENT 'application when genims.user_id was set, db_session_user when it fell back',
    db_session_user VARCHAR(64) NULL COMMENT 'PostgreSQL db_session_user',
    client_address VARCHAR(45) NULL COMMENT 'inet_client_addr() of the session, IPv4 or IPv6',
    application_name VARCHAR(128) NULL COMMENT 'application_name of the session',
    reason_code VARCHAR(64) NULL COMMENT 'genims.reason_code set by the application, NULL when unset',
    approval_id VARCHAR(64) NULL COMMENT 'genims.approval_id set by the application, NULL when unset',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (supplier_change_sequence, change_timestamp),
    UNIQUE KEY uq_supplier_data_changes_source (source_database, source_event_id, change_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Changes to the supplier database. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(change_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- sla_compliance_tracking: one row per SLA check.
CREATE TABLE IF NOT EXISTS sla_compliance_tracking (
    sla_check_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of sla_compliance_tracking, assigned by its one writer from audit_sequence_manager',
    check_timestamp DATETIME(6) NOT NULL COMMENT 'time of the check (UTC), partitioning column',
    sla_name VARCHAR(128) NOT NULL COMMENT 'SLA checked, for example reporting_freshness',
    sla_category VARCHAR(32) NOT NULL COMMENT 'freshness, sync_duration, audit_lag, dashboard_latency or service_ticket',
    metric VARCHAR(128) NOT NULL COMMENT 'what was measured',
    subject VARCHAR(255) NULL COMMENT 'table, asset, job or ticket measured',
    threshold_value DECIMAL(18,3) NOT NULL COMMENT 'limit of the SLA, in unit',
    comparison VARCHAR(4) NOT NULL COMMENT 'how actual_value must compare to threshold_value: <= or >=',
    actual_value DECIMAL(18,3) NULL COMMENT 'measured value, in unit, NULL when it could not be measured',
    unit VARCHAR(16) NOT NULL COMMENT 'seconds, minutes, hours, pct or count',
    status VARCHAR(16) NOT NULL COMMENT 'met, breached or unknown',
    period_start DATETIME(6) NULL COMMENT 'start of the period measured (UTC)',
    period_end DATETIME(6) NULL COMMENT 'end of the period measured (UTC)',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id of the check',
    details JSON NULL COMMENT 'check specific details',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (sla_check_sequence, check_timestamp),
    UNIQUE KEY uq_sla_compliance_tracking_outbox (outbox_event_id, check_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='SLA checks: freshness, sync duration, audit lag, dashboard latency, service-ticket SLAs, with threshold, actual, status. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(check_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- gdpr_data_request_log: data subject requests, one row per status change.
CREATE TABLE IF NOT EXISTS gdpr_data_request_log (
    gdpr_event_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of gdpr_data_request_log, assigned by its one writer from audit_sequence_manager',
    event_timestamp DATETIME(6) NOT NULL COMMENT 'time of the status change (UTC), partitioning column',
    request_id VARCHAR(64) NOT NULL COMMENT 'data subject request id (one row per status change of the request)',
    request_type VARCHAR(16) NOT NULL COMMENT 'access, erasure or rectification',
    subject_type VARCHAR(32) NOT NULL COMMENT 'crm_contact, employee, portal_user or supplier_contact',
    subject_id VARCHAR(100) NOT NULL COMMENT 'id of the data subject in its source table',
    subject_email_sha256 CHAR(64) NULL COMMENT 'sha256 of the lowercased e-mail, to match without storing it',
    status VARCHAR(16) NOT NULL COMMENT 'received, verified, in_progress, completed, rejected or extended',
    received_at DATETIME(6) NOT NULL COMMENT 'when the request was received (UTC)',
    due_at DATETIME(6) NOT NULL COMMENT 'statutory deadline (received_at + 1 month, or extended)',
    completed_at DATETIME(6) NULL COMMENT 'when it was completed or rejected (UTC)',
    legal_basis VARCHAR(128) NULL COMMENT 'legal basis applied (Art. 15/16/17 GDPR, or exemption such as legal hold or retention duty)',
    databases_affected JSON NULL COMMENT 'databases and tables searched or changed',
    records_affected BIGINT NULL COMMENT 'rows found, exported, erased or corrected',
    verification_method VARCHAR(64) NULL COMMENT 'how the identity of the subject was verified',
    handled_by VARCHAR(128) NULL COMMENT 'user handling the request',
    notes TEXT NULL COMMENT 'free text, no personal data',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (gdpr_event_sequence, event_timestamp),
    UNIQUE KEY uq_gdpr_data_request_log_status (request_id, status, event_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Data subject requests (access, erasure, rectification) with status and completion. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(event_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- legal_hold_tracking: legal holds, one row per event of a hold.
CREATE TABLE IF NOT EXISTS legal_hold_tracking (
    hold_event_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of legal_hold_tracking, assigned by its one writer from audit_sequence_manager',
    event_timestamp DATETIME(6) NOT NULL COMMENT 'time of the hold event (UTC), partitioning column',
    hold_id VARCHAR(64) NOT NULL COMMENT 'legal hold id (one row per event of the hold)',
    case_reference VARCHAR(128) NOT NULL COMMENT 'case or matter reference',
    event_type VARCHAR(16) NOT NULL COMMENT 'placed, modified, reviewed, released or expired',
    status VARCHAR(16) NOT NULL COMMENT 'active, released or expired (after this event)',
    scope_tables JSON NULL COMMENT 'audit and source tables covered, [database.table, ...]',
    scope_subjects JSON NULL COMMENT 'data subjects or business keys covered',
    date_from DATE NULL COMMENT 'first day of the data covered',
    date_to DATE NULL COMMENT 'last day of the data covered, NULL = open ended',
    placed_by VARCHAR(128) NULL COMMENT 'who placed the hold',
    placed_at DATETIME(6) NULL COMMENT 'when the hold was placed (UTC)',
    reviewer VARCHAR(128) NULL COMMENT 'who reviews the hold',
    reviewed_at DATETIME(6) NULL COMMENT 'last review (UTC)',
    expires_at DATETIME(6) NULL COMMENT 'when the hold lapses unless renewed (UTC)',
    released_by VARCHAR(128) NULL COMMENT 'who released it',
    released_at DATETIME(6) NULL COMMENT 'when it was released (UTC)',
    release_reason VARCHAR(255) NULL COMMENT 'why it was released',
    notes TEXT NULL COMMENT 'free text',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (hold_event_sequence, event_timestamp),
    UNIQUE KEY uq_legal_hold_tracking_event (hold_id, event_type, event_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Legal holds: case, scope (tables, subjects, dates), status, reviewer, expiry. The retention job reads it before any purge. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(event_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- sox_compliance_log: SOX control tests.
CREATE TABLE IF NOT EXISTS sox_compliance_log (
    sox_test_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of sox_compliance_log, assigned by its one writer from audit_sequence_manager',
    test_timestamp DATETIME(6) NOT NULL COMMENT 'time of the control test (UTC), partitioning column',
    control_id VARCHAR(64) NOT NULL COMMENT 'control tested, for example SOX-FIN-SOD-01',
    control_name VARCHAR(255) NOT NULL COMMENT 'segregation of duties on financial changes, approval on posted entries ...',
    test_type VARCHAR(16) NULL COMMENT 'automated or manual',
    test_period_start DATE NULL COMMENT 'first day of the population tested',
    test_period_end DATE NULL COMMENT 'last day of the population tested',
    source_database VARCHAR(64) NULL COMMENT 'database tested',
    table_name VARCHAR(64) NULL COMMENT 'table tested (source or audit)',
    population_count BIGINT NULL COMMENT 'items in the population',
    sample_count BIGINT NULL COMMENT 'items tested',
    exceptions_count BIGINT NULL COMMENT 'items failing the control',
    test_result VARCHAR(16) NOT NULL COMMENT 'pass, fail or not_applicable',
    deficiency_level VARCHAR(32) NULL COMMENT 'none, deficiency, significant_deficiency or material_weakness',
    evidence JSON NULL COMMENT 'exception references, for example [{table, sequence}]',
    tested_by VARCHAR(128) NULL COMMENT 'account or person testing',
    reviewer VARCHAR(128) NULL COMMENT 'who reviewed the result',
    remediation TEXT NULL COMMENT 'remediation planned or done',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (sox_test_sequence, test_timestamp),
    UNIQUE KEY uq_sox_compliance_log_outbox (outbox_event_id, test_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='SOX control tests (segregation of duties on financial changes, approval present on posted entries ...). Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(test_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- hipaa_compliance_log: safeguard checks on personnel health data.
CREATE TABLE IF NOT EXISTS hipaa_compliance_log (
    hipaa_check_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of hipaa_compliance_log, assigned by its one writer from audit_sequence_manager',
    check_timestamp DATETIME(6) NOT NULL COMMENT 'time of the safeguard check (UTC), partitioning column',
    check_name VARCHAR(128) NOT NULL COMMENT 'safeguard checked, for example health_fields_access_logged',
    safeguard_type VARCHAR(16) NOT NULL COMMENT 'administrative, physical or technical',
    source_database VARCHAR(64) NULL COMMENT 'database checked, genims_hcm_db for personnel health data',
    table_name VARCHAR(64) NULL COMMENT 'table checked (safety_incidents ...)',
    columns_checked JSON NULL COMMENT 'health-related columns covered (medical_treatment_required, injury_type ...)',
    records_checked BIGINT NULL COMMENT 'rows examined',
    violations_count BIGINT NULL COMMENT 'rows or accesses violating the safeguard',
    result VARCHAR(16) NOT NULL COMMENT 'pass, fail or warning',
    finding TEXT NULL COMMENT 'what was found, without health data',
    evidence JSON NULL COMMENT 'references to audit rows (table, sequence)',
    remediation_status VARCHAR(16) NULL COMMENT 'none, open or done',
    checked_by VARCHAR(128) NULL COMMENT 'account or person',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (hipaa_check_sequence, check_timestamp),
    UNIQUE KEY uq_hipaa_compliance_log_outbox (outbox_event_id, check_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Safeguard checks on personnel health data (safety incidents, medical treatment fields). Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(check_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- audit_trail_completeness: expected vs received events per source table and period.
CREATE TABLE IF NOT EXISTS audit_trail_completeness (
    completeness_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of audit_trail_completeness, assigned by its one writer from audit_sequence_manager',
    check_timestamp DATETIME(6) NOT NULL COMMENT 'time of the check (UTC), partitioning column',
    source_database VARCHAR(64) NOT NULL COMMENT 'source database',
    source_table VARCHAR(64) NOT NULL COMMENT 'source table (or audit queue) checked',
    audit_table VARCHAR(64) NULL COMMENT 'audit table the events land in',
    period_start DATETIME(6) NOT NULL COMMENT 'start of the period checked (UTC)',
    period_end DATETIME(6) NOT NULL COMMENT 'end of the period checked (UTC, exclusive)',
    expected_sequence_from BIGINT NULL COMMENT 'first source_event_id expected in the period',
    expected_sequence_to BIGINT NULL COMMENT 'last source_event_id expected in the period',
    expected_count BIGINT NOT NULL COMMENT 'events expected (source queue count)',
    received_sequence_from BIGINT NULL COMMENT 'first source_event_id received',
    received_sequence_to BIGINT NULL COMMENT 'last source_event_id received',
    received_count BIGINT NOT NULL COMMENT 'events found in the audit table',
    missing_count BIGINT NOT NULL COMMENT 'expected_count - received_count, events missing',
    gap_count INT NOT NULL DEFAULT 0 COMMENT 'missing ranges found',
    gaps JSON NULL COMMENT 'missing ranges, [[from, to], ...] (first 100)',
    status VARCHAR(16) NOT NULL COMMENT 'complete, gaps or pending (inside the shipping horizon)',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (completeness_sequence, check_timestamp),
    UNIQUE KEY uq_audit_trail_completeness_outbox (outbox_event_id, check_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Per source table and period: expected vs received sequence range, gaps found. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(check_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- audit_report_schedule: compliance reports, one row per schedule or generation event.
CREATE TABLE IF NOT EXISTS audit_report_schedule (
    report_event_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of audit_report_schedule, assigned by its one writer from audit_sequence_manager',
    event_timestamp DATETIME(6) NOT NULL COMMENT 'time of the schedule event (UTC), partitioning column',
    report_id VARCHAR(64) NOT NULL COMMENT 'compliance report id',
    report_name VARCHAR(255) NOT NULL COMMENT 'report name',
    regulation VARCHAR(16) NULL COMMENT 'SOX, GDPR, HIPAA or internal',
    event_type VARCHAR(32) NOT NULL COMMENT 'scheduled, schedule_changed, generated, failed or retired',
    frequency VARCHAR(16) NULL COMMENT 'daily, weekly, monthly, quarterly or annual',
    cron_schedule VARCHAR(64) NULL COMMENT 'cron expression (UTC)',
    period_start DATE NULL COMMENT 'first day covered by the generated report',
    period_end DATE NULL COMMENT 'last day covered',
    last_generated_at DATETIME(6) NULL COMMENT 'last successful generation (UTC)',
    next_due_at DATETIME(6) NULL COMMENT 'next generation due (UTC)',
    output_location VARCHAR(1000) NULL COMMENT 'where the generated report is stored',
    output_checksum_sha256 CHAR(64) NULL COMMENT 'sha256 hex of the generated file',
    recipients JSON NULL COMMENT 'who receives the report',
    owner VARCHAR(128) NULL COMMENT 'report owner',
    status VARCHAR(16) NOT NULL COMMENT 'active, paused, success or failed',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (report_event_sequence, event_timestamp),
    UNIQUE KEY uq_audit_report_schedule_outbox (outbox_event_id, event_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Compliance reports and when they were last and next generated (latest row per report_id is current). Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(event_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- audit_sequence_manager: one row per audit table. The one mutable control table, not partitioned.
CREATE TABLE IF NOT EXISTS audit_sequence_manager (
    table_name VARCHAR(64) NOT NULL COMMENT 'audit table whose counter this is',
    sequence_column VARCHAR(64) NOT NULL COMMENT 'its *_sequence column',
    timestamp_column VARCHAR(64) NOT NULL COMMENT 'its event timestamp (partitioning) column',
    last_sequence BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'last sequence assigned, 0 = none yet, never reused',
    last_row_hash CHAR(64) NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000' COMMENT 'row_hash of the row with last_sequence (chain head), 64 zeros before the first row',
    last_event_timestamp DATETIME(6) NULL COMMENT 'event timestamp of the row with last_sequence (UTC)',
    last_assigned_by VARCHAR(128) NULL COMMENT 'shipper or job that assigned last_sequence',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'UTC',
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6) COMMENT 'last assignment (UTC)',
    PRIMARY KEY (table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Control table: the sequence counter and hash chain head behind every audit table, updated in the shipper transaction (SELECT ... FOR UPDATE). The one mutable table of this database. Not partitioned';

-- audit_etl_sync_log: one row per audit shipment and target table.
CREATE TABLE IF NOT EXISTS audit_etl_sync_log (
    shipment_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of audit_etl_sync_log, assigned by its one writer from audit_sequence_manager',
    shipment_timestamp DATETIME(6) NOT NULL COMMENT 'time the shipment committed (UTC), partitioning column',
    batch_id VARCHAR(64) NOT NULL COMMENT 'shipper batch id (one row per batch and target table)',
    source_database VARCHAR(64) NOT NULL COMMENT 'source database shipped from',
    source_queue_table VARCHAR(128) NULL COMMENT 'source audit queue table',
    target_table VARCHAR(64) NOT NULL COMMENT 'audit table written',
    source_event_id_from BIGINT NULL COMMENT 'first source_event_id of the batch',
    source_event_id_to BIGINT NULL COMMENT 'last source_event_id of the batch',
    safe_horizon_xmin BIGINT NULL COMMENT 'pg_snapshot_xmin used as the safe shipping horizon',
    rows_read BIGINT NOT NULL COMMENT 'events read from the queue',
    rows_inserted BIGINT NOT NULL COMMENT 'rows inserted into target_table',
    rows_duplicate BIGINT NOT NULL COMMENT 'rows ignored as already present (replay)',
    sequence_from BIGINT UNSIGNED NULL COMMENT 'first sequence assigned',
    sequence_to BIGINT UNSIGNED NULL COMMENT 'last sequence assigned',
    started_at DATETIME(6) NULL COMMENT 'UTC',
    finished_at DATETIME(6) NULL COMMENT 'UTC',
    duration_seconds DECIMAL(12,3) NULL COMMENT 'finished_at - started_at',
    load_method VARCHAR(32) NULL COMMENT 'load_data_local or executemany',
    status VARCHAR(16) NOT NULL COMMENT 'success, failed or partial',
    error_message TEXT NULL COMMENT 'error, NULL on success',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (shipment_sequence, shipment_timestamp),
    UNIQUE KEY uq_audit_etl_sync_log_batch (batch_id, target_table, shipment_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='One row per audit shipment and target table: source, rows, duration, status. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(shipment_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- retention_policy_log: every archive and purge action.
CREATE TABLE IF NOT EXISTS retention_policy_log (
    retention_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of retention_policy_log, assigned by its one writer from audit_sequence_manager',
    action_timestamp DATETIME(6) NOT NULL COMMENT 'time of the action (UTC), partitioning column',
    action VARCHAR(16) NOT NULL COMMENT 'archive, purge, skip or dry_run',
    database_name VARCHAR(64) NOT NULL COMMENT 'database acted on',
    table_name VARCHAR(64) NOT NULL COMMENT 'table acted on',
    partition_name VARCHAR(64) NULL COMMENT 'partition acted on (pYYYYMM)',
    range_from DATETIME(6) NULL COMMENT 'first event timestamp of the data (UTC)',
    range_to DATETIME(6) NULL COMMENT 'end of the data range (UTC, exclusive)',
    rows_affected BIGINT NULL COMMENT 'rows archived or purged',
    policy_name VARCHAR(64) NOT NULL COMMENT 'audit_7_years, reporting_12_months ...',
    retention_days INT NULL COMMENT 'retention applied in days',
    legal_hold_checked TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when legal_hold_tracking was checked before acting',
    blocking_holds JSON NULL COMMENT 'hold_id of active holds covering the data, [] when none',
    archive_id VARCHAR(64) NULL COMMENT 'archive_manifest.archive_id the data went to, for archives and purges',
    status VARCHAR(16) NOT NULL COMMENT 'done, blocked_by_hold, failed or skipped',
    executed_by VARCHAR(128) NULL COMMENT 'account that ran it',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    error_message TEXT NULL COMMENT 'error, NULL on success',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (retention_sequence, action_timestamp),
    UNIQUE KEY uq_retention_policy_log_outbox (outbox_event_id, action_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every archive and purge action: table, partition, rows, policy applied, hold checked. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(action_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- archive_manifest: every archived partition.
CREATE TABLE IF NOT EXISTS archive_manifest (
    archive_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of archive_manifest, assigned by its one writer from audit_sequence_manager',
    archive_timestamp DATETIME(6) NOT NULL COMMENT 'time the archive was written and verified (UTC), partitioning column',
    archive_id VARCHAR(64) NOT NULL COMMENT 'archive id',
    database_name VARCHAR(64) NOT NULL COMMENT 'database archived from',
    table_name VARCHAR(64) NOT NULL COMMENT 'table archived',
    partition_name VARCHAR(64) NULL COMMENT 'partition archived (pYYYYMM)',
    range_from DATETIME(6) NULL COMMENT 'first event timestamp in the archive (UTC)',
    range_to DATETIME(6) NULL COMMENT 'end of the range (UTC, exclusive)',
    rows_archived BIGINT NOT NULL COMMENT 'rows written to the archive',
    first_sequence BIGINT UNSIGNED NULL COMMENT 'first *_sequence in the archive',
    last_sequence BIGINT UNSIGNED NULL COMMENT 'last *_sequence in the archive',
    last_row_hash CHAR(64) NULL COMMENT 'row_hash of the last row, links the chain across purged partitions',
    storage_location VARCHAR(1000) NOT NULL COMMENT 'where it went (blob URL)',
    file_format VARCHAR(16) NULL COMMENT 'parquet, csv_gz ...',
    size_bytes BIGINT UNSIGNED NULL COMMENT 'size of the archive file',
    checksum_sha256 CHAR(64) NOT NULL COMMENT 'sha256 hex of the archive file',
    verified TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when the archive was read back and its rows and checksum matched',
    verified_at DATETIME(6) NULL COMMENT 'UTC',
    immutable_until DATE NULL COMMENT 'end of the immutability policy on the storage',
    archived_by VARCHAR(128) NULL COMMENT 'account or job',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (archive_sequence, archive_timestamp),
    UNIQUE KEY uq_archive_manifest_archive (archive_id, archive_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every archived partition: where it went, rows, checksum, verified. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(archive_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));

-- integrity_verification_log: every verification of the audit store.
CREATE TABLE IF NOT EXISTS integrity_verification_log (
    verification_sequence BIGINT UNSIGNED NOT NULL COMMENT 'gapless sequence of integrity_verification_log, assigned by its one writer from audit_sequence_manager',
    verification_timestamp DATETIME(6) NOT NULL COMMENT 'time the verification ended (UTC), partitioning column',
    verification_id VARCHAR(64) NOT NULL COMMENT 'id of the verification run (one row per table verified)',
    table_name VARCHAR(64) NOT NULL COMMENT 'audit table verified',
    sequence_from BIGINT UNSIGNED NULL COMMENT 'first sequence checked',
    sequence_to BIGINT UNSIGNED NULL COMMENT 'last sequence checked',
    rows_checked BIGINT NOT NULL COMMENT 'rows whose hash was recomputed',
    sequence_gaps INT NOT NULL DEFAULT 0 COMMENT 'missing sequence numbers found',
    gaps JSON NULL COMMENT 'missing ranges, [[from, to], ...] (first 100)',
    hash_chain_valid TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1 when every recomputed row_hash matched',
    first_broken_sequence BIGINT UNSIGNED NULL COMMENT 'first row whose hash did not match, NULL when valid',
    expected_hash CHAR(64) NULL COMMENT 'recomputed hash at first_broken_sequence',
    actual_hash CHAR(64) NULL COMMENT 'stored row_hash at first_broken_sequence',
    chain_head_hash CHAR(64) NULL COMMENT 'row_hash at sequence_to',
    external_head_hash CHAR(64) NULL COMMENT 'chain head kept outside the database for the same sequence',
    head_matches_external TINYINT(1) NULL COMMENT '1 when chain_head_hash = external_head_hash, NULL when no external copy',
    result VARCHAR(16) NOT NULL COMMENT 'pass, fail or error',
    duration_seconds DECIMAL(12,3) NULL COMMENT 'time taken',
    verified_by VARCHAR(128) NULL COMMENT 'account or job',
    run_id VARCHAR(64) NULL COMMENT 'Dagster run id',
    details JSON NULL COMMENT 'verification specific details',
    outbox_event_id BIGINT NOT NULL COMMENT 'event id in the platform outbox it was shipped from (idempotency key)',
    row_hash CHAR(64) NOT NULL COMMENT 'sha256 hex of previous row_hash + canonical row (tamper-evident chain in sequence order)',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when the row was written to this database (UTC)',
    PRIMARY KEY (verification_sequence, verification_timestamp),
    UNIQUE KEY uq_integrity_verification_log_outbox (outbox_event_id, verification_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every verification of the audit store: sequences checked, hash chain result. Append-only, 7-year retention'
PARTITION BY RANGE COLUMNS(verification_timestamp) (PARTITION pmax VALUES LESS THAN (MAXVALUE));
