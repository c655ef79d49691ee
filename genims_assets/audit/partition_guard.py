"""The two stored procedures through which the retention account changes audit partitions.

Why it is built this way (contract: genims_assets/audit/README.md section 4):
- MySQL can only let an account drop a partition by granting it DROP and ALTER
  on the table, and those rights also let it TRUNCATE the table, DROP it, or
  ALTER a column so that values are cut. So the retention account holds no DROP
  or ALTER at all: it holds EXECUTE on two procedures (SQL SECURITY DEFINER,
  created by the setup admin), which do exactly two things and check first:
  * `genims_split_audit_partition(table, partition, new_partition, bound)`
    splits one partition at a month bound (REORGANIZE moves rows, MySQL refuses
    a split that would leave any row outside the new ranges): how future months
    are added to pmax and how an old first partition gets per-month partitions;
  * `genims_drop_audit_partition(table, partition, archive_id)` drops one
    monthly partition only if its upper bound lies BACKUP_AUDIT_RETENTION_DAYS
    (written into the procedure at setup) before the server's UTC clock, if
    every row in it is in a verified archive_manifest row of that archive
    (same row count, first and last sequence), and if no active legal hold in
    legal_hold_tracking covers its table and dates. The catch-all pmax is never
    dropped.
  The retention code checks the same things first for clear messages; the
  procedures make them hold for anyone who logs in as the retention account.
- The procedures build their ALTER statements only from an audit table name
  that matched the list written into them at setup, partition names matching
  pYYYYMM (or pmax for a split), a DATE parameter, and the partition bound as
  information_schema reports it. Nothing is read from a table a non-admin
  account can write (the shipper may UPDATE audit_sequence_manager, so its
  column names are not used here). The SQL is meant for MariaDB 10.11 and
  MySQL 8 alike: PREPARE from a user variable, REGEXP on the parameters as
  they are (MySQL 8 refuses REGEXP on BINARY strings), window functions.
- `genims setup` creates them as the admin before granting EXECUTE, and
  replaces one only when its text differs (an unchanged system reports no
  change); `genims verify` reports a missing or different one.
"""

from __future__ import annotations

import hashlib
from datetime import date

from genims_assets.audit.tables import audit_tables
from genims_assets.mysql_partitions import ident

SPLIT = "genims_split_audit_partition"
DROP = "genims_drop_audit_partition"
PROCEDURES = (SPLIT, DROP)


def _quoted(value: str) -> str:
    ident(value)  # audit table and column names come from our schema file; checked before they become literals
    return f"'{value}'"


def _refuse(message_sql: str) -> str:
    # MySQL 8 allows 128 characters of MESSAGE_TEXT (MariaDB 512) and, in strict mode, refuses a longer one with
    # an error that loses the reason: the messages put the reason first and are cut at 128.
    return f"SET v_message = LEFT({message_sql}, 128); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_message;"


def _execute(sql_expression: str) -> str:
    return (
        f"SET @genims_partition_sql = {sql_expression}; PREPARE genims_partition_statement FROM @genims_partition_sql; "
        "EXECUTE genims_partition_statement; DEALLOCATE PREPARE genims_partition_statement;"
    )


_PARTITION_OF = (
    "FROM information_schema.partitions WHERE table_schema = DATABASE() AND table_name = p_table AND partition_name = "
)


def _split_body() -> str:
    names = ", ".join(_quoted(t) for t in sorted(audit_tables()))
    lines = [
        "BEGIN",
        "DECLARE v_bound LONGTEXT;",
        "DECLARE v_message VARCHAR(512);",
        f"IF p_table IS NULL OR p_table NOT IN ({names}) THEN",
        _refuse("CONCAT('refused: ', COALESCE(p_table, 'NULL'), ' is not an audit table')"),
        "END IF;",
        "IF p_partition IS NULL OR NOT (p_partition REGEXP '^p([0-9]{6}|max)$') "
        "OR p_new_partition IS NULL OR NOT (p_new_partition REGEXP '^p[0-9]{6}$') OR p_bound IS NULL THEN",
        _refuse("'refused: partition names must be pYYYYMM (or pmax for the partition split) and the bound a date'"),
        "END IF;",
        f"SET v_bound = (SELECT partition_description {_PARTITION_OF}p_partition);",
        "IF v_bound IS NULL THEN",
        _refuse("CONCAT('refused: ', p_table, ' has no partition ', p_partition)"),
        "END IF;",
        f"IF EXISTS (SELECT 1 {_PARTITION_OF}p_new_partition) THEN",
        _refuse("CONCAT('refused: ', p_table, ' already has a partition ', p_new_partition)"),
        "END IF;",
        _execute(
            "CONCAT('ALTER TABLE `', p_table, '` REORGANIZE PARTITION `', p_partition, '` INTO (PARTITION `', "
            "p_new_partition, '` VALUES LESS THAN (''', DATE_FORMAT(p_bound, '%Y-%m-%d'), '''), PARTITION `', "
            "p_partition, '` VALUES LESS THAN (', v_bound, '))')"
        ),
        "END",
    ]
    return "\n".join(lines)


