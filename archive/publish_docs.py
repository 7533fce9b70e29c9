"""The human-facing files of a release bundle: the dataset README and the Datasette Lite page."""

from __future__ import annotations

from html import escape

README = """# {title} — release {version}

{description}

Every fact (a person named, a post held, a meeting, a subject) points back to the article
and the sentence it came from: see the `evidence` table and the `evidence_*` columns.

## What is in it

| file | rows | what |
| --- | ---: | --- |
{rows}

Each table and view comes as CSV (UTF-8, with a header) and as JSON Lines, described with
field types, primary and foreign keys in the Frictionless Data Package `datapackage.json`.
`archive.db` is the same data as one SQLite database (full-text search included);
`metadata.json` and `inspect-data.json` let Datasette serve it; `SHA256SUMS` lists the
checksum of every file.

## How it was made

Vietnamese news articles were imported by the archive's pipeline (read → parse → extract →
resolve → load): text normalised to NFC with one tone-mark placement, boilerplate removed,
people, posts, organisations, meetings, dates and topics extracted by rules and data files,
and known people and organisations resolved to one canonical row with English and Chinese
names. Extraction is measured against gold annotations; see the project's README.

## How to cite

> {title}, release {version}. Licence: {license}. Sources: {source}.

## How to query it

Datasette (read-only, with facets and search):

```bash
pip install datasette
datasette serve -i archive.db --inspect-file inspect-data.json --metadata metadata.json
```

sqlite3:

```bash
sqlite3 archive.db "SELECT date, kind, person_a, person_b FROM who_met_whom ORDER BY date"
```

pandas:

```python
import pandas as pd
meetings = pd.read_csv("meetings_browse.csv")
participants = pd.read_json("participations.jsonl", lines=True)
```

Frictionless:

```bash
pip install frictionless
frictionless validate datapackage.json
```

## Hosting it

`index.html` opens `archive.db` in [Datasette Lite](https://lite.datasette.io/), which runs
Datasette in the browser. Put the whole folder on any static host (GitHub Pages, Netlify, an
S3 bucket, nginx...). Datasette Lite fetches `archive.db` and `metadata.json` from your host
with JavaScript, so the host must send `Access-Control-Allow-Origin: *` for them (CORS);
GitHub Pages does. `datasette publish` and `datasette package` can deploy a server or build a
Docker image instead, but they need Docker and a hosting account.
"""

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} — release {version}</title>
<style>body {{ font-family: sans-serif; max-width: 46em; margin: 2em auto; }}</style>
</head>
<body>
<h1>{title}</h1>
<p>Release {version}. {description}</p>
<p><a id="lite" href="https://lite.datasette.io/">Open the archive in Datasette Lite</a>
(runs in your browser; needs this site to allow cross-origin requests).</p>
<p>Download: <a href="archive.db">archive.db</a> (SQLite),
<a href="datapackage.json">datapackage.json</a> (CSV and JSON Lines described),
<a href="README.md">README.md</a>, <a href="SHA256SUMS">SHA256SUMS</a>.</p>
<script>
const here = new URL(".", window.location.href);
const lite = new URL("https://lite.datasette.io/");
lite.searchParams.set("url", new URL("archive.db", here).href);
lite.searchParams.set("metadata", new URL("metadata.json", here).href);
document.getElementById("lite").href = lite.href;
</script>
</body>
</html>
"""

DESCRIPTION = (
    "Who met whom, when, where, holding which post, and on which subjects: "
    "Vietnamese news reports of Vietnam–China security cooperation, as data."
)


def dataset_readme(metadata: dict, counts: dict[str, int], version: str) -> str:
    tables = metadata["databases"]["archive"]["tables"]
    rows = "\n".join(
        f"| `{name}.csv`, `{name}.jsonl` | {count} | "
        f"{tables.get(name, {}).get('description', '').replace('|', '/')} |"
        for name, count in counts.items()
    )
    return README.format(
        title=metadata["title"],
        version=version,
        description=DESCRIPTION,
        rows=rows,
        license=metadata["license"],
        source=metadata["source"],
    )


def index_html(metadata: dict, version: str) -> str:
    return INDEX.format(
        title=escape(metadata["title"]), version=escape(version), description=escape(DESCRIPTION)
    )
