"""Audits through the services on a real database: stored audits, trust events, re-audits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from keepword.adapters.db.models import TurnLabelRow
from keepword.audit.auditor import Auditor
from keepword.audit.results import AuditResult, Finding, TurnLabel
from keepword.audit.timeexpr import BusinessCalendar
from keepword.bootstrap import Keepword
from keepword.domain.conversations import Conversation, Speaker, Turn
from keepword.domain.errors import InvalidValue, NotFound
from keepword.domain.events import TrustEvent
from keepword.services.audits import RETRACTED, audit_stored_conversation, reaudit_outdated
from keepword.services.conversations import IncomingConversation, store_conversation
from keepword.services.ports import ListFilter, Page, PageRequest, StoredLabel
from keepword.services.queries import list_found_labels, list_trust_events
from keepword.services.trust import rebuild_trust, trust_of

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
DAY_1 = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)
EVERYTHING = ListFilter()
BIG_PAGE = PageRequest(limit=500)
C, A = Speaker.CUSTOMER, Speaker.AGENT


def conversation(
    id: str,
    *turns: tuple[Speaker, str],
    customer_id: str | None = "cust-1",
    started: datetime = DAY_1,
    agent_id: str = "a-7",
    team: str = "support",
) -> Conversation:
    return Conversation(
        external_id=id,
        started_at=started,
        turns=[
            Turn(
                speaker,
                text,
                started + timedelta(minutes=i),
                agent_id if speaker is A else None,
                team if speaker is A else None,
            )
            for i, (speaker, text) in enumerate(turns)
        ],
        customer_id=customer_id,
    )


def faulty(id: str = "c-1", **options: object) -> Conversation:
    """A report, an apology that takes it on, and a chase: four labels and one finding."""
    return conversation(
        id,
        (C, "My modem keeps dropping."),
        (A, "I'm sorry, I'll fix this."),
        (C, "Still waiting for the fix."),
        **options,  # type: ignore[arg-type]
    )


FAULTY_LABELS = {(0, "reports_fault"), (1, "apologizes"), (1, "owns"), (2, "chases")}


@dataclass
class ScriptedAuditor:
    """Finds what it is told to, whatever the conversation; remembers what it audited."""

    model_version: str
    labels: tuple[TurnLabel, ...] = ()
    findings: tuple[Finding, ...] = ()
    audited: list[str] = field(default_factory=list)

    def audit(
        self, conversation: Conversation, calendar: BusinessCalendar | None = None
    ) -> AuditResult:
        self.audited.append(conversation.external_id)
        return AuditResult(
            conversation.external_id,
            labels=self.labels,
            findings=self.findings,
            model_version=self.model_version,
        )


class RecordingAuditor:
    """The cues-only auditor under another version, remembering what it audited."""

    def __init__(self, model_version: str) -> None:
        self._inner = Auditor(None)
        self.model_version = model_version
        self.audited: list[str] = []

    def audit(
        self, conversation: Conversation, calendar: BusinessCalendar | None = None
    ) -> AuditResult:
        self.audited.append(conversation.external_id)
        result = self._inner.audit(conversation, calendar)
        return AuditResult(
            result.conversation_id,
            result.labels,
            result.findings,
            result.unsupported,
            self.model_version,
            result.promises,
        )


def store(kw: Keepword, subject: Conversation, auditor: object | None, now: datetime = NOW) -> None:
    store_conversation(kw.uow(), IncomingConversation(subject), now, auditor)  # type: ignore[arg-type]


def stored_audit(kw: Keepword, conversation_id: str) -> AuditResult | None:
    with kw.uow() as uow:
        return uow.audits.get(conversation_id)


def events(
    kw: Keepword, customer_id: str | None = None, *, promises: bool = False
) -> list[TrustEvent]:
    """The customer's trust events of labels and findings (and of promises, if asked)."""
    where = ListFilter(customer_id=customer_id)
    found = list_trust_events(kw.uow(), where, BIG_PAGE).items
    return [e for e in found if promises or e.source_type != "promise"]