def _drop_body(retention_days: int) -> str:
    if not isinstance(retention_days, int) or retention_days < 1:
        raise ValueError(f"retention days must be a positive integer, not {retention_days!r}")
    branches = "\n".join(
        f"WHEN {_quoted(t.name)} THEN SET v_sequence = {_quoted(t.sequence_column)}, "
        f"v_timestamp = {_quoted(t.timestamp_column)};"
        for t in sorted(audit_tables().values(), key=lambda t: t.name)
    )
    # A hold covers the table when its scope names the table, database.table, * or database.*; it covers the
    # partition's dates when [date_from, date_to + 1 day) overlaps [lower bound, upper bound): as legal_hold.py.
    scope = " OR ".join(
        f"JSON_CONTAINS(scope_tables, JSON_QUOTE({name}))"
        for name in ("p_table", "'*'", "CONCAT(DATABASE(), '.', p_table)", "CONCAT(DATABASE(), '.*')")
    )
    lines = [
        "BEGIN",
        "DECLARE v_sequence VARCHAR(64);",
        "DECLARE v_timestamp VARCHAR(64);",
        "DECLARE v_bound LONGTEXT;",
        "DECLARE v_position BIGINT;",
        "DECLARE v_from DATETIME(6);",
        "DECLARE v_to DATETIME(6);",
        "DECLARE v_holds TEXT;",
        "DECLARE v_message VARCHAR(512);",
        "CASE p_table",
        branches,
        "ELSE SET v_sequence = NULL;",
        "END CASE;",
        "IF v_sequence IS NULL THEN",
        _refuse("CONCAT('refused: ', COALESCE(p_table, 'NULL'), ' is not an audit table')"),
        "END IF;",
        "IF p_partition IS NULL OR NOT (p_partition REGEXP '^p[0-9]{6}$') THEN",
        _refuse("'refused: only a monthly partition (pYYYYMM) is dropped, never the catch-all pmax'"),
        "END IF;",
        f"SET v_bound = (SELECT partition_description {_PARTITION_OF}p_partition);",
        f"SET v_position = (SELECT partition_ordinal_position {_PARTITION_OF}p_partition);",
        "IF v_bound IS NULL OR v_bound = 'MAXVALUE' THEN",
        _refuse("CONCAT('refused: ', p_table, ' has no bounded partition ', p_partition)"),
        "END IF;",
        "SET v_to = CAST(TRIM(BOTH '''' FROM v_bound) AS DATETIME(6));",
        f"IF v_to > UTC_TIMESTAMP(6) - INTERVAL {retention_days} DAY THEN",
        _refuse(
            f"CONCAT('refused: ', p_table, ' ', p_partition, ' ends ', DATE(v_to), ', inside the {retention_days}-day "
            "retention period')"
        ),
        "END IF;",
        _execute(
            "CONCAT('SELECT COUNT(*), MIN(`', v_sequence, '`), MAX(`', v_sequence, '`), MIN(`', v_timestamp, '`) "
            "INTO @genims_rows, @genims_first, @genims_last, @genims_oldest FROM `', p_table, '` PARTITION (`', "
            "p_partition, '`)')"
        ),
        "IF v_position = 1 THEN",
        "SET v_from = @genims_oldest;",
        "ELSE",
        "SET v_from = (SELECT CAST(TRIM(BOTH '''' FROM partition_description) AS DATETIME(6)) FROM "
        "information_schema.partitions WHERE table_schema = DATABASE() AND table_name = p_table "
        "AND partition_ordinal_position = v_position - 1);",
        "END IF;",
        "IF @genims_rows > 0 AND NOT EXISTS (SELECT 1 FROM archive_manifest WHERE archive_id = p_archive_id "
        "AND database_name = DATABASE() AND table_name = p_table AND partition_name = p_partition AND verified = 1 "
        "AND rows_archived = @genims_rows AND first_sequence = @genims_first AND last_sequence = @genims_last) THEN",
        _refuse(
            "CONCAT('refused: ', p_table, ' ', p_partition, ': ', @genims_rows, ' rows (', @genims_first, '..', "
            "@genims_last, ') match no verified archive_manifest row of archive ', COALESCE(p_archive_id, 'NULL'))"
        ),
        "END IF;",
        "SET v_holds = (SELECT GROUP_CONCAT(hold_id ORDER BY hold_id) FROM (SELECT hold_id, status, scope_tables, "
        "date_from, date_to, ROW_NUMBER() OVER (PARTITION BY hold_id ORDER BY event_timestamp DESC, "
        "hold_event_sequence DESC) AS newest FROM legal_hold_tracking) AS latest WHERE newest = 1 "
        f"AND status = 'active' AND ({scope}) AND (date_from IS NULL OR v_to > date_from) "
        "AND (date_to IS NULL OR v_from IS NULL OR v_from < date_to + INTERVAL 1 DAY));",
        "IF v_holds IS NOT NULL THEN",
        _refuse("CONCAT('refused: legal hold(s) ', v_holds, ' cover ', p_table, ' ', p_partition)"),
        "END IF;",
        _execute("CONCAT('ALTER TABLE `', p_table, '` DROP PARTITION `', p_partition, '`')"),
        "END",
    ]
    return "\n".join(lines)


