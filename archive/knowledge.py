"""Knowledge files in ``archive/data/``: loaded once, read-only."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import yaml

# libyaml's parser when PyYAML has it: the same data, about 9 times faster to load
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """Parse ``archive/data/<name>.yml``."""
    text = resources.files("archive.data").joinpath(f"{name}.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)


@cache
def patterns(name: str, key: str) -> tuple[re.Pattern[str], ...]:
    """Compile the list of regular expressions at ``key`` in a data file."""
    value = load(name)[key]
    items = value if isinstance(value, list) else [value]
    return tuple(re.compile(item, re.MULTILINE) for item in items)


@cache
def any_of(name: str, key: str) -> re.Pattern[str]:
    """The list of regular expressions at ``key`` in a data file as one alternation (for a
    list whose members name no groups), so that a line is searched once."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns(name, key)), re.MULTILINE)


def forms_table(records: dict[str, dict], key: Callable[[str], str]) -> dict[str, dict]:
    """Every spelling of every record (its name and ``aliases``), keyed by ``key(form)``,
    → the record with its ``name``."""
    table = {}
    for name, record in records.items():
        for form in [name, *record.get("aliases", [])]:
            table[key(form)] = {"name": name, **record}
    return table