def label_row_count(kw: Keepword) -> int:
    with kw.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(TurnLabelRow)) or 0)


def pairs(result: AuditResult | None) -> set[tuple[int, str]]:
    assert result is not None
    return {(label.turn, label.label) for label in result.labels}


# --- storing a conversation with an auditor -------------------------------------------------


def test_storing_with_an_auditor_stores_the_audit(kw: Keepword) -> None:
    store(kw, faulty(), Auditor(None))

    result = stored_audit(kw, "c-1")

    assert result is not None
    assert pairs(result) == FAULTY_LABELS
    assert [f.label for f in result.findings] == ["customer_chased"]
    assert result.model_version == "cues-only"


def test_the_stored_audit_keeps_scores_and_spans(kw: Keepword) -> None:
    subject = faulty()
    audited = Auditor(None).audit(subject)

    store(kw, subject, Auditor(None))

    result = stored_audit(kw, "c-1")
    assert result is not None
    assert sorted(result.labels, key=lambda f: (f.turn, f.label)) == sorted(
        audited.labels, key=lambda f: (f.turn, f.label)
    )
    assert result.findings == audited.findings


def test_storing_without_an_auditor_stores_no_audit(kw: Keepword) -> None:
    store(kw, faulty(), None)

    assert stored_audit(kw, "c-1") is None
    assert events(kw) == []


def test_storing_with_an_auditor_appends_one_event_per_label_and_finding(kw: Keepword) -> None:
    store(kw, faulty(), Auditor(None))

    found = events(kw, "cust-1")

    assert sorted(e.source_id for e in found) == sorted(
        [f"c-1:{turn}:{label}" for turn, label in FAULTY_LABELS] + ["c-1:customer_chased"]
    )


def test_a_label_event_names_its_kind_turn_and_evidence(kw: Keepword) -> None:
    subject = faulty()
    store(kw, subject, Auditor(None))

    event = next(e for e in events(kw) if e.source_id == "c-1:1:owns")

    assert (event.kind, event.source_type, event.customer_id) == ("owns", "turn_label", "cust-1")
    assert event.occurred_at == subject.turns[1].at
    assert event.recorded_at == NOW
    assert event.details["turn"] == 1
    assert event.details["agent"] == "a-7"
    assert event.details["team"] == "support"
    assert event.details["evidence"] in subject.turns[1].text


def test_a_label_found_again_in_the_same_conversation_names_its_first_turn(kw: Keepword) -> None:
    labels = tuple(TurnLabel(turn, "shifts_cost", 0.9, (0, 4)) for turn in (3, 1, 5))
    subject = conversation("c-fee", *((A if i % 2 else C, f"turn {i}") for i in range(6)))
    store(kw, subject, ScriptedAuditor("m-1", labels=labels))

    repeats = {e.source_id: e.details.get("repeat_of") for e in events(kw, "cust-1")}

    assert repeats == {
        "c-fee:1:shifts_cost": None,
        "c-fee:3:shifts_cost": "c-fee:1:shifts_cost",
        "c-fee:5:shifts_cost": "c-fee:1:shifts_cost",
    }


def test_a_finding_event_names_its_turns_and_the_promise_the_customer_chases(
    kw: Keepword,
) -> None:
    store(kw, faulty(), Auditor(None))

    event = next(e for e in events(kw) if e.source_id == "c-1:customer_chased")

    assert (event.kind, event.source_type) == ("customer_chased", "finding")
    # "I'll fix this" was a promise (with no due), still open when the customer chased it.
    assert event.details == {
        "conversation": "c-1",
        "turns": [2],
        "promise": "c-1:1:repair",
        "promise_status": "open",
    }


