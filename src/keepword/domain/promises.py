"""Promises: what the provider said it would do for a customer, by when, and who must do it.

The rules of shared/design/promises.md: a promise is open until it is kept,
broken by the clock, renegotiated before its due (a new promise takes its
place) or cancelled. Whoever made it owns it until it is handed over, and
every change is kept in its history. Time always comes in as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from keepword.domain.agents import check_team
from keepword.domain.errors import Conflict, InvalidValue
from keepword.domain.values import check_aware, check_external_id, check_text

TEXT_MAX = 2_000
EVIDENCE_MAX = 2_000


class PromiseKind(StrEnum):
    CALLBACK = "callback"  # we will contact you
    ACTIVATION = "activation"  # install, connect, enable
    REPAIR = "repair"  # fix, replace, investigate a fault
    DELIVERY = "delivery"  # ship, ready for pick-up
    REFUND = "refund"  # refund, credit, waive, reverse a charge
    UPDATE = "update"  # send information or a status
    OTHER = "other"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    RENEGOTIATED = "renegotiated"
    CANCELLED = "cancelled"


class Granularity(StrEnum):
    MINUTE = "minute"  # a clock time or an hour-scale duration was said
    DAY = "day"  # a day was said: the promise holds until 23:59:59 of it


class PromiseSource(StrEnum):
    CONVERSATION = "conversation"  # an agent's or a system's turn said it
    API = "api"  # another system recorded it (a sales order's activation date, an appointment)


class PromiseConflict(Conflict):
    """An action the promise's state does not allow; carries the state for the caller."""

    def __init__(self, promise: Promise, action: str) -> None:
        super().__init__(
            f"promise '{promise.external_id}' is {promise.status.value}"
            + (f" since {promise.closed_at.isoformat()}" if promise.closed_at else "")
            + f"; it cannot be {action}",
            field="status",
        )
        self.status = promise.status
        self.closed_at = promise.closed_at


def kind_of(value: str) -> PromiseKind:
    """The kind named `value`; InvalidValue listing the kinds otherwise."""
    try:
        return PromiseKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in PromiseKind)
        raise InvalidValue(
            "kind", f"'{value}' is not a kind of promise; use one of {kinds}"
        ) from None


@dataclass(frozen=True)
class Party:
    """Who made or must keep a promise: an agent (with their team), a team, or a system."""

    agent_id: str | None = None
    team: str | None = None
    system: str | None = None

    def __post_init__(self) -> None:
        if self.agent_id is not None:
            check_external_id("agent_id", self.agent_id)
        object.__setattr__(self, "team", check_team("team", self.team))
        if self.system is not None:
            check_external_id("system", self.system)

    @property
    def is_nobody(self) -> bool:
        """True when no agent, team or system is named."""
        return self.agent_id is None and self.team is None and self.system is None

    def describe(self) -> str:
        """Who this is, in words: 'agent a-7 (provisioning)', 'team billing', 'system crm'."""
        if self.agent_id is not None:
            return f"agent {self.agent_id}" + (f" ({self.team})" if self.team else "")
        if self.team is not None:
            return f"team {self.team}"
        if self.system is not None:
            return f"system {self.system}"
        return "nobody"

    def to_dict(self) -> dict[str, str]:
        """The named fields only."""
        found = {"agent_id": self.agent_id, "team": self.team, "system": self.system}
        return {k: v for k, v in found.items() if v is not None}


@dataclass(frozen=True)
class PromiseChange:
    """One entry of a promise's history: what happened, when, and the details."""

    at: datetime
    what: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RiskPolicy:
    """When an open promise counts as at risk (promises.md): within `fraction` of its promised
    span before the due, but at least `minimum` before it. A promise with no due is flagged
    `no_due_after` its making, since nobody has said when it will be kept."""

    fraction: float = 0.2
    minimum: timedelta = timedelta(hours=1)
    no_due_after: timedelta = timedelta(hours=48)

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise InvalidValue("at_risk_fraction", "use a share between 0 and 1, e.g. 0.2")
        if self.minimum < timedelta(0) or self.no_due_after <= timedelta(0):
            raise InvalidValue("at_risk", "lead times must be positive")


