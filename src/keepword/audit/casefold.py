"""When a lower-cased text can be searched with case-sensitive patterns in place of the
text as written with IGNORECASE: the same matches at the same places, several times
sooner (with IGNORECASE Python's regex engine cannot skip ahead to the letters a match
must start with). The time expressions and the promise finder both search this way."""

from __future__ import annotations

from typing import Final

# Letters IGNORECASE reads as another that lower() does not turn them into: the dotless
# "\u0131" as "i", the long "\u017f" as "s"; and "\u0130", which lower-cases to two.
_CROSS_CASE: Final = frozenset("\u0130\u0131\u017f")


def reads_as_lower(text: str, low: str) -> bool:
    """Whether a case-sensitive search of `low` (`text.lower()`) finds what a
    case-insensitive search of `text` finds, at the same places: each character lower-cases
    to one, and none is a letter IGNORECASE folds otherwise."""
    return len(low) == len(text) and (text.isascii() or _CROSS_CASE.isdisjoint(text))