def test_storing_the_same_conversation_again_appends_no_new_events(kw: Keepword) -> None:
    store(kw, faulty(), Auditor(None))
    before = events(kw)

    store(kw, faulty(), Auditor(None), LATER)

    assert events(kw) == before


def test_storing_the_same_conversation_again_keeps_one_copy_of_each_label(kw: Keepword) -> None:
    store(kw, faulty(), Auditor(None))

    store(kw, faulty(), Auditor(None), LATER)

    assert label_row_count(kw) == len(FAULTY_LABELS)


def test_an_anonymous_conversation_is_audited_but_moves_no_trust(kw: Keepword) -> None:
    store(kw, faulty(customer_id=None), Auditor(None))

    assert pairs(stored_audit(kw, "c-1")) == FAULTY_LABELS
    assert events(kw) == []


def test_a_conversation_with_the_longest_id_is_stored_with_its_audit(kw: Keepword) -> None:
    long_id = "c" * 128

    store(kw, faulty(long_id), Auditor(None))

    assert pairs(stored_audit(kw, long_id)) == FAULTY_LABELS
    assert len(events(kw)) == len(FAULTY_LABELS) + 1


# --- re-auditing ----------------------------------------------------------------------------

FIRST = ScriptedAuditor(
    "v1",
    labels=(
        TurnLabel(0, "reports_fault", 0.9, (3, 25)),
        TurnLabel(1, "apologizes", 0.95, (0, 9)),
        TurnLabel(1, "owns", 0.85, (11, 24)),
    ),
    findings=(Finding("customer_chased", (2,)),),
)
LESS = ScriptedAuditor("v2", labels=(TurnLabel(1, "apologizes", 0.97, (0, 9)),))


def test_reauditing_with_less_found_retracts_what_disappeared(kw: Keepword) -> None:
    store(kw, faulty(), FIRST)

    audit_stored_conversation(kw.uow(), LESS, "c-1", LATER)

    retracted = [e for e in events(kw) if e.kind == RETRACTED]
    assert sorted(e.source_id for e in retracted) == [
        "c-1:0:reports_fault",
        "c-1:1:owns",
        "c-1:customer_chased",
    ]


def test_a_retraction_says_what_it_retracts_and_under_which_model(kw: Keepword) -> None:
    store(kw, faulty(), FIRST)

    audit_stored_conversation(kw.uow(), LESS, "c-1", LATER)

    retraction = next(e for e in events(kw) if e.source_id == "c-1:1:owns" and e.kind == RETRACTED)
    assert retraction.details == {"retracts": "owns", "model": "v2"}
    assert retraction.source_type == "turn_label"
    assert retraction.recorded_at == LATER


def test_reauditing_keeps_the_events_of_what_is_still_found_without_repeating_them(
    kw: Keepword,
) -> None:
    store(kw, faulty(), FIRST)

    audit_stored_conversation(kw.uow(), LESS, "c-1", LATER)

    kinds = Counter((e.source_id, e.kind) for e in events(kw))
    assert kinds[("c-1:1:apologizes", "apologizes")] == 1


def test_reauditing_replaces_the_stored_labels(kw: Keepword) -> None:
    store(kw, faulty(), FIRST)

    audit_stored_conversation(kw.uow(), LESS, "c-1", LATER)

    result = stored_audit(kw, "c-1")
    assert pairs(result) == {(1, "apologizes")}
    assert result is not None
    assert result.findings == ()
    assert result.model_version == "v2"
    assert label_row_count(kw) == 1


def test_storing_again_with_an_auditor_that_finds_less_retracts_too(kw: Keepword) -> None:
    store(kw, faulty(), FIRST)

    store(kw, faulty(), LESS, LATER)

    assert Counter(e.kind for e in events(kw))[RETRACTED] == 3
    assert pairs(stored_audit(kw, "c-1")) == {(1, "apologizes")}


