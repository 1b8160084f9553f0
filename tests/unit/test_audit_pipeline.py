"""The audit pipeline's wiring checks, and the audit record of shared/formats/audit.md."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.audit.auditor import Auditor
from keepword.audit.components.cues import PhraseCues
from keepword.audit.components.promises import PromiseFinder, kind_of
from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.labels import LABELS, PROMISE
from keepword.audit.pipeline import Pipeline, PipelineError
from keepword.audit.results import AuditResult, Finding, TurnLabel, UnsupportedTurn
from keepword.audit.timeexpr import BusinessCalendar
from keepword.domain.conversations import Conversation, Speaker, Turn
from tests.factories import STARTED, make_conversation

RECORD_KEYS = {"id", "turns", "promises", "findings"}


@dataclass
class Step:
    """A component that only writes its name into a shared journal when it runs."""

    name: str
    requires: frozenset[str] = frozenset()
    assigns: frozenset[str] = frozenset()
    journal: list[str] = field(default_factory=list)

    def __call__(self, document: AuditDocument) -> None:
        self.journal.append(self.name)


def _step(name: str, requires: set[str] | None = None, assigns: set[str] | None = None) -> Step:
    return Step(name, frozenset(requires or ()), frozenset(assigns or ()))


# --- the pipeline ---------------------------------------------------------------------------


def test_a_component_needing_what_no_earlier_one_assigns_is_refused() -> None:
    components = [_step("scores", requires={"texts", "cues"}), _step("cues", assigns={"cues"})]

    with pytest.raises(PipelineError, match=r"'scores' needs cues"):
        Pipeline(components)


def test_a_component_needing_what_only_a_later_one_assigns_is_refused() -> None:
    components = [
        _step("first", assigns={"a"}),
        _step("second", requires={"b"}),
        _step("third", assigns={"b"}),
    ]

    with pytest.raises(PipelineError, match="second"):
        Pipeline(components)


def test_a_component_needing_what_an_earlier_one_assigns_is_accepted() -> None:
    pipeline = Pipeline([_step("cues", assigns={"cues"}), _step("scores", requires={"cues"})])

    assert pipeline.names == ["cues", "scores"]


def test_what_every_document_holds_needs_no_earlier_component() -> None:
    pipeline = Pipeline([_step("reader", requires={"conversation", "texts", "speakers"})])

    assert pipeline.names == ["reader"]


def test_two_components_with_the_same_name_are_refused() -> None:
    components = [_step("cues", assigns={"cues"}), _step("cues", assigns={"more"})]

    with pytest.raises(PipelineError, match="'cues' appears twice"):
        Pipeline(components)


def test_the_pipeline_error_is_a_value_error() -> None:
    assert issubclass(PipelineError, ValueError)


def test_components_run_in_the_order_given() -> None:
    journal: list[str] = []
    steps = [_step(name) for name in ("language", "cues", "classifier", "decide")]
    for step in steps:
        step.journal = journal

    Pipeline(steps).run(AuditDocument(make_conversation()))

    assert journal == ["language", "cues", "classifier", "decide"]


def test_a_later_component_sees_what_an_earlier_one_wrote() -> None:
    seen: list[list[bool]] = []

    @dataclass
    class Marks:
        name: str = "marks"
        requires: frozenset[str] = frozenset({"texts"})
        assigns: frozenset[str] = frozenset({"supported"})

        def __call__(self, document: AuditDocument) -> None:
            document.supported = [False for _ in document.texts]

    @dataclass
    class Reads:
        name: str = "reads"
        requires: frozenset[str] = frozenset({"supported"})
        assigns: frozenset[str] = frozenset()

        def __call__(self, document: AuditDocument) -> None:
            seen.append(list(document.supported))

    Pipeline([Marks(), Reads()]).run(AuditDocument(make_conversation()))

    assert seen == [[False, False]]


def test_run_all_keeps_the_documents_in_order() -> None:
    documents = [AuditDocument(make_conversation(f"c-{i}")) for i in range(5)]

    ran = Pipeline([_step("noop")]).run_all(documents)

    assert [d.conversation.external_id for d in ran] == [f"c-{i}" for i in range(5)]


def test_the_auditor_pipeline_passes_its_own_checks() -> None:
    pipeline = Auditor(None).pipeline

    assert pipeline.names[0] == "language"
    assert pipeline.names[-1] == "findings"


# --- the audit record (shared/formats/audit.md) ---------------------------------------------


def _result(**overrides: object) -> AuditResult:
    fields: dict[str, object] = {
        "conversation_id": "c-1042",
        "labels": (
            TurnLabel(1, "apologizes", 0.97, (0, 17)),
            TurnLabel(0, "reports_fault", 0.85123456, (4, 18)),
            TurnLabel(1, "owns", 0.85, (18, 40)),
        ),
        "findings": (Finding("fault_dismissed", (0, 1)),),
    }
    fields.update(overrides)
    return AuditResult(**fields)  # type: ignore[arg-type]


def test_the_record_has_the_keys_of_the_audit_format() -> None:
    record = _result().to_record()

    assert set(record) >= RECORD_KEYS
    assert record["id"] == "c-1042"


def test_the_record_keys_turns_by_their_index_as_a_string() -> None:
    record = _result().to_record()

    assert set(record["turns"]) == {"0", "1"}


def test_each_label_of_the_record_has_a_label_a_score_and_a_span() -> None:
    record = _result().to_record()

    assert record["turns"]["1"] == [
        {"label": "apologizes", "score": 0.97, "span": [0, 17]},
        {"label": "owns", "score": 0.85, "span": [18, 40]},
    ]


def test_the_record_rounds_scores_to_four_places() -> None:
    record = _result().to_record()

    assert record["turns"]["0"][0]["score"] == 0.8512


def test_turns_without_labels_are_left_out_of_the_record() -> None:
    record = _result(labels=(TurnLabel(3, "rude", 0.9, (0, 9)),)).to_record()

    assert list(record["turns"]) == ["3"]


def test_a_result_with_no_labels_has_empty_turns_and_findings() -> None:
    record = AuditResult("c-empty").to_record()

    assert record["turns"] == {}
    assert record["findings"] == []
    assert record["promises"] == []


def test_findings_in_the_record_name_their_label_and_turns() -> None:
    record = _result().to_record()

    assert record["findings"] == [{"label": "fault_dismissed", "turns": [0, 1]}]


def test_the_record_names_the_model_and_the_unsupported_turns() -> None:
    result = _result(
        model_version="labels-abc", unsupported=(UnsupportedTurn(2, "not English: Dutch"),)
    )

    record = result.to_record()

    assert record["model"] == "labels-abc"
    assert record["unsupported"] == [{"turn": 2, "reason": "not English: Dutch"}]


def test_the_record_is_json_that_reads_back_the_same() -> None:
    record = _result(model_version="cues-only").to_record()

    assert json.loads(json.dumps(record)) == record


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=30),
            st.sampled_from(LABELS),
            st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
            st.integers(min_value=0, max_value=200),
            st.integers(min_value=0, max_value=200),
        ),
        max_size=20,
    )
)
def test_every_record_keeps_the_format_for_any_labels(
    found: list[tuple[int, str, float, int, int]],
) -> None:
    labels = tuple(
        TurnLabel(turn, label, score, (min(a, b), max(a, b))) for turn, label, score, a, b in found
    )

    record = AuditResult("c-1", labels=labels).to_record()

    assert set(record["turns"]) == {str(turn) for turn, *_ in found}
    assert sum(len(items) for items in record["turns"].values()) == len(labels)
    for items in record["turns"].values():
        assert items
        for item in items:
            assert set(item) == {"label", "score", "span"}
            assert 0.0 <= item["score"] <= 1.0
            start, end = item["span"]
            assert 0 <= start <= end


def _conversation_for_record() -> Conversation:
    return Conversation(
        external_id="c-rec",
        started_at=STARTED,
        turns=[
            Turn(Speaker.CUSTOMER, "The modem keeps dropping. This is ridiculous.", STARTED),
            Turn(
                Speaker.AGENT,
                "I'm sorry for the trouble. There's nothing wrong with the modem.",
                STARTED + timedelta(minutes=1),
                "a-7",
                "support",
            ),
            Turn(Speaker.CUSTOMER, "ok", STARTED + timedelta(minutes=2)),
        ],
    )


def test_an_audit_record_has_spans_inside_its_turns_and_scores_in_range() -> None:
    conversation = _conversation_for_record()

    record = Auditor(None).audit(conversation).to_record()

    assert record["turns"]
    for key, items in record["turns"].items():
        text = conversation.turns[int(key)].text
        for item in items:
            start, end = item["span"]
            assert 0 <= start < end <= len(text)
            assert 0.0 <= item["score"] <= 1.0


def test_an_audit_record_leaves_out_the_turn_with_no_label() -> None:
    record = Auditor(None).audit(_conversation_for_record()).to_record()

    assert "2" not in record["turns"]


# --- the promise finder: which clauses promise, their kind, their due ---------------------

LONDON = ZoneInfo("Europe/London")
GB_CALENDAR = BusinessCalendar(LONDON, "GB")
# Wednesday 12 March 2025, 10:00 in London.
SAID = datetime(2025, 3, 12, 10, 0, tzinfo=LONDON)


def _end_of(day: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, 23, 59, 59, tzinfo=LONDON)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=LONDON)


def _promises(text: str) -> set[tuple[str, datetime | None]]:
    """The (kind, due) of the promises the finder reads in an agent turn decided as one."""
    conversation = make_conversation(
        turns=[
            Turn(Speaker.CUSTOMER, "Any news?", SAID - timedelta(minutes=1)),
            Turn(Speaker.AGENT, text, SAID, "a-7", "support"),
        ]
    )
    document = AuditDocument(conversation, GB_CALENDAR)
    document.promising = {1: Evidence(PROMISE, 1.0, (0, len(text)))}
    PromiseFinder()(document)
    return {(p.kind, p.due) for p in document.promises}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A promise to tell the customer when something happens is a promise of its own,
        # with no due: the event dates it, not the time of the other promise.
        (
            "Power should be restored by 9pm, and I'll message you the moment it is back.",
            {("repair", _at(12, 21)), ("update", None)},
        ),
        (
            "The new router should arrive by Friday, and we'll text you as soon as the "
            "courier has it.",
            {("delivery", _end_of(14)), ("update", None)},
        ),
        (
            "The fix is rolling out in two days and we'll email you when it's live.",
            {("repair", _end_of(14)), ("update", None)},
        ),
        # Nor does it take the time of a clause that promises nothing.
        (
            "Note the clinic closes early on Friday. We'll text you as soon as your results "
            "are in.",
            {("update", None)},
        ),
        # No cue names the one who will do it; the event makes it a promise all the same.
        (
            "The parcel desk will hold it, and the driver will ring you when he is outside.",
            {("callback", None)},
        ),
    ],
)
def test_a_promise_on_an_event_stands_alone_with_no_due(
    text: str, expected: set[tuple[str, datetime | None]]
) -> None:
    assert expected <= _promises(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A second promise after "and I've ..." or after a short adverbial is cut off.
        (
            "A nurse will call you this afternoon, and I've booked you a follow-up visit for "
            "next Tuesday.",
            {("callback", _at(12, 17)), ("other", _end_of(18))},
        ),
        (
            "The new handset will ship within 2 working days, and for the trouble we will "
            "credit £10 to your account this month.",
            {("delivery", _end_of(14)), ("refund", _end_of(31))},
        ),
        # A confirmed booking ("confirm" makes it an update) and a timeline on track promise.
        (
            "Thanks for booking. Your appointment is confirmed for Friday at 9:30. We'll send "
            "you a reminder the day before.",
            {("update", _at(14, 9, 30)), ("update", _end_of(13))},
        ),
        (
            "Sorry for the outage. The crew is on track for 4pm, and we'll credit your account "
            "by Friday.",
            {("other", _at(12, 16)), ("refund", _end_of(14))},
        ),
        # A future with only a vague time promises it, with no due.
        (
            "Your refund will be paid by Friday. Your final statement will follow in the "
            "coming weeks.",
            {("refund", _end_of(14)), ("other", None)},
        ),
        # A future passive that names the kind promises it, a long subject and all.
        (
            "I'll cancel the order by tonight, and the £30 deposit you paid last week will be "
            "refunded.",
            {("other", _end_of(12)), ("refund", None)},
        ),
    ],
)
def test_each_clause_that_promises_is_found_with_its_own_due(
    text: str, expected: set[tuple[str, datetime | None]]
) -> None:
    assert _promises(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'll send you the refund confirmation within the hour.", "update"),
        ("You'll get the tracking number by email tomorrow.", "update"),
        ("We'll send a reminder the day before.", "update"),
        ("I'll send you the refund within the hour.", "refund"),
        ("The parcel will be delivered tomorrow.", "delivery"),
    ],
)
def test_a_message_about_a_thing_is_an_update(text: str, kind: str) -> None:
    assert kind_of(text) == kind


def test_a_timeless_promise_of_a_kind_already_timed_is_the_same_one() -> None:
    assert _promises("We'll fix it by Friday. We will fix it, I promise.") == {
        ("repair", _end_of(14))
    }


def test_a_timeless_promise_of_no_kind_is_kept_beside_a_timed_one() -> None:
    assert _promises(
        "Your new card will be ready on Monday. I'll also pass your feedback to the manager."
    ) == {("other", _end_of(17)), ("other", None)}


def test_a_duty_in_the_past_is_no_promise() -> None:
    assert _promises(
        "I'm sorry, you should have been told about the fee. I'll refund it by Friday."
    ) == {("refund", _end_of(14))}


def _undecided_promises(text: str) -> set[tuple[str, datetime | None]]:
    """The (kind, due) of the promises the finder reads in an agent turn the model did not
    decide as promising, with the phrase cues found as the audit finds them."""
    conversation = make_conversation(
        turns=[
            Turn(Speaker.CUSTOMER, "Any news?", SAID - timedelta(minutes=1)),
            Turn(Speaker.AGENT, text, SAID, "a-7", "support"),
        ]
    )
    document = AuditDocument(conversation, GB_CALENDAR)
    PhraseCues()(document)
    PromiseFinder()(document)
    return {(p.kind, p.due) for p in document.promises}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A promise cue with a definite time: a promise, whatever the model thought.
        (
            "Bad luck, I'm afraid. I'll e-mail you by end of day with the new date.",
            {("update", _end_of(12))},
        ),
        ("Understood. We will call you tomorrow at 9am.", {("callback", _at(13, 9))}),
        # Only the clauses the cue marks with a definite time.
        (
            "I'm checking with the depot, and I'll text you on Friday.",
            {("update", _end_of(14))},
        ),
    ],
)
def test_an_undecided_turn_promises_where_a_cue_names_a_definite_time(
    text: str, expected: set[tuple[str, datetime | None]]
) -> None:
    assert _undecided_promises(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'll look into it and get back to you.",  # no time
        "We'll be in touch soon.",  # a vague time
        "DM us your order number and I'll check it today.",  # waits on the customer
        "I can send an engineer on Friday. Would you like that?",  # an offer
        "The engineer came on Monday.",  # no promise cue
    ],
)
def test_an_undecided_turn_without_a_cue_and_a_definite_time_promises_nothing(
    text: str,
) -> None:
    assert _undecided_promises(text) == set()
