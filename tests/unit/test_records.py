"""Parsing of the JSON records and of JSON Lines conversation files."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from keepword.adapters.helpdesk.records import (
    BALANCE_MAX,
    AccountRecord,
    conversation_to_record,
    format_balance,
    parse_conversation,
    parse_conversation_lines,
)
from keepword.domain.conversations import Channel, Speaker
from keepword.domain.errors import InvalidValue
from keepword.services.conversations import IncomingConversation, ParsedLine, RejectedLine
from tests.factories import account_record, conversation_record

BIGINT = 2**63 - 1  # the range of accounts.balance_minor
BALANCE_MAX_MINOR = int(BALANCE_MAX * 100)


def _line(record: Any) -> str:
    return json.dumps(record)


def _parse_one(line: str) -> IncomingConversation | RejectedLine:
    parsed: list[ParsedLine] = list(parse_conversation_lines([line]))
    assert len(parsed) == 1
    return parsed[0][1]


def _rejected(line: str) -> RejectedLine:
    result = _parse_one(line)
    assert isinstance(result, RejectedLine), result
    return result


def _accepted(record: dict[str, Any]) -> IncomingConversation:
    result = _parse_one(_line(record))
    assert isinstance(result, IncomingConversation), result
    return result


# --- JSON Lines -----------------------------------------------------------------------------


def test_lines_are_numbered_from_one_and_blank_lines_are_skipped() -> None:
    lines = [_line(conversation_record("c-1")), "", "   ", _line(conversation_record("c-4")), "\t"]

    parsed = list(parse_conversation_lines(lines))

    assert [number for number, _ in parsed] == [1, 4]
    assert [
        result.conversation.external_id
        for _, result in parsed
        if isinstance(result, IncomingConversation)
    ] == ["c-1", "c-4"]


def test_a_rejected_line_carries_its_own_number() -> None:
    lines = [_line(conversation_record("c-1")), "{oops", _line(conversation_record("c-3"))]

    parsed = dict(parse_conversation_lines(lines))

    rejected = parsed[2]
    assert isinstance(rejected, RejectedLine)
    assert rejected.line == 2


def test_a_line_that_is_not_json_is_rejected_as_not_json() -> None:
    rejected = _rejected('{"id": "c-1", "channel": ')

    assert rejected.reason.startswith("not JSON: ")
    assert "column" in rejected.reason
    assert rejected.conversation_id is None


def test_a_json_array_line_is_rejected_as_not_an_object() -> None:
    rejected = _rejected(_line([conversation_record()]))

    assert "JSON object" in rejected.reason
    assert rejected.conversation_id is None


@pytest.mark.parametrize("value", ['"just a string"', "42", "null", "true"])
def test_a_json_scalar_line_is_rejected_as_not_an_object(value: str) -> None:
    assert "JSON object" in _rejected(value).reason


def test_a_line_without_an_id_is_rejected_naming_id() -> None:
    record = conversation_record()
    del record["id"]

    rejected = _rejected(_line(record))

    assert rejected.reason.startswith("id: ")
    assert rejected.conversation_id is None


@pytest.mark.parametrize("started_at", ["2026-09-02T10:14:00", "2026-09-02 10:14:00", "2026-09-02"])
def test_a_start_without_offset_is_rejected_naming_started_at(started_at: str) -> None:
    rejected = _rejected(_line(conversation_record("c-9", started_at=started_at)))

    assert rejected.reason.startswith("started_at: ")
    assert rejected.conversation_id == "c-9"


def test_an_unknown_channel_is_rejected_naming_channel() -> None:
    rejected = _rejected(_line(conversation_record(channel="fax")))

    assert rejected.reason.startswith("channel: ")
    assert rejected.conversation_id == "conv-1"


def test_a_wrong_speaker_in_the_second_turn_is_rejected_naming_turns_1_speaker() -> None:
    record = conversation_record()
    record["turns"][1]["speaker"] = "bot"

    rejected = _rejected(_line(record))

    assert rejected.reason.startswith("turns.1.speaker: ")


def test_a_turn_without_offset_is_rejected_naming_the_turn() -> None:
    record = conversation_record()
    record["turns"][0]["at"] = "2026-09-02T10:14:05"

    assert _rejected(_line(record)).reason.startswith("turns.0.at: ")


def test_a_conversation_without_turns_is_rejected_naming_turns() -> None:
    assert _rejected(_line(conversation_record(turns=[]))).reason.startswith("turns: ")


@pytest.mark.parametrize("country", ["GBR", "G", "12"])
def test_a_bad_customer_country_is_rejected_with_the_value(country: str) -> None:
    record = conversation_record(customer={"id": "cust-1", "country": country})

    rejected = _rejected(_line(record))

    assert "country" in rejected.reason
    assert f"'{country}'" in rejected.reason
    assert rejected.conversation_id == "conv-1"


def test_a_bad_customer_timezone_is_rejected_with_the_value() -> None:
    record = conversation_record(customer={"id": "cust-1", "timezone": "Mars/Base"})

    rejected = _rejected(_line(record))

    assert "timezone" in rejected.reason
    assert "'Mars/Base'" in rejected.reason


def test_a_bad_customer_id_is_reported_as_customer_id() -> None:
    # "id" alone would read as the conversation's own id.
    record = conversation_record(customer={"id": "cust 1"})

    rejected = _rejected(_line(record))

    assert rejected.reason.startswith("customer.id: ")


def test_a_case_id_that_is_not_a_usable_id_is_rejected_naming_case_id() -> None:
    result = _parse_one(_line(conversation_record(case_id="case 1")))

    assert isinstance(result, RejectedLine)
    assert result.reason.startswith("case_id: ")


def test_a_line_nested_too_deeply_is_rejected_rather_than_raised() -> None:
    # json.loads raises RecursionError here; one hostile line must not end the import.
    line = "[" * 100_000 + "]" * 100_000

    assert isinstance(_rejected(line), RejectedLine)


def test_a_valid_line_gives_the_customer_details_the_source_sent() -> None:
    incoming = _accepted(
        conversation_record(customer={"id": "cust-1", "country": "gb", "timezone": "Europe/London"})
    )

    assert incoming.conversation.customer_id == "cust-1"
    assert incoming.customer_country == "GB"
    assert incoming.customer_timezone == "Europe/London"


def test_a_conversation_without_customer_is_anonymous() -> None:
    record = conversation_record()
    del record["customer"]

    incoming = _accepted(record)

    assert incoming.conversation.customer_id is None
    assert incoming.customer_country is None


def test_a_valid_line_keeps_its_instants_with_their_offsets() -> None:
    conversation = _accepted(conversation_record()).conversation

    plus_one = timezone(timedelta(hours=1))
    assert conversation.started_at == datetime(2026, 9, 2, 10, 14, tzinfo=plus_one)
    assert conversation.started_at.utcoffset() == timedelta(hours=1)
    assert conversation.turns[1].speaker is Speaker.AGENT
    assert conversation.turns[1].agent_id == "a-7"
    assert conversation.turns[1].team == "provisioning"
    assert conversation.channel is Channel.CHAT


def test_a_turn_without_at_takes_started_at() -> None:
    record = conversation_record()
    del record["turns"][0]["at"]

    conversation = _accepted(record).conversation

    assert conversation.turns[0].at == conversation.started_at
    assert conversation.turns[1].at != conversation.started_at


def test_a_missing_channel_means_other() -> None:
    record = conversation_record()
    del record["channel"]

    assert _accepted(record).conversation.channel is Channel.OTHER


def test_unknown_top_level_fields_land_in_extra() -> None:
    gold = {"turns": {"1": ["apologizes"]}, "promises": [{"turn": 1, "kind": "activation"}]}
    record = conversation_record(gold=gold, source="zendesk", priority=3)

    conversation = _accepted(record).conversation

    assert conversation.extra == {"gold": gold, "source": "zendesk", "priority": 3}


def test_known_fields_do_not_land_in_extra() -> None:
    assert _accepted(conversation_record()).conversation.extra == {}


def test_parse_conversation_refuses_a_value_that_is_not_an_object() -> None:
    with pytest.raises(InvalidValue, match="JSON object"):
        parse_conversation(["not", "an", "object"])


# --- back to a record -----------------------------------------------------------------------


def test_conversation_to_record_gives_back_the_same_turns() -> None:
    record = conversation_record()

    again = conversation_to_record(_accepted(record).conversation)

    assert again["turns"] == record["turns"]


def test_conversation_to_record_gives_back_the_same_line_with_customer_details() -> None:
    record = conversation_record(gold={"promises": []})
    incoming = _accepted(record)

    again = conversation_to_record(
        incoming.conversation, incoming.customer_country, incoming.customer_timezone
    )

    assert again == record


@given(
    texts=st.lists(st.text(st.characters(exclude_characters="\x00")), min_size=1, max_size=5),
    extra=st.dictionaries(
        st.text(min_size=1).filter(
            lambda k: k not in {"id", "channel", "started_at", "customer", "case_id", "turns"}
        ),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text()),
        max_size=3,
    ),
)
def test_a_parsed_record_survives_a_round_trip_through_json_lines(
    texts: list[str], extra: dict[str, Any]
) -> None:
    turns = [
        {"speaker": "customer", "text": text, "at": "2026-09-02T10:14:05+01:00"} for text in texts
    ]
    record = conversation_record(turns=turns, **extra)
    conversation = _accepted(record).conversation

    again = _accepted(json.loads(json.dumps(conversation_to_record(conversation)))).conversation

    assert again.turns == conversation.turns
    assert again.extra == conversation.extra == extra


# --- accounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "minor"),
    [
        ("-42.50", -4250),
        ("0.00", 0),
        ("0", 0),
        ("12", 1200),
        ("12.3", 1230),
        ("-0.01", -1),
        ("1234567.89", 123456789),
        ("  7.05 ", 705),
    ],
)
def test_an_account_balance_is_read_in_minor_units(balance: str, minor: int) -> None:
    record = AccountRecord.model_validate(account_record(balance=balance))

    assert record.to_domain("acc-1").balance_minor == minor


@pytest.mark.parametrize("balance", ["12.345", "0.001", "-42.505"])
def test_a_balance_with_more_than_two_decimals_is_refused(balance: str) -> None:
    with pytest.raises(ValidationError, match="at most 2 decimal places"):
        AccountRecord.model_validate(account_record(balance=balance))


@pytest.mark.parametrize("balance", ["abc", "", "12,50", "NaN", "Infinity", "-inf"])
def test_a_balance_that_is_not_a_finite_decimal_is_refused(balance: str) -> None:
    with pytest.raises(ValidationError) as refused:
        AccountRecord.model_validate(account_record(balance=balance))

    assert refused.value.errors()[0]["loc"] == ("balance",)


@pytest.mark.parametrize("balance", ["1e30", "9" * 40])
def test_a_huge_balance_is_refused_as_a_validation_error(balance: str) -> None:
    # Beyond 28 digits decimal's quantize() raises; it must still be a validation error.
    with pytest.raises(ValidationError):
        AccountRecord.model_validate(account_record(balance=balance))


@pytest.mark.parametrize(
    ("minor", "text"),
    [
        (-4250, "-42.50"),
        (0, "0.00"),
        (5, "0.05"),
        (-1, "-0.01"),
        (100, "1.00"),
        (123456, "1234.56"),
    ],
)
def test_format_balance_writes_minor_units_as_a_two_decimal_string(minor: int, text: str) -> None:
    assert format_balance(minor) == text


@given(st.integers(min_value=-BALANCE_MAX_MINOR, max_value=BALANCE_MAX_MINOR))
def test_format_balance_round_trips_through_the_account_record(minor: int) -> None:
    record = AccountRecord.model_validate(account_record(balance=format_balance(minor)))

    assert record.to_domain("acc-1").balance_minor == minor


def test_an_account_currency_is_upper_cased() -> None:
    record = AccountRecord.model_validate(account_record(currency="gbp"))

    assert record.to_domain("acc-1").currency == "GBP"


def test_an_account_record_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        AccountRecord.model_validate(account_record(colour="blue"))

    assert refused.value.errors()[0]["loc"] == ("colour",)