def test_a_label_found_again_after_its_retraction_is_recorded_again(kw: Keepword) -> None:
    store(kw, faulty(), FIRST)
    audit_stored_conversation(kw.uow(), LESS, "c-1", LATER)

    audit_stored_conversation(kw.uow(), FIRST, "c-1", LATER + timedelta(hours=1))

    owns = [e.kind for e in events(kw) if e.source_id == "c-1:1:owns"]
    assert owns == ["owns", RETRACTED, "owns"]


def test_a_conversation_stored_again_with_fewer_turns_retracts_the_labels_of_the_lost_turns(
    kw: Keepword,
) -> None:
    store(kw, faulty(), Auditor(None))
    shorter = conversation("c-1", (C, "My modem keeps dropping."), (A, "I'm sorry, I'll fix this."))

    store(kw, shorter, Auditor(None), LATER)

    retracted = {e.source_id for e in events(kw) if e.kind == RETRACTED}
    assert retracted == {"c-1:2:chases", "c-1:customer_chased"}


def test_a_conversation_moved_to_another_customer_moves_its_trust_events(kw: Keepword) -> None:
    store(kw, faulty(), Auditor(None))

    store(kw, faulty(customer_id="cust-2"), Auditor(None), LATER)

    assert Counter(e.kind for e in events(kw, "cust-1"))[RETRACTED] == len(FAULTY_LABELS) + 1
    assert sorted(e.source_id for e in events(kw, "cust-2")) == sorted(
        [f"c-1:{turn}:{label}" for turn, label in FAULTY_LABELS] + ["c-1:customer_chased"]
    )


def test_an_anonymous_conversation_that_gains_a_customer_gives_them_its_events(
    kw: Keepword,
) -> None:
    store(kw, faulty(customer_id=None), Auditor(None))

    store(kw, faulty(), Auditor(None), LATER)

    assert sorted(e.source_id for e in events(kw, "cust-1")) == sorted(
        [f"c-1:{turn}:{label}" for turn, label in FAULTY_LABELS] + ["c-1:customer_chased"]
    )


def test_auditing_an_unknown_stored_conversation_is_not_found(kw: Keepword) -> None:
    with pytest.raises(NotFound):
        audit_stored_conversation(kw.uow(), Auditor(None), "c-nowhere", NOW)


# --- reaudit_outdated -----------------------------------------------------------------------


def test_reaudit_audits_only_conversations_of_another_model_version(kw: Keepword) -> None:
    store(kw, faulty("c-old-1"), RecordingAuditor("v1"))
    store(kw, faulty("c-old-2"), RecordingAuditor("v1"))
    store(kw, faulty("c-current"), RecordingAuditor("v2"))
    current = RecordingAuditor("v2")

    count = reaudit_outdated(kw.uow, current, LATER)

    assert count == 2
    assert sorted(current.audited) == ["c-old-1", "c-old-2"]


def test_reaudit_that_finds_less_keeps_each_index_a_rebuild_gives(kw: Keepword) -> None:
    # Conversations of one customer stored out of order of time, then audited by a model
    # that finds only the apologies: every other label is retracted, batch by batch.
    for number, day in enumerate([9, 0, 5, 2]):
        store(kw, faulty(f"c-{number}", started=DAY_1 + timedelta(days=day)), Auditor(None))
    apologies = tuple(label for label in stored_labels(kw) if label.label == "apologizes")
    fewer = ScriptedAuditor("v9", labels=apologies)

    reaudit_outdated(kw.uow, fewer, LATER, batch_size=3)

    report = rebuild_trust(kw.uow, LATER)
    assert (report.customers, report.changed) == (1, 0)
    assert trust_of(kw.uow(), "cust-1", LATER).reading.index > 70


def stored_labels(kw: Keepword) -> list[TurnLabel]:
    result = stored_audit(kw, "c-0")
    assert result is not None
    return list(result.labels)


