"""An ordered list of named components, each declaring what it needs and what it adds.

Checking the declarations when the pipeline is built means a component placed
before the one it depends on fails at start, not halfway through an archive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from keepword.audit.document import AuditDocument

# What every document holds before any component runs.
GIVEN = frozenset({"conversation", "texts", "speakers"})


class Component(Protocol):
    """A step of the audit: pure, over one document."""

    name: str
    requires: frozenset[str]
    assigns: frozenset[str]

    def __call__(self, document: AuditDocument) -> None:
        """Read what `requires` names and fill in what `assigns` names."""


class PipelineError(ValueError):
    """The components cannot run in the order given."""


class Pipeline:
    """Runs its components in order over a document."""

    def __init__(self, components: Sequence[Component]) -> None:
        available = set(GIVEN)
        names: set[str] = set()
        for component in components:
            missing = component.requires - available
            if missing:
                raise PipelineError(
                    f"component '{component.name}' needs {', '.join(sorted(missing))}, "
                    "which no earlier component adds"
                )
            if component.name in names:
                raise PipelineError(f"component '{component.name}' appears twice")
            names.add(component.name)
            available |= component.assigns
        self.components = tuple(components)

    @property
    def names(self) -> list[str]:
        """The components' names, in the order they run."""
        return [component.name for component in self.components]

    def run(self, document: AuditDocument) -> AuditDocument:
        """Run every component over `document` and return it."""
        for component in self.components:
            component(document)
        return document

    def run_all(self, documents: Iterable[AuditDocument]) -> list[AuditDocument]:
        """Run over several documents, in order."""
        return [self.run(document) for document in documents]
