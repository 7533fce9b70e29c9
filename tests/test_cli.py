"""Every command has help text and is documented in the README."""

import pytest

from archive.cli import cli

from .conftest import ROOT, invoke

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command):
    result = invoke(command, "--help")
    assert cli.commands[command].help and "Usage:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_in_readme(command):
    assert f"archive {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_main_commands_exist():
    assert {"migrate", "import", "build", "serve"} <= set(COMMANDS)
