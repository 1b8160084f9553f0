"""When a promise falls due: the table of promises.md, row by row, and the rules of
docs/promise-time.md, on literal instants in literal calendars."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit.timeexpr import BusinessCalendar, Due, resolve_due
from keepword.audit.timeexpr.expressions import find_expressions, might_hold_time

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
GB = BusinessCalendar(LONDON, "GB")
US = BusinessCalendar(NEW_YORK, "US")
DE = BusinessCalendar(BERLIN, "DE")
NOWHERE = BusinessCalendar(ZoneInfo("UTC"), None)
# Wednesday 12 March 2025, 10:00 in London (GMT): the turn most cases are said at.
WEDNESDAY = datetime(2025, 3, 12, 10, 0, tzinfo=LONDON)


def due(text: str, said_at: datetime = WEDNESDAY, calendar: BusinessCalendar = GB) -> Due:
    found = resolve_due(text, said_at, calendar)
    assert found is not None, f"no due in {text!r}"
    return found


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def end_of(day: date, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


# --- the table of promises.md, every row ---------------------------------------------

TABLE = [
    # a clock time: that instant, minute
    ("I'll call you tomorrow at 10am.", local(2025, 3, 13, 10, 0), "minute", "clock_time"),
    ("The engineer comes Friday 3pm.", local(2025, 3, 14, 15, 0), "minute", "clock_time"),
    # within / in N minutes / hours: turn time + N, minute
    ("It will be live within 2 hours.", local(2025, 3, 12, 12, 0), "minute", "hours"),
    ("You'll get the email in 30 minutes.", local(2025, 3, 12, 10, 30), "minute", "hours"),
    # a day: 23:59:59 of it, day
    ("It ships tomorrow.", end_of(date(2025, 3, 13)), "day", "day"),
    ("The technician comes on Friday.", end_of(date(2025, 3, 14)), "day", "weekday"),
    ("You'll have it by Friday.", end_of(date(2025, 3, 14)), "day", "weekday"),
    ("The refund lands on the 5th.", end_of(date(2025, 4, 5)), "day", "day"),
    # within / in N days, N days: 23:59:59 of (turn's date + N), day
    ("It will arrive within 3 days.", end_of(date(2025, 3, 15)), "day", "days"),
    ("It will arrive in 3 days.", end_of(date(2025, 3, 15)), "day", "days"),
    ("Activation: 3 days.", end_of(date(2025, 3, 15)), "day", "days"),
    # within N business / working days: the Nth business day after the turn's date
    ("Refunds take 5 business days.", end_of(date(2025, 3, 19)), "day", "business_days"),
    ("It will be live within 2 working days.", end_of(date(2025, 3, 14)), "day", "business_days"),
    # a range: the upper bound
    ("Delivery takes 3-5 days.", end_of(date(2025, 3, 17)), "day", "days"),
    ("Allow 5 to 7 business days.", end_of(date(2025, 3, 21)), "day", "business_days"),
    ("The credit shows in 24-48 hours.", local(2025, 3, 14, 10, 0), "minute", "hours"),
    # in N weeks: 23:59:59 of (turn's date + 7N)
    (
        "The repair takes 2 weeks, it'll be back in 2 weeks.",
        end_of(date(2025, 3, 26)),
        "day",
        "weeks",
    ),
    # next week / this week / end of the week: the last business day of that week
    ("We'll send it next week.", end_of(date(2025, 3, 21)), "day", "next_week"),
    ("We'll send it this week.", end_of(date(2025, 3, 14)), "day", "this_week"),
    ("It'll be there by the end of the week.", end_of(date(2025, 3, 14)), "day", "this_week"),
    # this weekend / over the weekend: the coming Sunday
    ("The fix goes out this weekend.", end_of(date(2025, 3, 16)), "day", "weekend"),
    ("Extra capacity is added over the weekend.", end_of(date(2025, 3, 16)), "day", "weekend"),
    # (by the) end of the month, this month: the month's last day
    (
        "You'll get the bill by the end of the month.",
        end_of(date(2025, 3, 31)),
        "day",
        "end_of_month",
    ),
    ("The credit is applied this month.", end_of(date(2025, 3, 31)), "day", "end_of_month"),
    # today, end of day, EOD, tonight: 23:59:59 today
    ("I'll sort it today.", end_of(date(2025, 3, 12)), "day", "today"),
    ("You'll hear back by end of day.", end_of(date(2025, 3, 12)), "day", "today"),
    ("Will confirm EOD.", end_of(date(2025, 3, 12)), "day", "today"),
    ("The fix ships tonight.", end_of(date(2025, 3, 12)), "day", "today"),
    # end of business, close of business, COB: 17:00 today, minute
    (
        "You'll have the code by close of business.",
        local(2025, 3, 12, 17, 0),
        "minute",
        "close_of_business",
    ),
    (
        "I'll have it to you by end of business.",
        local(2025, 3, 12, 17, 0),
        "minute",
        "close_of_business",
    ),
    ("Will send by COB.", local(2025, 3, 12, 17, 0), "minute", "close_of_business"),
    # this morning / afternoon / evening: 12:00 / 17:00 / 21:00 today
    ("I'll call you this morning.", local(2025, 3, 12, 12, 0), "minute", "part_of_day"),
    (
        "A supervisor will call you this afternoon.",
        local(2025, 3, 12, 17, 0),
        "minute",
        "part_of_day",
    ),
    ("We expect service back this evening.", local(2025, 3, 12, 21, 0), "minute", "part_of_day"),
    # tomorrow morning / afternoon / evening
    (
        "The update is released tomorrow morning.",
        local(2025, 3, 13, 12, 0),
        "minute",
        "part_of_day",
    ),
    (
        "The technician comes tomorrow afternoon.",
        local(2025, 3, 13, 17, 0),
        "minute",
        "part_of_day",
    ),
    ("I'll ring you tomorrow evening.", local(2025, 3, 13, 21, 0), "minute", "part_of_day"),
    # a weekday alone: the next such day after today
    ("I'll ring you on Tuesday to agree a slot.", end_of(date(2025, 3, 18)), "day", "weekday"),
    ("Monday.", end_of(date(2025, 3, 17)), "day", "weekday"),
    # next <weekday>: that weekday in next week
    ("The courier collects it next Monday.", end_of(date(2025, 3, 17)), "day", "next_weekday"),
    ("We'll check in next Friday.", end_of(date(2025, 3, 21)), "day", "next_weekday"),
    # a couple of days / hours: N = 2
    ("It'll show in a couple of days.", end_of(date(2025, 3, 14)), "day", "days"),
    ("I'll text you within a couple of hours.", local(2025, 3, 12, 12, 0), "minute", "hours"),
    # an hour or so, a day or so: N = 1
    ("It'll take an hour or so to become active.", local(2025, 3, 12, 11, 0), "minute", "hours"),
    ("The credit shows within a day or so.", end_of(date(2025, 3, 13)), "day", "days"),
]


@pytest.mark.parametrize(("text", "at", "granularity", "rule"), TABLE)
def test_each_row_of_the_promises_table_gives_its_due(
    text: str, at: datetime, granularity: str, rule: str
) -> None:
    found = due(text)
    assert found.at == at
    assert found.granularity == granularity
    assert found.rule == rule


VAGUE = [
    "We'll get back to you shortly.",
    "It will be fixed soon.",
    "We'll sort it asap.",
    "We'll do it as soon as possible.",
    "You'll get a text in a few minutes.",
    "It may take a few days.",
    "New features are arriving in the coming weeks.",
]


@pytest.mark.parametrize("text", VAGUE)
def test_vague_words_give_a_due_with_no_instant(text: str) -> None:
    found = due(text)
    assert (found.at, found.granularity, found.rule) == (None, None, "vague")


@pytest.mark.parametrize(
    "text",
    [
        "We'll look into it.",
        "Please DM us your account number.",
        "Thanks for your patience!",
        "I've sent it.",
        "Your order number is 4471903 and your case is SR-22019.",
        "",
    ],
)
def test_a_text_with_no_time_gives_no_due(text: str) -> None:
    assert resolve_due(text, WEDNESDAY, GB) is None


def test_a_due_is_in_the_calendars_zone_whatever_the_zone_of_the_turn() -> None:
    said = datetime(2025, 3, 12, 10, 0, tzinfo=UTC).astimezone(NEW_YORK)
    found = due("We'll send it tomorrow.", said, GB)
    assert found.at is not None
    assert found.at.tzinfo == LONDON


def test_the_span_holds_the_words_that_gave_the_due() -> None:
    text = "Sorry about that, the refund will be back within 5 business days."
    found = due(text)
    assert text[found.span[0] : found.span[1]] == "within 5 business days"


def test_a_naive_turn_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        resolve_due("tomorrow", datetime(2025, 3, 12, 10, 0), GB)  # noqa: DTZ001


# --- next <weekday>, said on each weekday ----------------------------------------------


@pytest.mark.parametrize(
    ("said_on", "days_on"),
    [
        (date(2025, 3, 10), 7),  # a Monday: next week's Monday
        (date(2025, 3, 11), 6),
        (date(2025, 3, 12), 5),  # a Wednesday: 5 days on, as promises.md says
        (date(2025, 3, 13), 4),
        (date(2025, 3, 14), 3),
        (date(2025, 3, 15), 2),
        (date(2025, 3, 16), 1),  # a Sunday: next week starts tomorrow
    ],
)
def test_next_monday_is_the_monday_of_next_week_whatever_day_it_is_said(
    said_on: date, days_on: int
) -> None:
    said = datetime.combine(said_on, time(10, 0), tzinfo=LONDON)
    found = due("The courier collects it next Monday.", said)
    assert found.at == end_of(said_on + timedelta(days=days_on))


def test_next_friday_said_on_a_wednesday_is_nine_days_on() -> None:
    assert due("next Friday").at == end_of(date(2025, 3, 21))


def test_a_weekday_alone_said_on_that_weekday_is_a_week_on() -> None:
    assert due("We'll call you on Wednesday.").at == end_of(date(2025, 3, 19))


def test_this_friday_is_this_weeks_and_this_monday_the_coming_one() -> None:
    assert due("this Friday").at == end_of(date(2025, 3, 14))
    assert due("this Monday").at == end_of(date(2025, 3, 17))


# --- clock times ----------------------------------------------------------------------


def test_a_clock_time_already_past_today_is_tomorrows() -> None:
    late = datetime(2025, 3, 12, 22, 58, tzinfo=LONDON)
    assert due("The line stays open until 8 PM.", late).at == local(2025, 3, 13, 20, 0)


def test_a_bare_hour_is_the_next_one_in_waking_hours() -> None:
    before_noon = datetime(2025, 3, 12, 11, 45, tzinfo=LONDON)
    evening = datetime(2025, 3, 12, 20, 34, tzinfo=LONDON)
    assert due("Great, I'll speak to you at 10.", before_noon).at == local(2025, 3, 13, 10, 0)
    assert due("The rider will be with you by 8:50.", evening).at == local(2025, 3, 12, 20, 50)


def test_a_day_and_a_clock_range_give_the_ranges_upper_bound_on_that_day() -> None:
    assert due("The technician will come tomorrow between 2 and 4pm.").at == local(
        2025, 3, 13, 16, 0
    )
    assert due("The earliest slot is Wednesday, eight to noon.").at == local(2025, 3, 19, 12, 0)
    assert due("I've booked the first slot on Wednesday 8-12.").at == local(2025, 3, 19, 12, 0)


def test_a_clock_range_across_midnight_ends_the_next_day() -> None:
    assert due("Water will be off tonight from 10pm to 2am.").at == local(2025, 3, 13, 2, 0)


def test_a_clock_time_then_its_day_are_read_together() -> None:
    assert due("They'll text you by 5pm on Monday.").at == local(2025, 3, 17, 17, 0)
    assert due("Courier delivery to your address by 8pm tomorrow.").at == local(2025, 3, 13, 20, 0)


def test_after_a_clock_time_the_day_itself_is_the_due() -> None:
    found = due("The driver will drop it at the hub today after 4pm.")
    assert (found.at, found.granularity) == (end_of(date(2025, 3, 12)), "day")


def test_midnight_is_the_end_of_the_day_it_closes() -> None:
    found = due("Your line stays active until midnight tonight.")
    assert (found.at, found.granularity) == (end_of(date(2025, 3, 12)), "day")


def test_a_clock_time_in_another_zone_is_read_in_that_zone() -> None:
    found = due("The transfer will land by 6pm CT today.", calendar=NOWHERE)
    assert found.at == datetime(2025, 3, 12, 23, 0, tzinfo=UTC)


def test_close_of_business_said_after_it_is_the_next_business_days() -> None:
    friday_evening = datetime(2025, 3, 14, 18, 0, tzinfo=LONDON)
    assert due("You'll have it by close of business.", friday_evening).at == local(
        2025, 3, 17, 17, 0
    )


def test_close_of_business_is_the_organisations_hour() -> None:
    late_office = BusinessCalendar(LONDON, "GB", business_day_end=time(18, 30))
    assert due("by COB", calendar=late_office).at == local(2025, 3, 12, 18, 30)


# --- daylight saving ------------------------------------------------------------------


def test_in_two_hours_is_two_real_hours_across_the_spring_change_in_london() -> None:
    said = datetime(2025, 3, 30, 0, 30, tzinfo=LONDON)  # GMT; at 01:00 the clocks jump to 02:00
    found = due("It will be back in 2 hours.", said)
    assert found.at == datetime(2025, 3, 30, 3, 30, tzinfo=LONDON)
    assert found.at is not None
    # Aware datetimes of one zone subtract as wall times; elapsed time is measured in UTC.
    assert found.at.astimezone(UTC) - said.astimezone(UTC) == timedelta(hours=2)


def test_tomorrow_ends_at_midnight_summer_time_after_the_spring_change() -> None:
    said = datetime(2025, 3, 29, 12, 0, tzinfo=LONDON)
    found = due("It ships tomorrow.", said)
    assert found.at == datetime(2025, 3, 30, 23, 59, 59, tzinfo=LONDON)
    assert found.at is not None
    assert found.at.utcoffset() == timedelta(hours=1)


def test_a_clock_time_the_spring_change_skips_is_the_moment_of_the_jump() -> None:
    said = datetime(2025, 3, 29, 12, 0, tzinfo=LONDON)
    found = due("The work finishes by 1:30am tomorrow.", said)
    assert found.at is not None
    assert found.at.astimezone(UTC) == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)


def test_in_two_hours_is_two_real_hours_across_the_autumn_change_in_new_york() -> None:
    said = datetime(2025, 11, 2, 0, 30, tzinfo=NEW_YORK)  # EDT; at 02:00 the clocks go back
    found = due("Service will be back within 2 hours.", said, US)
    assert found.at is not None
    assert found.at.astimezone(UTC) - said.astimezone(UTC) == timedelta(hours=2)
    assert found.at.astimezone(UTC) == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)


def test_a_clock_time_the_autumn_change_repeats_is_its_first_occurrence() -> None:
    said = datetime(2025, 11, 1, 12, 0, tzinfo=NEW_YORK)
    found = due("The work is done by 1:30am tomorrow.", said, US)
    assert found.at is not None
    assert found.at.astimezone(UTC) == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)  # 01:30 EDT


def test_day_rules_count_calendar_dates_across_the_autumn_change() -> None:
    said = datetime(2025, 11, 1, 9, 0, tzinfo=NEW_YORK)
    found = due("It will arrive within 3 days.", said, US)
    assert found.at == datetime(2025, 11, 4, 23, 59, 59, tzinfo=NEW_YORK)


# --- business days and public holidays ------------------------------------------------


def test_business_days_skip_christmas_and_boxing_day_in_great_britain() -> None:
    said = datetime(2024, 12, 23, 11, 0, tzinfo=LONDON)
    assert due("The new card arrives within 3 working days.", said).at == end_of(date(2024, 12, 30))


def test_business_days_skip_thanksgiving_in_the_united_states() -> None:
    said = datetime(2024, 11, 26, 11, 0, tzinfo=NEW_YORK)
    assert due("Refunds take 2 business days.", said, US).at == end_of(date(2024, 11, 29), NEW_YORK)


def test_business_days_skip_german_unity_day() -> None:
    said = datetime(2025, 10, 1, 11, 0, tzinfo=BERLIN)
    assert due("Your confirmation arrives within 2 working days.", said, DE).at == end_of(
        date(2025, 10, 6), BERLIN
    )


def test_with_no_country_only_weekends_are_days_off() -> None:
    said = datetime(2024, 12, 23, 11, 0, tzinfo=UTC)
    found = due("The new card arrives within 3 working days.", said, NOWHERE)
    assert found.at == datetime(2024, 12, 26, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "calendar",
    [DE, NOWHERE, BusinessCalendar(ZoneInfo("Asia/Manila"), "ph", business_day_end=time(18, 0))],
)
def test_a_calendar_sent_to_a_worker_process_is_the_same(calendar: BusinessCalendar) -> None:
    # `keepword audit --workers` pickles each conversation's calendar for its processes.
    copy = pickle.loads(pickle.dumps(calendar))  # noqa: S301 (our own bytes)
    assert copy == calendar
    assert copy.add_business_days(date(2024, 12, 24), 2) == calendar.add_business_days(
        date(2024, 12, 24), 2
    )


def test_next_week_ends_on_its_last_business_day_when_friday_is_a_holiday() -> None:
    said = datetime(2025, 4, 10, 10, 0, tzinfo=LONDON)  # next week holds Good Friday
    assert due("The engineer will visit next week.", said).at == end_of(date(2025, 4, 17))


# --- month and year ends, leap days ----------------------------------------------------


def test_days_run_over_the_year_end() -> None:
    said = datetime(2025, 12, 30, 10, 0, tzinfo=UTC)
    found = due("It will arrive within 3 days.", said, NOWHERE)
    assert found.at == datetime(2026, 1, 2, 23, 59, 59, tzinfo=UTC)


def test_the_end_of_february_in_a_leap_year_is_the_29th() -> None:
    said = datetime(2024, 2, 10, 10, 0, tzinfo=UTC)
    found = due("You'll get it by the end of the month.", said, NOWHERE)
    assert found.at == datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)


def test_tomorrow_said_on_the_28th_of_february_2024_is_the_leap_day() -> None:
    said = datetime(2024, 2, 28, 10, 0, tzinfo=UTC)
    assert due("tomorrow", said, NOWHERE).at == datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)


def test_the_leap_day_is_a_business_day() -> None:
    said = datetime(2024, 2, 28, 10, 0, tzinfo=LONDON)
    assert due("within 2 business days", said).at == end_of(date(2024, 3, 1))


def test_a_month_on_from_the_31st_is_the_last_day_of_the_shorter_month() -> None:
    said = datetime(2024, 1, 31, 10, 0, tzinfo=UTC)
    assert due("in 1 month", said, NOWHERE).at == datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)


def test_a_year_on_from_the_leap_day_is_the_28th_of_february() -> None:
    said = datetime(2024, 2, 29, 10, 0, tzinfo=UTC)
    assert due("in 2 years", said, NOWHERE).at == datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC)


# --- dates --------------------------------------------------------------------------


def test_a_numeric_date_is_day_first_outside_the_us_canada_and_the_philippines() -> None:
    assert due("It airs on 11/3.", datetime(2025, 3, 1, 10, 0, tzinfo=LONDON)).at == end_of(
        date(2025, 3, 11)
    )
    said = datetime(2025, 10, 30, 10, 0, tzinfo=NEW_YORK)
    assert due("It airs on 11/3.", said, US).at == end_of(date(2025, 11, 3), NEW_YORK)


def test_a_numeric_date_that_fails_in_the_countrys_order_is_read_the_other_way() -> None:
    said = datetime(2025, 3, 1, 10, 0, tzinfo=NEW_YORK)
    assert due("Your appointment is on 13/03.", said, US).at == end_of(date(2025, 3, 13), NEW_YORK)


def test_a_time_relative_to_a_day_named_in_the_turn_counts_from_that_day() -> None:
    said = datetime(2025, 10, 30, 10, 0, tzinfo=NEW_YORK)
    found = due("It airs on 11/3 and will be up the next day.", said, US)
    assert (found.at, found.rule) == (end_of(date(2025, 11, 4), NEW_YORK), "relative_day")


def test_a_duration_of_an_event_counts_from_the_day_of_that_event() -> None:
    said = datetime(2024, 2, 1, 18, 22, tzinfo=UTC)
    text = (
        "A courier will collect the laptop on Monday and you'll have it back within 7 days"
        " of pickup."
    )
    assert due(text, said, NOWHERE).at == datetime(2024, 2, 12, 23, 59, 59, tzinfo=UTC)


def test_a_duration_of_an_undated_event_has_no_instant() -> None:
    found = due("The refund is issued within 14 days of us receiving the sandals.")
    assert (found.at, found.rule) == (None, "after_event")


def test_a_year_less_date_in_the_last_months_is_a_past_event() -> None:
    said = datetime(2024, 3, 27, 10, 0, tzinfo=LONDON)
    assert resolve_due("The cancellation on 18 March is on file.", said, GB) is None


def test_a_year_less_date_months_back_is_next_years() -> None:
    said = datetime(2024, 12, 24, 11, 41, tzinfo=LONDON)
    assert due("Your number stays active until 23 January.", said).at == end_of(date(2025, 1, 23))


def test_a_weekday_with_a_date_is_that_date() -> None:
    said = datetime(2024, 6, 11, 10, 14, tzinfo=ZoneInfo("Asia/Manila"))
    manila = BusinessCalendar(ZoneInfo("Asia/Manila"), "PH")
    found = due("The visit is rebooked for Thursday, June 13.", said, manila)
    assert found.at == end_of(date(2024, 6, 13), ZoneInfo("Asia/Manila"))


def test_before_a_day_means_by_the_end_of_the_day_before() -> None:
    assert due("It will be done before Friday.").at == end_of(date(2025, 3, 13))


# --- which expression sets the deadline ---------------------------------------------


def test_a_past_event_is_never_the_deadline() -> None:
    assert resolve_due("The port completed on Tuesday.", WEDNESDAY, GB) is None
    found = due("Your order was placed on Monday and will ship on Friday.")
    assert found.at == end_of(date(2025, 3, 14))


def test_a_holiday_is_never_the_deadline() -> None:
    found = due("Tomorrow is a bank holiday, so the technician will come on Friday.")
    assert found.at == end_of(date(2025, 3, 14))
    found = due("We're closed tomorrow, so your replacement ships on Friday.")
    assert found.at == end_of(date(2025, 3, 14))
    assert resolve_due("Monday's a bank holiday.", WEDNESDAY, GB) is None


def test_a_day_used_as_an_adjective_is_never_the_deadline() -> None:
    assert resolve_due("I've found Monday's ticket.", WEDNESDAY, GB) is None
    assert resolve_due("Sorry your Tuesday email went unanswered.", WEDNESDAY, GB) is None


def test_a_length_is_never_the_deadline() -> None:
    assert resolve_due("You've been without broadband for 3 days.", WEDNESDAY, GB) is None


def test_a_deadline_beats_a_day_said_before_it() -> None:
    text = "I'm sending a replacement out today, and it'll reach you within 2 working days."
    assert due(text).at == end_of(date(2025, 3, 14))


def test_with_no_deadline_the_first_expression_wins() -> None:
    assert due("I'll call you on Monday to confirm the visit on Friday.").at == end_of(
        date(2025, 3, 17)
    )


def test_a_definite_time_beats_a_vague_one() -> None:
    assert due("We'll fix it asap, by Friday at the latest.").at == end_of(date(2025, 3, 14))


def test_the_latest_day_of_a_range_of_days_is_the_due() -> None:
    assert due("The engineer will come Monday or Tuesday.").at == end_of(date(2025, 3, 18))
    assert due("I'm off from next Monday to Friday.").at == end_of(date(2025, 3, 21))


def test_next_day_delivery_is_the_day_after_the_day_it_is_sent() -> None:
    assert due("It goes out today on next-day delivery.").at == end_of(date(2025, 3, 13))


def test_links_hold_no_dates() -> None:
    text = "Updated blog: https://web.archive.org/web/20200401234010/https://blog.example.com/2019/07/08/x"
    assert resolve_due(text, WEDNESDAY, GB) is None


# --- the calendar ---------------------------------------------------------------------


def test_the_nth_business_day_never_counts_the_day_itself() -> None:
    saturday = date(2025, 3, 15)
    assert GB.add_business_days(saturday, 1) == date(2025, 3, 17)
    assert GB.add_business_days(date(2025, 3, 12), 0) == date(2025, 3, 12)


def test_with_no_business_day_left_in_the_week_its_sunday_ends_it() -> None:
    assert GB.last_business_day_of_week(date(2025, 3, 15)) == date(2025, 3, 16)
    assert GB.last_business_day_of_week(date(2025, 3, 10)) == date(2025, 3, 14)


def test_an_unknown_country_is_refused_when_the_calendar_is_made() -> None:
    with pytest.raises(ValueError, match="XX"):
        BusinessCalendar(LONDON, "XX")


def test_a_country_code_is_read_in_any_case() -> None:
    assert BusinessCalendar(LONDON, "gb").is_holiday(date(2025, 12, 25))


def test_holidays_are_looked_up_once_per_country_and_year() -> None:
    from keepword.audit.timeexpr.calendar import _holiday_dates

    for day in range(1, 29):
        GB.is_business_day(date(2031, 2, day))
    assert _holiday_dates.cache_info().currsize >= 1
    before = _holiday_dates.cache_info().misses
    GB.is_business_day(date(2031, 3, 3))
    assert _holiday_dates.cache_info().misses == before


# --- the finder -----------------------------------------------------------------------


def test_the_cheap_look_passes_every_text_that_holds_a_time() -> None:
    for text, *_ in TABLE:
        assert might_hold_time(text)
    assert not might_hold_time("Thanks for reaching out, we appreciate it!")


def test_expressions_do_not_overlap_and_come_in_order() -> None:
    found = find_expressions("Call me tomorrow at 10am or on Friday between 2 and 4pm.")
    spans = [e.span for e in found]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


# --- properties -----------------------------------------------------------------------

CALENDARS = st.sampled_from([GB, US, DE, NOWHERE])
# Hypothesis takes naive bounds and adds the zone itself.
INSTANTS = st.datetimes(
    min_value=datetime(2023, 1, 1),  # noqa: DTZ001
    max_value=datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=30), INSTANTS, CALENDARS)
def test_within_n_business_days_lands_on_a_business_day_after_the_turn(
    n: int, said: datetime, calendar: BusinessCalendar
) -> None:
    found = due(f"It will be done within {n} business days.", said, calendar)
    assert found.at is not None
    day = found.at.date()
    turn_day = said.astimezone(calendar.zone).date()
    assert day > turn_day
    assert found.at > said
    assert calendar.is_business_day(day)
    between = [turn_day + timedelta(days=k) for k in range(1, (day - turn_day).days + 1)]
    assert sum(calendar.is_business_day(d) for d in between) == n


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=72),
    st.datetimes(
        min_value=datetime(2025, 3, 28),  # noqa: DTZ001
        max_value=datetime(2025, 4, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
    | st.datetimes(
        min_value=datetime(2025, 10, 31),  # noqa: DTZ001
        max_value=datetime(2025, 11, 4),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.sampled_from([GB, US]),
)
def test_in_n_hours_is_exactly_n_hours_of_elapsed_time_across_daylight_saving(
    n: int, said: datetime, calendar: BusinessCalendar
) -> None:
    found = due(f"It will be back in {n} hours.", said.astimezone(calendar.zone), calendar)
    assert found.at is not None
    assert found.at - said == timedelta(hours=n)
    assert found.granularity == "minute"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=60), INSTANTS, CALENDARS)
def test_within_n_days_is_the_end_of_the_local_date_n_days_on(
    n: int, said: datetime, calendar: BusinessCalendar
) -> None:
    found = due(f"You'll have it within {n} days.", said, calendar)
    assert found.at is not None
    assert found.at.date() == said.astimezone(calendar.zone).date() + timedelta(days=n)
    assert (found.at.hour, found.at.minute, found.at.second) == (23, 59, 59)


WORDS = st.sampled_from(
    "tomorrow today tonight next this Friday Monday 10am 3:30 pm at by within in 3 5-7 days hours "
    "business working week weekend month end of the COB EOD noon midnight 12/03 5th March "
    "between and to or from after before until soon asap couple few a an hour day or so . , ; ! "
    "Tuesday's is holiday closed was sent on 2 24/7 1/2 https://x.y/2019/07/08".split()
)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=14).map(" ".join) | st.text(max_size=80), INSTANTS, CALENDARS)
def test_any_text_gives_no_due_or_an_aware_due_in_the_calendars_zone(
    text: str, said: datetime, calendar: BusinessCalendar
) -> None:
    found = resolve_due(text, said, calendar)
    if found is None:
        return
    assert 0 <= found.span[0] <= found.span[1] <= len(text)
    if found.at is None:
        assert found.granularity is None
    else:
        assert found.at.tzinfo == calendar.zone
        assert found.granularity in ("minute", "day")


# --- the rules of docs/promise-time.md --------------------------------------------

DOCUMENTED = [
    ("I'll call you first thing tomorrow.", local(2025, 3, 13, 12, 0), "minute"),
    ("The engineer comes first thing Monday.", local(2025, 3, 17, 12, 0), "minute"),
    ("The fix goes out by this weekend.", end_of(date(2025, 3, 16)), "day"),
    ("We'll have it ready before the weekend.", end_of(date(2025, 3, 14)), "day"),
    ("The upgrade happens next weekend.", end_of(date(2025, 3, 23)), "day"),
    ("We'll call early next week.", end_of(date(2025, 3, 18)), "day"),
    ("The bill comes the following week.", end_of(date(2025, 3, 21)), "day"),
    ("It'll be back within a fortnight.", end_of(date(2025, 3, 26)), "day"),
    ("Updates on the status page every 30 mins.", local(2025, 3, 12, 10, 30), "minute"),
    ("Delivery is the week of 10 April.", end_of(date(2025, 4, 11)), "day"),
    ("The visit is on Wednesday 26th.", end_of(date(2025, 3, 26)), "day"),
    ("The engineer comes Friday next week.", end_of(date(2025, 3, 21)), "day"),
    ("The final bill arrives by the end of December.", end_of(date(2025, 12, 31)), "day"),
    ("The credit shows next month.", end_of(date(2025, 4, 30)), "day"),
    ("It'll be live the next business day.", end_of(date(2025, 3, 13)), "day"),
    ("The unlock takes effect in 30 seconds.", local(2025, 3, 12, 10, 0, 30), "minute"),
    ("I've held your slot for another 30 minutes.", local(2025, 3, 12, 10, 30), "minute"),
    ("Please allow up to 2 more business days.", end_of(date(2025, 3, 14)), "day"),
    ("Delivery: November 19-20.", end_of(date(2025, 11, 20)), "day"),
    ("Your new e-ticket arrives 30 minutes later.", local(2025, 3, 12, 10, 30), "minute"),
]


@pytest.mark.parametrize(("text", "at", "granularity"), DOCUMENTED)
def test_each_documented_rule_gives_its_due(text: str, at: datetime, granularity: str) -> None:
    found = due(text)
    assert (found.at, found.granularity) == (at, granularity)


@pytest.mark.parametrize(
    "text",
    [
        "Sorry it's the second time this week.",
        "I've cancelled the policy from today.",
        "I've closed your account today.",
        "We'll text you the moment it is live.",
        "I'm sending it now.",
        "The new one ships the same day.",
        "Ten days without your phone is a long time.",
        "Our support is 24/7.",
    ],
)
def test_background_and_events_give_no_due(text: str) -> None:
    assert resolve_due(text, WEDNESDAY, GB) is None


# --- more phrasings of the rows of promises.md -----------------------------------------

PHRASINGS = [
    # a day, then a clock range with words between them: the range's upper bound that day
    (
        "Your appointment is confirmed for tomorrow, Mar 13, between 8am and 12pm.",
        local(2025, 3, 13, 12, 0),
        "minute",
    ),
    (
        "The engineer is booked for Friday the 14th from 9 to 11.",
        local(2025, 3, 14, 11, 0),
        "minute",
    ),
    (
        "The engineer comes tomorrow (13 March) between 8 and 12.",
        local(2025, 3, 13, 12, 0),
        "minute",
    ),
    ("We've set the visit for tomorrow the 13th, 1pm to 5pm.", local(2025, 3, 13, 17, 0), "minute"),
    # "from now" is from the turn
    ("It will be done an hour or so from now.", local(2025, 3, 12, 11, 0), "minute"),
    ("The part should arrive a day or so from now.", end_of(date(2025, 3, 13)), "day"),
    ("It'll be back in an hour or so's time.", local(2025, 3, 12, 11, 0), "minute"),
    ("The line will be live two hours from now.", local(2025, 3, 12, 12, 0), "minute"),
    ("You'll have it 3 days from now.", end_of(date(2025, 3, 15)), "day"),
    # the end of a period in other words
    ("We'll have it to you by week's end.", end_of(date(2025, 3, 14)), "day"),
    ("The refund lands by the week's end.", end_of(date(2025, 3, 14)), "day"),
    ("It'll be paid by month end.", end_of(date(2025, 3, 31)), "day"),
    ("It'll be paid by month's end.", end_of(date(2025, 3, 31)), "day"),
    ("We'll confirm end-of-week.", end_of(date(2025, 3, 14)), "day"),
    ("We'll finish by the end of the working week.", end_of(date(2025, 3, 14)), "day"),
    ("We'll finish by the end of the business week.", end_of(date(2025, 3, 14)), "day"),
    ("We'll finish by the end of the work week.", end_of(date(2025, 3, 14)), "day"),
    ("It will be sorted before the week is out.", end_of(date(2025, 3, 14)), "day"),
    ("It will be sorted before the month is out.", end_of(date(2025, 3, 31)), "day"),
    ("You'll have the credit by the time the month is over.", end_of(date(2025, 3, 31)), "day"),
    # parts of a named day, and later today
    ("I'll call you tomorrow in the evening.", local(2025, 3, 13, 21, 0), "minute"),
    ("The engineer will come tomorrow during the afternoon.", local(2025, 3, 13, 17, 0), "minute"),
    ("The engineer will come on Friday morning.", local(2025, 3, 14, 12, 0), "minute"),
    ("I'll get back to you later today.", end_of(date(2025, 3, 12)), "day"),
    ("I'll ring you later this evening.", local(2025, 3, 12, 21, 0), "minute"),
    # a fortnight, a couple of weeks, a week or two: 14 days
    ("It'll be back in a fortnight.", end_of(date(2025, 3, 26)), "day"),
    ("It'll be back within a fortnight.", end_of(date(2025, 3, 26)), "day"),
    ("The repair takes a couple of weeks.", end_of(date(2025, 3, 26)), "day"),
    ("The repair takes a week or two.", end_of(date(2025, 3, 26)), "day"),
]


@pytest.mark.parametrize(("text", "at", "granularity"), PHRASINGS)
def test_other_phrasings_of_the_table_give_its_due(
    text: str, at: datetime, granularity: str
) -> None:
    found = due(text)
    assert (found.at, found.granularity) == (at, granularity)


def test_the_working_week_ends_on_its_last_business_day() -> None:
    said = datetime(2025, 4, 14, 10, 0, tzinfo=LONDON)  # the week of Good Friday
    assert due("We'll finish by the end of the working week.", said).at == end_of(date(2025, 4, 17))


def test_the_end_of_the_business_day_is_still_close_of_business() -> None:
    assert due("We'll finish by the end of the business day.").at == local(2025, 3, 12, 17, 0)


def test_a_part_of_day_in_a_past_clause_gives_no_due() -> None:
    assert resolve_due("We had the engineer out during the afternoon.", WEDNESDAY, GB) is None


# --- a day named earlier in the turn ------------------------------------------------------

IN_CONTEXT = [
    (
        "The visit is set for Friday the 14th.",
        "You'll get the decision within 10 business days of that visit.",
        end_of(date(2025, 3, 28)),
    ),
    (
        "Your service will be connected on 3 April.",
        "Your modem will arrive 2 days before your connection date.",
        end_of(date(2025, 4, 1)),
    ),
    (
        "Your service will be connected on Monday 7 April.",
        "Your router arrives 2 working days before your connection date.",
        end_of(date(2025, 4, 3)),
    ),
    (
        "The fix ships in the release on 20 March, and",
        "your account gets it the day after.",
        end_of(date(2025, 3, 21)),
    ),
    (
        "The engineer comes on Monday.",
        "A week after that we'll review it.",
        end_of(date(2025, 3, 24)),
    ),
    (
        "The visit is set for Friday the 14th.",
        "We'll call you by 10am that day.",
        local(2025, 3, 14, 10),
    ),
    (
        "Collection is on Monday and the visit on Friday.",
        "The report comes the day after.",
        end_of(date(2025, 3, 15)),
    ),
    (
        "It airs on 20/3 and will be up the next day.",
        "You'll get an email the day after.",
        end_of(date(2025, 3, 22)),
    ),
]


@pytest.mark.parametrize(("context", "clause", "at"), IN_CONTEXT)
def test_a_clause_counts_from_the_last_day_its_context_names(
    context: str, clause: str, at: datetime
) -> None:
    found = resolve_due(clause, WEDNESDAY, GB, context=context)
    assert found is not None
    assert found.at == at


@pytest.mark.parametrize(("context", "clause", "at"), IN_CONTEXT)
def test_with_no_dated_day_in_the_context_a_clause_reads_as_without_it(
    context: str, clause: str, at: datetime
) -> None:
    alone = resolve_due(clause, WEDNESDAY, GB)
    assert resolve_due(clause, WEDNESDAY, GB, context="Thanks for bearing with us.") == alone
    assert alone is None or alone.at != at


def test_without_context_a_relative_clause_keeps_its_reading() -> None:
    assert due("Your account gets it the day after.").at == end_of(date(2025, 3, 13))
    assert due("You'll get the decision within 10 business days of that visit.").at is None
    assert (
        resolve_due("Your modem will arrive 2 days before your connection date.", WEDNESDAY, GB)
        is None
    )


def test_a_day_in_the_clause_beats_the_one_in_its_context() -> None:
    found = resolve_due(
        "It left us on Monday the 10th; allow 5 working days from then.",
        WEDNESDAY,
        GB,
        context="The visit is set for Friday the 14th.",
    )
    assert found is not None
    assert found.at == end_of(date(2025, 3, 17))


def test_an_event_told_as_a_clause_is_not_dated_by_the_context() -> None:
    context = "The visit is set for Friday the 14th."
    found = resolve_due(
        "Your refund is issued within 14 days of us receiving it.", WEDNESDAY, GB, context=context
    )
    assert found is not None
    assert (found.at, found.rule) == (None, "after_event")


def test_a_clause_that_dates_itself_ignores_the_context() -> None:
    found = resolve_due("It ships tomorrow.", WEDNESDAY, GB, context="The visit is on Friday.")
    assert found is not None
    assert found.at == end_of(date(2025, 3, 13))


def test_a_range_before_a_day_is_kept_until_its_lower_bound() -> None:
    context = "Your service will be connected on 3 April."
    found = resolve_due(
        "Your modem will arrive 2-3 days before that.", WEDNESDAY, GB, context=context
    )
    assert found is not None
    assert found.at == end_of(date(2025, 4, 1))


def test_a_weekday_and_date_named_as_an_anchor_is_this_months_first() -> None:
    # Monday 10 March was two days ago; 10 February was a Monday too, but further back.
    text = "It left us on Monday the 10th; allow 5 working days from then."
    assert due(text).at == end_of(date(2025, 3, 17))


# --- a clause that denies, a state, a thanks, a list, a thread counter ---------------------

WEDNESDAY_AT_NINE = datetime(2025, 3, 12, 9, 0, tzinfo=LONDON)

# A time in a clause that says the thing will not (or could not) happen is no deadline;
# the promise is in the clause that says what will happen. Advice ("don't forget") and a
# condition ("if you don't hear from us by Friday") still name the time.
DENIED_OR_NOT = [
    (
        "We can't get an engineer out today, but one will be with you tomorrow.",
        end_of(date(2025, 3, 13)),
    ),
    (
        "The parts won't arrive before Friday, so I'll ring you by 4pm today.",
        local(2025, 3, 12, 16),
    ),
    (
        "The courier couldn't reach you tonight; he'll try again tomorrow.",
        end_of(date(2025, 3, 13)),
    ),
    ("If you don't hear from us by Friday, please give us a call.", end_of(date(2025, 3, 14))),
    ("Let us know if the parcel hasn't arrived by Thursday.", end_of(date(2025, 3, 13))),
    ("Don't forget the engineer comes tomorrow.", end_of(date(2025, 3, 13))),
    ("The technician will come again on Friday.", end_of(date(2025, 3, 14))),
]


@pytest.mark.parametrize(("text", "at"), DENIED_OR_NOT)
def test_a_denied_time_is_no_deadline_but_a_condition_or_advice_is(text: str, at: datetime) -> None:
    assert due(text).at == at


# What is told as done, thanked for, denied or a state lasting until a day names no due.
@pytest.mark.parametrize(
    "text",
    [
        "It won't be ready today.",
        "I can't promise anything this afternoon.",
        "Thanks for coming in this morning.",
        "Thank you for your call today.",
        "I've reset the router and re-enabled the line this morning.",
        "Your request on Monday was approved.",
        "You've paid until 30 April.",
        "Your cover has been extended until 30 June.",
    ],
)
def test_a_denied_done_or_lasting_time_gives_no_due(text: str) -> None:
    assert resolve_due(text, WEDNESDAY_AT_NINE, GB) is None


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # The state lasts until April; the refund is what is promised.
        (
            "You've paid until 30 April, so we'll refund the rest within 3 working days.",
            end_of(date(2025, 3, 17)),
        ),
        # The request was approved on Monday; the card is what is promised.
        (
            "Your request on Monday was approved and the card will arrive within 5 working days.",
            end_of(date(2025, 3, 19)),
        ),
        # It is shut tonight (a closure); it is back tomorrow.
        (
            "The water is shut off tonight for repairs, but it will be back on tomorrow.",
            end_of(date(2025, 3, 13)),
        ),
        # What is said of a list of days ("the holidays on 17 and 18 March") holds for its last.
        (
            "Because of the holidays on 17 and 18 March, it will be delivered next week.",
            end_of(date(2025, 3, 21)),
        ),
    ],
)
def test_the_promised_time_wins_over_a_state_a_past_event_or_a_closure(
    text: str, at: datetime
) -> None:
    assert due(text).at == at


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # "n/m" after a signature or a full stop at the end of a tweet counts the thread.
        ("We'll have it fixed by tonight. ^Sam 2/2", end_of(date(2025, 3, 12))),
        ("The fix goes live on Friday. 1/2", end_of(date(2025, 3, 14))),
        # After a word that leads a date it is one: 3 April (the day first in GB).
        ("Your order ships on 3/4", end_of(date(2025, 4, 3))),
        ("Delivery date: 3/4", end_of(date(2025, 4, 3))),
    ],
)
def test_a_small_fraction_ending_a_tweet_after_a_signature_is_its_thread_counter(
    text: str, at: datetime
) -> None:
    assert due(text).at == at


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("I'll ring you on Thursday at 9, before the shop opens.", local(2025, 3, 13, 9)),
        ("Call back at 4, then we'll know more.", local(2025, 3, 12, 16)),
    ],
)
def test_a_bare_hour_before_a_comma_is_a_clock_time(text: str, at: datetime) -> None:
    assert due(text).at == at


def test_a_number_with_a_thousands_comma_is_no_clock_time() -> None:
    assert resolve_due("We sold it at 10,000 units.", WEDNESDAY, GB) is None


# The scan of a text's words finds its sentence and clause boundaries from an expression
# back, within the words a question reaches; the same words as the marks of the whole text.
_SCAN_TEXTS = [
    "Hi Sarah, we'll have the replacement sent out to you by Friday, and you should get it.",
    "It left on Mon. 3rd; the e.g. case is 10.30 - we'll call at 4pm (or 5) \u2013 ok? Then",
    "Thanks!\n\nYour refund of $20 goes out today. It will show in 3-5 days, so keep an eye "
    "on it, and if not, call us - any time - on 0800 123 456 [option 2]: we'll fix it.",
    " ".join(f"w{k}" + (". " if k % 17 == 0 else (", " if k % 7 == 0 else " ")) for k in range(90)),
]


@pytest.mark.parametrize("text", _SCAN_TEXTS)
def test_the_scan_reads_the_same_sentence_and_clause_as_the_marks_of_the_whole_text(
    text: str,
) -> None:
    from bisect import bisect_left
    from itertools import accumulate

    from keepword.audit.timeexpr import expressions as e

    lowered = text.lower()
    pieces = e._TOKEN_SPLIT.split(lowered)
    words, starts = pieces[1::2], list(accumulate(map(len, pieces)))[:-1:2]
    assert words == e._TOKEN.findall(lowered)
    sentence_marks = [m.start() for m in e._SENTENCE_MARK.finditer(text)]
    clause_marks = [m.start() for m in e._CLAUSE_MARK.finditer(text)]

    def after_mark(index: int, marks: list[int]) -> int:
        before = bisect_left(marks, starts[index]) - 1
        return bisect_left(starts, marks[before] + 1) if before >= 0 else 0

    scan = e._Scan(text, lowered, words, starts)
    for index in range(len(words)):
        sentence = after_mark(index, sentence_marks)
        for reach in (8, 30, 40):
            assert scan.words_before(index, reach) == words[max(sentence, index - reach) : index]
        assert scan.sentence_before(index) == words[max(sentence, index - 40) : index]
        first = max(after_mark(index, clause_marks), index - 30)
        starters = [k for k in range(first, index) if words[k] in e._CLAUSE_WORDS]
        clause = words[starters[-1] + 1 : index] if starters else words[first:index]
        assert scan.clause_before(index) == clause


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("We'll be there Friday the 14th.", local(2025, 3, 14, 23, 59, 59)),
        ("We'll be there Friday, 14 March.", local(2025, 3, 14, 23, 59, 59)),
        ("We'll be there Monday the seventeenth.", local(2025, 3, 17, 23, 59, 59)),
        ("We'll be there Friday next week.", local(2025, 3, 21, 23, 59, 59)),
        ("We'll be there Monday 17.", local(2025, 3, 17, 23, 59, 59)),
        ("We'll be there tomorrow (13 March).", local(2025, 3, 13, 23, 59, 59)),
        ("We'll be there tomorrow, the 13th.", local(2025, 3, 13, 23, 59, 59)),
        ("We'll be there Friday, the engineer says.", local(2025, 3, 14, 23, 59, 59)),
        ("We'll be there tomorrow with the part.", local(2025, 3, 13, 23, 59, 59)),
    ],
)
def test_a_day_with_or_without_a_tail_that_dates_it(text: str, at: datetime) -> None:
    # The tails are tried only where a number, a month or an ordinal word may follow.
    assert due(text).at == at
