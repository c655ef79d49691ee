"""The one loader of the project's SQL files, and a reader of their table definitions.

SQL lives in `sql/` (PostgreSQL source DDL, MySQL schema, per-table queries).
Python never builds SQL text from input; it reads these files. The DDL files
follow a strict layout (one `CREATE TABLE IF NOT EXISTS name (` line, one
column per line, key lines, a closing line), which lets `parse_tables` read
table and column lists without a SQL parser; `verify` and the source assets
use it, so the files are the single source of truth for the expected schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"

_CREATE = re.compile(r"^CREATE TABLE IF NOT EXISTS (\w+) \($(.*?)^\)(.*?);\s*$", re.M | re.S)
_KEY_LINE = re.compile(r"^(PRIMARY KEY|UNIQUE|KEY|INDEX|CONSTRAINT|FULLTEXT|--)")
_TYPE_END = re.compile(r" (NOT NULL|NULL|DEFAULT|COMMENT|AUTO_INCREMENT|PRIMARY KEY|GENERATED)\b")
_INDEX = re.compile(r"^CREATE INDEX (\w+) ON (\w+) \(([^)]*)\);\s*$", re.M)
_PARTITION = re.compile(r"PARTITION BY RANGE COLUMNS\((\w+)\)")


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class TableDef:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    partition_column: str | None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class IndexDef:
    name: str
    table: str
    columns: tuple[str, ...]


def sql_path(*parts: str) -> Path:
    path = SQL_DIR.joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"SQL file {path} is missing from this checkout")
    return path


@cache
def read_sql(*parts: str) -> str:
    """The text of sql/<parts...>, cached."""
    return sql_path(*parts).read_text()


def split_statements(text: str) -> list[str]:
    """Statements of a DDL file: split on `;` at line ends, comment-only lines dropped."""
    statements, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("--") and not current:
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(current).strip()
            if statement.rstrip(";").strip():
                statements.append(statement)
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


def _unquote(name: str) -> str:
    return name.strip('"`')


def parse_tables(text: str) -> dict[str, TableDef]:
    """Tables of a DDL file in our layout, in file order."""
    tables: dict[str, TableDef] = {}
    for match in _CREATE.finditer(text):
        name, body, tail = match.group(1), match.group(2), match.group(3)
        columns: list[Column] = []
        primary_key: tuple[str, ...] = ()
        for raw in body.splitlines():
            line = raw.strip().rstrip(",")
            if not line:
                continue
            if line.startswith("PRIMARY KEY"):
                inner = line[line.index("(") + 1 : line.rindex(")")]
                primary_key = tuple(_unquote(c.strip()) for c in inner.split(","))
                continue
            if _KEY_LINE.match(line):
                continue
            column, _, rest = line.partition(" ")
            end = _TYPE_END.search(" " + rest)
            ctype = (" " + rest)[: end.start()].strip() if end else rest.strip()
            columns.append(Column(_unquote(column), ctype))
        partition = _PARTITION.search(tail)
        tables[name] = TableDef(name, tuple(columns), primary_key, partition.group(1) if partition else None)
    return tables


def parse_indexes(text: str) -> list[IndexDef]:
    return [
        IndexDef(m.group(1), m.group(2), tuple(c.strip() for c in m.group(3).split(","))) for m in _INDEX.finditer(text)
    ]


@cache
def source_tables(database: str) -> dict[str, TableDef]:
    """The catalog's tables of one GenIMS source database (by its default name)."""
    return parse_tables(read_sql("postgres", f"{database}.sql"))


def run_script(cursor, text: str) -> int:
    """Execute each statement of a DDL script with a DB-API cursor; returns how many ran."""
    statements = split_statements(text)
    for statement in statements:
        cursor.execute(statement)
    return len(statements)
