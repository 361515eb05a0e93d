"""Puts libstore.so inside the package when it is built.

The library comes from, in order: $SPATIALSTORE_LIB (a file), then
$STORE_LIB_DIR/libstore.so (what `make lib` builds into build/), then a
`go build -buildmode=c-shared` of the Go sources when this folder sits in
the project's checkout. With none of these the package is built without
it and finds an installed libstore.so at run time (see _lib.candidates).
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def bundled_library(dest: Path) -> bool:
    """Copies or builds libstore.so to dest; False when neither is possible."""
    for src in (os.environ.get("SPATIALSTORE_LIB"), os.path.join(os.environ.get("STORE_LIB_DIR", ""), "libstore.so")):
        if src and os.path.isfile(src):
            shutil.copyfile(src, dest)
            return True
    if (ROOT / "go.mod").is_file() and (ROOT / "capi").is_dir() and shutil.which("go"):
        subprocess.run(["go", "build", "-buildmode=c-shared", "-o", str(dest), "./capi"], cwd=ROOT, check=True)
        dest.with_suffix(".h").unlink(missing_ok=True)  # cgo's header; include/store.h is the public one
        return True
    return False


class BuildWithLibrary(build_py):
    def run(self) -> None:
        super().run()
        dest = Path(self.build_lib) / "spatialstore" / "libstore.so"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not bundled_library(dest):
            self.announce("spatialstore: no libstore.so to bundle; it will be looked for at run time", level=3)


class BinaryDistribution(Distribution):
    """The wheel carries a native library: tag it for this platform."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