@dataclass
class Promise:
    """A promise to a customer, from its making to the end of its life."""

    external_id: str
    kind: PromiseKind
    text: str
    made_at: datetime
    due: datetime | None
    granularity: Granularity | None
    maker: Party
    owner: Party
    source: PromiseSource
    customer_id: str | None = None
    case_id: str | None = None
    conversation_id: str | None = None
    turn: int | None = None
    status: PromiseStatus = PromiseStatus.OPEN
    at_risk_at: datetime | None = None  # when it becomes at risk (stored so the clock can find it)
    flagged_at_risk_at: datetime | None = None  # when the clock flagged it
    closed_at: datetime | None = None  # when it was kept, broken, renegotiated or cancelled
    evidence: str | None = None  # what shows it was kept
    renegotiated_from: str | None = None
    renegotiated_to: str | None = None
    # A message to the customer prepared when the promise came at risk, for a person to send.
    draft_message: str | None = None
    history: list[PromiseChange] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        check_external_id("id", self.external_id)
        check_text("text", self.text, TEXT_MAX)
        if not self.text.strip():
            raise InvalidValue("text", "say what was promised, e.g. 'activated within 3 days'")
        check_aware("made_at", self.made_at)
        if self.due is not None:
            check_aware("due", self.due)
            if self.due < self.made_at:
                raise InvalidValue(
                    "due", f"{self.due.isoformat()} is before made_at {self.made_at.isoformat()}"
                )
            if self.granularity is None:
                raise InvalidValue("granularity", "a promise with a due needs 'minute' or 'day'")
        elif self.granularity is not None:
            raise InvalidValue("granularity", "a promise with no due has no granularity")
        for name in ("customer_id", "case_id", "conversation_id"):
            value = getattr(self, name)
            if value is not None:
                check_external_id(name, value)
        if self.owner.is_nobody:
            self.owner = self.maker

    # Questions, read as questions: the state is stored, the clock's view is computed.

    @property
    def is_open(self) -> bool:
        """True until the promise is kept, broken, renegotiated or cancelled."""
        return self.status is PromiseStatus.OPEN

    def is_overdue(self, now: datetime) -> bool:
        """True when the promise is still open and its due has passed at `now`."""
        return self.is_open and self.due is not None and now > self.due

    def is_at_risk(self, now: datetime) -> bool:
        """True when the promise is open, not yet overdue, and inside its at-risk window."""
        return (
            self.is_open
            and not self.is_overdue(now)
            and self.at_risk_at is not None
            and now >= self.at_risk_at
        )

    def status_at(self, now: datetime) -> str:
        """What a person should read at `now`: 'overdue' or 'at_risk' for an open promise when
        the clock would say so, else the stored status."""
        if self.is_overdue(now):
            return "overdue"
        if self.is_at_risk(now):
            return "at_risk"
        return self.status.value

    def lateness(self, now: datetime) -> timedelta | None:
        """How far past its due the promise is at `now`, or was when it was kept late; None
        when it has no due, is not late, or was renegotiated or cancelled."""
        if self.due is None or self.status in (PromiseStatus.RENEGOTIATED, PromiseStatus.CANCELLED):
            return None
        end = self.closed_at if self.status is PromiseStatus.KEPT and self.closed_at else now
        late = end - self.due
        return late if late > timedelta(0) else None

    # Life of a promise: each change returns nothing and records itself in the history.

    def note_made(self) -> None:
        """Start the history with the making: who made it, and the due they said."""
        self._log(self.made_at, "made", {"by": self.maker.to_dict(), "due": _iso(self.due)})

    def schedule_risk(self, policy: RiskPolicy) -> None:
        """Work out when the promise becomes at risk under `policy` (stored for the clock)."""
        if self.due is None:
            self.at_risk_at = self.made_at + policy.no_due_after
            return
        lead = max((self.due - self.made_at) * policy.fraction, policy.minimum)
        self.at_risk_at = max(self.due - lead, self.made_at).replace(microsecond=0)

    def flag_at_risk(self, now: datetime) -> None:
        """Record that the clock found the promise at risk at `now`, and prepare a message
        that tells the customer where it stands before the date passes."""
        if not self.is_open:
            raise PromiseConflict(self, "flagged at risk")
        self.flagged_at_risk_at = now
        self.draft_message = self.update_for_customer()
        self._log(now, "at_risk", {"due": _iso(self.due)})

    def describe_due(self) -> str:
        """The due in the words a customer would use, in the zone it was said in:
        'by the end of Monday 23 December 2024', 'by 10:00 on Friday 3 May 2024'."""
        if self.due is None:
            return "with no date given"
        day = f"{self.due:%A} {self.due.day} {self.due:%B %Y}"
        if self.granularity is Granularity.DAY:
            return f"by the end of {day}"
        return f"by {self.due:%H:%M} on {day}"

    def update_for_customer(self) -> str:
        """A draft message for a person to check and send: what we said, by when, and that
        we are on it; written before the due, so the customer hears before it passes."""
        said = f"{self.made_at.astimezone(self.due.tzinfo):%-d %B}" if self.due else None
        when = f" on {said}" if said else ""
        return (
            f'Hello, when we spoke{when} we said: "{self.text.strip()}", '
            f"{self.describe_due()}. We are checking where this stands now and will tell "
            "you today whether it will be done on time, and if not, when it will be."
        )

    def keep(self, now: datetime, evidence: str | None = None, by: str | None = None) -> None:
        """Mark the promise kept at `now`, with what shows it (a note, a record's id)."""
        if not self.is_open:
            raise PromiseConflict(self, "marked kept")
        if evidence is not None:
            check_text("evidence", evidence, EVIDENCE_MAX)
        self.status = PromiseStatus.KEPT
        self.closed_at = now
        self.evidence = evidence
        self._log(now, "kept", {"evidence": evidence, "by": by, "late": self.is_late_at(now)})

    def is_late_at(self, at: datetime) -> bool:
        """True when `at` is past the due (a promise kept then was kept late)."""
        return self.due is not None and at > self.due

    def break_(self, now: datetime) -> None:
        """Break the promise: its due passed at `now` while it was open."""
        if not self.is_open:
            raise PromiseConflict(self, "broken")
        if not self.is_overdue(now):
            raise Conflict(
                f"promise '{self.external_id}' is not overdue at {now.isoformat()}", "due"
            )
        self.status = PromiseStatus.BROKEN
        self.closed_at = now
        self._log(now, "broken", {"due": _iso(self.due), "late_by_seconds": self._late_by(now)})

    def renegotiate(
        self,
        now: datetime,
        new_id: str,
        due: datetime,
        granularity: Granularity,
        told_customer: str,
    ) -> Promise:
        """Replace the promise, before its due, by one with a new due the customer was told of;
        returns the new promise (same kind, text, maker and owner)."""
        if not self.is_open:
            raise PromiseConflict(self, "renegotiated")
        if self.is_overdue(now):
            raise Conflict(
                f"promise '{self.external_id}' was due at {_iso(self.due)}; a promise is "
                "renegotiated before its due, after it the clock breaks it",
                "due",
            )
        if not told_customer.strip():
            raise InvalidValue("told_customer", "say how and what the customer was told")
        check_aware("due", due)
        if due <= now:
            raise InvalidValue("due", f"the new due {due.isoformat()} is not after now")
        successor = replace(
            self,
            external_id=new_id,
            made_at=now,
            due=due,
            granularity=granularity,
            status=PromiseStatus.OPEN,
            at_risk_at=None,
            flagged_at_risk_at=None,
            closed_at=None,
            evidence=None,
            renegotiated_from=self.external_id,
            renegotiated_to=None,
            draft_message=None,
            history=[],
            created_at=None,
            updated_at=None,
        )
        successor.__post_init__()
        successor._log(now, "made", {"renegotiated_from": self.external_id, "due": _iso(due)})
        self.status = PromiseStatus.RENEGOTIATED
        self.closed_at = now
        self.renegotiated_to = new_id
        self._log(
            now,
            "renegotiated",
            {"old_due": _iso(self.due), "new_due": _iso(due), "told_customer": told_customer},
        )
        return successor

    def cancel(self, now: datetime, reason: str) -> None:
        """Withdraw the promise (the customer no longer wants it, it was recorded in error)."""
        if not self.is_open:
            raise PromiseConflict(self, "cancelled")
        if not reason.strip():
            raise InvalidValue("reason", "say why the promise is cancelled")
        self.status = PromiseStatus.CANCELLED
        self.closed_at = now
        self._log(now, "cancelled", {"reason": reason})

    def hand_over(self, now: datetime, to: Party, note: str | None = None) -> None:
        """Make `to` accountable for keeping the promise; the maker stays who made it."""
        if not self.is_open:
            raise PromiseConflict(self, "handed over")
        if to.is_nobody:
            raise InvalidValue("owner", "name the agent, team or system that takes it over")
        before = self.owner
        self.owner = to
        self._log(now, "handed_over", {"from": before.to_dict(), "to": to.to_dict(), "note": note})

    def restate(self, now: datetime, conversation_id: str, turn: int) -> None:
        """Record that the same promise was said again (it stays one promise)."""
        self._log(now, "restated", {"conversation": conversation_id, "turn": turn})

    def was_restated_at(self, conversation_id: str, turn: int) -> bool:
        """True when the history already records a restatement at that turn."""
        return any(
            c.what == "restated"
            and c.details.get("conversation") == conversation_id
            and c.details.get("turn") == turn
            for c in self.history
        )

    def _late_by(self, now: datetime) -> int:
        return int((now - self.due).total_seconds()) if self.due is not None else 0

    def _log(self, at: datetime, what: str, details: dict[str, Any]) -> None:
        self.history.append(
            PromiseChange(at, what, {k: v for k, v in details.items() if v is not None})
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
