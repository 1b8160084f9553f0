"""Time expressions in English text: what each one says, where it lies, and how it is used.

`find_expressions(text)` reads a clause or sentence's words once and tries the
patterns below only where a word can start an expression (a number, "tomorrow",
"next" before "week"...), anchored there; the words before it that bound it ("by",
"within the next") are read back from it. It returns what it found in text order,
without overlaps, each with its character span:

- `clock`: "10am", "10:30", "3 pm", "15:00", "noon", "midnight", "at 10", "9 this
  evening", and ranges such as "between 2 and 4pm", "8am-1pm", "eight to noon";
- `day`: "today", "tonight", "tomorrow", weekday names with "next", "this",
  "coming", dates ("the 5th", "5 March", "March 5", "12/03", "2025-03-05");
- `part`: "this morning", "tomorrow afternoon", "Thursday night", "in the evening";
- `duration`: "in 3 hours", "within 5 business days", "24-48 hours", "a couple of
  days", "an hour or so", "up to 72 hours", "a week after that";
- `period`: "this week", "next week", "end of the month", "over the weekend",
  "EOD", "close of business", "in March";
- `relative_day`: "the next day", "that day", "the day before";
- `vague`: "shortly", "soon", "asap", "a few days", "in the coming weeks".

Each expression also says how the clause uses it (`context`): a day can be
the deadline ("by Friday"), or only its background: a past event ("it arrived on
Monday"), a holiday or closure ("tomorrow is a bank holiday", "we're closed
tomorrow"), a day used as an adjective ("your Tuesday email", "Monday's ticket"),
a length ("for 3 days"), a repetition ("the second time this week"). The finder
knows nothing of calendars or countries: a numeric date keeps both its numbers
and the resolver orders them by the customer's country.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, pairwise
from typing import Final, Literal, NamedTuple

from keepword.audit.casefold import reads_as_lower

Kind = Literal["clock", "day", "part", "duration", "period", "relative_day", "vague"]
Context = Literal[
    "plain",  # may set the deadline
    "past",  # a past event: "since Tuesday", "it arrived on Monday", "two days ago"
    "holiday",  # names a holiday or closure: "tomorrow is a bank holiday", "closed Friday"
    "attributive",  # a day as an adjective: "your Tuesday email", "Monday's ticket"
    "possessive",  # "tonight's run", "tomorrow's flight": probably not the deadline
    "subject",  # the subject of "is": "Monday is the earliest"
    "repeat",  # a repetition or a state: "the second time this week", "as of today"
    "length",  # how long something lasts: "for 3 days"
    "negated",  # a time the clause denies: "I can't do that today", "it won't be ready today"
]
Marker = Literal["by", "before", "until", "after", "from", "at", "on", "in", "within", "every"]
Meridiem = Literal["am", "pm"]
Part = Literal["morning", "afternoon", "evening", "night"]
Unit = Literal["second", "minute", "hour", "day", "week", "month", "year"]
Relation = Literal[
    "from_turn", "from_tomorrow", "after_anchor", "before_anchor", "after_event", "after", "every"
]
DayKind = Literal[
    "today",
    "tonight",
    "tomorrow",
    "day_after_tomorrow",
    "yesterday",
    "weekday",
    "date",
    "numeric_date",
    "day_of_month",
]
WeekdayModifier = Literal["next", "this", "coming", "last", "next_week", "this_week"]
PeriodKind = Literal[
    "close_of_business",
    "end_of_day",
    "this_week",
    "next_week",
    "early_next_week",
    "weekend",
    "next_weekend",
    "this_month",
    "next_month",
    "this_year",
    "next_year",
    "month",
    "next_business_day",
]


# The values an expression holds are named tuples: immutable like frozen dataclasses, and
# several times quicker to build, which every expression of every turn does.


class Clock(NamedTuple):
    """A time of day as written. `hour` is 0-23 when written on a 24-hour clock or with
    `meridiem`; a bare "at 10" keeps hour 10 with no meridiem and `bare=True`."""

    hour: int
    minute: int
    meridiem: Meridiem | None
    bare: bool = False
    midnight: bool = False  # "midnight": the end of the day it closes
    exact: bool = False  # written on a 24-hour clock ("09:00", "15:00", "13"): no am/pm to guess


class DayName(NamedTuple):
    """A day as written; which date it is depends on the turn's date and the country."""

    kind: DayKind
    weekday: int | None = None  # 0 = Monday
    modifier: WeekdayModifier | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    numbers: tuple[int, int] | None = None  # "12/03": day and month, in an order to decide
    month_offset: int | None = None  # "the 15th of next month": 1


class Duration(NamedTuple):
    """A span of time: "3-5 business days" is low 3, high 5, unit day, business."""

    low: float
    high: float
    unit: Unit
    business: bool
    relation: Relation  # from the turn, from tomorrow, after a day named nearby, ...
    later: bool = False  # "3 days later": with no day named, from the turn


@dataclass(slots=True, init=False)
class Expression:
    """One time expression found in a text, with its span and what it says.

    The finder fills in what it learns after parsing (its context, its lead words) before
    anyone sees it, and nothing changes it afterwards. Not frozen: a frozen dataclass sets
    each of these two dozen fields through `object.__setattr__`, several times slower, and
    every expression of every turn is built here.
    """

    kind: Kind
    span: tuple[int, int]
    context: Context = "plain"
    marker: Marker | None = None
    clock: Clock | None = None  # clock: the time, or a range's upper bound
    clock_from: Clock | None = None  # clock: a range's lower bound
    clock_part: Part | None = None  # clock: "9 this evening" (evening), "8 in the morning"
    clock_today: bool = False  # clock: "this evening" / "tonight" pins the day to today
    weak: bool = False  # clock: a bare number ("Wednesday 8-12"): only with a day
    day: DayName | None = None  # day; part; period ("COB Friday", "end of Monday")
    part: Part | None = None  # part
    part_next: bool = False  # part: "in the morning": the next one still to come
    duration: Duration | None = None
    period: PeriodKind | None = None
    month: int | None = None  # period "month": "in March"
    year: int | None = None
    offset: int = 0  # relative_day: days after the day it hangs on
    from_today: bool = False  # relative_day: with no day named, counts from today ("next-day")
    zone: str | None = None  # clock: the IANA zone a code after it names ("6pm CT")
    past_tense: bool = False  # a past or perfect verb before it in its sentence governs it
    lead: str = ""  # the words before it that bound it, lower case ("by", "within the")
    week_of: bool = False  # day: "the week of April 10th", "w/c 4 February": that whole week

    def __init__(
        self,
        kind: Kind,
        span: tuple[int, int],
        context: Context = "plain",
        marker: Marker | None = None,
        clock: Clock | None = None,
        clock_from: Clock | None = None,
        clock_part: Part | None = None,
        clock_today: bool = False,
        weak: bool = False,
        day: DayName | None = None,
        part: Part | None = None,
        part_next: bool = False,
        duration: Duration | None = None,
        period: PeriodKind | None = None,
        month: int | None = None,
        year: int | None = None,
        offset: int = 0,
        from_today: bool = False,
        zone: str | None = None,
        past_tense: bool = False,
        lead: str = "",
        week_of: bool = False,
    ) -> None:
        # Written out, not the dataclass's generated __init__: mypyc compiles this one
        # (setup.py), and every expression of every clause is made here.
        self.kind = kind
        self.span = span
        self.context = context
        self.marker = marker
        self.clock = clock
        self.clock_from = clock_from
        self.clock_part = clock_part
        self.clock_today = clock_today
        self.weak = weak
        self.day = day
        self.part = part
        self.part_next = part_next
        self.duration = duration
        self.period = period
        self.month = month
        self.year = year
        self.offset = offset
        self.from_today = from_today
        self.zone = zone
        self.past_tense = past_tense
        self.lead = lead
        self.week_of = week_of


# --- words -----------------------------------------------------------------------------

_SMALL: Final = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS: Final = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS: Final = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
NUMBER_WORDS: dict[str, int] = {word: value for value, word in enumerate(_SMALL)}
for _t, _tens in enumerate(_TENS):
    NUMBER_WORDS[_tens] = 20 + 10 * _t
    for _u in range(1, 10):
        NUMBER_WORDS[f"{_tens} {_SMALL[_u]}"] = 20 + 10 * _t + _u
NUMBER_WORDS.update({"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a couple": 2})
ORDINAL_WORDS: dict[str, int] = {word: value + 1 for value, word in enumerate(_ORDINALS)}
for _u in range(1, 10):
    ORDINAL_WORDS[f"twenty {_ORDINALS[_u - 1]}"] = 20 + _u
ORDINAL_WORDS.update({"thirtieth": 30, "thirty first": 31})
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "weds": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_UNITS: dict[str, Unit] = {}
for _names, _unit in (
    (("second", "seconds", "sec", "secs"), "second"),
    (("minute", "minutes", "min", "mins"), "minute"),
    (("hour", "hours", "hr", "hrs", "h"), "hour"),
    (("day", "days", "weekday", "weekdays"), "day"),
    (("week", "weeks", "wk", "wks", "fortnight", "fortnights"), "week"),
    (("month", "months", "mos"), "month"),
    (("year", "years", "yr", "yrs"), "year"),
):
    for _name in _names:
        _UNITS[_name] = _unit  # type: ignore[assignment]


def _alternatives(words: list[str] | dict[str, int]) -> str:
    """A regex alternation of `words`, longest first so "sept" wins over "sep"."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"[-\s]+") for word in ordered)


_CARDINAL: Final = rf"(?:{_alternatives([w for w in NUMBER_WORDS if 'couple' not in w])})"
_NUMBER: Final = rf"(?:\d{{1,3}}(?:\.\d+)?|{_CARDINAL})"
_HOUR_WORD: Final = rf"(?:{_alternatives(_SMALL[1:13])})"
_ORDINAL_WORD: Final = rf"(?:{_alternatives(ORDINAL_WORDS)})"
_DAY_NUMBER_WORDS: Final = [w for w, v in NUMBER_WORDS.items() if 1 <= v <= 31 and w[0] not in "ac"]
_DAY_CARDINAL: Final = rf"(?:{_alternatives(_DAY_NUMBER_WORDS)})"
_WEEKDAY: Final = (
    rf"(?:(?:{_alternatives([w for w in WEEKDAYS if w.endswith('day')])})"
    rf"|(?:{_alternatives([w for w in WEEKDAYS if not w.endswith('day')])})\.?)(?!\w)"
)
_MONTH: Final = rf"(?:{_alternatives(MONTHS)})"
_FULL_MONTH: Final = rf"(?:{_alternatives([m for m in MONTHS if len(m) > 3 and m != 'sept'])})"
_MERIDIEM: Final = r"(?:[ap]\s?\.\s?m\s?\.|[ap]\.?\s?m\b)"
_APOSTROPHE: Final = r"['\u2019]"
_DASH: Final = r"(?:-|\u2013|\u2014)"
_UNIT: Final = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|hr|(?<=\d)h|days?|weekdays?|weeks?|wks?|"
    r"fortnights?|months?|mos|years?|yrs?)\b"
)
_ORD_SUFFIX: Final = r"(?:st|nd|rd|th)"
_NOT_ORDINAL_THING: Final = (
    r"(?!\s+(?:floor|street|st\b|ave\b|avenue|road|rd\b|time|times|try|attempt|place|edition|"
    r"generation|gen\b|century|anniversary|birthday|grade|round|call|item|one|person|reply))"
)

# --- the patterns of each kind (their group names are for the parsers) ----------------

_VAGUE: Final = r"""
    (?P<vpre>)
    (?:
        (?:(?:very|really|pretty|quite)\s+)?(?<!as\s)soon(?!\s+as\b)(?:\s+as\s+possible)?
      | as\s+soon\s+as\s+(?:possible|we\s+can|i\s+can|we\s+are\s+able|we're\s+able|practicable|
            humanly\s+possible)
      | shortly | asap\b | a\.s\.a\.p\.?
      | at\s+the\s+earliest\s+opportunity | in\s+due\s+course | before\s+long
      | at\s+some\s+point | later\s+on\b | momentarily | promptly
      | in\s+(?:a|the)\s+near\s+future | at\s+your\s+earliest\s+convenience
      | any\s+(?:minute|moment|day|time)\s+now
      | in\s+a\s+(?:little\s+|short\s+)?(?:bit|moment|while|jiffy|sec|second|minute)\b
      | a\s+(?:little|short)\s+while
      | (?:a\s+)?few\s+(?:more\s+)?(?:business\s+|working\s+)?
            (?:minutes|mins|hours|hrs|days|weeks|months)\b
      | (?:several|some|many)\s+(?:more\s+)?(?:business\s+|working\s+)?
            (?:minutes|hours|days|weeks|months)\b
      | (?:the\s+)?coming\s+(?:days|weeks|months)\b
    )
