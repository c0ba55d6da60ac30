"""Every Python block in the documentation (``docs/*.md``) and the README runs as written.

Blocks of one page run in order in one namespace (a page's later blocks use what its earlier ones
made), in a fresh interpreter per page and in a temporary directory (blocks may write files), so
the docs are checked the way a reader would run them: top to bottom, from a clean start.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def blocks(page: Path) -> list[str]:
    """The Python blocks of a page, dedented, in order."""
    return [textwrap.dedent(b) for b in BLOCK.findall(page.read_text(encoding="utf-8"))]


def test_the_block_pattern_finds_blocks() -> None:
    page = "text\n```python\nx = 1\n```\nmore\n```bash\nls\n```\n```python title=\"t\"\nprint(x)\n```\n"
    assert BLOCK.findall(page) == ["x = 1\n", "print(x)\n"]


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=lambda p: p.name)
def test_every_python_block_runs(page: Path, tmp_path: Path) -> None:
    code = "\n\n".join(f"# --- block {i + 1} of {page.name}\n{b}" for i, b in enumerate(blocks(page)))
    script = tmp_path / f"{page.stem}_blocks.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, f"{page.name}: a Python block fails\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