def test_reaudit_audits_conversations_never_audited(kw: Keepword) -> None:
    store(kw, faulty("c-never"), None)
    current = RecordingAuditor("v2")

    count = reaudit_outdated(kw.uow, current, LATER)

    assert (count, current.audited) == (1, ["c-never"])
    assert pairs(stored_audit(kw, "c-never")) == FAULTY_LABELS


def test_reaudit_stores_the_new_model_version(kw: Keepword) -> None:
    store(kw, faulty("c-old"), RecordingAuditor("v1"))

    reaudit_outdated(kw.uow, RecordingAuditor("v2"), LATER)

    result = stored_audit(kw, "c-old")
    assert result is not None
    assert result.model_version == "v2"


def test_a_second_reaudit_finds_nothing_left_to_do(kw: Keepword) -> None:
    for i in range(5):
        store(kw, faulty(f"c-{i}"), RecordingAuditor("v1"))
    reaudit_outdated(kw.uow, RecordingAuditor("v2"), LATER)
    again = RecordingAuditor("v2")

    count = reaudit_outdated(kw.uow, again, LATER)

    assert (count, again.audited) == (0, [])


def test_reaudit_works_through_every_batch(kw: Keepword) -> None:
    for i in range(5):
        store(kw, faulty(f"c-{i}"), RecordingAuditor("v1"))
    batches: list[int] = []

    count = reaudit_outdated(
        kw.uow, RecordingAuditor("v2"), LATER, batch_size=2, on_batch=batches.append
    )

    assert count == 5
    assert batches == [2, 2, 1]


def test_reaudit_with_the_same_labels_appends_no_events(kw: Keepword) -> None:
    store(kw, faulty("c-old"), RecordingAuditor("v1"))
    before = events(kw)

    reaudit_outdated(kw.uow, RecordingAuditor("v2"), LATER)

    assert events(kw) == before


# --- AuditStore.labels ----------------------------------------------------------------------


@pytest.fixture
def three_audited(kw: Keepword) -> None:
    """Three conversations on three days, stored newest first so storage order is not time order.

    day 1, cust-1, a-7/support:  reports_fault; apologizes, owns
    day 2, cust-2, a-8/billing:  chases; deflects
    day 3, cust-1, a-7/billing:  frustrated; rude
    """
    auditor = Auditor(None)
    store(
        kw,
        conversation(
            "c-day3",
            (C, "This is ridiculous."),
            (A, "Calm down."),
            started=DAY_1 + timedelta(days=2),
            team="billing",
        ),
        auditor,
    )
    store(
        kw,
        conversation("c-day1", (C, "My modem keeps dropping."), (A, "I'm sorry, I'll fix this.")),
        auditor,
    )
    store(
        kw,
        conversation(
            "c-day2",
            (C, "Still waiting."),
            (A, "That's not my department."),
            customer_id="cust-2",
            started=DAY_1 + timedelta(days=1),
            agent_id="a-8",
            team="billing",
        ),
        auditor,
    )


def found_labels(kw: Keepword, page: PageRequest = BIG_PAGE, **where: object) -> Page[StoredLabel]:
    extra = {k: str(where.pop(k)) for k in ("label", "agent_id") if k in where}
    return list_found_labels(kw.uow(), ListFilter(extra=extra, **where), page)  # type: ignore[arg-type]


def names(page: Page[StoredLabel]) -> set[tuple[str, int, str]]:
    return {(f.conversation_id, f.turn, f.label) for f in page.items}


ALL_SEVEN = {
    ("c-day1", 0, "reports_fault"),
    ("c-day1", 1, "apologizes"),
    ("c-day1", 1, "owns"),
    ("c-day2", 0, "chases"),
    ("c-day2", 1, "deflects"),
    ("c-day3", 0, "frustrated"),
    ("c-day3", 1, "rude"),
}


@pytest.mark.usefixtures("three_audited")
def test_labels_lists_every_stored_label(kw: Keepword) -> None:
    assert names(found_labels(kw)) == ALL_SEVEN