"""
_DURATION: Final = rf"""
    (?P<pre>)
    (?=[^;!?]{{0,48}}?(?:sec|min|h\b|hr|hour|day|week|wk|fortnight|mo|year|yr))  # a unit is near
    (?:
        (?P<couple>(?:a\s+)?couple\s+(?:of\s+)?)
      | (?P<half>half\s+an?\s+|a\s+half\s+)
      | (?:(?<=in\s)|(?<=within\s)|(?<=over\s)|(?<=during\s))(?P<the>the\s+(?:next\s+)?)
        (?=(?:hour|day|fortnight)\b)
      | (?P<nexthour>next\s+)(?=(?:hour|fortnight)\b)
      | (?<![\d.,:/$\u00a3\u20ac])(?P<n1>{_NUMBER})(?P<half1>\s+and\s+a\s+half)?
        (?:\s*(?:{_DASH}|to\b|or\b|and\b)\s*(?P<n2>{_NUMBER}))?\s*
    )
    (?:more\s+|further\s+|extra\s+|additional\s+|full\s+|calendar\s+|whole\s+|upcoming\s+
        |coming\s+|next\s+)?
    (?P<biz>(?:business|working|work|bank)\s+)?
    (?P<unit>{_UNIT})
    (?P<half2>\s+and\s+a\s+half)?
    (?P<post>\s+or\s+(?:so|two|2|three|3)\s+(?:from|after)\s+(?:now|today|tomorrow|tmrw)\b
        |\s+or\s+so\b|\s+or\s+(?:two|2|three|3)\b
        |\s+(?:from|after)\s+(?:now|today|tomorrow|tmrw)\b
        |\s+later\b|\s*{_APOSTROPHE}\s*time\b|\s+time\b|\s+away\b|\s+after(?:wards)?\b(?=\s*[.,;!?)]|\s*$))?
    (?P<reld>\s+(?:after|from|following|of)
        (?=\s+(?:{_WEEKDAY}|{_MONTH}\b|\d|next\s|this\s|the\s+\d|today|tomorrow)))?
    (?P<rel>\s+(?:of|after|from|following)\s+
        (?!(?:waiting|no|silence|delays?|outages?|downtime|service|use|usage|nothing|trying|
            the\s+(?:week|month|year|day)|(?:we|you|they|he|she|i)\b|{_WEEKDAY}|{_MONTH}\b|next\b|
            this\b|today\b|tomorrow\b)\b)
        (?:that|then|this|it|them|(?:the|your|our|its|their|my)\s+[a-z][a-z-]*|[a-z][a-z-]*))?
    (?P<event>\s+(?:once|after|when|as\s+soon\s+as|from\s+when|from\s+the\s+moment|of)\s+
        (?:we|you|they|it|he|she|i|the|your|our|their|us)\b)?
    (?P<before>\s+before\s+(?:(?:that|then|it)\b|(?:the|your|our|its|their|my|this)\s+
        (?!(?:weekend|week|month|year|end|day|morning|afternoon|evening|night|next|this|
            {_WEEKDAY}|{_MONTH})\b)[a-z][a-z-]*)(?:\s+(?:date|day)\b)?)?
"""
_CLOCK_CORE: Final = rf"""
    (?:
        (?P<noon>noon|midday|twelve\s+noon|12\s+noon|midnight)(?:ish\b)?
      | (?P<pm>half|quarter|\d{{1,2}}\s*min(?:ute)?s?|\d{{1,2}}(?=\s+past)
            |{_CARDINAL}(?:\s+minutes?)?)\s+
        (?P<pmrel>past|to)\s+(?P<pmh>\d{{1,2}}|{_HOUR_WORD})\b(?:\s*o{_APOSTROPHE}?\s?clock)?
        (?:\s*(?P<pmmer>{_MERIDIEM}))?
      | (?<![\d.,:/$\u00a3\u20ac])(?P<h6>\d{{1,2}})(?P<m6>[0-5]\d)\s*(?P<mer6>{_MERIDIEM})
      | (?<![\d.,:/$\u00a3\u20ac])(?P<h1>\d{{1,2}})(?:[:.](?P<m1>\d{{2}}))?(?::\d{{2}})?\s*\.?
        (?P<mer1>{_MERIDIEM})
      | (?<![\d.,:/$\u00a3\u20ac])(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?::\d{{2}})?(?![\d:])
        (?:\s*(?:hrs|h)\b)?
      | (?<![\d.,:/$\u00a3\u20ac])(?P<h3>\d{{1,2}})(?P<mer3>[ap])\b
      | (?<![\d.,:/$\u00a3\u20ac])(?P<h7>\d{{1,2}})ish\b
      | (?P<h4>(?<![\d.,:/$\u00a3\u20ac])\d{{1,2}}|{_HOUR_WORD})\s*o{_APOSTROPHE}?\s?clock
      | (?P<h5>{_HOUR_WORD})(?:\s+(?P<m5>thirty|fifteen|forty[-\s]five))?\s+(?P<mer5>{_MERIDIEM})
    )
"""
_CLOCK_CORE_UNNAMED: Final = re.sub(r"\?P<\w+>", "?:", _CLOCK_CORE)
_HOUR_MINUTE_WORDS: Final = (
    rf"(?:{_HOUR_WORD}(?:[-\s](?:thirty|fifteen|forty[-\s]five|twenty|ten|o[-\s]five)\b)?)"
)
_CLOCK_WEAK: Final = (
    rf"(?:(?<![\d.,:/$\u00a3\u20ac#])\d{{1,2}}(?:[:.]\d{{2}})?(?![\d.,:/%]\d)"
    rf"|{_HOUR_MINUTE_WORDS})"
)
_CLOCK_TAIL: Final = (
    r"(?:\s*,?\s*(?:this\s+(?:morning|afternoon|evening)|tonight|in\s+the\s+"
    r"(?:morning|afternoon|evening)|at\s+night))"
)
# Time zones said with a clock time ("6pm CT", "17:00 JST"); "IST" is India's here.
ZONES: dict[str, str] = {
    "utc": "UTC",
    "gmt": "UTC",
    "bst": "Europe/London",
    "uk time": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "ist": "Asia/Kolkata",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "awst": "Australia/Perth",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
}
_ZONE_CODES: Final = "|".join(
    sorted((z.upper() for z in ZONES if z.isalpha() and len(z) <= 4), key=len, reverse=True)
)
# Capitals only for the codes ("ET", "PT"), so "et al" or "pt" are no zones.
_ZONE: Final = (
    rf"(?:\s*(?-i:(?P<zone>{_ZONE_CODES}))\b"
    rf"|\s+(?P<zonename>eastern|central|mountain|pacific|arizona|uk)\s+time\b)"
)

_CLOCK_PRE: Final = (
    r"(?:(?:by|before|until|till|til|from|after|since|at|around|about|approximately|eta|@|no\s+later"
    r"\s+than|not\s+later\s+than|as\s+late\s+as|latest)\s+){0,2}"
)
_RANGE: Final = rf"""
    (?P<rpre>)
    (?=[^,;!?]{{0,24}}?(?:{_DASH}|\bto\b|\btill\b|\buntil\b|\band\b))  # a joiner is near
    (?P<r1>(?:{_CLOCK_CORE_UNNAMED})|{_CLOCK_WEAK})
    \s*(?:{_DASH}|to\b|till\b|until\b|and\b)\s*
    (?P<r2>(?:{_CLOCK_CORE_UNNAMED})|{_CLOCK_WEAK})
    (?P<rtail>{_CLOCK_TAIL})?(?:{_ZONE})?
"""
_CLOCK: Final = rf"""
    (?:
        (?P<core>{_CLOCK_CORE_UNNAMED})(?P<ctail>{_CLOCK_TAIL})?(?:{_ZONE})?
      | (?P<weak>{_CLOCK_WEAK})(?P<wtail>{_CLOCK_TAIL})
      | (?<![\d.,:/$\u00a3\u20ac])
        (?P<bare>\d{{1,2}}(?:[:.][0-5]\d)?(?!\d|[,.]\d)|{_HOUR_MINUTE_WORDS})
        (?=\s*(?:[.,;!?)]|$|sharp\b|on\s|{_WEEKDAY}|today|tomorrow|tonight|that\s+day|then\b|and\b|
            or\b|with\b|to\b|for\b|if\b|when\b|so\b|as\b|because\b|latest\b|at\s+the\s+latest))
    )
"""
_PART_DAY: Final = rf"(?:today|tomorrow|tmrw|yesterday|this|{_WEEKDAY})"
_PART: Final = rf"""
    (?P<ppre>)
    (?:
        (?P<pmod>(?:next|this|coming|following)\s+(?={_WEEKDAY}))?
        (?P<pday>{_PART_DAY})(?:{_APOSTROPHE}s)?\s+(?:early\s+|late\s+)?
            (?P<part>morning|afternoon|evening|night)(?P<pposs>{_APOSTROPHE}s)?
            (?P<pweek>\s+(?:of\s+)?(?:next|this)\s+week\b)?
      | (?:in|during)\s+the\s+(?P<part2>morning|afternoon|evening)
      | (?P<ft>first\s+thing)
            (?:\s+(?P<ftday>in\s+the\s+morning|tomorrow(?:\s+morning)?|(?:on\s+)?{_WEEKDAY}
                (?:\s+morning)?))?
      | later\s+(?:this|today|in\s+the)\s+(?P<part3>morning|afternoon|evening)
      | (?P<tpart>tomorrow|tmrw|{_WEEKDAY})\s+first\s+thing
    )
"""


def _date_pattern(p: str) -> str:
    """The dates "5 March", "March 5", "March fifth", "5th of March", "2025-03-05", "12/03",
    with group names prefixed by `p` (a pattern may hold it twice)."""
    return rf"""
    (?:
        (?<![\d.,:/$\u00a3\u20ac])(?P<{p}dm>\d{{1,2}}){_ORD_SUFFIX}?(?:\s+of)?(?:\s*{_DASH}\s*|\s+)
            (?P<{p}dm_mon>{_MONTH})\b\.?(?:(?:\s*,?\s*|{_DASH}|\s+(?:in|of)\s+)(?P<{p}dm_year>\d{{4}})\b)?
      | (?P<{p}rm_mon>{_MONTH})\.?\s+(?:the\s+)?\d{{1,2}}{_ORD_SUFFIX}?\s*
            (?:{_DASH}|to\b|through\b|thru\b|till\b|until\b)\s*(?:the\s+)?(?P<{p}rm>\d{{1,2}}){_ORD_SUFFIX}?(?![\d:.]\d|\d|\s*(?:am|pm))
      | (?<![\d.,:/$\u00a3\u20ac])\d{{1,2}}{_ORD_SUFFIX}?\s*
            (?:{_DASH}|to\b|through\b|thru\b|till\b|until\b)
            \s*(?:the\s+)?(?P<{p}dr>\d{{1,2}}){_ORD_SUFFIX}?(?:\s+of)?\s+(?P<{p}dr_mon>{_MONTH})\b
      | (?P<{p}md_mon>{_MONTH})\.?,?\s*{_DASH}?\s*(?P<{p}md>\d{{1,2}}){_ORD_SUFFIX}?
            (?![\d:.]\d|\d|\s*(?:am|pm|a\.m|p\.m|%|{_DASH}\s*\d))(?:\s*,?\s*(?P<{p}md_year>\d{{4}})\b)?
      | (?P<{p}mw_mon>{_MONTH})\s+(?:the\s+)?(?P<{p}mw>{_ORDINAL_WORD}|{_DAY_CARDINAL})\b
      | (?:the\s+)?(?P<{p}wm>{_ORDINAL_WORD})\s+of\s+(?P<{p}wm_mon>{_MONTH})\b
      | (?<![\d/.-])(?P<{p}iso_y>\d{{4}})-(?P<{p}iso_m>\d{{1,2}})-(?P<{p}iso_d>\d{{1,2}})(?![\d-])
      | (?<![\d/.:$\u00a3\u20ac-])(?P<{p}n1>\d{{1,2}})/(?P<{p}n2>\d{{1,2}})
            (?:/(?P<{p}ny>\d{{4}}|\d{{2}}))?
            (?![\d/])
    )
