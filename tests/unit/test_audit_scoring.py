"""keepword.audit.scoring gives the very figures of shared/eval/score.py, the reference scorer.

The reference lives beside the repository (../shared), which users do not have:
these tests are skipped where it is absent.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit import scoring
from keepword.audit.labels import LABELS

Rows = dict[str, dict[str, Any]]


def gold(
    cid: str, turns: dict[str, list[str]], promises: list[dict[str, Any]] | None = None
) -> Rows:
    return {cid: {"id": cid, "gold": {"turns": turns, "promises": promises or []}}}


def audit(
    cid: str, turns: dict[str, list[str]], promises: list[dict[str, Any]] | None = None
) -> Rows:
    return {
        cid: {
            "id": cid,
            "turns": {
                t: [{"label": label, "score": 0.9, "span": [0, 1]} for label in labels]
                for t, labels in turns.items()
            },
            "promises": promises or [],
            "findings": [],
        }
    }


def promise(turn: int, due: str | None, granularity: str | None = "day") -> dict[str, Any]:
    return {"turn": turn, "kind": "callback", "due": due, "granularity": granularity}


def assert_same(reference: ModuleType, gold_rows: Rows, audit_rows: Rows) -> dict[str, Any]:
    ours = scoring.score(gold_rows, audit_rows)
    theirs = reference.score(gold_rows, audit_rows)
    assert ours == theirs
    # Same keys in the same order: `keepword eval --json` prints the same text.
    assert json.dumps(ours) == json.dumps(theirs)
    return ours


def test_the_labels_are_the_reference_scorers_in_the_same_order(reference: ModuleType) -> None:
    assert list(LABELS) == reference.LABELS


def test_a_perfect_audit_scores_the_same(reference: ModuleType) -> None:
    turns = {"0": ["reports_fault", "frustrated"], "1": ["apologizes", "owns"]}

    result = assert_same(reference, gold("c-1", turns), audit("c-1", turns))

    assert result["groups"]["all"]["micro"]["f1"] == 1.0


def test_misses_and_false_alarms_score_the_same(reference: ModuleType) -> None:
    gold_rows = {
        **gold("c-1", {"0": ["reports_fault"], "1": ["deflects", "apologizes"]}),
        **gold("c-2", {"0": ["wants_to_cancel"], "2": ["obstructs_cancellation"]}),
    }
    audit_rows = {
        **audit("c-1", {"0": ["reports_fault", "frustrated"], "1": ["apologizes"]}),
        **audit("c-2", {"0": ["wants_to_cancel"], "1": ["rude"], "2": ["owns"]}),
    }

    result = assert_same(reference, gold_rows, audit_rows)

    assert result["labels"]["deflects"]["fn"] == 1
    assert result["labels"]["frustrated"]["fp"] == 1


def test_a_gold_conversation_missing_from_the_audit_counts_as_nothing_found(
    reference: ModuleType,
) -> None:
    gold_rows = {**gold("c-1", {"0": ["chases"]}), **gold("c-2", {"1": ["owns"]})}

    result = assert_same(reference, gold_rows, audit("c-1", {"0": ["chases"]}))

    assert result["labels"]["owns"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 1, "support": 1
    }  # fmt: skip
    assert result["conversations"] == 2


def test_an_audited_conversation_not_in_gold_is_not_scored(reference: ModuleType) -> None:
    audit_rows = {**audit("c-1", {"0": ["chases"]}), **audit("c-extra", {"0": ["rude"]})}

    result = assert_same(reference, gold("c-1", {"0": ["chases"]}), audit_rows)

    assert result["labels"]["rude"]["fp"] == 0


def test_gold_turn_keys_given_as_numbers_score_the_same(reference: ModuleType) -> None:
    gold_rows = {"c-1": {"id": "c-1", "gold": {"turns": {0: ["chases"], 1: ["owns"]}}}}

    result = assert_same(reference, gold_rows, audit("c-1", {"0": ["chases"], "1": ["owns"]}))

    assert result["groups"]["all"]["micro"]["tp"] == 2


def test_nothing_at_all_scores_the_same(reference: ModuleType) -> None:
    result = assert_same(reference, {}, {})

    assert result["groups"]["all"]["macro_f1"] is None
    assert result["promises"]["due_accuracy"] is None


def test_a_gold_row_without_a_gold_object_scores_the_same(reference: ModuleType) -> None:
    assert_same(reference, {"c-1": {"id": "c-1"}}, audit("c-1", {"0": ["chases"]}))


DUE_CASES = [
    pytest.param(
        promise(1, "2024-06-03T23:59:59+02:00"), promise(1, "2024-06-03T08:00:00+02:00"), 1.0,
        id="day-same-date",
    ),
    pytest.param(
        promise(1, "2024-06-03T23:59:59+02:00"), promise(1, "2024-06-03T22:30:00+00:00"), 0.0,
        id="day-next-date-in-gold-offset",
    ),
    pytest.param(
        promise(1, "2024-06-03T00:30:00+02:00"), promise(1, "2024-06-02T22:45:00Z"), 1.0,
        id="day-same-date-from-utc-z",
    ),
    pytest.param(
        promise(1, "2024-06-03T23:59:59+02:00"), promise(1, "2024-06-04T10:00:00+02:00"), 0.0,
        id="day-wrong-date",
    ),
    pytest.param(
        promise(1, "2024-06-03T15:00:00+00:00", "minute"),
        promise(1, "2024-06-03T15:01:00+00:00", "minute"), 1.0,
        id="minute-within-60-seconds",
    ),
    pytest.param(
        promise(1, "2024-06-03T15:00:00+00:00", "minute"),
        promise(1, "2024-06-03T15:01:01+00:00", "minute"), 0.0,
        id="minute-61-seconds-off",
    ),
    pytest.param(
        promise(1, "2024-06-03T17:00:00+02:00", "minute"),
        promise(1, "2024-06-03T15:00:30Z", "minute"), 1.0,
        id="minute-other-offset",
    ),
    pytest.param(promise(1, None, None), promise(1, None, None), 1.0, id="both-null"),
    pytest.param(
        promise(1, None, None), promise(1, "2024-06-03T15:00:00+00:00"), 0.0, id="gold-null"
    ),
    pytest.param(
        promise(1, "2024-06-03T15:00:00+00:00"), promise(1, None, None), 0.0, id="found-null"
    ),
    pytest.param(
        promise(1, "2024-06-03T15:00:00+00:00", "minute"),
        promise(1, "2024-06-03T15:00:00", "minute"), 0.0,
        id="found-without-offset",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("gold_promise", "found_promise", "accuracy"), DUE_CASES)
def test_due_rules_score_the_same(
    reference: ModuleType,
    gold_promise: dict[str, Any],
    found_promise: dict[str, Any],
    accuracy: float,
) -> None:
    result = assert_same(
        reference, gold("c-1", {}, [gold_promise]), audit("c-1", {}, [found_promise])
    )

    assert result["promises"]["due_accuracy"] == accuracy
    assert result["promises"]["due_checked"] == 1


def test_promise_turns_found_on_the_wrong_turn_score_the_same(reference: ModuleType) -> None:
    gold_rows = gold("c-1", {}, [promise(1, None, None), promise(3, None, None)])
    audit_rows = audit("c-1", {}, [promise(1, None, None), promise(2, None, None)])

    result = assert_same(reference, gold_rows, audit_rows)

    assert (result["promises"]["turns"]["tp"], result["promises"]["turns"]["fp"]) == (1, 1)
    assert result["promises"]["turns"]["fn"] == 1


def test_several_promises_on_one_turn_score_the_same(reference: ModuleType) -> None:
    gold_rows = gold("c-1", {}, [promise(1, "2024-06-03T10:00:00+00:00"), promise(1, None, None)])
    audit_rows = audit("c-1", {}, [promise(1, "2024-06-03T18:00:00+00:00")])

    result = assert_same(reference, gold_rows, audit_rows)

    assert result["promises"]["due_checked"] == 2
    assert result["promises"]["due_accuracy"] == 0.5


# --- any gold and audit ---------------------------------------------------------------------

LABEL_SETS = st.frozensets(st.sampled_from(LABELS), max_size=4)
TURN_LABELS = st.dictionaries(
    st.integers(min_value=0, max_value=5).map(str), LABEL_SETS, max_size=4
)
DUES = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2024, 1, 3),  # noqa: DTZ001
        timezones=st.sampled_from([timezone(timedelta(hours=h)) for h in (-6, 0, 2, 14)]),
    ).map(datetime.isoformat),
)
PROMISES = st.lists(
    st.builds(
        promise,
        st.integers(min_value=0, max_value=5),
        DUES,
        st.sampled_from(["day", "minute", None]),
    ),
    max_size=3,
)
CONVERSATIONS = st.dictionaries(
    st.sampled_from([f"c-{i}" for i in range(6)]),
    st.tuples(TURN_LABELS, PROMISES, TURN_LABELS, PROMISES, st.booleans()),
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(CONVERSATIONS)
def test_any_gold_and_audit_score_the_same(
    reference: ModuleType,
    conversations: dict[str, tuple[dict[str, Any], list[Any], dict[str, Any], list[Any], bool]],
) -> None:
    gold_rows: Rows = {}
    audit_rows: Rows = {}
    for cid, (
        gold_turns,
        gold_promises,
        found_turns,
        found_promises,
        audited,
    ) in conversations.items():
        gold_rows |= gold(cid, {t: sorted(v) for t, v in gold_turns.items()}, gold_promises)
        if audited:
            audit_rows |= audit(cid, {t: sorted(v) for t, v in found_turns.items()}, found_promises)

    assert_same(reference, gold_rows, audit_rows)
