"""The auditor end to end: who may carry which label, edge cases, findings, and the model."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit.auditor import CUES_ONLY, Auditor
from keepword.audit.labels import (
    AGENT_BREAKING,
    AGENT_BUILDING,
    CUSTOMER_SIGNALS,
    LABELS,
    MODEL_LABELS,
)
from keepword.audit.model import LabelModel, ModelError, load_model, model_from_json
from keepword.audit.results import AuditResult
from keepword.audit.training import train
from keepword.domain.conversations import Conversation, Speaker, Turn
from tests.factories import STARTED

AGENT_LABELS = set(AGENT_BREAKING + AGENT_BUILDING)
CUSTOMER_LABELS = set(CUSTOMER_SIGNALS)
AGENT_FINDINGS = {"fault_dismissed", "left_unowned"}

C, A, S = Speaker.CUSTOMER, Speaker.AGENT, Speaker.SYSTEM

# The same words said by anyone: apologies, blame, cancelling, chasing and anger at once.
EVERYTHING_AT_ONCE = (
    "I'm sorry for the trouble, that's not my department. I want to cancel my service, "
    "still waiting, this is ridiculous. You must have installed it wrong. I'll take care of this."
)


def conversation(*turns: tuple[Speaker, str], id: str = "c-1") -> Conversation:
    """A conversation of (speaker, text) turns a minute apart; agents are a-7 of support."""
    return Conversation(
        external_id=id,
        started_at=STARTED,
        turns=[
            Turn(
                speaker,
                text,
                STARTED + timedelta(minutes=i),
                "a-7" if speaker is A else None,
                "support" if speaker is A else None,
            )
            for i, (speaker, text) in enumerate(turns)
        ],
        customer_id="cust-1",
    )


def labels_by_turn(result: AuditResult) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for label in result.labels:
        found.setdefault(label.turn, set()).add(label.label)
    return found


def findings_of(result: AuditResult) -> dict[str, tuple[int, ...]]:
    return {finding.label: finding.turns for finding in result.findings}


@pytest.fixture(scope="module")
def cues_only() -> Auditor:
    return Auditor(None)


def eager_model(bias: float = 20.0) -> LabelModel:
    """A hand-made model that is sure of every label on every turn it may score."""
    return LabelModel(
        "eager-1",
        LABELS,
        bias=dict.fromkeys(LABELS, bias),
        thresholds=dict.fromkeys(LABELS, 0.5),
        weights={},
    )


# --- who may carry which label --------------------------------------------------------------


@pytest.mark.parametrize(
    ("speaker", "allowed"),
    [(A, AGENT_LABELS), (C, CUSTOMER_LABELS), (S, set())],
    ids=["agent", "customer", "system"],
)
def test_the_speaker_decides_which_labels_the_cues_may_put_on_a_turn(
    cues_only: Auditor, speaker: Speaker, allowed: set[str]
) -> None:
    result = cues_only.audit(conversation((speaker, EVERYTHING_AT_ONCE)))

    found = labels_by_turn(result).get(0, set())
    assert found <= allowed
    assert bool(found) == bool(allowed)


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [(A, AGENT_LABELS), (C, CUSTOMER_LABELS), (S, set())],
    ids=["agent", "customer", "system"],
)
def test_the_speaker_decides_which_labels_even_a_model_sure_of_everything_may_give(
    speaker: Speaker, expected: set[str]
) -> None:
    result = Auditor(eager_model()).audit(conversation((speaker, "Hello there, about my bill.")))

    assert labels_by_turn(result).get(0, set()) == expected


def test_a_turn_may_carry_several_labels(cues_only: Auditor) -> None:
    text = (
        "I'm sorry for the trouble. I understand how frustrating this is. "
        "I'll take care of this, is everything working now?"
    )

    result = cues_only.audit(conversation((C, "My modem keeps dropping."), (A, text)))

    assert {"apologizes", "empathizes", "owns", "confirms_resolution"} <= labels_by_turn(result)[1]


def test_a_customer_turn_may_carry_several_signals(cues_only: Auditor) -> None:
    text = "Still waiting, this is ridiculous. I want to cancel my service."

    result = cues_only.audit(conversation((C, text)))

    assert labels_by_turn(result)[0] == {"chases", "frustrated", "wants_to_cancel"}


def test_the_cues_only_auditor_names_its_version(cues_only: Auditor) -> None:
    result = cues_only.audit(conversation((C, "hi")))

    assert cues_only.model_version == CUES_ONLY
    assert result.model_version == CUES_ONLY


def test_the_result_names_the_conversation(cues_only: Auditor) -> None:
    result = cues_only.audit(conversation((C, "hi"), id="c-named"))

    assert result.conversation_id == "c-named"


# --- edge cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"], ids=["empty", "spaces", "whitespace"])
def test_an_empty_turn_gets_no_label_and_is_not_unsupported(text: str) -> None:
    result = Auditor(eager_model()).audit(conversation((C, text), (A, "I'm sorry for that.")))

    assert 0 not in labels_by_turn(result)
    assert result.unsupported == ()


def _long_turn() -> str:
    sentence = "The modem keeps dropping and nobody has called me back, this is ridiculous. "
    return (sentence * (10_000 // len(sentence) + 1))[:10_000]


@pytest.mark.parametrize("model", [None, eager_model(-20.0)], ids=["cues-only", "model"])
def test_a_ten_thousand_character_turn_is_audited_quickly_with_spans_inside_it(
    model: LabelModel | None,
) -> None:
    text = _long_turn()
    auditor = Auditor(model)

    started = time.perf_counter()
    result = auditor.audit(conversation((C, text)))
    elapsed = time.perf_counter() - started

    assert len(text) == 10_000
    assert elapsed < 0.5
    for label in result.labels:
        assert 0 <= label.span[0] < label.span[1] <= len(text)


@pytest.mark.parametrize(
    ("speaker", "phrase"),
    [
        (C, "was told "),
        (C, "get back to me "),
        (C, "never using "),
        (A, "are you sure "),
        (A, "we'll charge "),
        (A, "i can't cancel "),
        (A, "is it working "),
    ],
)
def test_a_ten_thousand_character_turn_of_one_phrase_over_and_over_is_audited_quickly(
    cues_only: Auditor, speaker: Speaker, phrase: str
) -> None:
    text = (phrase * (10_000 // len(phrase) + 1))[:10_000]

    started = time.perf_counter()
    cues_only.audit(conversation((speaker, text)))

    assert time.perf_counter() - started < 0.5


def test_a_ten_thousand_character_turn_still_gets_its_labels(cues_only: Auditor) -> None:
    result = cues_only.audit(conversation((C, _long_turn())))

    assert {"reports_fault", "chases", "frustrated"} <= labels_by_turn(result)[0]


def test_a_model_still_reads_the_cues_of_a_long_turn() -> None:
    apologizes = LABELS.index("apologizes")
    model = LabelModel(
        "cue-reader",
        LABELS,
        bias=dict.fromkeys(LABELS, -10.0),
        thresholds=dict.fromkeys(LABELS, 0.5),
        weights={"cue:apologizes": [(apologizes, 20.0)]},
    )
    padding = "Here is the full history of your account as we have it on file. " * 40
    text = padding + "I'm sorry for the trouble."

    result = Auditor(model).audit(conversation((C, "My modem keeps dropping."), (A, text)))

    assert "apologizes" in labels_by_turn(result).get(1, set())


@pytest.mark.parametrize(
    "text",
    [
        "Quiero cancelar mi contrato porque el servicio es muy malo",
        "Ich möchte bitte meinen Vertrag kündigen, das ist lächerlich",
        "Мой интернет не работает уже третий день",
    ],
    ids=["spanish", "german", "russian"],
)
def test_a_non_english_turn_is_reported_unsupported_with_a_reason_and_gets_no_labels(
    text: str,
) -> None:
    result = Auditor(eager_model()).audit(conversation((A, "Hello, how can I help?"), (C, text)))

    assert [(u.turn, u.reason.startswith("not English")) for u in result.unsupported] == [(1, True)]
    assert 1 not in labels_by_turn(result)


def test_a_non_english_turn_does_not_stop_the_english_ones_being_read(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (C, "Quiero cancelar mi contrato porque el servicio es muy malo"),
            (C, "I want to cancel my service, this is ridiculous."),
        )
    )

    assert labels_by_turn(result) == {1: {"wants_to_cancel", "frustrated"}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("😡😡😡", set()),
        ("🙏🙏", set()),
        ("https://t.co/y73f2l5NBD", set()),
        ("@NimbusHelp @user", set()),
        ("@NimbusHelp my modem keeps dropping 😡 https://t.co/abc", {"reports_fault"}),
        ("MY MODEM KEEPS DROPPING AND THIS IS RIDICULOUS", {"reports_fault", "frustrated"}),
        ("STILL WAITING!!!", {"chases"}),
    ],
    ids=["emoji", "prayer", "url", "handles", "mixed", "caps", "caps-chase"],
)
def test_emoji_urls_handles_and_capitals_are_read_as_plain_turns(
    cues_only: Auditor, text: str, expected: set[str]
) -> None:
    result = cues_only.audit(conversation((C, text)))

    assert labels_by_turn(result).get(0, set()) == expected
    assert result.unsupported == ()


def test_an_agent_shouting_an_apology_still_apologises(cues_only: Auditor) -> None:
    result = cues_only.audit(conversation((A, "@customer I'M SORRY FOR THE TROUBLE")))

    assert labels_by_turn(result)[0] == {"apologizes"}


def test_a_conversation_without_an_agent_turn_has_customer_labels_only(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My modem keeps dropping, this is ridiculous."),
            (C, "Still waiting for anyone to answer."),
        )
    )

    assert set().union(*labels_by_turn(result).values()) <= CUSTOMER_LABELS
    assert labels_by_turn(result)[0] == {"reports_fault", "frustrated"}


def test_a_conversation_without_an_agent_turn_has_no_agent_findings(cues_only: Auditor) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My modem keeps dropping, this is ridiculous."),
            (C, "Still waiting for anyone to answer."),
        )
    )

    assert set(findings_of(result)) == {"customer_chased"}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([Auditor(None), Auditor(eager_model())]),
    st.lists(
        st.tuples(
            st.sampled_from([C, A, S]),
            st.text(
                alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=200,
            ),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_any_conversation_is_audited_with_spans_inside_turns_allowed_to_their_speaker(
    auditor: Auditor, turns: list[tuple[Speaker, str]]
) -> None:
    subject = conversation(*turns)

    result = auditor.audit(subject)

    for label in result.labels:
        turn = subject.turns[label.turn]
        assert label.label in (AGENT_LABELS if turn.speaker is A else CUSTOMER_LABELS)
        assert turn.speaker is not S
        assert 0 <= label.span[0] < label.span[1] <= len(turn.text)
        assert 0.0 <= label.score <= 1.0
    for finding in result.findings:
        assert all(0 <= t < len(turns) for t in finding.turns)


# --- findings -------------------------------------------------------------------------------


def test_two_cancel_requests_with_no_cancellation_are_an_obstructed_cancellation(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (C, "I want to cancel my service."),
            (A, "Why would you want to leave? We have great offers."),
            (C, "Please cancel my account now."),
            (A, "Let me see what offers I can find for you."),
        )
    )

    turns = findings_of(result)["cancellation_obstructed"]
    assert {0, 1, 2} <= set(turns)


def test_a_cancellation_the_agent_carries_out_is_not_obstructed(cues_only: Auditor) -> None:
    result = cues_only.audit(
        conversation(
            (C, "I want to cancel my service."),
            (A, "Why would you want to leave? We have great offers."),
            (C, "Please cancel my account now."),
            (A, "Understood. I've cancelled your service and e-mailed the confirmation."),
        )
    )

    assert "cancellation_obstructed" not in findings_of(result)


def test_a_single_cancel_request_is_not_an_obstructed_cancellation(cues_only: Auditor) -> None:
    result = cues_only.audit(
        conversation(
            (C, "I want to cancel my service."),
            (A, "Why would you want to leave? We have great offers."),
        )
    )

    assert "cancellation_obstructed" not in findings_of(result)


@pytest.mark.parametrize(
    "answer",
    [
        "There's nothing wrong with the modem, it works fine for us.",
        "You must have installed it wrong.",
    ],
    ids=["dismissed", "blamed"],
)
def test_a_fault_dismissed_without_investigation_is_a_finding(
    cues_only: Auditor, answer: str
) -> None:
    result = cues_only.audit(
        conversation((C, "My modem keeps dropping every evening."), (A, answer), (C, "ok."))
    )

    assert findings_of(result)["fault_dismissed"] == (0, 1)


def test_a_fault_dismissed_then_checked_by_a_later_agent_turn_is_not_a_finding(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My modem keeps dropping every evening."),
            (A, "There's nothing wrong with the modem, it works fine for us."),
            (C, "It really does drop, every night."),
            (A, "Fair enough, let me run a line test now."),
        )
    )

    assert "fault_dismissed" not in findings_of(result)


def test_a_dismissal_with_no_fault_reported_before_it_is_not_a_finding(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (A, "There's nothing wrong with the modem, it works fine for us."),
            (C, "My modem keeps dropping every evening."),
        )
    )

    assert "fault_dismissed" not in findings_of(result)


def test_a_chasing_turn_is_a_customer_chased_finding(cues_only: Auditor) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My refund has not arrived."),
            (A, "It should arrive soon."),
            (C, "Still waiting, any update?"),
        )
    )

    assert findings_of(result)["customer_chased"] == (2,)


def test_a_conversation_with_no_chasing_has_no_customer_chased_finding(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(conversation((C, "Hello, what are your opening hours?")))

    assert "customer_chased" not in findings_of(result)


def test_a_conversation_ending_in_a_deflection_with_nothing_owned_is_left_unowned(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My card doesn't work with any phone."),
            (A, "Please contact the manufacturer about that."),
        )
    )

    assert findings_of(result)["left_unowned"] == (1,)


def test_a_deflection_after_the_agent_owned_something_is_not_left_unowned(
    cues_only: Auditor,
) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My card doesn't work with any phone."),
            (A, "I've refunded the card fee. For the handset, please contact the manufacturer."),
        )
    )

    assert "left_unowned" not in findings_of(result)


def test_a_deflection_followed_by_real_help_is_not_left_unowned(cues_only: Auditor) -> None:
    result = cues_only.audit(
        conversation(
            (C, "My card doesn't work with any phone."),
            (A, "Please contact the manufacturer about that."),
            (C, "They sent me back to you!"),
            (A, "Sorry about that. Let me send you a new card today."),
        )
    )

    assert "left_unowned" not in findings_of(result)


# --- many conversations ---------------------------------------------------------------------


def test_audit_many_keeps_the_order_of_the_conversations(cues_only: Auditor) -> None:
    conversations = [conversation((C, "still waiting"), id=f"c-{i}") for i in (3, 1, 2, 9, 0)]

    results = cues_only.audit_many(conversations)

    assert [r.conversation_id for r in results] == ["c-3", "c-1", "c-2", "c-9", "c-0"]


def test_audit_many_gives_what_one_audit_at_a_time_gives(cues_only: Auditor) -> None:
    conversations = [
        conversation((C, "My modem keeps dropping."), (A, "contact the manufacturer"), id="c-a"),
        conversation((C, "I want to cancel my service."), id="c-b"),
    ]

    assert cues_only.audit_many(conversations) == [cues_only.audit(c) for c in conversations]


# --- a tiny trained model -------------------------------------------------------------------

# Twelve short labelled conversations: (turns, gold labels by turn index).
LABELLED: list[tuple[list[tuple[Speaker, str]], dict[str, list[str]]]] = [
    (
        [(C, "My modem keeps dropping, this is ridiculous."), (A, "I'm sorry, I'll fix this.")],
        {"0": ["reports_fault", "frustrated"], "1": ["apologizes", "owns"]},
    ),
    (
        [(C, "The router keeps dropping every night."), (A, "Sorry to hear that, I'll fix it.")],
        {"0": ["reports_fault"], "1": ["apologizes", "owns"]},
    ),
    (
        [(C, "I want to cancel my service."), (A, "Why would you want to leave?")],
        {"0": ["wants_to_cancel"], "1": ["obstructs_cancellation"]},
    ),
    (
        [(C, "Please cancel my account."), (A, "I've cancelled it, sorry to see you go.")],
        {"0": ["wants_to_cancel"], "1": ["owns", "apologizes"]},
    ),
    (
        [(C, "Still waiting for my refund."), (A, "Sorry, I'll chase it today.")],
        {"0": ["chases"], "1": ["apologizes", "owns"]},
    ),
    (
        [(C, "Any update on my refund?"), (A, "That's not my department.")],
        {"0": ["chases"], "1": ["deflects"]},
    ),
    (
        [(C, "The app keeps crashing."), (A, "Please contact the manufacturer.")],
        {"0": ["reports_fault"], "1": ["deflects"]},
    ),
    (
        [(C, "My phone doesn't work, I'm fed up."), (A, "There's nothing wrong with it.")],
        {"0": ["reports_fault", "frustrated"], "1": ["dismisses_report"]},
    ),
    (
        [(C, "Hello, what are your opening hours?"), (A, "We open at nine.")],
        {},
    ),
    (
        [(C, "Thanks for the help yesterday."), (A, "You're welcome, have a nice day.")],
        {},
    ),
    (
        [(C, "This is unacceptable, I'm switching to another provider."), (A, "Calm down.")],
        {"0": ["frustrated", "threatens_churn"], "1": ["rude"]},
    ),
    (
        [(C, "The line is down again."), (A, "I'm sorry. Is everything working now?")],
        {"0": ["reports_fault"], "1": ["apologizes", "confirms_resolution"]},
    ),
]


def _labelled() -> list[tuple[Conversation, dict[str, Any]]]:
    return [
        (conversation(*turns, id=f"t-{i}"), {"turns": gold})
        for i, (turns, gold) in enumerate(LABELLED)
    ]


@pytest.fixture(scope="module")
def tiny_model() -> LabelModel:
    return train(_labelled())


def test_training_twice_on_the_same_data_gives_the_same_model(tiny_model: LabelModel) -> None:
    again = train(_labelled())

    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(
        tiny_model.to_json(), sort_keys=True
    )
    assert again.version == tiny_model.version


def test_training_on_different_data_gives_another_version(tiny_model: LabelModel) -> None:
    other = train(_labelled()[:-1])

    assert other.version != tiny_model.version


def test_a_trained_model_has_a_threshold_in_range_for_every_label(tiny_model: LabelModel) -> None:
    assert set(tiny_model.thresholds) == set(MODEL_LABELS)
    assert all(0.0 <= t <= 1.0 for t in tiny_model.thresholds.values())


def test_training_reports_each_label_it_learns(tiny_model: LabelModel) -> None:
    reported: list[str] = []

    train(_labelled(), on_label=reported.append)

    assert reported == list(MODEL_LABELS)


def test_a_model_survives_the_round_trip_through_json(tiny_model: LabelModel) -> None:
    document = json.loads(json.dumps(tiny_model.to_json()))

    reloaded = model_from_json(document)

    assert reloaded.to_json() == tiny_model.to_json()
    assert reloaded.version == tiny_model.version


def test_a_model_written_to_a_file_loads_back_the_same(
    tiny_model: LabelModel, tmp_path: Path
) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(tiny_model.to_json(), sort_keys=True), encoding="utf-8")

    reloaded = load_model(path)

    assert reloaded is not None
    assert reloaded.to_json() == tiny_model.to_json()


def test_a_reloaded_model_audits_exactly_as_before(tiny_model: LabelModel, tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(tiny_model.to_json()), encoding="utf-8")
    reloaded = load_model(path)
    assert reloaded is not None
    subject = conversation(
        (C, "My modem keeps dropping, this is ridiculous. Still waiting."),
        (A, "I'm sorry, I'll fix this. That's not my department though."),
        (C, "I want to cancel my service."),
    )

    before = Auditor(tiny_model).audit(subject)
    after = Auditor(reloaded).audit(subject)

    assert after == before
    assert after.model_version == tiny_model.version


def test_an_auditor_with_a_model_reports_the_model_version(tiny_model: LabelModel) -> None:
    result = Auditor(tiny_model).audit(conversation((C, "My modem keeps dropping.")))

    assert result.model_version == tiny_model.version != CUES_ONLY


def test_a_trained_model_learns_what_it_was_shown(tiny_model: LabelModel) -> None:
    result = Auditor(tiny_model).audit(
        conversation((C, "My modem keeps dropping."), (A, "I'm sorry, I'll fix this."))
    )

    assert "reports_fault" in labels_by_turn(result).get(0, set())


def test_training_on_fewer_conversations_than_folds_still_gives_a_model() -> None:
    few = _labelled()[:3]

    model = train(few)

    assert all(0.0 <= t <= 1.0 for t in model.thresholds.values())


def test_a_model_file_of_another_format_is_refused(tiny_model: LabelModel) -> None:
    document = {**tiny_model.to_json(), "format": 999}

    with pytest.raises(ModelError, match="format"):
        model_from_json(document)


def test_a_trusted_cue_decides_even_when_the_model_scores_it_low() -> None:
    model = LabelModel(
        "trusts-apologies",
        LABELS,
        bias=dict.fromkeys(LABELS, -10.0),
        thresholds=dict.fromkeys(LABELS, 0.5),
        weights={},
        trusted_cues=["apologizes"],
    )

    result = Auditor(model).audit(conversation((C, "It broke."), (A, "I'm so sorry about that.")))

    assert labels_by_turn(result).get(1) == {"apologizes"}


def test_an_untrusted_cue_leaves_the_decision_to_the_model() -> None:
    model = LabelModel(
        "trusts-nothing",
        LABELS,
        bias=dict.fromkeys(LABELS, -10.0),
        thresholds=dict.fromkeys(LABELS, 0.5),
        weights={},
    )

    result = Auditor(model).audit(conversation((C, "It broke."), (A, "I'm so sorry about that.")))

    assert labels_by_turn(result).get(1, set()) == set()