"""


def _lead_guard(lead: str, words: list[str]) -> str:
    """A lookahead that passes only where `lead` and then a digit, "the" before a digit or
    an ordinal word, or the first three letters of one of `words` follow: a necessary
    condition of an optional tail whose alternatives all start so, which the regex engine
    checks far quicker than it tries them (at each try of a branch it saves and restores
    the marks of every group before it)."""
    prefixes = sorted({word[:3] for word in words})
    ordinals = sorted({word[:3] for word in ORDINAL_WORDS})
    return (
        rf"(?={lead}(?:\d|the\s+(?:\d|{'|'.join(ordinals)})"
        rf"|{'|'.join(re.escape(prefix) for prefix in prefixes)}))"
    )


# A weekday's tail ("Friday the 13th", "Thursday, June 13", "Monday next week", "Wednesday
# 27"): after white space and a comma, a number, "the" and a number or an ordinal word,
# "of", "next", "this", a month or an ordinal word.
_WEEKDAY_TAIL_GUARD: Final = _lead_guard(
    r"\s*,?\s*", [*MONTHS, *ORDINAL_WORDS, "of", "next", "this"]
)
# A near day's date ("tomorrow, Sep 13", "tomorrow (13 March)", "tomorrow the 13th").
_REL_TAIL_GUARD: Final = _lead_guard(r"\s*,?\s*\(?\s*", [*MONTHS, *ORDINAL_WORDS])


_WEEKDAY_TAIL: Final = rf"""
    (?:
        \s*,?\s*(?:the\s+)?(?P<wdord>\d{{1,2}}){_ORD_SUFFIX}\b(?!\s+of\s+{_MONTH})
      | \s*,?\s*the\s+(?P<wdordw>{_ORDINAL_WORD})\b(?!\s+of\s+{_MONTH})
      | \s*,?\s*(?P<wddate>{_date_pattern("w")})
      | \s+(?P<wdweek>(?:of\s+)?(?:next|this)\s+week)\b
      | \s+(?P<wdnum>[1-9]|[12]\d|3[01])(?!\s*,?\s*(?:of\s+)?{_MONTH}\b)
        (?![\d:.,/%]|\s*(?:{_DASH}|am\b|pm\b|a\.m|p\.m|to\b|and\b|or\b
            |o{_APOSTROPHE}?\s?clock|h\b|hrs?\b|hours?\b|mins?\b|minutes?\b|days?\b|weeks?\b|months?\b
            |business\b|working\b|%))
    )
"""
_DAY: Final = rf"""
    (?P<dpre>)
    (?:
        (?P<rel>today|tonight|tonite|tomorrow|tmrw|tmr|tomorow|yesterday
            |(?:the\s+)?day\s+after\s+tomorrow)
        (?:{_REL_TAIL_GUARD}
            (?:(?:\s*,\s*|\s+(?P<relparen>\(\s*)|\s+)(?P<reldate>{_date_pattern("r")})(?(relparen)\s*\))
          | \s*,?\s*(?:the\s+)?(?P<relord>\d{{1,2}}){_ORD_SUFFIX}\b(?!\s+of\s+{_MONTH})))?
      | (?P<wkmod>(?:next|this|coming|this\s+coming|upcoming|this\s+upcoming|following|
            the\s+following|last|previous|past|this\s+past)\s+)?
        (?:(?P<wkpre>next|this)\s+week\s*,?\s*(?:on\s+)?)?
        (?P<wd>{_WEEKDAY})(?!\w)(?P<wdtail>{_WEEKDAY_TAIL_GUARD}{_WEEKDAY_TAIL})?
      | (?P<date>{_date_pattern("")})
      | the\s+(?P<ord>\d{{1,2}}){_ORD_SUFFIX}\b(?:\s+day)?
        (?P<ordmonth>\s+(?:of\s+)?(?:this|next|each|every)\s+month
            |\s+from\s+next\s+month|\s+of\s+the\s+month)?{_NOT_ORDINAL_THING}
    )
    (?P<poss>{_APOSTROPHE}s\b)?
"""
_PERIOD_DAY: Final = (
    rf"(?:\s*,?\s*(?:today|tomorrow|tmrw|(?:on\s+)?(?:this\s+|next\s+)?{_WEEKDAY}))"
)
_PERIOD: Final = rf"""
    (?P<qpre>)
    (?:
        (?P<cob>(?:the\s+)?(?:close|end)[-\s]+of[-\s]+(?:the\s+)?(?:business|play|trading)
            (?:[-\s]+day)?\b(?![-\s]*week)|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:working|business)\s+day
            |c\.o\.b\b\.?|cob\b|e\.o\.b\b\.?|eob\b)(?P<cobday>{_PERIOD_DAY})?
      | (?P<eod>(?:the\s+)?end[-\s]+of[-\s]+(?:the\s+)?day|e\.o\.d\b\.?|eod\b)
            (?P<eodday>{_PERIOD_DAY})?
      | (?:the\s+)?end\s+of\s+(?:the\s+)?
        (?P<endday>today|tomorrow|tmrw|(?:this\s+|next\s+)?{_WEEKDAY})
      | (?:the\s+)?(?:end|close)[-\s]+of[-\s]+(?:the\s+)?(?P<endwhich>this|next|current)?[-\s]*
            (?P<endunit>(?:(?:working|business|work)[-\s]*)?week|weekend|month|year)\b
      | (?P<unitend>week|month|year)(?:{_APOSTROPHE}s\s+|[-\s]+)end\b
      | (?P<isout>before|by\s+the\s+time)\s+the\s+(?P<outunit>week|month|year)
            (?:\s+is\s+(?:out|over|up|done|through|finished)|{_APOSTROPHE}s\s+(?:out|over|up|done)
            |\s+ends|\s+is\s+ended|\s+finishes|\s+runs\s+out)\b
      | (?:the\s+)?end\s+of\s+(?P<endmonth>{_FULL_MONTH})\b(?:\s+(?P<endmonthyear>\d{{4}}))?
      | (?P<eox>e\.?o\.?(?P<eoxunit>[wmy])\b\.?)
      | (?P<which>this|next|the\s+coming|the\s+following|coming|later\s+this|later\s+next|
            early\s+next|earlier\s+this|late\s+next|later\s+in\s+the)\s+
            (?P<unit>week|weekend|month|year|workweek|(?:working|business|work)\s+week)\b
            (?!\s*,?\s*(?:on\s+)?{_WEEKDAY})
      | (?P<theweekend>(?:the\s+)?weekend)\b
      | (?P<myname>{_MONTH})\.?\s*(?:[-/,]\s*)?(?P<myyear>(?:19|20)\d\d)\b
      | (?P<nbd>(?:the\s+)?(?:next|following)\s+(?:business|working)\s+day)\b
      | (?P<mpre>by|before|until|till|during)\s+(?P<mon>{_FULL_MONTH})\b
            (?:\s+(?P<monyear>\d{{4}}))?(?![\s,]*\d)
    )
"""
_RELATIVE: Final = r"""
    (?P<xpre>)
    (?:
        (?P<xnd>next[-\s]day)(?=\s+(?:\w+\s+)?(?:delivery|shipping|post|courier|dispatch|service))
      |
        the\s+(?P<xnext>next|following)\s+day
      | the\s+day\s+(?P<xab>after|before)(?!\s+(?:tomorrow|yesterday))
      | (?:that|the)\s+(?:very\s+)?same\s+day
      | that\s+day
      | the\s+(?P<xprev>previous|prior)\s+day
    )\b
