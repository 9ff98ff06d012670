"""What a project that installs the kit gets: the emulator and its pytest plugin under one
distinctive import name, and nothing that collides with its own packages (`app`, `devstack`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from cognito_emulator.cloudformation.kit_template import KIT_TEMPLATE_PATH

REPO_ROOT = Path(__file__).resolve().parents[2]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".nox", "__pycache__", "*.egg-info", "build", "dist", "node_modules", "*.db"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel built from a copy of the checkout with the project's own build backend."""
    source = tmp_path_factory.mktemp("checkout") / "cognito-kit"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_COPIED)
    build = "from setuptools import build_meta; print(build_meta.build_wheel('dist'))"
    result = subprocess.run(
        [sys.executable, "-c", build], cwd=source, capture_output=True, text=True, check=True
    )
    name = result.stdout.strip().splitlines()[-1]
    return zipfile.ZipFile(source / "dist" / name)


def test_the_wheel_installs_one_top_level_package_named_for_the_kit(
    wheel: zipfile.ZipFile,
) -> None:
    top_level = {name.split("/")[0] for name in wheel.namelist()}
    packages = {name for name in top_level if not name.endswith(".dist-info")}

    assert packages == {"cognito_emulator"}


def test_the_wheel_carries_the_emulators_pages_and_flows(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())

    assert "cognito_emulator/http/templates/console/outbox.html" in names
    assert "cognito_emulator/http/templates/managed_login/login.html" in names
    assert "cognito_emulator/flows/authentication.py" in names
    assert "cognito_emulator/pytest_plugin.py" in names


def test_the_wheel_carries_the_kits_cloudformation_template(wheel: zipfile.ZipFile) -> None:
    """The installed emulator's default bootstrap deploys it (package data, not a module)."""
    shipped = wheel.read("cognito_emulator/cloudformation/cognito-kit.yaml").decode()

    assert shipped == KIT_TEMPLATE_PATH.read_text()


def test_the_wheel_registers_the_plugin_and_the_emulator_command(wheel: zipfile.ZipFile) -> None:
    entry_points = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
    text = wheel.read(entry_points).decode()

    assert "cognito_emulator = cognito_emulator.pytest_plugin" in text
    assert "cognito-emulator = cognito_emulator.cli:main" in text
    assert "app." not in text  # the service's tools run from the checkout


def test_the_service_dependencies_are_an_extra_not_the_emulators(wheel: zipfile.ZipFile) -> None:
    metadata_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    required = metadata.get_all("Requires-Dist") or []
    unconditional = {
        r.split(";")[0].split("[")[0].split(">")[0].strip() for r in required if ";" not in r
    }

    assert "moto" in unconditional
    assert "fastapi" not in unconditional
    assert "sqlmodel" not in unconditional
    assert any(r.startswith("fastapi") and 'extra == "service"' in r for r in required)
