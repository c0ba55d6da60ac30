"""The public surface: ``docs/api.md`` documents exactly the public names, and ``import objectmatch`` stays light."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import objectmatch

API = Path(__file__).resolve().parent.parent / "docs" / "api.md"
HEAVY = {"ortools", "matplotlib", "hypothesis", "pyarrow", "rich", "dask", "networkx", "sklearn"}


def documented() -> dict[str, list[str]]:
    """Each ``::: module`` block of api.md with its ``members`` list."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in API.read_text(encoding="utf-8").splitlines():
        if line.startswith("::: "):
            current = blocks.setdefault(line[4:].strip(), [])
        elif current is not None and (m := re.fullmatch(r"\s+- (\S+)", line)):
            current.append(m.group(1))
        elif line.startswith("## "):
            current = None
    return blocks


def public_modules() -> list[str]:
    """Every module of the package whose dotted name has no part starting with an underscore."""
    names = ["objectmatch"]
    for info in pkgutil.walk_packages(objectmatch.__path__, "objectmatch."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return sorted(names)


def test_every_documented_module_lists_exactly_its_public_names() -> None:
    for module, members in documented().items():
        assert sorted(members) == sorted(importlib.import_module(module).__all__), module


def test_every_public_module_is_documented() -> None:
    # a public module is documented itself, or its package re-exports (and documents) all its names; the
    # root is documented as a table (below) and the CLI's entry point module is no API
    blocks = documented()
    missing = []
    for name in public_modules():
        if name in blocks or name in {"objectmatch", "objectmatch.__main__"}:
            continue
        package = name.rsplit(".", 1)[0]
        names = set(importlib.import_module(name).__all__)
        if package not in blocks or not names <= set(importlib.import_module(package).__all__):
            missing.append(name)
    assert missing == []


def test_the_root_table_lists_exactly_the_root_names() -> None:
    text = API.read_text(encoding="utf-8").split("## `objectmatch.options`")[0]
    rows = re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)
    assert sorted(rows) == sorted({*objectmatch.__all__, "__version__"})


@pytest.mark.parametrize("name", sorted(objectmatch.__all__))
def test_every_root_name_resolves(name: str) -> None:
    assert getattr(objectmatch, name) is not None


def test_import_objectmatch_loads_no_heavy_dependency() -> None:
    code = (
        "import objectmatch, sys; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
