"""Builds Keepword with its audit compiled to C by mypyc; pyproject.toml holds the rest.

The audit reads every turn of every conversation: tokens, cues, the promise finder and
the time resolver are pure Python that runs for each one. mypyc compiles those modules,
as they are written and type-checked, into C extensions: the audit runs about a fifth
faster and the promise-time resolver about a quarter (README, "Speed"). The Python
sources stay the truth: set KEEPWORD_COMPILE=0 to install them as they are, for a
machine with no C compiler. `make test` rebuilds the extensions whenever a compiled
module's source is newer than its extension (tests/conftest.py refuses stale ones).
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import setup

# The modules the audit runs for every turn. Left out: __init__ modules (nothing runs
# in them) and training.py, which runs once per `keepword train` inside scikit-learn.
COMPILED_PACKAGES = (
    "src/keepword/audit",
    "src/keepword/audit/components",
    "src/keepword/audit/timeexpr",
)
NOT_COMPILED = frozenset({"__init__.py", "training.py"})


def compiled_sources() -> list[str]:
    """The source files mypyc compiles, relative to this directory, in a stable order."""
    here = Path(__file__).parent
    return sorted(
        str(path.relative_to(here))
        for package in COMPILED_PACKAGES
        for path in (here / package).glob("*.py")
        if path.name not in NOT_COMPILED
    )


def extensions() -> list[object]:
    if os.environ.get("KEEPWORD_COMPILE", "1") == "0":
        return []
    from mypyc.build import mypycify

    # mypyc type-checks the modules again as it compiles them, under mypyc.ini.
    return mypycify(["--config-file", "mypyc.ini", *compiled_sources()], opt_level="3")


setup(ext_modules=extensions())
