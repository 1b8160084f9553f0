"""The organisation's settings and the end of its business day."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.domain.errors import InvalidValue
from keepword.domain.organisation import Organisation, parse_business_day_end


def test_an_organisation_defaults_to_utc_and_a_business_day_ending_at_five_pm() -> None:
    organisation = Organisation()

    assert organisation.timezone == "UTC"
    assert organisation.country is None
    # promises.md: "close of business" is 17:00 unless the organisation says otherwise.
    assert organisation.business_day_end == time(17, 0)


def test_an_organisation_flags_promises_at_risk_at_a_fifth_of_their_span_by_default() -> None:
    policy = Organisation().risk_policy()

    assert policy.fraction == 0.2
    assert policy.minimum == timedelta(hours=1)
    assert policy.no_due_after == timedelta(hours=48)


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_an_at_risk_share_outside_zero_to_one_is_refused(fraction: float) -> None:
    with pytest.raises(InvalidValue, match="at_risk_fraction"):
        Organisation(at_risk_fraction=fraction)


def test_an_organisation_country_is_kept_in_upper_case() -> None:
    assert Organisation(country="it").country == "IT"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"timezone": "Mars/Base"}, "timezone"), ({"country": "ITA"}, "country")],
)
def test_an_organisation_with_a_bad_setting_is_refused_naming_it(
    overrides: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        Organisation(**overrides)  # type: ignore[arg-type]

    assert refused.value.field == field


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("18:00", time(18, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("09:30", time(9, 30)),
        (" 17:45 ", time(17, 45)),
    ],
)
def test_parse_business_day_end_reads_hours_and_minutes(value: str, expected: time) -> None:
    assert parse_business_day_end(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "18", "6:00", "24:00", "18:60", "18:00:00", "18.00", "six", "-1:00", "1800", "18:0"],
)
def test_parse_business_day_end_refuses_anything_but_hh_mm(value: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_business_day_end(value)

    assert refused.value.field == "business_day_end"
    assert f"'{value}'" in refused.value.reason


@given(st.times())
def test_every_time_of_day_written_as_hh_mm_parses_back_to_the_minute(moment: time) -> None:
    assert parse_business_day_end(moment.strftime("%H:%M")) == moment.replace(
        second=0, microsecond=0
    )