_PARAMETERS = {
    SPLIT: "IN p_table VARCHAR(64), IN p_partition VARCHAR(64), IN p_new_partition VARCHAR(64), IN p_bound DATE",
    DROP: "IN p_table VARCHAR(64), IN p_partition VARCHAR(64), IN p_archive_id VARCHAR(64)",
}
_PURPOSE = {
    SPLIT: "splits an audit partition at a month bound (moves rows, drops none)",
    DROP: "drops an archived, expired, unheld monthly audit partition",
}


def procedure_bodies(retention_days: int) -> dict[str, str]:
    return {SPLIT: _split_body(), DROP: _drop_body(retention_days)}


def _comment(name: str, body: str) -> str:
    """The procedure's comment: what it does and a digest of its parameters and body (to tell an old version)."""
    digest = hashlib.sha256(f"{_PARAMETERS[name]}\n{body}".encode()).hexdigest()[:16]
    return f"GenIMS retention: {_PURPOSE[name]} (genims {digest})"


def create_statement(database: str, name: str, body: str) -> str:
    return (
        f"CREATE PROCEDURE {ident(database)}.{ident(name)}({_PARAMETERS[name]}) MODIFIES SQL DATA SQL SECURITY DEFINER "
        f"COMMENT '{_comment(name, body)}'\n{body}"
    )


def _existing(cur, database: str) -> dict[str, tuple[str, str, str]]:
    cur.execute(
        "SELECT routine_name, routine_comment, security_type, routine_definition FROM information_schema.routines "
        "WHERE routine_schema = %s AND routine_type = 'PROCEDURE'",
        (database,),
    )
    return {r[0]: (str(r[1]), str(r[2]), " ".join(str(r[3]).split())) for r in cur.fetchall()}


def _differs(name: str, body: str, existing: tuple[str, str, str]) -> bool:
    return existing != (_comment(name, body), "DEFINER", " ".join(body.split()))


def apply_procedures(cur, database: str, retention_days: int) -> tuple[list[str], list[str]]:
    """Create the procedures that are missing, replace those that differ (as the admin); (created, replaced)."""
    existing = _existing(cur, database)
    created, replaced = [], []
    for name, body in procedure_bodies(retention_days).items():
        if name in existing and not _differs(name, body, existing[name]):
            continue
        if name in existing:
            cur.execute(f"DROP PROCEDURE {ident(database)}.{ident(name)}")
            replaced.append(name)
        else:
            created.append(name)
        cur.execute(create_statement(database, name, body))
    return created, replaced


def procedure_problems(cur, database: str, retention_days: int) -> list[str]:
    existing = _existing(cur, database)
    problems = []
    for name, body in procedure_bodies(retention_days).items():
        if name not in existing:
            problems.append(f"{database}: retention procedure {name} is missing")
        elif _differs(name, body, existing[name]):
            problems.append(
                f"{database}: retention procedure {name} differs from what setup writes for "
                f"BACKUP_AUDIT_RETENTION_DAYS={retention_days}"
            )
    return problems


def split_partition(cur, table: str, partition: str, new_partition: str, bound: date) -> None:
    """Split `partition` of an audit table at `bound`: rows below it move to `new_partition` (the procedure checks)."""
    cur.execute(f"CALL {ident(SPLIT)}(%s, %s, %s, %s)", (table, partition, new_partition, bound))


def drop_partition(cur, table: str, partition: str, archive_id: str | None) -> None:
    """Drop an expired, archived, unheld monthly partition of an audit table (the procedure refuses anything else)."""
    cur.execute(f"CALL {ident(DROP)}(%s, %s, %s)", (table, partition, archive_id))
