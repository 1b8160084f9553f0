"""The checks of the small shared values: external ids, country codes, time zones, instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.domain.errors import InvalidValue
from keepword.domain.values import (
    EXTERNAL_ID_MAX,
    check_aware,
    check_country,
    check_external_id,
    check_timezone,
)

# Characters an id may hold: printable ones (str.isprintable) but whitespace and '/'.
# (Every character str.isspace() accepts is in Zs, Zl, Zp or Cc; unassigned ones are Cn.)
ID_CHARACTERS = st.characters(
    exclude_categories=("Cc", "Cf", "Cs", "Cn", "Co", "Zs", "Zl", "Zp"), exclude_characters="/"
)
USABLE_IDS = st.text(ID_CHARACTERS, min_size=1, max_size=EXTERNAL_ID_MAX)
FIELDS = st.sampled_from(["id", "customer_id", "turns.3.agent_id", "source_id"])
# Inside an id, every one of these makes it unusable.
FORBIDDEN = st.sampled_from([" ", "/", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\x1c"])


# --- external ids ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "cust-1",
        "a",
        "x" * EXTERNAL_ID_MAX,
        "case#913",
        "a.b_c@d:e",
        "ÄÖü-Ω-客户",
        "12345",
        "zendesk:ticket:9?x=1",
    ],
)
def test_a_usable_external_id_is_returned_unchanged(value: str) -> None:
    assert check_external_id("id", value) == value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * (EXTERNAL_ID_MAX + 1), id="129 characters"),
        pytest.param("a b", id="space"),
        pytest.param("a/b", id="slash"),
        pytest.param("/", id="only a slash"),
        pytest.param(" lead", id="leading space"),
        pytest.param("tab\there", id="tab"),
        pytest.param("new\nline", id="inner newline"),
        pytest.param("non\u00a0breaking", id="no-break space"),
    ],
)
def test_an_unusable_external_id_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_external_id("customer_id", value)

    assert refused.value.field == "customer_id"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("cust-1\n", id="short id"),
        pytest.param("x" * EXTERNAL_ID_MAX + "\n", id="129 characters with the newline"),
    ],
)
def test_an_external_id_ending_in_a_newline_is_refused(value: str) -> None:
    # A regex ending in `$` would also match before a final newline.
    with pytest.raises(InvalidValue):
        check_external_id("id", value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a\x00b", id="NUL"),
        pytest.param("a\x1b[31mred", id="escape sequence"),
        pytest.param("a\x7fb", id="DEL"),
    ],
)
def test_an_external_id_with_a_control_character_is_refused(value: str) -> None:
    # PostgreSQL refuses NUL in text; other control characters are no better in an id.
    with pytest.raises(InvalidValue):
        check_external_id("id", value)


@given(value=USABLE_IDS)
def test_any_id_of_1_to_128_characters_without_whitespace_or_slash_is_accepted(
    value: str,
) -> None:
    assert check_external_id("id", value) == value


@given(
    field=FIELDS,
    value=st.one_of(
        st.just(""),
        st.text(ID_CHARACTERS, min_size=EXTERNAL_ID_MAX + 1, max_size=EXTERNAL_ID_MAX + 40),
        # A forbidden character with something after it (a final newline is tested above).
        st.builds(
            lambda head, bad, tail: head + bad + tail,
            st.text(ID_CHARACTERS, max_size=20),
            FORBIDDEN,
            st.text(ID_CHARACTERS, min_size=1, max_size=20),
        ),
    ),
)
def test_the_error_for_a_refused_id_names_the_field(field: str, value: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_external_id(field, value)

    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")


# --- country codes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("GB", "GB"),
        ("gb", "GB"),
        ("It", "IT"),
        (" de ", "DE"),
        (None, None),
    ],
)
def test_a_country_code_is_returned_in_upper_case(value: str | None, expected: str | None) -> None:
    assert check_country("country", value) == expected


@pytest.mark.parametrize("value", ["", "G", "GBR", "12", "G1", "G B", "ÄB", "--"])
def test_a_value_that_is_not_an_alpha_2_code_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_country("customer.country", value)

    assert refused.value.field == "customer.country"
    assert f"'{value}'" in str(refused.value)


# --- time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["UTC", "Europe/London", "Europe/Rome", "America/Argentina/Buenos_Aires", "Asia/Kolkata", None],
)
def test_a_known_iana_time_zone_is_returned_unchanged(value: str | None) -> None:
    assert check_timezone("timezone", value) == value


@pytest.mark.parametrize(
    "value",
    ["", "Mars/Base", "Europe/Londres", "Europe/London ", "+02:00", "../etc/passwd", "/etc/passwd"],
)
def test_an_unknown_time_zone_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_timezone("customer.timezone", value)

    assert refused.value.field == "customer.timezone"


# --- instants -------------------------------------------------------------------------------


class _NoOffset(tzinfo):
    """A tzinfo that does not know its offset: the instant stays ambiguous."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 9, 2, 9, 14, tzinfo=UTC),
        datetime(2026, 9, 2, 11, 14, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 9, 2, 4, 14, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Rome")),
    ],
)
def test_an_instant_with_an_offset_is_returned_unchanged(value: datetime) -> None:
    assert check_aware("started_at", value) is value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(datetime(2026, 9, 2, 9, 14), id="naive"),  # noqa: DTZ001
        pytest.param(datetime(2026, 9, 2, 9, 14, tzinfo=_NoOffset()), id="tzinfo without offset"),
    ],
)
def test_an_instant_without_an_offset_is_refused_naming_the_field(value: datetime) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_aware("turns.2.at", value)

    assert refused.value.field == "turns.2.at"
    assert "UTC offset" in refused.value.reason
