"""The audit pipeline's wiring checks, and the audit record of shared/formats/audit.md."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.audit.auditor import Auditor
from keepword.audit.document import AuditDocument
from keepword.audit.labels import LABELS
from keepword.audit.pipeline import Pipeline, PipelineError
from keepword.audit.results import AuditResult, Finding, TurnLabel, UnsupportedTurn
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