"""

_KINDS: tuple[tuple[Kind | Literal["range"], str], ...] = (
    ("vague", _VAGUE),
    ("duration", _DURATION),
    ("range", _RANGE),
    ("clock", _CLOCK),
    ("part", _PART),
    ("period", _PERIOD),
    ("day", _DAY),
    ("relative_day", _RELATIVE),
)
_FLAGS: Final = re.IGNORECASE | re.VERBOSE


class _WrittenCaseParsers(dict[str, re.Pattern[str]]):
    """The patterns for the text as written, with IGNORECASE: compiled on first use, as
    they serve only the rare texts the lower-case patterns below cannot read."""

    def __missing__(self, kind: str) -> re.Pattern[str]:
        patterns: dict[str, str] = dict(_KINDS)
        parser = self[kind] = re.compile(patterns[kind], _FLAGS)
        return parser


_PARSERS: Final = _WrittenCaseParsers()
# The same patterns for the lower-cased text, without IGNORECASE: several times faster to
# match. The zone codes ("6pm CT") are matched in lower case there and checked against the
# text as written afterwards (`_zone_as_written`).
_ZONE_GROUP: Final = f"(?-i:(?P<zone>{_ZONE_CODES}))"
_LOWER_PARSERS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern.replace(_ZONE_GROUP, f"(?P<zone>{_ZONE_CODES.lower()})"), re.VERBOSE)
    for name, pattern in _KINDS
}
_CORE_PARSER: Final = re.compile(_CLOCK_CORE, _FLAGS)
_LINK: Final = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+", re.IGNORECASE)

# The words before an expression that say how it bounds the promise ("by", "within",
# "for"), found by looking back from where the expression starts.
_VAGUE_PREFIX: Final = r"""in|within|over|during|for|after|the|next|coming"""
_DURATION_PREFIX: Final = r"""in|within|inside|between|the|next|over|during|about|around|roughly|
        approximately|approx\.?|under|less|fewer|than|no|not|more|longer|up|to|at|most|maximum|
        max|another|additional|an|only|just|take|takes|taking|took|allow|give|it|after|every|for|
        last|past|least|usually|normally|typically|generally|of"""
_RANGE_PREFIX: Final = r"""between|from|by|before|until|till|at|around|about|for"""
_PART_PREFIX: Final = (
    r"""by|before|until|till|on|for|in|during|from|after|since|later|early|earlier"""
)
_PERIOD_PREFIX = r"""by|before|until|till|in|within|during|over|for|at|on|from|since|sometime|later|
        earlier|early|no\s+later\s+than|not\s+later\s+than|the|of|end\s+of"""
_DAY_PREFIX = r"""on|by|before|until|till|til|from|after|since|for|to|as\s+of|no\s+later\s+than|
        not\s+later\s+than|as\s+late\s+as|latest|starting|effective|with\s+effect\s+from|due|
        the"""
_RELATIVE_PREFIX: Final = r"""on|by|until|till|before|for|via|with"""
_CLOCK_PREFIX = r"""by|before|until|till|til|from|after|since|at|around|about|approximately|eta|
        @|no\s+later\s+than|not\s+later\s+than|as\s+late\s+as|latest"""
_PREFIXES: Final = {
    "vague": _VAGUE_PREFIX,
    "duration": _DURATION_PREFIX,
    "range": _RANGE_PREFIX,
    "clock": _CLOCK_PREFIX,
    "part": _PART_PREFIX,
    "period": _PERIOD_PREFIX,
    "day": _DAY_PREFIX,
    "relative_day": _RELATIVE_PREFIX,
}
# The same, as sets of single words ("no later than" is "no", "later", "than").
_PREFIX_WORDS: dict[str, frozenset[str]] = {
    kind: frozenset(re.sub(r"\\s\+|\\\.\?|[()?:]", " ", words).replace("|", " ").split())
    for kind, words in _PREFIXES.items()
}
_MAX_PREFIX_WORDS: Final = 4
_WEEK_OF: Final = re.compile(
    r"(?:\bweek\s+(?:of|beginning|commencing|starting)(?:\s+on)?|\bw/c|\bw/b)\s+(?:the\s+)?$",
    re.IGNORECASE,
)

# The words an expression can start with, and which kinds to try there, in order. The
# scan reads a text's words once and tries the patterns only where one of them starts,
# anchored: a sentence with none returns at once.
_ORDER: tuple[str, ...] = tuple(kind for kind, _ in _KINDS)
_NUMBERS_AND_HOURS: Final = [*NUMBER_WORDS, "couple", "half"]
_STARTS: dict[str, set[str]] = {
    "vague": set(
        "very really pretty quite soon as shortly asap a at in before later momentarily promptly "
        "any few several some many the coming".split()
    ),
    "duration": {"a", "an", "couple", "half", "the", "next", *NUMBER_WORDS},
    "range": {*_SMALL[1:13], "noon", "noonish", "midday", "midnight", "twelve"},
    "clock": {
        *_SMALL[1:13],
        *NUMBER_WORDS,
        *"noon noonish midday midnight twelve half quarter".split(),
    },
    "part": {
        *"today tomorrow tmrw yesterday this in during first later next coming following".split(),
        *WEEKDAYS,
    },
    "period": {
        *"the end close c cob e eod eob eow eom eoy this next coming later early earlier late "
        "weekend following by before until till during week month year".split(),
        *(month for month in MONTHS if month != "may"),
        "May",
    },
    "day": {
        *"today tonight tonite tomorrow tmrw tmr tomorow yesterday the day next this coming "
        "upcoming following last previous past".split(),
        *WEEKDAYS,
        *MONTHS,
        *(word for word in ORDINAL_WORDS if " " not in word),
    },
    "relative_day": {"the", "that", "next"},
}
_UNIT_WORDS: Final = frozenset(_UNITS) | {"business", "working", "work", "more", "further", "extra"}
# Common words that start an expression only before one of these words: "the" only in
# "the end of", "the weekend", "the next day", "the 5th"... Checking the next word first
# spares most patterns on most words.
_FOLLOWERS: dict[str, frozenset[str]] = {
    word: frozenset(followers.split())
    for word, followers in {
        "a": "couple few half little short while s day week month year fortnight hour minute "
        "min mins sec second moment bit jiffy",
        "an": "hour additional extra",
        "the": "end close weekend day next following coming hour same previous prior first "
        "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
        "twentieth twenty thirtieth thirty near",
        "in": "the a due",
        "at": "the some your",
        "as": "soon",
        "this": "morning afternoon evening night week weekend month year coming upcoming past "
        "working work workweek business",
        "next": "week weekend month year day business working work hour fortnight workweek",
        "by": "january february march april may june july august september october november "
        "december",
        "before": "long january february march april may june july august september october "
        "november december",
        "day": "after",
        "some": "time days weeks hours minutes months more point",
        "any": "minute moment day time",
        "later": "this today in on next",
        "early": "next",
        "earlier": "this",
        "late": "next",
        "first": "thing",
        "that": "day same very",
        "coming": "days weeks months",
        "following": "day business working week",
        "end": "of",
        "close": "of",
        "e": "o",
        "c": "o",
        "very": "soon",
        "really": "soon",
        "pretty": "soon",
        "quite": "soon",
        "few": "more minutes mins hours hrs days weeks months business working",
        "several": "more minutes hours days weeks months business working",
        "many": "more minutes hours days weeks months",
        "half": "an a hour past",
        "quarter": "past to",
        "couple": "of more days hours weeks minutes business working",
    }.items()
}
for _word in ORDINAL_WORDS:
    if " " not in _word:
        _FOLLOWERS[_word] = frozenset({"of"})
_FOLLOWERS["first"] = frozenset({"of", "thing"})  # "first thing tomorrow"
_FULL_MONTHS: Final = frozenset(m for m in MONTHS if len(m) > 3)
for _word in ("by", "before", "until", "till", "during"):
    _FOLLOWERS[_word] = _FULL_MONTHS
# "by the time the month is over", "before the week is out", "during the afternoon"
for _word in ("by", "before", "during"):
    _FOLLOWERS[_word] = _FOLLOWERS[_word] | {"the"}
_FOLLOWERS["before"] = _FOLLOWERS["before"] | {"long"}
for _word in ("week", "month", "year"):
    _FOLLOWERS[_word] = frozenset({"s", "end"})  # "by week's end", "month-end"
# Weekday names may follow these too ("this Friday", "next Monday", "the following Monday").
_WEEKDAY_LEADS: Final = (
    "this",
    "next",
    "coming",
    "following",
    "the",
    "last",
    "previous",
    "past",
    "upcoming",
)
for _word in _WEEKDAY_LEADS:
    _FOLLOWERS[_word] = _FOLLOWERS.get(_word, frozenset()) | frozenset(WEEKDAYS) | {"week"}
_CLOCKISH: Final = frozenset(
    "am pm a p o oclock noon thirty fifteen forty in this tonight at to and or more past min "
    "minutes".split()
)
for _word in (*NUMBER_WORDS, *_SMALL[1:13]):
    if " " not in _word and _word not in _FOLLOWERS:
        _FOLLOWERS[_word] = _UNIT_WORDS | _CLOCKISH | frozenset(NUMBER_WORDS)
_KINDS_AT: dict[str, tuple[str, ...]] = {}  # in the order found, put in _ORDER below
for _kind in _ORDER:
    for _word in _STARTS[_kind]:
        for _token in _word.split()[:1]:
            _KINDS_AT[_token] = (*_KINDS_AT.get(_token, ()), _kind)
_TRIGGERS: Final = {
    token: tuple(k for k in _ORDER if k in kinds) for token, kinds in _KINDS_AT.items()
}
_TOKEN: Final = re.compile(r"[a-z]+|\d+")
# The same, splitting: the gaps and the words in turn, so that where each word starts is
# a running sum of lengths (`find_expressions`), with no match object made per word.
_TOKEN_SPLIT: Final = re.compile(r"([a-z]++|\d++)")  # possessive: the same tokens, found sooner


_TRIGGER_WORDS: Final = frozenset(_TRIGGERS)
_DIGIT: Final = re.compile(r"\d")
# For a text with no digit, `_may_start_at_a_word` asks whether `_candidates` would find
# a word an expression may start at. It reads the words at C speed (an ASCII text as bytes,
# every other character a space) and looks the words, and the pairs of a word and the word
# after it, up in sets: most sentences hold none of them.
_LETTERS_ONLY: Final = bytes(c if ord("a") <= c <= ord("z") else ord(" ") for c in range(256))
_PAIRS: Final = frozenset(
    (word, following)
    for word, followers in _FOLLOWERS.items()
    if word in _TRIGGERS
    for following in followers
    if following.isascii() and following.isalpha()  # "couple of" is never one word
)
_FOLLOWED: Final = frozenset(_FOLLOWERS)
_BYTE_TRIGGERS: Final = frozenset(word.encode() for word in _TRIGGERS)
_BYTE_FOLLOWED: Final = frozenset(word.encode() for word in _FOLLOWERS)
_BYTE_PAIRS: Final = frozenset((word.encode(), following.encode()) for word, following in _PAIRS)


def _may_start_at_a_word(lowered: str) -> bool:
    """For a lower-cased text with no digit: whether a word an expression may start at is
    in it, a trigger word that needs no particular word after it or one before one of its
    followers. Exact: `_candidates` finds one exactly when this is true."""
    if lowered.isascii():
        return _may_start_at_an_ascii_word(lowered.encode())
    words = _TOKEN_SPLIT.split(lowered)[1::2]
    present = _TRIGGER_WORDS.intersection(words)
    if not present:
        return False
    if not present.issubset(_FOLLOWED):
        return True
    return not _PAIRS.isdisjoint(pairwise(words))


def _may_start_at_an_ascii_word(raw: bytes) -> bool:
    """`_may_start_at_a_word` for an ASCII text, as its bytes."""
    words = raw.translate(_LETTERS_ONLY).split()
    present = _BYTE_TRIGGERS.intersection(words)
    if not present:
        return False
    if not present.issubset(_BYTE_FOLLOWED):
        return True
    return not _BYTE_PAIRS.isdisjoint(pairwise(words))


_DIGIT_BYTES: Final = b"0123456789"


def _no_time_word(lowered: str) -> bool:
    """True when the lower-cased text holds no number and no word an expression may start
    at, so certainly no time expression. An ASCII text is read as bytes: deleting its
    digits with `bytes.translate` tells whether it has one several times quicker than a
    regex search for one."""
    if lowered.isascii():
        raw = lowered.encode()
        return len(raw.translate(None, _DIGIT_BYTES)) == len(raw) and not (
            _may_start_at_an_ascii_word(raw)
        )
    return _DIGIT.search(lowered) is None and not _may_start_at_a_word(lowered)


def might_hold_time(text: str) -> bool:
    """False when `text` certainly holds no time expression: no number and no word an
    expression can start at. A few passes at C speed, for the many texts with no time."""
    return not _no_time_word(text.lower())


# --- context: how the clause uses an expression ---------------------------------------

# Words that end the clause a verb governs ("it arrived on Monday and will ship on Friday").
_CLAUSE_WORDS: Final = frozenset(
    "and but so because as while when then which although though whereas once until".split()
)
_PAST_VERBS: Final = frozenset(
    "was were had did wasn weren didn hadn arrived completed sent left went came reached "
    "happened failed dropped stalled started began broke ended took got paid missed told said "
    "asked placed ordered bought called rang ran emailed spoke noticed lost received processed "
    "submitted posted wrote expired renewed cancelled canceled opened raised logged reported "
    "tried contacted visited returned delivered shipped charged collected damaged cut hit "
    "crashed stopped applied migrated installed released changed fell saw heard used burst".split()
)
# Verbs in -ed that name a plan for the day after them ("I booked it for Monday"), or that
# are adjectives more often than past events ("the delayed parcel", "a limited offer").
_NOT_PAST: Final = frozenset(
    "booked rebooked scheduled rescheduled arranged planned expected set due slated lined "
    "reserved promised estimated timed confirmed aimed guaranteed queued needed delayed "
    "limited detailed updated required interested allowed supposed pleased concerned "
    "covered included expedited prioritised prioritized escalated flagged assigned "
    "allocated approved authorised authorized agreed organised organized dated marked "
    "listed named based located addressed scanned need speed feed seed shed bed red "
    "hundred".split()
)
# Before a past form, these make it a perfect, a passive or an infinitive, not a past event.
_NOT_PAST_BEFORE: Final = frozenset("have has ve had been be is are s re get got and or to".split())
_PERFECT: Final = frozenset("have has had ve d".split())
_DETERMINERS: Final = frozenset(
    "the a an their your our my his her its this that these those of for with in on by from "
    "very more most".split()
)
_FUTURE_WORDS: Final = frozenset(
    "will won shall should would can could may might must going be is are am tomorrow next "
    "booked rebooked scheduled rescheduled arranged planned expected set due ll re m".split()
)
_NEGATIONS: Final = frozenset("not never no t".split())
_CONDITIONALS: Final = frozenset(("if", "unless"))
# The words whose negation ("can't", "won't", "may not", "wasn't able") says a thing will
# not (or could not) happen. Not "don't" and "shouldn't": "don't forget your visit
# tomorrow" and "you shouldn't go to bed end of day" are advice, and still name the time.
_DENIABLE: Final = frozenset(
    "can couldn won wouldn isn aren wasn weren didn may might will could would be".split()
)


# Every word the clause questions of `_context` look for, but the "-ed" forms of past verbs.
_CLAUSE_QUESTIONS: Final = (
    _CONDITIONALS | _NEGATIONS | _PAST_VERBS | _PERFECT | frozenset(("cannot",))
)


def _denied(clause: list[str]) -> bool:
    """Whether the clause says its event will not or could not happen."""
    for k, word in enumerate(clause):
        if word == "cannot":
            return True
        if (word == "t" or word == "not") and k and clause[k - 1] in _DENIABLE:
            return True
    return False


_WAS: Final = frozenset(("was", "were"))
_POSSESSORS: Final = frozenset("your our their his her my its".split())
_CLOSED: Final = frozenset("closed shut holiday holidays".split())
_BE: Final = frozenset(
    "are re were day".split()
)  # "crews are off tomorrow", "a day off"; not "water will be off"
_CLOSED_LINKS: Final = frozenset("on for until till from this next".split())
# Every closure `_closed_before` and `_parenthetical_holiday` find holds one of these.
_CLOSURE_WORDS: Final = _CLOSED | {"off"}
_REPEATS: Final = frozenset("twice once again already every each per all".split())
_TIMES_COUNTS: Final = frozenset(
    "first second third fourth fifth last another one two three several many few".split()
)
_EARLIER: Final = frozenset("earlier previously last since".split())
_LONG: Final = frozenset("long holiday".split())
_SLOTS: Final = frozenset("slot window appointment delivery booking visit".split())
_AGO_AFTER: Final = re.compile(r"\s*(?:ago|earlier|before\s+that)\b", re.IGNORECASE)
# "30 mins behind", "a week late", "30 minutes before they arrive": a gap, not a deadline.
_GAP_AFTER: Final = re.compile(
    r"\s+(?:behind|late|early|earlier|before|ahead|overdue|long|old|in\s+a\s+row|"
    r"running|straight)\b",
    re.IGNORECASE,
)
_WITH_AFTER: Final = re.compile(r"\s+(?:with|of|without)\b", re.IGNORECASE)
_HOLIDAY_AFTER: Final = re.compile(
    r"\s+(?:(?:bank|public|national|school)\s+)?holidays?\b|\s+(?:closure|shutdown)\b",
    re.IGNORECASE,
)
# "Monday is a public holiday", "tomorrow and Sunday are holidays", "Monday's a bank holiday"
_COPULA_AFTER: Final = re.compile(
    r"\s*(?:\([^)]{0,20}\)\s*)?(?:(?:and|or|&)\s+[\w']+\s+)?"
    r"(?:is|are|was|were|being|will\s+be|['\u2019]s)\b"
    r"(?P<rest>[^.;,()]{0,60})",
    re.IGNORECASE,
)
_HOLIDAY_WORDS: Final = re.compile(
    r"\b(?:holidays?|closed|day\s+off|off\b|bank|shut)|\b(?:the\s+)?[A-Z][a-z]+|\d", 0
)
_NOT_A_HOLIDAY: Final = re.compile(
    r"\s*(?:the\s+)?(?:earliest|latest|soonest|first|last|best|only|fine|ok|okay|good|when|"
    r"what|too|busy|free|open|available|confirmed|booked|the\s+day)\b",
    re.IGNORECASE,
)
# "'s" and a noun: "Monday's ticket", "this month's bill", "tomorrow's first flight".
_POSSESSIVE_NOUN: Final = re.compile(r"['\u2019]s\s+(?!(?:a|an|the|going|been|not)\b)[a-z]", 0)
_NOUN_AFTER: Final = re.compile(r"\s+(?!(?:a|an|the|going|been|not)\b)[a-z]", 0)
# Durations: words before them that make them a time from now ("within", "takes"), and
# those that make them a length ("for", "over", "at least", "more than").
_TIMELINE_WORDS: Final = frozenset(
    "in within inside between next about around roughly approximately approx under "
    "less fewer up most maximum max another additional take takes taking allow give after "
    "every usually normally typically generally".split()
)
_STATE_WORDS: Final = frozenset(("from", "effective", "starting"))  # "cancelled from today"
_PAST_LEADS: Final = frozenset(("since", "last", "previous", "past"))  # "since Tuesday"
_CONDITIONS: Final = frozenset("when once if whenever".split())
_NEAR_DAYS: Final = re.compile(r"(?:today|tonight|tomorrow|tmrw|tmr|tomorow)", re.IGNORECASE)


# Each pattern starts with the one character class of all its marks, and the conditions
# on a mark follow it: the search then skips from mark to mark at C speed (an alternation
# of several classes is tried at every character). A dash between spaces is found at the
# dash, not at the space before it; only the word after a mark counts
# (`_first_after_mark`), and that is the same word. A stop before a line break counts
# twice, which gives the same word after it.
_SENTENCE_MARK: Final = re.compile(r"[.!?;\n](?:(?<=\n)|(?=\s))")
_CLAUSE_MARK: Final = re.compile(
    r"[.!?;:,()\[\]\n\-\u2013\u2014](?:(?<=[.!?;:,])(?=\s)|(?<=[()\[\]\n])|(?<=\s.)(?=\s))"
)


class _Scan:
    """A text and its word tokens (lower case, with their positions), for the questions
    the context asks: which words come before an expression, in its clause, its sentence.
    Boundaries are looked for only when asked, and only among the words the question can
    reach back to (40 for a sentence, 30 for a clause)."""

    def __init__(self, text: str, lowered: str, words: list[str], starts: list[int]) -> None:
        self.text = text
        self.lowered = lowered
        self.words = words
        self.starts = starts  # where each word starts
        # Token index -> the first token of its sentence, or 40 tokens back if later.
        self._sentence_floors: dict[int, int] = {}

    def gap_before(self, index: int) -> str:
        """The characters between token `index` and the one before it."""
        start = self.starts[index]
        if index == 0:
            return self.text[:start]
        return self.text[self.starts[index - 1] + len(self.words[index - 1]) : start]

    def _sentence_floor(self, index: int) -> int:
        """The first token of the sentence that holds token `index`, or the token 40 before
        it when the sentence starts earlier: the last `_SENTENCE_MARK` in between, found
        from `index` back with `str.rfind`."""
        floor = self._sentence_floors.get(index)
        if floor is not None:
            return floor
        text, starts = self.text, self.starts
        floor = max(0, index - 40)
        low, high = starts[floor], starts[index]
        mark = text.rfind("\n", low, high)  # a line break is always one
        for stop in ".!?;":  # a stop only before white space
            at = text.rfind(stop, low, high)
            while at > mark:
                if text[at + 1 : at + 2].isspace():
                    mark = at
                    break
                at = text.rfind(stop, low, at)
        if mark >= 0:
            floor = bisect_left(starts, mark + 1, floor, index)
        self._sentence_floors[index] = floor
        return floor

    def words_before(self, index: int, count: int) -> list[str]:
        """Up to `count` (at most 40) words before token `index`, within its sentence."""
        return self.words[max(self._sentence_floor(index), index - count) : index]

    def clause_before(self, index: int) -> list[str]:
        """The words of the clause before token `index` (up to 30): back to a stop, a
        comma, a bracket or a dash, or a word that starts a clause ("and", "but", "so")."""
        starts, words = self.starts, self.words
        first = max(0, index - 30)
        high = starts[index]
        # The last mark among the 30 words before `index`; the search reads one character
        # past them, as far as a mark's condition looks ahead.
        mark = -1
        for found in _CLAUSE_MARK.finditer(self.text, starts[first], high + 1):
            at = found.start()
            if at >= high:
                break
            mark = at
        if mark >= 0:
            first = bisect_left(starts, mark + 1, first, index)
        clause = words[first:index]
        if _CLAUSE_WORDS.isdisjoint(clause):
            return clause
        # The last word before `index` that starts a clause, if it is not before `first`.
        for back in range(index - 1, first - 1, -1):
            if words[back] in _CLAUSE_WORDS:
                return words[back + 1 : index]
        return clause

    def sentence_before(self, index: int) -> list[str]:
        """The words of the sentence before token `index` (up to 40)."""
        return self.words[self._sentence_floor(index) : index]


def _is_past_verb(word: str, before: str) -> bool:
    if before in _NOT_PAST_BEFORE or word in _NOT_PAST:
        return False
    if word in _PAST_VERBS:
        return True
    # Any other "-ed" word, unless a determiner makes it an adjective ("their encrypted").
    return len(word) > 4 and word.endswith("ed") and before not in _DETERMINERS


def _past_clause(words: list[str]) -> bool:
    """Whether a verb in the past governs the clause `words`, with no word of the future."""
    if not _FUTURE_WORDS.isdisjoint(words):
        return False
    if _PAST_VERBS.isdisjoint(words) and "ed " not in " ".join(words) + " ":
        return False
    # Only a past form ("arrived", "sent") can be a past verb: the others are passed over
    # without the full question.
    return any(
        (word in _PAST_VERBS or (len(word) > 4 and word.endswith("ed")))
        and _is_past_verb(word, words[k - 1] if k else "")
        for k, word in enumerate(words)
    )


def _told_in_past(words: list[str]) -> bool:
    """Whether a past or perfect verb ("I've ended the ride at 6:12pm", "both calls were at
    3am") governs what follows `words`, the sentence before an expression."""
    if (
        _PAST_VERBS.isdisjoint(words)
        and _PERFECT.isdisjoint(words)
        and "ed " not in " ".join(words) + " "
    ):
        # The usual case, cheaply: no word that could be a past or a perfect. What one
        # thanks for has happened: "Thank you for your blood test today", "thanks for
        # calling this morning".
        return not _THANKS.isdisjoint(words) and _thanked_for(words)
    # The last past verb or perfect, found from the end: what comes after it decides.
    for last in range(len(words) - 1, -1, -1):
        word = words[last]
        if (word in _PAST_VERBS or (len(word) > 4 and word.endswith("ed"))) and _is_past_verb(
            word, words[last - 1] if last else ""
        ):
            break
        if (
            word in _PERFECT
            and any(
                verb not in _NOT_PAST
                and len(verb) > 2
                and (verb.endswith(("ed", "en", "t")) or verb in _PAST_VERBS)  # "you've paid"
                for verb in words[last + 1 : last + 3]
            )
        ):
            break
    else:
        return False
    rest = words[last + 1 :]
    future = _FUTURE_WORDS.intersection(rest)
    if future == {"re"}:
        # "re" is "we're" only after a pronoun; after "and" it was the prefix of a verb:
        # "I've corrected it and re-released the payment this morning".
        return all(
            k == 0 or rest[k - 1] not in _RE_SUBJECTS for k, w in enumerate(rest) if w == "re"
        )
    return not future


_THANKS: Final = frozenset(("thank", "thanks"))
_RE_SUBJECTS: Final = frozenset("we you they who there what".split())


def _thanked_for(words: list[str]) -> bool:
    """Whether `words` end in what someone is thanked for ("thank you for your call"),
    with no word of the future after the thanks."""
    for k in range(len(words) - 1, -1, -1):
        if words[k] in _THANKS:
            rest = words[k + 1 :]
            return "for" in rest[:3] and _FUTURE_WORDS.isdisjoint(rest)
    return False


def _context(
    scan: _Scan, kind: Kind, span: tuple[int, int], index: int, prefix: str, poss: bool
) -> Context:
    """How the clause around `span` uses the expression (see `Context`). `index` is the
    token where the expression, its prefix words included, begins."""
    text = scan.text
    start, end = span
    words = prefix.split()
    after = text[end : end + 80]
    if kind == "duration":
        context = _duration_context(words, after)
        if (
            context == "plain"
            and "away" in scan.lowered[start:end]
            and _CONDITIONS & set(scan.words_before(index, 8))
        ):
            return "repeat"  # "a text when the mechanic is 15 minutes away": an event
        return context
    if kind == "vague":
        return "length" if words[:1] == ["for"] else "plain"
    if not _PAST_LEADS.isdisjoint(words):
        return "past"
    if kind in ("day", "period"):
        if not _STATE_WORDS.isdisjoint(words) or ("as" in words and "of" in words):
            return "repeat"  # a state from a day on ("cancelled from today"), not a deadline
        if words[-1:] == ["after"]:
            return "repeat"  # "after the weekend", "after Monday": no deadline
    if kind == "clock" and "from" in words and "midnight" in scan.lowered[start:end]:
        return "repeat"  # "cancelled from midnight tonight"
    before = scan.words_before(index, 8)
    last = before[-1] if before else ""
    if last in _POSSESSORS:
        return "attributive"
    if kind == "clock" and not words and last == "the" and not _starts_slot(after):
        return "attributive"  # "the 14:05 to Calgary", "the 17:05 was cancelled"
    if not _CLOSURE_WORDS.isdisjoint(before) and (
        _closed_before(before) or _parenthetical_holiday(scan, index, before)
    ):
        return "holiday"
    if kind == "period" and "weekend" in scan.lowered[start:end] and _long_weekend(scan, index):
        return "holiday"  # "with the Easter long weekend", "the bank holiday weekend"
    after_lower = scan.lowered[end : end + 40]
    if ("holiday" in after_lower or "clos" in after_lower or "shut" in after_lower) and (
        _HOLIDAY_AFTER.match(after)
    ):
        return "holiday"
    if (
        (last in _REPEATS and not (last == "again" and not _FUTURE_WORDS.isdisjoint(before)))
        or (
            last in ("time", "times")
            and before[-2:-1]
            and (before[-2] in _TIMES_COUNTS or before[-2][0].isdigit())
        )
        or before[-2:] == ["so", "far"]
    ):
        return "repeat"
    if last in _EARLIER or (_maybe_ago(after_lower) and _AGO_AFTER.match(after)):
        return "past"
    if poss:
        if _marks_deadline(words):
            return "plain"  # "by Monday's commute": the day is the deadline
        return _possessive_context(scan, kind, span, after)
    if after[:1] in ("'", "\u2019") and _POSSESSIVE_NOUN.match(after):
        return "possessive" if kind == "period" or _is_near_day(text, span) else "attributive"
    copula = _COPULA_AFTER.match(after) if _maybe_copula(after_lower) else None
    if copula is not None:
        rest = copula.group("rest")
        if _HOLIDAY_WORDS.search(rest) and not _NOT_A_HOLIDAY.match(rest):
            return "holiday"
        if not _WAS.isdisjoint(after[: copula.start("rest") - copula.start()].lower().split()):
            return "past"  # "your approval on Tuesday was received": it has happened
        return "subject"
    # What is left asks the words of the clause before the expression for a condition, a
    # negation or a past verb. Most sentences hold none of them within the 30 words a
    # clause can reach back: then the answer is "plain", without finding the clause.
    reach = scan.words_before(index, 30)
    if _CLAUSE_QUESTIONS.isdisjoint(reach) and "ed " not in " ".join(reach) + " ":
        return "plain"
    clause = scan.clause_before(index)
    if not _CONDITIONALS.isdisjoint(clause):
        # "let us know if you haven't heard back by Tuesday", "if you don't hear from us
        # by Friday": the condition names when to expect us, past verbs and "not" alike.
        return "plain"
    if "until" in words:
        if not _NEGATIONS.isdisjoint(clause):
            return "subject"  # "not in until Monday": the earliest, not a deadline
        if _told_in_past(clause):
            return "repeat"  # "you've paid until 31 August": how long a state lasts
    if ("t" in clause or "not" in clause or "cannot" in clause) and _denied(clause):
        # "I can't do that today", "it may not arrive before Friday", "the driver couldn't
        # finish the route tonight": what the clause says will not happen is not promised.
        return "negated"
    if not _marks_deadline(words) and _past_clause(clause):
        return "past"
    return "plain"


_COPULA_HINT: Final = re.compile(r" is| are| was| were|being| will be|['\u2019]s|\)")


def _maybe_copula(after: str) -> bool:
    """A cheap look for "is", "are", "'s"... right after an expression (`_COPULA_HINT`
    within its first 24 characters, with `in`: quicker than a search)."""
    head = after[:24]
    return (
        " is" in head
        or " are" in head
        or " was" in head
        or " were" in head
        or "being" in head
        or " will be" in head
        or "'s" in head
        or "\u2019s" in head
        or ")" in head
    )


def _maybe_ago(after: str) -> bool:
    head = after[:16]
    return "ago" in head or "earlier" in head or "before" in head


def _starts_slot(after: str) -> bool:
    parts = after.split(None, 1)
    return bool(parts) and parts[0].lower().strip(".,") in _SLOTS


def _closed_before(before: list[str]) -> bool:
    """ "closed tomorrow", "crews are off tomorrow", "the holiday on Monday", "closed
    tomorrow for the 4th", "the holidays on 5 and 6 May" (the last day of a list)."""
    before = _before_day_list(before)
    words = before[:-1] if before[-1:] and before[-1] in _CLOSED_LINKS else before
    if words[-1:] and words[-1] in _CLOSED:
        return True
    if words[-2:-1] and words[-1] == "off" and (words[-2] in _BE or words[-2] in _CLOSED):
        return True  # "crews are off tomorrow", "it's shut off tonight"
    return before[-1:] == ["for"] and "closed" in before


_LIST_WORDS: Final = frozenset("and or st nd rd th".split())


def _before_day_list(before: list[str]) -> list[str]:
    """The words before a list of day numbers that ends at the day ("on 5 and 6 May": the
    words before "5"), so that what is said of the list is said of its last day too."""
    k = len(before)
    while k and (before[k - 1].isdigit() or before[k - 1] in _LIST_WORDS):
        k -= 1
    return before[:k] if k < len(before) and any(w.isdigit() for w in before[k:]) else before


def _parenthetical_holiday(scan: _Scan, index: int, before: list[str]) -> bool:
    """ "Monday is a holiday here (8 December)": a date in brackets after a holiday."""
    return scan.gap_before(index).rstrip().endswith("(") and bool(
        {"holiday", "closed"} & set(before)
    )


def _long_weekend(scan: _Scan, index: int) -> bool:
    if index == 0:
        return False
    start, word = scan.starts[index - 1], scan.words[index - 1]
    if word in _LONG:
        return True
    return scan.gap_before(index).isspace() and scan.text[start].isupper() and index > 1


_DONE_LEADS: Final = frozenset(("last", "past", "took"))  # "it took 3 days"
_EXTENSIONS: Final = frozenset(
    ("another", "additional", "further", "extra")
)  # "for another 30 minutes"


def _duration_context(words: list[str], after: str) -> Context:
    if not _DONE_LEADS.isdisjoint(words) or (_maybe_ago(after.lower()) and _AGO_AFTER.match(after)):
        return "past"
    extended = not _EXTENSIONS.isdisjoint(words)
    if ("for" in words and not extended and "next" not in words) or (
        "over" in words and "next" not in words
    ):
        return "length"
    if "least" in words or ("more" in words and "than" in words):
        return "length"
    if _GAP_AFTER.match(after) or (words == ["after"] and _WITH_AFTER.match(after)):
        return "length"  # "30 mins behind", "after ten weeks with a faulty TV"
    return "plain"


def _possessive_context(scan: _Scan, kind: Kind, span: tuple[int, int], after: str) -> Context:
    """A day written with "'s": a holiday ("Monday's a bank holiday", "tomorrow's Australia
    Day"), an adjective ("Monday's ticket") or the subject of "is"."""
    if _NOUN_AFTER.match(after):
        near = kind in ("day", "part") and _is_near_day(scan.text, span)
        return "possessive" if near else "attributive"
    rest = re.split(r"[.,;()]", after, maxsplit=1)[0][:40]
    if _HOLIDAY_WORDS.search(rest) and not _NOT_A_HOLIDAY.match(rest):
        return "holiday"
    return "subject"


def _marks_deadline(words: list[str]) -> bool:
    return not _DEADLINE_MARKS.isdisjoint(words)


_DEADLINE_MARKS: Final = frozenset(("by", "before", "until", "till", "til", "to", "for"))


def _is_near_day(text: str, span: tuple[int, int]) -> bool:
    """Whether the expression at `span` names today, tonight or tomorrow."""
    return _NEAR_DAYS.search(text, span[0], span[1]) is not None


# --- parsers: from matched words to values -------------------------------------------


@lru_cache(maxsize=8192)
def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _number(text: str) -> float | None:
    word = _words(text)
    if not word:
        return None
    if word[0].isdigit():
        try:
            return float(word)
        except ValueError:
            return None
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else None


def _marker(words: list[str]) -> Marker | None:
    """The word before an expression that says how it bounds the promise."""
    for word in reversed(words):
        if word in ("by", "before", "after", "from", "at", "on", "in", "within", "every"):
            return word  # type: ignore[return-value]
        if word in ("until", "till", "til"):
            return "until"
        if word == "than" and "later" in words:
            return "by"
        if word == "latest":
            return "by"
    return None


def _meridiem(text: str | None) -> Meridiem | None:
    if not text:
        return None
    return "am" if text.lower().lstrip()[0] == "a" else "pm"


@lru_cache(maxsize=4096)
def parse_clock(text: str) -> Clock | None:
    """A clock time from its words ("10am", "15:00", "noon", "8", "eight"), or None when the
    words are no time of day (hour 24 or more, minutes 60 or more)."""
    core = _CORE_PARSER.fullmatch(text.strip())
    if core is None:
        word = _words(text)
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", word)
        if match is not None:
            leading = match[1].startswith("0")
            return _valid_clock(int(match[1]), int(match[2]), None, bare=True, leading_zero=leading)
        spoken = re.fullmatch(r"([a-z]+) (thirty|fifteen|forty five|twenty|ten|o five)", word)
        if spoken is not None and spoken[1] in NUMBER_WORDS:
            minutes = {"thirty": 30, "fifteen": 15, "forty five": 45, "twenty": 20, "ten": 10}
            return _valid_clock(NUMBER_WORDS[spoken[1]], minutes.get(spoken[2], 5), None, bare=True)
        value = _number(word)
        if value is None or value != int(value):
            return None
        return _valid_clock(int(value), 0, None, bare=True, leading_zero=word.startswith("0"))
    if core["noon"]:
        if core["noon"].lower().startswith("midnight"):
            return Clock(0, 0, None, midnight=True)
        return Clock(12, 0, "pm")
    if core["pmh"]:
        return _past_or_to(core["pm"], core["pmrel"], core["pmh"], core["pmmer"])
    for hour_group, minute_group, meridiem_group in (
        ("h1", "m1", "mer1"),
        ("h2", "m2", None),
        ("h3", None, "mer3"),
        ("h4", None, None),
        ("h5", "m5", "mer5"),
        ("h6", "m6", "mer6"),
        ("h7", None, None),
    ):
        hour_text = core[hour_group]
        if hour_text is None:
            continue
        hour = _number(hour_text)
        minute_text = core[minute_group] if minute_group else None
        minute = 0
        if minute_text:
            minute_value = _number(minute_text)
            minute = int(minute_value) if minute_value is not None else 0
        meridiem = _meridiem(core[meridiem_group]) if meridiem_group else None
        if hour is None:
            return None
        leading = hour_text.startswith("0")
        return _valid_clock(int(hour), minute, meridiem, bare=False, leading_zero=leading)
    return None


def _past_or_to(
    minutes_text: str, relation: str, hour_text: str, meridiem_text: str | None
) -> Clock | None:
    """ "half past seven", "20 min past eight", "quarter to five"."""
    word = _words(minutes_text).replace(" minutes", "").replace(" minute", "")
    word = re.sub(r"\s*min(?:ute)?s?$", "", word)
    minutes = {"half": 30.0, "quarter": 15.0}.get(word)
    if minutes is None:
        minutes = _number(word)
    hour = _number(hour_text)
    if minutes is None or hour is None or not 0 < minutes < 60 or not 1 <= hour <= 12:
        return None
    whole = int(hour) * 60 + (int(minutes) if relation.lower() == "past" else -int(minutes))
    hour_of, minute_of = divmod(whole, 60)
    return _valid_clock(hour_of or 12, minute_of, _meridiem(meridiem_text), bare=False)


def _valid_clock(
    hour: int, minute: int, meridiem: Meridiem | None, *, bare: bool, leading_zero: bool = False
) -> Clock | None:
    if minute >= 60 or hour > 23 or (meridiem is not None and not 1 <= hour <= 12):
        return None
    exact = meridiem is None and (hour == 0 or hour >= 13 or leading_zero)
    return Clock(hour, minute, meridiem, bare=bare, exact=exact)


def _tail_part(tail: str | None) -> tuple[Part | None, bool]:
    """The part of day a clock's tail names, and whether it pins the day to today."""
    if not tail:
        return None, False
    words = _words(tail)
    parts: tuple[Part, ...] = ("morning", "afternoon", "evening")
    for part in parts:
        if part in words:
            return part, words.startswith(("this", ", this"))
    if "tonight" in words:
        return "evening", True
    if "night" in words:
        return "evening", False
    return None, False


def _month(text: str, original: str) -> int | None:
    """The month a name gives; "may" counts only when written "May" (else it is the verb)."""
    name = text.lower().rstrip(".")
    if name == "may" and not original.startswith("May"):
        return None
    return MONTHS.get(name)


def _capitalised_if_short(name: str) -> bool:
    """Short day names ("Sat", "Sun", "Wed") count only when capitalised like a name."""
    bare = name.rstrip(".")
    return len(bare) > 5 or bare[:1].isupper()


def _date(match: re.Match[str], original: str, p: str = "") -> DayName | None:
    """A date from the groups of `_date_pattern(p)`."""

    def g(name: str) -> str:
        return match[p + name] or ""

    def month_of(name: str) -> int | None:
        return _month(g(name), _group_text(match, p + name, original))

    if g("rm"):
        return _day_name(month_of("rm_mon"), int(g("rm")), None)
    if g("dr"):
        return _day_name(month_of("dr_mon"), int(g("dr")), None)
    if g("dm"):
        year = int(g("dm_year")) if g("dm_year") else None
        return _day_name(month_of("dm_mon"), int(g("dm")), year)
    if g("md"):
        year = int(g("md_year")) if g("md_year") else None
        return _day_name(month_of("md_mon"), int(g("md")), year)
    if g("mw"):
        word = _words(g("mw"))
        return _day_name(
            month_of("mw_mon"), ORDINAL_WORDS.get(word) or NUMBER_WORDS.get(word), None
        )
    if g("wm"):
        return _day_name(month_of("wm_mon"), ORDINAL_WORDS.get(_words(g("wm"))), None)
    if g("iso_y"):
        return _day_name(int(g("iso_m")), int(g("iso_d")), int(g("iso_y")))
    if g("n1"):
        first, second = int(g("n1")), int(g("n2"))
        if (first, second) == (24, 7) or not (1 <= first <= 31 and 1 <= second <= 31):
            return None  # "24/7 support"; "50/50"
        if first <= second <= 9 and (
            _THREAD_COUNTER.match(original, 0, match.start(p + "n1"))
            or _is_trailing_counter(original, match.start(p + "n1"), match.end())
        ):
            return None  # "1/2 We know...", "... ^Lawrence 2/2": a tweet thread's counter
        if first > 12 and second > 12:
            return None
        year = None
        if g("ny"):
            year = int(g("ny")) + (2000 if len(g("ny")) == 2 else 0)
        return DayName("numeric_date", numbers=(first, second), year=year)
    return None


_THREAD_COUNTER: Final = re.compile(r"\s*(?:@\w+\s*)*$")
# The end of a tweet: white space, or a closing mark, then nothing.
_TEXT_END: Final = re.compile(r"[\s.!)]*$")


def _is_trailing_counter(original: str, start: int, end: int) -> bool:
    """Whether "n/m" at `start`..`end` ends the text after a signature or a full stop, as a
    tweet thread's counter does ("... Lawrence 2/2", "^JB 1/3", "back soon. 2/2"); after
    any other word ("it arrives by 3/4", "Delivery date: 3/4", "Friday 3/4") it is a date."""
    if _TEXT_END.match(original, end) is None:
        return False
    before = original[max(0, start - 24) : start].split()
    if not before:
        return False
    last = before[-1]
    if last[0] in "^-~\u2013\u2014" or last[-1] in ".!?":
        return True
    # A name signs the tweet; a day or month name would date it.
    lowered = last.lower()
    return (
        last.isalpha()
        and last.istitle()
        and lowered not in WEEKDAYS
        and lowered not in MONTHS
        and lowered not in ("today", "tomorrow", "tonight", "on", "by", "until", "before", "due")
    )


def _group_text(match: re.Match[str], group: str, original: str) -> str:
    start, end = match.span(group)
    return original[start:end]


def _day_name(month: int | None, day: int | None, year: int | None) -> DayName | None:
    if month is None or day is None or not 1 <= day <= 31:
        return None
    return DayName("date", month=month, day=day, year=year)


def _weekday(name: str) -> int | None:
    return WEEKDAYS.get(name.lower().rstrip("."))


_REL_DAYS: dict[str, DayKind] = {
    "today": "today",
    "tonight": "tonight",
    "tonite": "tonight",
    "tomorrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomorow": "tomorrow",
    "yesterday": "yesterday",
}


def _parse_day(match: re.Match[str], text: str, prefix: str) -> tuple[DayName | None, str, bool]:
    """A day from the groups of `_DAY`: the day, its prefix words, whether it is possessive."""
    poss = match["poss"] is not None
    if match["rel"] is not None:
        word = _words(match["rel"])
        if word != "yesterday":
            # "tomorrow, Sep 13", "tomorrow (13 March)", "tomorrow the 13th": the date says
            # which day, as with "Thursday, June 13".
            if match["reldate"] is not None:
                dated = _date(match, text, "r")
                if dated is not None:
                    return dated, prefix, poss
            if match["relord"] is not None and 1 <= int(match["relord"]) <= 31:
                return DayName("day_of_month", day=int(match["relord"])), prefix, poss
        if word.endswith("day after tomorrow"):
            return DayName("day_after_tomorrow"), prefix, poss
        if word.startswith("next"):
            return DayName("tomorrow"), prefix, poss
        return DayName(_REL_DAYS[word]), prefix, poss
    if match["wd"] is not None:
        if not _capitalised_if_short(_group_text(match, "wd", text)):
            return None, prefix, poss
        weekday = _weekday(match["wd"])
        if match["wddate"] is not None:
            # "Thursday, June 13": the date says which Thursday; the name only confirms it.
            dated = _date(match, text, "w")
            if dated is not None:
                return dated, prefix, poss
        number: int | None = None
        if match["wdord"] is not None:
            number = int(match["wdord"])
        elif match["wdordw"] is not None:
            number = ORDINAL_WORDS.get(_words(match["wdordw"]))
        elif match["wdnum"] is not None:
            number = int(match["wdnum"])
        if number is not None:
            # "Wednesday 27th", "Monday the 11th": the 27th that is a Wednesday.
            return DayName("day_of_month", weekday=weekday, day=number), prefix, poss
        modifier = _weekday_modifier(match["wkmod"], match["wkpre"], match["wdweek"])
        return DayName("weekday", weekday=weekday, modifier=modifier), prefix, poss
    if match["date"] is not None:
        return _date(match, text), prefix, poss
    if match["ord"] is not None:
        day = int(match["ord"])
        offset = None
        ordmonth = (match["ordmonth"] or "").lower()
        if "next" in ordmonth:
            offset = 1
        elif "this" in ordmonth or "the month" in ordmonth:
            offset = 0
        if not 1 <= day <= 31:
            return None, prefix, poss
        return DayName("day_of_month", day=day, month_offset=offset), prefix, poss
    return None, prefix, poss


def _weekday_modifier(
    modifier: str | None, week_before: str | None, week_after: str | None
) -> WeekdayModifier | None:
    if week_before or week_after:
        which = _words(week_before or week_after or "")
        return "next_week" if "next" in which else "this_week"
    if modifier is None:
        return None
    word = _words(modifier)
    if word in ("next", "following", "the following"):
        return "next"
    if word == "this":
        return "this"
    if word in ("last", "previous", "past", "this past"):
        return "last"
    return "coming"


def _parse_duration(match: re.Match[str], prefix: str) -> tuple[Duration | None, str]:
    prefix = _words(prefix)
    words = prefix.split()
    unit_word = match["unit"].lower()
    unit = _UNITS.get(unit_word)
    if unit is None:
        return None, prefix
    scale = 2.0 if unit_word.startswith("fortnight") else 1.0
    business = match["biz"] is not None or unit_word.startswith("weekday")
    if match["couple"] is not None:
        low = high = 2.0
    elif match["half"] is not None:
        low = high = 0.5
    elif match["the"] is not None or match["nexthour"] is not None:
        low = high = 1.0  # "within the hour", "in the next day", "next hour"
    else:
        first = _number(match["n1"])
        if first is None:
            return None, prefix
        if match["half1"] or match["half2"]:
            first += 0.5
        second = _number(match["n2"]) if match["n2"] else None
        low = first
        high = second if second is not None and second >= first else first
    post = _words(match["post"] or "")
    if post.startswith("or two") or post.startswith("or 2"):
        high = max(high, 2.0)
    elif post.startswith("or three") or post.startswith("or 3"):
        high = max(high, 3.0)
    relation: Relation = "from_turn"
    if post.endswith(("tomorrow", "tmrw")):
        relation = "from_tomorrow"
    elif match["event"]:
        relation = "after_event"  # "once we receive it": counts from an event, not a day
    elif match["before"]:
        relation = "before_anchor"  # "2 days before your connection date"
    elif post in ("later", "after", "afterwards") or match["rel"] or match["reld"]:
        relation = "after_anchor"
    elif "every" in words:
        relation = "every"
    elif words and words[-1] == "after":
        relation = "after"
    if unit in ("second", "minute", "hour"):
        business = False
    later = post == "later"
    return Duration(low * scale, high * scale, unit, business, relation, later), prefix


# Around a lone "3 days", words that make it a length or a label, not a time from now:
# "it's 14 days", "the 30 days applies", "which runs 36 months", "ten days without a phone".
_LENGTH_BEFORE: Final = frozenset(
    "the a an this that these those your our my its their his her s is was been of runs "
    "lasts last took every first all over than".split()
)
_LENGTH_AFTER: Final = re.compile(
    r"\s*(?:without|of|with|ago|old|long|late|behind|early|overdue|in\s+a\s+row|straight|"
    r"running|left|remaining|free|trial|notice|warranty|grace|cooling|['\u2019]s?)\b",
    re.IGNORECASE,
)


def _is_bare_duration(match: re.Match[str], duration: Duration, prefix: str, before: str) -> bool:
    """A single "3 days" (or "3 days of your evening") with nothing that makes it a time
    from now: no expression. Business days and ranges ("3-5 days") always are, and so is
    a lone "N days" or "N weeks" ("activation: 3 days", promises.md) unless the words
    around it make it a length or a label."""
    timeline = any(word in _TIMELINE_WORDS for word in prefix.split())
    if timeline or duration.business or match["n2"] is not None:
        return False
    lone = not (
        match["rel"]
        or match["event"]
        or match["reld"]
        or match["post"]
        or match["before"]
        or prefix
    )
    counted = (match["n1"] or "a").lower() not in ("a", "an")
    if lone and duration.unit in ("day", "week") and counted:
        # Given as a timeline ("Delivery: 3 days", "activation - 5 days", "(7 days)"), not as
        # a length ("five days is far too long", "2 extra days added").
        label = match.string[: match.start()].rstrip()[-1:] in (":", "(", "-", "\u2013")
        if label and before not in _LENGTH_BEFORE:
            return bool(_LENGTH_AFTER.match(match.string, match.end()))
    if match["reld"] is not None or match["before"] is not None:
        return False
    if match["rel"] is not None or match["event"] is not None:
        # "7 days after the collection" stands alone; "3 hours of your evening" does not.
        return (match["rel"] or match["event"] or "").split()[0].lower() == "of"
    return not (match["couple"] or match["half"] or match["post"] or match["nexthour"])


_BARE_CLOCK_PREFIX: Final = frozenset(
    {"by", "before", "until", "till", "from", "after", "at", "around", "about"}
)


def _parse_clock_match(
    match: re.Match[str], prefix: str, span: tuple[int, int]
) -> Expression | None:
    if match["core"] is not None:
        clock = parse_clock(match["core"])
        tail = match["ctail"]
        weak = False
    elif match["weak"] is not None:
        clock = parse_clock(match["weak"])
        tail = match["wtail"]
        weak = False  # "9 this evening": the part of day makes it a time
    else:
        clock = parse_clock(match["bare"])
        tail = None
        if _words(prefix).split()[-1:] and _words(prefix).split()[-1] not in _BARE_CLOCK_PREFIX:
            return None
        if not prefix:
            return None  # a bare number is a time only after "at", "by", "until", ...
        weak = False
    if clock is None:
        return None
    part, today = _tail_part(tail)
    return Expression(
        "clock",
        span,
        marker=_marker(_words(prefix).split()),
        clock=clock,
        clock_part=part,
        clock_today=today,
        weak=weak,
        zone=_zone(match),
    )


def _zone(match: re.Match[str]) -> str | None:
    code = match["zone"] or match["zonename"]
    return ZONES.get(_words(code)) if code else None


def _parse_range(match: re.Match[str], prefix: str, span: tuple[int, int]) -> Expression | None:
    start_clock = parse_clock(match["r1"])
    end_clock = parse_clock(match["r2"])
    if start_clock is None or end_clock is None:
        return None
    prefix = _words(prefix)
    joiner = _words(match.string[match.end("r1") : match.start("r2")])
    if joiner == "and" and "between" not in prefix.split():
        return None
    weak = (
        start_clock.bare
        and end_clock.bare
        and not match["rtail"]
        and not ({"between", "from"} & set(prefix.split()))
    )
    part, today = _tail_part(match["rtail"])
    words = prefix.split()
    marker = _marker([w for w in words if w not in ("between", "from")])
    return Expression(
        "clock",
        span,
        marker=marker,
        clock=end_clock,
        clock_from=start_clock,
        clock_part=part,
        clock_today=today,
        weak=weak,
        zone=_zone(match),
    )


def _parse_part(
    match: re.Match[str], text: str, prefix: str, span: tuple[int, int]
) -> Expression | None:
    poss = match["pposs"] is not None
    day: DayName | None = None
    part: Part
    part_next = False
    if match["part"] is not None:
        part = _words(match["part"])  # type: ignore[assignment]
        word = _words(match["pday"])
        if word == "this":
            day = DayName("today")
        elif word in _REL_DAYS:
            day = DayName(_REL_DAYS[word])
        else:
            if not _capitalised_if_short(_group_text(match, "pday", text)):
                return None
            modifier = _weekday_modifier(match["pmod"], None, match["pweek"])
            day = DayName("weekday", weekday=_weekday(word), modifier=modifier)
    elif match["part2"] is not None:
        part = _words(match["part2"])  # type: ignore[assignment]
        part_next = True
    elif match["part3"] is not None:
        part = _words(match["part3"])  # type: ignore[assignment]
        day = DayName("today")
    else:
        # "first thing": the morning of the day named, else tomorrow morning.
        part = "morning"
        named = _words(match["ftday"] or match["tpart"] or "tomorrow")
        day = DayName("tomorrow")
        for name, number in WEEKDAYS.items():
            if re.search(rf"\b{name}\b", named):
                day = DayName("weekday", weekday=number)
                break
    expression = Expression(
        "part",
        span,
        marker=_marker(_words(prefix).split()),
        day=day,
        part=part,
        part_next=part_next,
    )
    return expression if not poss else _with_context(expression, "possessive")


def _with_context(expression: Expression, context: Context) -> Expression:
    expression.context = context  # a fresh expression, not yet seen by anyone
    return expression


def _period_day(text: str | None) -> DayName | None:
    if not text:
        return None
    words = _words(text).replace(",", "").split()
    words = [w for w in words if w != "on"]
    if not words:
        return None
    if words[-1] in _REL_DAYS:
        return DayName(_REL_DAYS[words[-1]])
    weekday = _weekday(words[-1])
    if weekday is None:
        return None
    modifier: WeekdayModifier | None = "next" if words[0] == "next" else None
    if words[0] == "this":
        modifier = "this"
    return DayName("weekday", weekday=weekday, modifier=modifier)


def _parse_period(
    match: re.Match[str], original: str, prefix: str, span: tuple[int, int]
) -> Expression | None:
    prefix = _words(prefix)
    marker = _marker(prefix.split())
    if match["cob"] is not None:
        return Expression(
            "period",
            span,
            marker=marker,
            period="close_of_business",
            day=_period_day(match["cobday"]),
        )
    if match["eod"] is not None:
        return Expression(
            "period", span, marker=marker, period="end_of_day", day=_period_day(match["eodday"])
        )
    if match["endday"] is not None:
        day = _period_day(match["endday"])
        return Expression("period", span, marker=marker, period="end_of_day", day=day)
    if match["endunit"] is not None:
        which = _words(match["endwhich"] or "")
        unit = _words(match["endunit"]).split()[-1]
        # "the end of the working week": its last business day, as "the end of the week"
        unit = "week" if unit.endswith("week") else unit
        return _unit_period(span, marker, "next" if which == "next" else "this", unit)
    if match["unitend"] is not None:  # "by week's end", "month-end"
        return _unit_period(span, marker, "this", match["unitend"].lower())
    if match["isout"] is not None:  # "before the month is out": by its end
        return _unit_period(span, "by", "this", match["outunit"].lower())
    if marker == "before" and "end of" in _words(match.group()):
        marker = "by"  # "before the end of December": by its end
    if match["endmonth"] is not None:
        month = _month(match["endmonth"], _group_text(match, "endmonth", original))
        if month is None:
            return None
        year = int(match["endmonthyear"]) if match["endmonthyear"] else None
        return Expression("period", span, marker=marker, period="month", month=month, year=year)
    if match["eox"] is not None:
        unit = {"w": "week", "m": "month", "y": "year"}[match["eoxunit"].lower()]
        return _unit_period(span, marker, "this", unit)
    if match["myname"] is not None:
        month = _month(match["myname"], _group_text(match, "myname", original))
        if month is None:
            return None
        year = int(match["myyear"])
        return Expression("period", span, marker=marker, period="month", month=month, year=year)
    if match["unit"] is not None:
        which = _words(match["which"]).replace("following", "next").replace("coming", "next")
        unit = _words(match["unit"]).split()[-1]
        unit = "week" if unit.endswith("week") else unit  # "this working week", "workweek"
        if which == "early next" and unit == "week":
            return Expression("period", span, marker=marker, period="early_next_week")
        return _unit_period(span, marker, "next" if "next" in which else "this", unit)
    if match["theweekend"] is not None:
        return Expression("period", span, marker=marker, period="weekend")
    if match["nbd"] is not None:
        return Expression("period", span, marker=marker, period="next_business_day")
    if match["mon"] is not None:
        month = _month(match["mon"], _group_text(match, "mon", original))
        if month is None:
            return None
        year = int(match["monyear"]) if match["monyear"] else None
        mpre = _words(match["mpre"])
        month_marker: Marker = "before" if mpre == "before" else "by"
        return Expression(
            "period", span, marker=month_marker, period="month", month=month, year=year
        )
    return None


def _unit_period(
    span: tuple[int, int], marker: Marker | None, which: str, unit: str
) -> Expression | None:
    periods: dict[tuple[str, str], PeriodKind] = {
        ("this", "week"): "this_week",
        ("next", "week"): "next_week",
        ("this", "weekend"): "weekend",
        ("next", "weekend"): "next_weekend",
        ("this", "month"): "this_month",
        ("next", "month"): "next_month",
        ("this", "year"): "this_year",
        ("next", "year"): "next_year",
    }
    period = periods.get((which, unit))
    if period is None:
        return None
    return Expression("period", span, marker=marker, period=period)


def _parse_relative(match: re.Match[str], prefix: str, span: tuple[int, int]) -> Expression:
    offset = 0
    prefix = _words(prefix)
    if match["xnd"] is not None:
        # "next-day delivery": the day after the day it is sent, else tomorrow.
        return Expression(
            "relative_day", span, marker=_marker(prefix.split()), offset=1, from_today=True
        )
    if match["xnext"] is not None or (match["xab"] or "").lower() == "after":
        offset = 1
    elif match["xprev"] is not None or (match["xab"] or "").lower() == "before":
        offset = -1
    return Expression("relative_day", span, marker=_marker(prefix.split()), offset=offset)


def _masked(text: str) -> str:
    """`text` with links and e-mail addresses blanked (same length, so spans still hold):
    the digits of "web.archive.org/web/20200401..." are no dates."""
    if "http" not in text and "www." not in text and not _may_hold_address(text):
        return text
    return _LINK.sub(lambda m: " " * (m.end() - m.start()), text)


def _may_hold_address(text: str) -> bool:
    """Whether an "@" has a character other than white space before it, as in an e-mail
    address: a tweet's "@customer" handles alone hold none, and are the common case."""
    at = text.find("@", 1)
    while at > 0:
        if not text[at - 1].isspace():
            return True
        at = text.find("@", at + 1)
    return False


_ZONED: Final = frozenset({"clock", "range"})


def _zone_as_written(match: re.Match[str], text: str) -> bool:
    """Whether a zone code the lower-case patterns found is written in capitals, as zone
    codes must be ("6pm CT", not "et al"); true when the match holds none."""
    start, end = match.span("zone")
    return start < 0 or text[start:end].isupper()


def find_expressions(text: str) -> list[Expression]:
    """Every time expression in `text`, in order, each with its span and context."""
    scanned = _masked(text)
    lowered = scanned.lower()
    # Most texts hold no number and no word a time expression starts with (`_no_time_word`,
    # here with whether the text holds a number kept for `_candidates`).
    if lowered.isascii():
        raw = lowered.encode()
        numbers = len(raw.translate(None, _DIGIT_BYTES)) != len(raw)
        if not numbers and not _may_start_at_an_ascii_word(raw):
            return []
    else:
        numbers = _DIGIT.search(lowered) is not None
        if not numbers and not _may_start_at_a_word(lowered):
            return []
    pieces = _TOKEN_SPLIT.split(lowered)
    words = pieces[1::2]
    candidates = _candidates(words, numbers)
    if not candidates:
        return []
    parsers, subject = _LOWER_PARSERS, lowered
    if not reads_as_lower(scanned, lowered):
        parsers, subject = _PARSERS, scanned
    starts = list(accumulate(map(len, pieces)))[:-1:2]
    scan = _Scan(scanned, lowered, words, starts)
    found: list[Expression] = []
    taken = 0  # where the last expression found ends: expressions never overlap
    for index in candidates:
        start, word = starts[index], words[index]
        if start < taken:
            continue
        if word[0].isdigit():
            kinds: tuple[str, ...] = _digit_kinds(lowered, words, index, start)
        else:
            kinds = _kinds_at(word, words[index + 1] if index + 1 < len(words) else "")
        for kind in kinds:
            match = parsers[kind].match(subject, start)
            if match is None or match.end() == start:
                continue
            if kind in _ZONED and not _zone_as_written(match, scanned):
                match = _PARSERS[kind].match(scanned, start)  # "10am et al": no zone
                if match is None or match.end() == start:
                    continue
            prefix_words = _PREFIX_WORDS[kind]
            if index and words[index - 1] in prefix_words:
                begin, first = _prefix_start(scan, index, prefix_words, taken)
            else:
                begin, first = start, index  # no word before it that bounds it: most
            expression = _parse(kind, match, scan, scanned[begin:start], begin, first)
            if expression is not None:
                found.append(expression)
                taken = match.end()
                break
    return found


_PART_WORDS: Final = frozenset("morning afternoon evening night early late first s".split())
_WEEKDAY_WORDS: Final = frozenset(WEEKDAYS)
# For a kind tried at a word, the words that may follow it; a kind not listed for a word
# is always tried. "Friday" tries `part` only before "morning", "afternoon"...
_KIND_FOLLOWERS: dict[tuple[str, str], frozenset[str]] = {
    **{("part", day): _PART_WORDS for day in ("today", "tomorrow", "tmrw", "yesterday", "this")},
    **{("part", day): _PART_WORDS for day in WEEKDAYS},
    **{("part", lead): _WEEKDAY_WORDS for lead in ("next", "coming", "following")},
    ("part", "in"): frozenset({"the"}),
    ("part", "during"): frozenset({"the"}),
    ("period", "during"): _FULL_MONTHS,
    ("vague", "before"): frozenset({"long"}),
    ("part", "later"): frozenset({"this", "today", "in"}),
    ("part", "first"): frozenset({"thing"}),
    ("period", "this"): frozenset("week weekend month year working work business workweek".split()),
    ("period", "next"): frozenset(
        "week weekend month year working work business workweek day".split()
    ),
    ("period", "the"): frozenset("end close weekend coming following next".split()),
    ("day", "the"): frozenset({"day", "following", *ORDINAL_WORDS}),
    ("day", "this"): frozenset({"coming", "upcoming", "past", "week", *WEEKDAYS}),
    ("day", "next"): frozenset({"week", *WEEKDAYS}),
    ("relative_day", "the"): frozenset("next following day same previous prior".split()),
    ("relative_day", "next"): frozenset({"day"}),
    ("vague", "the"): frozenset({"coming", "next"}),
    ("vague", "in"): frozenset({"a", "due", "the"}),
    ("vague", "a"): frozenset({"few", "little", "short", "s"}),
    ("vague", "next"): frozenset({"few"}),
    ("duration", "the"): frozenset({"next", "hour", "day"}),
    ("duration", "next"): frozenset({"hour", "fortnight"}),
}


_DURATION_NEXT: Final = frozenset(_UNITS) | frozenset(
    "to or and more further extra additional full calendar whole upcoming coming next "
    "business working work bank".split()
)
_RANGE_NEXT: Final = frozenset("to till until and am pm a p o oclock".split())
_CLOCK_NEXT: Final = frozenset(
    "am pm a p o oclock ish this tonight in at h hrs past min mins minutes".split()
)
_CLOCK_BEFORE: Final = frozenset(
    "by before until till til from after since at around about eta".split()
)
_DATE_NEXT: Final = frozenset(MONTHS) | frozenset(
    "st nd rd th of to through thru till until".split()
)


def _digit_kinds(lowered: str, words: list[str], index: int, start: int) -> tuple[str, ...]:
    """The kinds worth trying at a number, from the characters and words around it: "5
    business days" can be a duration, "10am" a clock time, "12/03" a date, "£36" none."""
    word = words[index]
    before = lowered[start - 1] if start else " "
    if before.isalpha() or before in "\u00a3$\u20ac#" or len(word) > 4:
        return ()  # "SA612", "\u00a336", "#88213", "4471903": a code or an amount
    end = start + len(word)
    following = words[index + 1] if index + 1 < len(words) else ""
    clock_lead = index > 0 and words[index - 1] in _CLOCK_BEFORE
    return _number_kinds(lowered[end : end + 1], following, clock_lead, len(word) == 4)


@lru_cache(maxsize=4096)
def _number_kinds(
    after: str, following: str, clock_lead: bool, four_digits: bool
) -> tuple[str, ...]:
    """`_digit_kinds` for a number followed by the character `after` and the word
    `following`, after a word such as "at" or "by" (`clock_lead`)."""
    dash = after in ("-", "\u2013", "\u2014")
    kinds = []
    # A word written onto the number ("3pm") continues a duration only when it is one of
    # the words after which a duration goes on ("3days", "24h"), as a word apart would be.
    if following in _DURATION_NEXT or dash:
        kinds.append("duration")
    if following in _RANGE_NEXT or dash or after in (":", "."):
        kinds.append("range")
    clockish = after in (":", ".", ",") or after.isalpha()
    if following in _CLOCK_NEXT or clockish or clock_lead:
        kinds.append("clock")
    if following in _DATE_NEXT or dash or after in ("/", "-") or four_digits:
        kinds.append("day")
    return tuple(kinds)


@lru_cache(maxsize=8192)
def _kinds_at(word: str, following: str) -> tuple[str, ...]:
    """The kinds worth trying at a trigger word, given the word after it."""
    return tuple(
        kind
        for kind in _TRIGGERS[word]
        if following in _KIND_FOLLOWERS.get((kind, word), (following,))
        or (kind == "day" and word == "the" and following[:1].isdigit())
    )


def _candidates(words: list[str], numbers: bool = True) -> list[int]:
    """The indexes of the words an expression may start at: numbers, and trigger words
    followed by a word that can continue them ("the" only before "end", "weekend", "5th"...).
    `numbers` False says the text holds no digit, so no word is a number."""
    # The numbers and the trigger words, picked out at C speed (words are letters a-z or
    # digits, and `str.isdigit` holds for every digit a word can be made of).
    maybe = list(compress(count(), map(_TRIGGERS.__contains__, words)))
    if numbers and (found := list(compress(count(), map(str.isdigit, words)))):
        maybe = sorted(maybe + found)
    if not maybe:
        return maybe
    last = len(words) - 1
    starts = []
    for index in maybe:
        word = words[index]
        followers = _FOLLOWERS.get(word)
        if followers is not None:
            following = words[index + 1] if index < last else ""
            if following not in followers and not (word == "the" and following[:1].isdigit()):
                continue
        starts.append(index)
    return starts


def _prefix_start(scan: _Scan, index: int, words: frozenset[str], floor: int) -> tuple[int, int]:
    """Where the words before token `index` that bound its expression begin ("within the
    next" before "2 hours"): up to four of `words`, separated by white space only. Also the
    index of the first token of them."""
    text, starts, tokens = scan.text, scan.starts, scan.words
    begin, first = starts[index], index
    for back in range(index - 1, max(-1, index - 1 - _MAX_PREFIX_WORDS), -1):
        start, word = starts[back], tokens[back]
        end = start + len(word)
        if start < floor or word not in words or not text[end:begin].isspace():
            break
        begin, first = start, back
    return begin, first


def _parse(
    kind: str, match: re.Match[str], scan: _Scan, prefix: str, begin: int, first: int
) -> Expression | None:
    """One found expression, with its context; None when its words make no time after all.
    `prefix` holds the words before it that bound it ("by", "within"), from `begin`, the
    start of token `first`."""
    text = scan.text
    span = (begin, match.end())
    lead = _words(prefix)
    expression: Expression | None
    poss = False
    if kind == "duration":
        duration, words = _parse_duration(match, prefix)
        before = scan.words[first - 1] if first > 0 else ""
        if duration is None or _is_bare_duration(match, duration, words, before):
            return None
        expression = Expression("duration", span, marker=_marker(words.split()), duration=duration)
    elif kind == "vague":
        expression = Expression("vague", span)
    elif kind == "range":
        expression = _parse_range(match, prefix, span)
    elif kind == "clock":
        expression = _parse_clock_match(match, prefix, span)
    elif kind == "part":
        expression = _parse_part(match, text, prefix, span)
        poss = match["pposs"] is not None
    elif kind == "period":
        expression = _parse_period(match, text, prefix, span)
    elif kind == "day":
        day, _, poss = _parse_day(match, text, prefix)
        if day is None:
            return None
        expression = Expression("day", span, marker=_marker(lead.split()), day=day)
        if day.kind == "yesterday" or day.modifier == "last":
            return _with_context(expression, "past")
    else:
        expression = _parse_relative(match, prefix, span)
    if expression is None:
        return None
    # Only a clock time (when today's has passed), "today" and a part of today ("this
    # morning", still to come at 09:00) ask whether a past verb governs them.
    today = expression.day is not None and expression.day.kind == "today"
    asks = expression.kind == "clock" or (today and expression.kind in ("day", "part"))
    past_tense = asks and _told_in_past(scan.sentence_before(first))
    context = expression.context
    if context == "plain":
        context = _context(scan, expression.kind, span, first, lead, poss)
        if (
            context == "plain"
            and expression.kind == "part"
            and past_tense
            and expression.marker not in ("by", "before", "until", "within")
        ):
            # "I've corrected it and re-released the payment this morning", said at 09:40:
            # the morning is when it was done, not a deadline still to come.
            context = "past"
    # The finder fills in what it learns after parsing before anyone sees the expression.
    expression.context = context
    expression.past_tense = past_tense
    expression.lead = lead
    if expression.kind == "day":
        window = scan.lowered[max(0, begin - 30) : match.start()]
        if ("week" in window or "w/" in window) and _WEEK_OF.search(window):
            expression.week_of = True
    return expression
