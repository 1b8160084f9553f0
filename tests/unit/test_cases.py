"""The rules of a case: when it may be closed, and what counts as closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from keepword.domain.cases import SUBJECT_MAX, Case, CaseStatus, RootCause
from keepword.domain.errors import InvalidValue

OPENED = datetime(2026, 9, 2, 9, 14, tzinfo=UTC)
PLUS_TWO = timezone(timedelta(hours=2))


def _case(**overrides: object) -> Case:
    fields: dict[str, object] = {
        "external_id": "case-1",
        "customer_id": "cust-1",
        "opened_at": OPENED,
    }
    fields.update(overrides)
    return Case(**fields)  # type: ignore[arg-type]


def test_a_new_case_is_open_with_an_unknown_root_cause() -> None:
    case = _case()

    assert case.status is CaseStatus.OPEN
    assert case.root_cause is RootCause.UNKNOWN
    assert case.closed_at is None


def test_closed_at_before_opened_at_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        _case(status=CaseStatus.RESOLVED, closed_at=OPENED - timedelta(seconds=1))

    assert refused.value.field == "closed_at"
    assert "before opened_at" in refused.value.reason


def test_closed_at_is_compared_as_an_instant_whatever_its_offset() -> None:
    # 10:14+02:00 is 08:14 UTC: one hour *before* the case was opened at 09:14 UTC.
    with pytest.raises(InvalidValue):
        _case(status=CaseStatus.RESOLVED, closed_at=datetime(2026, 9, 2, 10, 14, tzinfo=PLUS_TWO))


def test_closed_at_later_in_utc_but_earlier_on_the_wall_clock_is_accepted() -> None:
    closed = datetime(2026, 9, 2, 5, 0, tzinfo=timezone(timedelta(hours=-5)))  # 10:00 UTC

    case = _case(status=CaseStatus.CONFIRMED, closed_at=closed)

    assert case.closed_at == closed


def test_closed_at_equal_to_opened_at_is_accepted() -> None:
    case = _case(status=CaseStatus.RESOLVED, closed_at=OPENED)

    assert case.closed_at == OPENED


@pytest.mark.parametrize("status", [CaseStatus.OPEN, CaseStatus.PENDING])
def test_closed_at_on_a_case_that_is_not_closed_is_refused(status: CaseStatus) -> None:
    with pytest.raises(InvalidValue) as refused:
        _case(status=status, closed_at=OPENED + timedelta(days=1))

    assert refused.value.field == "closed_at"
    assert str(status) in refused.value.reason


@pytest.mark.parametrize("status", [CaseStatus.RESOLVED, CaseStatus.CONFIRMED])
def test_closed_at_on_a_closed_case_is_accepted(status: CaseStatus) -> None:
    case = _case(status=status, closed_at=OPENED + timedelta(days=1))

    assert case.closed_at == OPENED + timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "closed"),
    [
        (CaseStatus.OPEN, False),
        (CaseStatus.PENDING, False),
        (CaseStatus.RESOLVED, True),
        (CaseStatus.CONFIRMED, True),
    ],
)
def test_is_closed_is_true_once_the_provider_or_the_customer_calls_it_solved(
    status: CaseStatus, closed: bool
) -> None:
    assert _case(status=status).is_closed is closed


def test_the_is_closed_table_covers_every_status() -> None:
    closed_statuses = {status for status in CaseStatus if _case(status=status).is_closed}

    assert closed_statuses == {CaseStatus.RESOLVED, CaseStatus.CONFIRMED}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"opened_at": datetime(2026, 9, 2, 9, 14)}, "opened_at", id="naive opened"),  # noqa: DTZ001
        pytest.param(
            {"status": CaseStatus.RESOLVED, "closed_at": datetime(2026, 9, 3)},  # noqa: DTZ001
            "closed_at",
            id="naive closed",
        ),
        pytest.param({"external_id": "case 1"}, "id", id="id with a space"),
        pytest.param({"customer_id": "cust/1"}, "customer_id", id="customer id with a slash"),
        pytest.param({"team": "   "}, "team", id="blank team"),
        pytest.param({"team": "t" * 65}, "team", id="team too long"),
        pytest.param({"subject": "s" * (SUBJECT_MAX + 1)}, "subject", id="subject too long"),
    ],
)
def test_a_case_breaking_a_rule_is_refused_naming_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        _case(**overrides)

    assert refused.value.field == field


def test_a_subject_of_exactly_the_maximum_length_is_accepted() -> None:
    subject = "s" * SUBJECT_MAX

    assert _case(subject=subject).subject == subject


def test_the_team_name_is_stored_without_surrounding_spaces() -> None:
    assert _case(team="  provisioning ").team == "provisioning"
