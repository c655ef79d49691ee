"""MySQL connections against the machine's server: TLS contexts built once per process, TLS demanded of a server
that offers none refused with a message naming the setting."""

from __future__ import annotations

import pytest

from genims_assets.connections import mysql_connect
from genims_assets.settings import Settings


def _server_offers_tls(settings) -> bool:
    conn = mysql_connect(settings.reporting, database=None, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("SHOW VARIABLES LIKE 'have_ssl'")
        row = cur.fetchone()
    conn.close()
    return bool(row) and row[1] == "YES"


def test_connections_share_one_tls_context_and_work():
    settings = Settings.from_env({})
    first = mysql_connect(settings.reporting, database=None, autocommit=True)
    second = mysql_connect(settings.reporting, database=None, autocommit=True)
    try:
        assert first.ctx is not None and first.ctx is second.ctx, "the preferred-TLS context is built once"
        with second.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
    finally:
        first.close()
        second.close()


def test_required_tls_is_used_or_refused_naming_the_server():
    """MYSQL_*_SSL_REQUIRED: an encrypted session when the server offers TLS, else a refusal naming the server."""
    settings = Settings.from_env({})
    required = Settings.from_env({"MYSQL_REPORTING_SSL_REQUIRED": "true"})
    if _server_offers_tls(settings):
        conn = mysql_connect(required.reporting, database=None, autocommit=True)
        with conn.cursor() as cur:
            cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
            assert cur.fetchone()[1], "the session is encrypted"
        conn.close()
        return
    with pytest.raises(Exception) as raised:
        mysql_connect(required.reporting, database=None)
    assert "127.0.0.1:3306" in str(raised.value)
