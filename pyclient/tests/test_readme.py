"""The Python examples of the READMEs, run as a user would."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def blocks(path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), re.M | re.S)


def run(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_top_readme_example() -> None:
    (code,) = blocks(ROOT / "README.md")
    assert len(code.strip().splitlines()) == 5
    assert run(code) == "[('player:ann', 0.0), ('player:bob', 5.0)]\n"


def test_package_readme_examples() -> None:
    found = blocks(ROOT / "pyclient" / "README.md")
    assert found
    for code in found:
        run(code)
