"""`genims test-connection`: one line per database: reachable, server version, TLS, latency."""

from __future__ import annotations

import time
from dataclasses import dataclass

from genims_assets.connections import ConnectionFailed, mysql_connect, postgres_connect
from genims_assets.settings import Settings


@dataclass
class ConnectionResult:
    label: str
    address: str
    ok: bool
    version: str = ""
    tls: bool = False
    latency_ms: float = 0.0
    error: str = ""

    def line(self) -> str:
        if not self.ok:
            return f"FAIL  {self.label:<24} {self.address:<21} {self.error}"
        return (
            f"ok    {self.label:<24} {self.address:<21} {self.version:<28} "
            f"TLS {'on ' if self.tls else 'off'}  {self.latency_ms:6.1f} ms"
        )


def _timed(label: str, address: str, probe) -> ConnectionResult:
    started = time.perf_counter()
    try:
        version, tls = probe()
    except ConnectionFailed as error:
        return ConnectionResult(label, address, False, error=str(error))
    return ConnectionResult(label, address, True, version, tls, (time.perf_counter() - started) * 1000)


def check_connections(settings: Settings) -> list[ConnectionResult]:
    results = []
    server = settings.postgres
    for database in server.databases.values():

        def probe(database=database):
            conn = postgres_connect(server, database, timeout_seconds=5)
            try:
                with conn.cursor() as cur:
                    cur.execute("SHOW server_version")
                    version = "PostgreSQL " + cur.fetchone()[0].split()[0]
                    cur.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    row = cur.fetchone()
                return version, bool(row and row[0])
            finally:
                conn.close()

        results.append(_timed(database, server.address, probe))

    for target in (settings.reporting, settings.audit):

        def probe(target=target):
            conn = mysql_connect(target)
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT VERSION()")
                    version = cur.fetchone()[0]
                    cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
                    row = cur.fetchone()
                flavour = "MariaDB" if "MariaDB" in version else "MySQL"
                return f"{flavour} {version.split('-')[0]}", bool(row and row[1])
            finally:
                conn.close()

        results.append(_timed(target.database, target.address, probe))
    return results