@pytest.mark.usefixtures("three_audited")
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"label": "deflects"}, {("c-day2", 1, "deflects")}),
        ({"label": "apologizes,rude"}, {("c-day1", 1, "apologizes"), ("c-day3", 1, "rude")}),
        ({"label": "no_such_label"}, set()),
        (
            {"agent_id": "a-7"},
            {("c-day1", 1, "apologizes"), ("c-day1", 1, "owns"), ("c-day3", 1, "rude")},
        ),
        ({"team": "billing"}, {("c-day2", 1, "deflects"), ("c-day3", 1, "rude")}),
        ({"customer_id": "cust-2"}, {("c-day2", 0, "chases"), ("c-day2", 1, "deflects")}),
        (
            {"since": DAY_1 + timedelta(days=1), "until": DAY_1 + timedelta(days=2)},
            {("c-day2", 0, "chases"), ("c-day2", 1, "deflects")},
        ),
        (
            {"since": DAY_1 + timedelta(days=2)},
            {("c-day3", 0, "frustrated"), ("c-day3", 1, "rude")},
        ),
        (
            {"until": DAY_1 + timedelta(minutes=1)},
            {("c-day1", 0, "reports_fault")},
        ),
        (
            {"label": "rude,deflects", "team": "billing", "customer_id": "cust-1"},
            {("c-day3", 1, "rude")},
        ),
    ],
    ids=[
        "label",
        "labels",
        "unknown-label",
        "agent",
        "team",
        "customer",
        "since-until",
        "since",
        "until-exclusive",
        "combined",
    ],
)
def test_labels_narrow_by_each_filter(
    kw: Keepword, where: dict[str, object], expected: set[tuple[str, int, str]]
) -> None:
    assert names(found_labels(kw, **where)) == expected


@pytest.mark.usefixtures("three_audited")
def test_a_stored_label_carries_its_turn_text_agent_and_team(kw: Keepword) -> None:
    (item,) = found_labels(kw, label="deflects").items

    assert item.text == "That's not my department."
    assert "not my department" in item.text[item.span[0] : item.span[1]]
    assert (item.agent_id, item.team) == ("a-8", "billing")
    assert item.at == DAY_1 + timedelta(days=1, minutes=1)


@pytest.mark.usefixtures("three_audited")
def test_labels_come_newest_first(kw: Keepword) -> None:
    items = found_labels(kw).items

    instants = [item.at for item in items]
    assert instants == sorted(instants, reverse=True)


@pytest.mark.usefixtures("three_audited")
def test_labels_page_through_every_label_once_with_cursors(kw: Keepword) -> None:
    seen: list[tuple[str, int, str]] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = found_labels(kw, PageRequest(limit=2, cursor=cursor))
        seen += [(f.conversation_id, f.turn, f.label) for f in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break

    assert pages == 4
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == ALL_SEVEN


@pytest.mark.usefixtures("three_audited")
def test_a_filtered_list_pages_within_the_filter(kw: Keepword) -> None:
    first = found_labels(kw, PageRequest(limit=2), agent_id="a-7")
    second = found_labels(kw, PageRequest(limit=2, cursor=first.next_cursor), agent_id="a-7")

    assert (len(first.items), len(second.items)) == (2, 1)
    assert first.next_cursor is not None
    assert second.next_cursor is None
    assert names(first) | names(second) == {
        ("c-day1", 1, "apologizes"),
        ("c-day1", 1, "owns"),
        ("c-day3", 1, "rude"),
    }


@pytest.mark.usefixtures("three_audited")
@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999999"])
def test_a_cursor_the_list_did_not_give_is_refused(kw: Keepword, cursor: str) -> None:
    with pytest.raises(InvalidValue, match="cursor"):
        found_labels(kw, PageRequest(limit=2, cursor=cursor))
