"""Each published table and view as CSV and JSON Lines, and its Frictionless Table Schema.

Field types follow SQLite's type affinity for declared columns and the stored values for the
rest (a view's computed columns): ``integer``, ``number``, ``string``, ``array`` (text that
is always a JSON array: JSON text in CSV, a real array in JSON Lines) or ``string`` with
format ``binary`` (BLOBs, base64 in both). Primary and foreign keys come from the schema.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Any


def quote(name: str) -> str:
    """An SQL identifier, whatever characters the name holds."""
    return '"' + name.replace('"', '""') + '"'


SAFE_STEM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,99}")


def file_stem(table: str) -> str:
    """The bundle's file name (without suffix) for a table or view: its own name when that is
    plain letters, digits, ``_`` and ``-``; else those characters of it and a hash of the
    whole name. No name (``../../x``, ``/etc/x``, ``.hidden``) can leave the bundle's folder."""
    if SAFE_STEM.fullmatch(table):
        return table
    plain = re.sub(r"[^A-Za-z0-9_-]+", "_", table).strip("_-")[:60] or "table"
    return f"{plain}-{hashlib.sha256(table.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def resource_name(table: str) -> str:
    """A Frictionless resource name (lower case letters, digits, ``._-``) for ``table``."""
    return re.sub(r"[^a-z0-9._-]", "-", table.lower())


def _affinity(declared: str) -> str | None:
    """SQLite's column affinity as a Frictionless type; None when the values must decide."""
    declared = declared.upper()
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "string"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "number"
    return None


def _stored_type(conn: sqlite3.Connection, table: str, column: str) -> dict[str, str]:
    """The type of the values a column holds (for computed and untyped columns)."""
    values = f"FROM {quote(table)} WHERE {quote(column)} IS NOT NULL"
    kinds = {kind for (kind,) in conn.execute(f"SELECT DISTINCT typeof({quote(column)}) {values}")}
    if "blob" in kinds:
        return {"type": "string", "format": "binary"}
    if kinds and kinds <= {"integer", "real"}:
        return {"type": "integer" if kinds == {"integer"} else "number"}
    (not_arrays,) = conn.execute(
        f"SELECT count(*) {values} AND NOT (json_valid({quote(column)}) "
        f"AND json_type({quote(column)}) = 'array')"
    ).fetchone()
    return {"type": "array" if kinds == {"text"} and not not_arrays else "string"}


def fields(conn: sqlite3.Connection, table: str, descriptions: dict[str, str]) -> list[dict]:
    """Frictionless fields of ``table``: name, type (and format), description."""
    result = []
    for _cid, name, declared, *_rest in conn.execute(f"PRAGMA table_info({quote(table)})"):
        kind = _affinity(declared or "")
        field = {"name": name, **({"type": kind} if kind else _stored_type(conn, table, name))}
        if name in descriptions:
            field["description"] = descriptions[name]
        result.append(field)
    return result


def primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    """The declared primary key's columns, in key order (none for views)."""
    columns = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
    return [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]


def foreign_keys(conn: sqlite3.Connection, table: str, published: set[str]) -> list[dict]:
    """Foreign keys to published tables (composite keys kept whole), in column order."""
    groups: dict[int, tuple[str, list[tuple[str, str | None]]]] = {}
    for key_id, _seq, target, column, to, *_actions in conn.execute(
        f"PRAGMA foreign_key_list({quote(table)})"
    ).fetchall():
        groups.setdefault(key_id, (target, []))[1].append((column, to))
    keys = []
    for target, pairs in groups.values():
        if target not in published:
            continue
        referenced = [to for _, to in pairs]
        if None in referenced:  # REFERENCES target: its primary key
            referenced = primary_key(conn, target)
        keys.append(
            {
                "fields": [column for column, _ in pairs],
                "reference": {"resource": resource_name(target), "fields": referenced},
            }
        )
    return sorted(keys, key=lambda key: key["fields"])


def table_schema(
    conn: sqlite3.Connection, table: str, published: set[str], descriptions: dict[str, str]
) -> dict:
    """The Frictionless Table Schema of a table or view."""
    schema: dict[str, Any] = {"fields": fields(conn, table, descriptions)}
    if keys := primary_key(conn, table):
        schema["primaryKey"] = keys
    if references := foreign_keys(conn, table, published):
        schema["foreignKeys"] = references
    return schema


def _cell(value: Any, field: dict, for_json: bool) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if for_json and field["type"] == "array" and value is not None:
        return json.loads(value)
    return value


def export_rows(conn: sqlite3.Connection, table: str, schema: dict, out_dir: Path) -> int:
    """Write ``<stem>.csv`` and ``<stem>.jsonl`` (:func:`file_stem`) in key order; return the
    row count."""
    columns = [field["name"] for field in schema["fields"]]
    stem = file_stem(table)
    order = ", ".join(quote(c) for c in schema.get("primaryKey") or columns)
    cursor = conn.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")
    count = 0
    with (
        (out_dir / f"{stem}.csv").open("w", encoding="utf-8", newline="") as csv_file,
        (out_dir / f"{stem}.jsonl").open("w", encoding="utf-8", newline="\n") as jsonl,
    ):
        writer = csv.writer(csv_file, lineterminator="\n")
        writer.writerow(columns)
        for row in cursor:
            writer.writerow(_cell(v, f, False) for v, f in zip(row, schema["fields"], strict=True))
            record = {
                f["name"]: _cell(v, f, True) for v, f in zip(row, schema["fields"], strict=True)
            }
            jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
