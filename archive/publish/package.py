"""The Frictionless Data Package (``datapackage.json``) describing the bundle's files.

Every table and view is a CSV resource named like the table and a JSON Lines resource named
``<table>-jsonl``, with the same schema; foreign keys of both point at the CSV resources.
An empty table has no JSON Lines resource: Frictionless cannot read an empty JSON Lines file
("generator raised StopIteration"), so its (empty) file is in the bundle but not described.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from archive.publish.tables import file_stem, resource_name


def _resource(table: str, suffix: str, schema: dict, description: str) -> dict:
    name = resource_name(table)
    resource: dict[str, Any] = {
        "name": name if suffix == "csv" else f"{name}-jsonl",
        "path": f"{file_stem(table)}.{suffix}",
        "format": suffix,
        "encoding": "utf-8",
        "mediatype": "text/csv" if suffix == "csv" else "application/jsonl",
    }
    if description:
        resource["description"] = description
    resource["schema"] = schema
    return resource


def resources(schemas: dict[str, dict], counts: dict[str, int], metadata: dict) -> list[dict]:
    """CSV and JSON Lines resources for every published table and view, in bundle order."""
    configured = metadata["databases"]["archive"].get("tables", {})
    result = []
    for table, schema in schemas.items():
        description = configured.get(table, {}).get("description", "")
        result.append(_resource(table, "csv", schema, description))
        if counts[table]:
            result.append(_resource(table, "jsonl", schema, description))
    return result


def sources(metadata: dict, outlets: list[tuple[str, int, str | None]]) -> list[dict]:
    """The archive's sources: the corpus as a whole, then each outlet (with its site)."""
    result = [{"title": metadata["source"]}]
    for outlet, _articles, url in outlets:
        source = {"title": outlet}
        if url:
            source["path"] = f"https://{urlsplit(url).netloc}/"
        result.append(source)
    return result


def datapackage(
    release: dict,
    metadata: dict,
    schemas: dict[str, dict],
    counts: dict[str, int],
    outlets: list[tuple[str, int, str | None]],
) -> dict:
    """The package descriptor. ``release`` is ``archive/data/publish.yml`` plus ``version``
    and ``released`` (a date or None: the only date in the bundle, set by the caller)."""
    package: dict[str, Any] = {
        "name": release["name"],
        "title": metadata["title"],
        "description": release["description"],
        "version": release["version"],
        "keywords": release["keywords"],
        "licenses": [{**release["license"], "path": metadata["license_url"]}],
        "sources": sources(metadata, outlets),
    }
    released: date | None = release["released"]
    if released:
        package["created"] = f"{released.isoformat()}T00:00:00Z"
    package["resources"] = resources(schemas, counts, metadata)
    return package
