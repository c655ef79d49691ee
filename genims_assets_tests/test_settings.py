"""Configuration: defaults, every variable honoured, malformed values named, secrets masked."""

from __future__ import annotations

import pytest

from genims_assets.settings import SOURCE_DATABASES, Secret, Settings, SettingsError


def test_defaults_point_at_the_local_servers():
    s = Settings.from_env({})
    assert (s.postgres.host, s.postgres.port, s.postgres.user) == ("127.0.0.1", 5432, "postgres")
    assert (s.reporting.host, s.reporting.port, s.reporting.user) == ("127.0.0.1", 3306, "root")
    assert s.reporting.database == "genims_reporting_db" and s.audit.database == "genims_audit_db"
    assert s.postgres.databases == SOURCE_DATABASES
    assert s.reporting_cron == "0 * * * *" and s.audit_cron == "* * * * *"
    assert s.backup_audit_retention_days == 2555 and s.batch_size == 10000


def test_every_variable_is_read():
    env = {
        "MYSQL_REPORTING_HOST": "rep.example",
        "MYSQL_REPORTING_PORT": "3307",
        "MYSQL_REPORTING_DB": "rep_db",
        "MYSQL_REPORTING_USER": "rep",
        "MYSQL_REPORTING_PASSWORD": "p1",
        "MYSQL_REPORTING_CHARSET": "utf8mb4",
        "MYSQL_REPORTING_TIMEOUT": "12",
        "MYSQL_AUDIT_HOST": "aud.example",
        "MYSQL_AUDIT_PORT": "3308",
        "MYSQL_AUDIT_DB": "aud_db",
        "MYSQL_AUDIT_USER": "aud",
        "MYSQL_AUDIT_PASSWORD": "p2",
        "MYSQL_AUDIT_CHARSET": "utf8mb4",
        "MYSQL_AUDIT_TIMEOUT": "13",
        "ETL_REPORTING_INTERVAL": "1800",
        "ETL_AUDIT_INTERVAL": "300",
        "ETL_LOG_DIR": "/tmp/genims-logs",
        "ETL_ERROR_THRESHOLD": "2.5",
        "DATA_SYNC_BATCH_SIZE": "5000",
        "DATA_SYNC_TIMEOUT": "120",
        "DATA_SYNC_RETRY_COUNT": "5",
        "DATA_SYNC_RETRY_DELAY": "0.5",
        "BACKUP_ENABLED": "true",
        "BACKUP_DAILY_TIME": "03:30",
        "BACKUP_RETENTION_DAYS": "14",
        "BACKUP_AUDIT_RETENTION_DAYS": "3000",
        "BACKUP_AZURE_CONTAINER": "my-backups",
        "POSTGRES_HOST": "pg.example",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "etl",
        "POSTGRES_PASSWORD": "p3",
        "POSTGRES_SSL_MODE": "require",
        "POSTGRES_DB_MES": "plant_mes",
        "MYSQL_AUDIT_SSL_REQUIRED": "yes",
    }
    s = Settings.from_env(env)
    assert (s.reporting.host, s.reporting.port, s.reporting.database, s.reporting.user) == (
        "rep.example",
        3307,
        "rep_db",
        "rep",
    )
    assert s.reporting.password.reveal() == "p1" and s.reporting.timeout_seconds == 12
    assert (s.audit.host, s.audit.port, s.audit.database, s.audit.user, s.audit.timeout_seconds) == (
        "aud.example",
        3308,
        "aud_db",
        "aud",
        13,
    )
    assert s.audit.ssl_required and not s.reporting.ssl_required
    assert s.reporting_cron == "*/30 * * * *" and s.audit_cron == "*/5 * * * *"
    assert str(s.log_dir) == "/tmp/genims-logs" and s.error_threshold_pct == 2.5
    assert (s.batch_size, s.sync_timeout_seconds, s.retry_count, s.retry_delay_seconds) == (5000, 120, 5, 0.5)
    assert s.backup_enabled and s.backup_daily_time == (3, 30)
    assert (s.backup_retention_days, s.backup_audit_retention_days, s.backup_azure_container) == (
        14,
        3000,
        "my-backups",
    )
    assert (s.postgres.host, s.postgres.port, s.postgres.user, s.postgres.ssl_mode) == (
        "pg.example",
        6543,
        "etl",
        "require",
    )
    assert s.postgres.databases["mes"] == "plant_mes" and s.postgres.databases["erp"] == "genims_erp_db"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MYSQL_REPORTING_PORT", "abc", "whole number between 1 and 65535"),
        ("POSTGRES_PORT", "70000", "out of range"),
        ("DATA_SYNC_BATCH_SIZE", "0", "out of range"),
        ("DATA_SYNC_RETRY_DELAY", "soon", "a number >= 0"),
        ("ETL_ERROR_THRESHOLD", "150", "out of range"),
        ("BACKUP_ENABLED", "maybe", "use true or false"),
        ("BACKUP_DAILY_TIME", "25:00", "HH:MM"),
        ("ETL_REPORTING_INTERVAL", "7000", "cannot be aligned to the clock"),
        ("ETL_AUDIT_INTERVAL", "10", "out of range"),
        ("ENERGY_TARIFF_PER_KWH", "cheap", "a number >= 0"),
        ("ENERGY_TARIFF_PER_KWH", "-1", "out of range"),
        ("MYSQL_AUDIT_CHARSET", "latin1", "utf8mb4"),
        ("MYSQL_AUDIT_DB", "audit-db; drop", "not a valid database name"),
        ("POSTGRES_SSL_MODE", "sometimes", "not one of"),
        ("MYSQL_REPORTING_SSL_CA", "/nonexistent/ca.pem", "no such file"),
        ("BACKUP_AZURE_CONTAINER", "Bad_Name", "not a valid Azure container name"),
    ],
)
def test_malformed_values_name_the_variable_and_the_form(variable, value, expected):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    assert variable in str(raised.value)
    assert expected in str(raised.value)


def test_passwords_never_appear_in_text():
    s = Settings.from_env({"MYSQL_AUDIT_PASSWORD": "hunter2-secret", "POSTGRES_PASSWORD": "pg-secret-77"})
    for text in (repr(s), str(s), repr(s.audit), str(s.postgres), f"{s.audit.password}"):
        assert "hunter2-secret" not in text and "pg-secret-77" not in text
    assert s.audit.password.reveal() == "hunter2-secret"
    assert Secret("x") == Secret("x") and Secret("x") != Secret("y")
