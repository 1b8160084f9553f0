"""An ordered list of named components, each declaring what it needs and what it adds.

Checking the declarations when the pipeline is built means a component placed
before the one it depends on fails at start, not halfway through an archive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, Protocol

from keepword.audit.document import AuditDocument

# What every document holds before any component runs.
GIVEN: Final = frozenset({"conversation", "calendar", "texts", "speakers", "tokens"})


class Component(Protocol):
    """A step of the audit: pure, over one document.

    A component may also offer `batch(documents)`, doing the same over many
    documents at once (the classifier scores all their turns in one matrix
    product); `Pipeline.run_all` uses it when present.
    """

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
        return self.run_all([document])[0]

    def run_all(self, documents: Iterable[AuditDocument]) -> list[AuditDocument]:
        """Run every component over several documents, component by component; the
        documents come back in order."""
        batch = list(documents)
        for component in self.components:
            over_many = getattr(component, "batch", None)
            if over_many is not None:
                over_many(batch)
            else:
                for document in batch:
                    component(document)
        return batch
