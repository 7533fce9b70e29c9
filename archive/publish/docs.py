"""The human-facing files of a bundle: the dataset ``README.md`` and ``index.html`` (a page
that opens the bundled database in Datasette Lite), from ``archive/publish_templates/``."""

from __future__ import annotations

from functools import cache
from importlib.metadata import version as installed_version

from jinja2 import Environment, PackageLoader, StrictUndefined

TEMPLATES = {"README.md": "README.md.jinja", "index.html": "index.html.jinja"}
# What serves the bundle as `archive serve` does, minus this package's own plugin.
DATASETTE_PACKAGES = ("datasette", "datasette-dashboards", "datasette-cluster-map")


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("archive", "publish_templates"),
        autoescape=lambda name: bool(name) and name.endswith(".html.jinja"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(file_name: str, context: dict) -> str:
    """The text of ``README.md`` or ``index.html`` for a release ``context``."""
    template = _environment().get_template(TEMPLATES[file_name])
    return template.render(
        datasette_version=installed_version("datasette"),
        datasette_packages=[f"{name}=={installed_version(name)}" for name in DATASETTE_PACKAGES],
        **context,
    )
