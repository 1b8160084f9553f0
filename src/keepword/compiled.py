"""Which of Keepword's modules run as mypyc compiled them (setup.py), and which are stale.

An editable install builds the compiled audit next to its sources, and Python imports
an extension before the source beside it: a source edited since the build would not
run. The tests and the benchmarks ask here, and say so.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_EXTENSION_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def _extensions() -> list[Path]:
    return sorted(
        path for path in _PACKAGE.rglob("*.so") if path.name.endswith(_EXTENSION_SUFFIXES)
    )


def _source_of(extension: Path) -> Path:
    return extension.with_name(extension.name.split(".", 1)[0] + ".py")


def compiled_modules() -> list[str]:
    """The dotted names of the modules installed compiled, sorted; empty when none is
    (KEEPWORD_COMPILE=0, or a machine where the build was not run)."""
    return [
        ".".join(("keepword", *_source_of(path).relative_to(_PACKAGE).with_suffix("").parts))
        for path in _extensions()
    ]


def build() -> str:
    """How the audit that runs was built, in words for a heading: "compiled by mypyc (22
    modules)" or "pure Python"."""
    compiled = compiled_modules()
    return f"compiled by mypyc ({len(compiled)} modules)" if compiled else "pure Python"


def stale_extensions() -> list[Path]:
    """The compiled modules whose source changed after they were built, or is gone: what
    runs there is not what the source says until the build runs again."""
    stale = []
    for extension in _extensions():
        source = _source_of(extension)
        if not source.exists() or source.stat().st_mtime > extension.stat().st_mtime:
            stale.append(extension)
    return stale
