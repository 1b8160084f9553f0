"""What the dashboards show of promises: worklists, keeping rates, who promised what for whom.

The read side: small frozen results computed from the ledger, never stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from keepword.domain.customers import Customer
from keepword.domain.promises import Party, Promise, PromiseStatus
from keepword.services.ports import PageRequest, PromiseFilter, PromiseOutcome, UnitOfWork

WORKLIST_MAX = 500
# A broken promise stays on its owner's list this long: its customer still needs to hear from us.
RECENTLY_BROKEN = timedelta(days=7)


@dataclass(frozen=True)
class Worklist:
    """An owner's open promises, what needs them first at the top."""

    overdue: Sequence[Promise]
    at_risk: Sequence[Promise]
    upcoming: Sequence[Promise]
    no_due: Sequence[Promise]


def worklist(
    uow: UnitOfWork, now: datetime, *, agent_id: str | None = None, team: str | None = None
) -> Worklist:
    """The open promises an agent (or a team) owns at `now`: overdue, at risk, coming, and
    those with no due (which age on the list until kept or cancelled); soonest first."""
    where = PromiseFilter(
        owner_agent_id=agent_id,
        owner_team=team,
        statuses=(PromiseStatus.OPEN,),
        by_due=True,
    )
    with uow:
        found = uow.promises.list(where, PageRequest(limit=WORKLIST_MAX)).items
    return Worklist(
        overdue=[p for p in found if p.is_overdue(now)],
        at_risk=[p for p in found if p.is_at_risk(now)],
        upcoming=[p for p in found if p.due is not None and p.status_at(now) == "open"],
        no_due=[p for p in found if p.due is None],
    )


@dataclass(frozen=True)
class KeepingRate:
    """Promises kept and broken by one group (a team, an agent, a kind) in one week."""

    group: str
    week: date
    kept: int
    broken: int

    @property
    def rate(self) -> float | None:
        """The share kept, None when none ended."""
        total = self.kept + self.broken
        return self.kept / total if total else None


def _group_of(outcome: PromiseOutcome, by: str) -> str:
    if by == "kind":
        return outcome.kind.value
    if by == "agent":
        return outcome.owner.agent_id or outcome.owner.describe()
    return outcome.owner.team or outcome.owner.describe()


def keeping_rates(
    uow: UnitOfWork, since: datetime, until: datetime, by: str = "team"
) -> list[KeepingRate]:
    """Per owning team, agent or kind (`by`) and per week (weeks start on Monday), how many
    promises ending in [since, until) were kept and how many broken."""
    if by not in {"team", "agent", "kind"}:
        raise ValueError(f"by must be team, agent or kind, not {by!r}")
    with uow:
        outcomes = uow.promises.outcomes(since, until)
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        day = outcome.closed_at.date()
        week = day - timedelta(days=day.weekday())
        counts[(_group_of(outcome, by), week)][outcome.status is PromiseStatus.BROKEN] += 1
    return [
        KeepingRate(group, week, kept, broken)
        for (group, week), (kept, broken) in sorted(counts.items())
    ]


@dataclass(frozen=True)
class MakerOwnerCell:
    """Promises one team made that another team owned, and how they ended."""

    maker: str
    owner: str
    kept: int
    broken: int


def _team(party: Party) -> str:
    return party.team or party.describe()


def maker_by_owner(uow: UnitOfWork, since: datetime, until: datetime) -> list[MakerOwnerCell]:
    """For promises ending in [since, until): who made them (team) against who had to keep
    them, with kept and broken counts; where sales promised and operations broke it."""
    with uow:
        outcomes = uow.promises.outcomes(since, until)
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        key = (_team(outcome.maker), _team(outcome.owner))
        cells[key][outcome.status is PromiseStatus.BROKEN] += 1
    return [MakerOwnerCell(m, o, kept, broken) for (m, o), (kept, broken) in sorted(cells.items())]


def _by_due(promise: Promise) -> tuple[bool, datetime]:
    return (promise.due is None, promise.due or promise.made_at)


def open_worklist(
    uow: UnitOfWork,
    now: datetime,
    where: PromiseFilter,
    *,
    broken_within: timedelta = RECENTLY_BROKEN,
) -> Worklist:
    """The worklist of the promises `where` selects (an agent's, or those a team made or
    owns: `PromiseFilter(team=...)`), each promise in exactly one section, soonest due first.

    Overdue holds the open promises past their due and those the clock broke whose due fell
    within `broken_within` before `now`: the clock breaks a promise within a minute of its
    due, and its customer still needs to hear from us. At risk includes promises with no due
    that have aged past the organisation's alert, so no due yet holds only the fresh ones.
    """
    still_open = replace(where, statuses=(PromiseStatus.OPEN,), by_due=True)
    lately_broken = replace(
        where, statuses=(PromiseStatus.BROKEN,), due_after=now - broken_within, by_due=True
    )
    with uow:
        found = uow.promises.list(still_open, PageRequest(limit=WORKLIST_MAX)).items
        broken = uow.promises.list(lately_broken, PageRequest(limit=WORKLIST_MAX)).items
    return Worklist(
        overdue=sorted([*(p for p in found if p.is_overdue(now)), *broken], key=_by_due),
        at_risk=[p for p in found if p.is_at_risk(now)],
        upcoming=[p for p in found if p.due is not None and p.status_at(now) == "open"],
        no_due=[p for p in found if p.due is None and p.status_at(now) == "open"],
    )


def ended_promises(
    uow: UnitOfWork, where: PromiseFilter, status: PromiseStatus, due_since: datetime
) -> list[Promise]:
    """Promises `where` selects that ended as `status` and were due at or after `due_since`,
    the latest due first; at most WORKLIST_MAX of them, the earliest due when there are
    more. Promises with no due are not among them: the ledger lists by due, not by when a
    promise ended."""
    ended = replace(where, statuses=(status,), due_after=due_since, by_due=True)
    with uow:
        found = uow.promises.list(ended, PageRequest(limit=WORKLIST_MAX)).items
    return sorted(found, key=_by_due, reverse=True)


def customers_of(uow: UnitOfWork, promises: Iterable[Promise]) -> dict[str, Customer]:
    """The customers `promises` were made to, by id: their names and time zones for lists."""
    found: dict[str, Customer] = {}
    with uow:
        for customer_id in dict.fromkeys(p.customer_id for p in promises if p.customer_id):
            customer = uow.customers.get(customer_id)
            if customer is not None:
                found[customer_id] = customer
    return found
