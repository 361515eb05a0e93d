"""The package's numbers and layouts against include/store.h itself: a C
program compiled against the header prints every STORE_* constant and the
size and offsets of each struct, and each must match the package."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess

import pytest

from spatialstore import _constants, _lib, errors
from conftest import ROOT

HEADER = ROOT / "include" / "store.h"
NOT_CONSTANTS = {"STORE_H", "STORE_TYPES_ONLY"}
STRUCTS = {
    "store_bytes": _lib.Bytes,
    "store_kv": _lib.KV,
    "store_options": _lib.Options,
}


def header_names() -> list[str]:
    names = re.findall(r"^#define\s+(STORE_[A-Z0-9_]+)\b", HEADER.read_text(), re.M)
    return [n for n in names if n not in NOT_CONSTANTS]


@pytest.fixture(scope="module")
def c_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    assert cc, "a C compiler is needed to read include/store.h"
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "store.h"', "int main(void) {"]
    for n in header_names():
        lines.append(f'    printf("{n} %lld\\n", (long long)({n}));')
    for s, ct in STRUCTS.items():
        lines.append(f'    printf("sizeof {s} %zu\\n", sizeof({s}));')
        for field, *_ in ct._fields_:
            lines.append(f'    printf("offsetof {s}.{field} %zu\\n", offsetof({s}, {field}));')
    lines += ["    return 0;", "}"]
    d = tmp_path_factory.mktemp("constants")
    (d / "facts.c").write_text("\n".join(lines) + "\n")
    subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-I", str(HEADER.parent), "facts.c", "-o", "facts"], cwd=d, check=True)
    out = subprocess.run([str(d / "facts")], check=True, capture_output=True, text=True).stdout
    return {k: int(v) for k, v in (line.rsplit(" ", 1) for line in out.splitlines())}


def test_every_header_constant_is_in_the_package(c_facts: dict[str, int]) -> None:
    names = header_names()
    assert len(names) >= 29
    missing = [n for n in names if not hasattr(_constants, n)]
    assert not missing, f"add to spatialstore/_constants.py: {missing}"


def test_constants_match_the_header(c_facts: dict[str, int]) -> None:
    ours = {n: v for n, v in vars(_constants).items() if n.startswith("STORE_")}
    theirs = {n: c_facts[n] for n in header_names()}
    assert ours == theirs


def test_struct_layouts_match_the_header(c_facts: dict[str, int]) -> None:
    for s, ct in STRUCTS.items():
        assert ctypes.sizeof(ct) == c_facts[f"sizeof {s}"], s
        for field, *_ in ct._fields_:
            assert getattr(ct, field).offset == c_facts[f"offsetof {s}.{field}"], f"{s}.{field}"


def test_every_status_has_its_exception_named_as_the_library_names_it() -> None:
    lib = _lib.load()
    codes = [v for n, v in vars(_constants).items() if n.startswith("STORE_ERR_") or n == "STORE_NOT_FOUND"]
    assert sorted(codes) == sorted(errors.CLASSES)
    for code in codes:
        name = lib.store_status_name(code).decode()
        assert getattr(_constants, name) == code
        cls = errors.CLASSES[code]
        assert issubclass(cls, errors.StoreError)
        assert re.sub(r"^STORE_(ERR_)?", "", name).replace("_", "").lower() in cls.__name__.lower()


def test_every_declared_function_is_exported_and_declared_in_the_header() -> None:
    text = HEADER.read_text()
    lib = _lib.load()
    for name in _lib.PROTOTYPES:
        assert re.search(rf"\b{name}\(", text), f"{name} is not in store.h"
        assert getattr(lib, name).argtypes is not None
