"""A turn's words as the audit reads them: lower case, with links, handles and numbers folded.

A token is a link, or a run of letters, digits, apostrophes and "@". Every
turn of every audit is tokenised once, so text whose words are all ASCII
takes a path that runs in C: links are masked with a mark of the same
length, every other character becomes a space or stays, and the result is
split. Text with letters outside ASCII goes through a regular expression
that finds the same tokens. `token_spans` says where each token lies, only
for the turns whose evidence is needed. tests/unit/test_audit_tokens.py
checks that both paths agree.
"""

from __future__ import annotations

import re
from typing import Final

URL, HANDLE, NUMBER = "<url>", "<handle>", "<num>"

# A link starts where no token is running (so "xhttp://" is no link, as a regex scanning
# tokens left to right would not see one either) and runs to the next white space.
_TOKEN: Final = re.compile(
    r"(?<![^\W_]|['\u2018\u2019@])(?:https?://|www\.)\S+|(?:[^\W_]|['\u2018\u2019@])+",
    re.IGNORECASE,
)
_ASCII_LINK: Final = re.compile(r"(?<![a-z0-9'@])(?:https?://|www\.)\S+")
_LINK_MARK: Final = "\x01"
# Every byte but a-z, 0-9, apostrophe, "@" and the link mark becomes a space.
_KEEP: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789'@\x01")
_TO_SPACE: Final = bytes(b if b in _KEEP else 32 for b in range(256))
_PLAIN_START: Final = frozenset("abcdefghijklmnopqrstuvwxyz'")
# Typographic apostrophes read as plain ones.
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'"})
# ...and white space outside ASCII (a no-break space) as a space, which also ends a link.
_TO_ASCII: Final = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        **{chr(c): " " for c in range(0x80, 0x3001) if chr(c).isspace()},
    }
)
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")


def _mask_link(match: re.Match[str]) -> str:
    return _LINK_MARK * (match.end() - match.start())


def _ascii_words(text: str) -> str | None:
    """The text, lower case, one ASCII character for each of its characters, links masked
    and every character that is no part of a token a space; None when a letter or digit
    outside ASCII needs the full expression."""
    if not text.isascii():
        if _LINK_MARK in text or any(c.isalnum() for c in _NON_ASCII.findall(text)):
            return None
        # "?" stands for each other non-ASCII character (emoji, dashes, quotes): a space below.
        text = text.translate(_TO_ASCII).encode("ascii", "replace").decode("ascii")
    elif _LINK_MARK in text:
        return None
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        lowered = _ASCII_LINK.sub(_mask_link, lowered)
    return lowered.encode("ascii").translate(_TO_SPACE).decode("ascii")


def _fold(token: str) -> str:
    first = token[0]
    if first == "@":
        return HANDLE
    if first.isdigit():
        return NUMBER
    if first == _LINK_MARK:
        return URL
    return token


def _normalise(token: str) -> str:
    first = token[0]
    if first == "@":
        return HANDLE
    if first.isdigit():
        return NUMBER
    lowered = token.lower()
    if lowered.startswith(("http://", "https://", "www.")):
        return URL
    return lowered.translate(_APOSTROPHES)


def tokens(text: str) -> list[str]:
    """The turn's tokens, normalised: lower case; URLs, handles and numbers folded."""
    words = _ascii_words(text)
    if words is None:
        return regex_tokens(text)
    return [word if word[0] in _PLAIN_START else _fold(word) for word in words.split()]


def regex_tokens(text: str) -> list[str]:
    """`tokens` by the regular-expression path alone (tests compare the two)."""
    return [_normalise(token) for token in _TOKEN.findall(text)]


_RUN: Final = re.compile(r"\S+")


def span_of_tokens(text: str, first: int, last: int) -> tuple[int, int]:
    """From the start of token `first` to the end of token `last` (0-based, first <= last):
    the characters of a word or word pair, found without locating the tokens after it."""
    words = _ascii_words(text)
    found = _TOKEN.finditer(text) if words is None else _RUN.finditer(words)
    start = 0
    for index, match in enumerate(found):
        if index == first:
            start = match.start()
        if index == last:
            return (start, match.end())
    raise IndexError(f"the text has no token {last}")


def token_spans(text: str) -> list[tuple[int, int]]:
    """Where each of `tokens(text)` lies in the text (computed only when evidence is needed)."""
    words = _ascii_words(text)
    if words is None:
        return [match.span() for match in _TOKEN.finditer(text)]
    spans = []
    position = 0
    for word in words.split():
        start = words.index(word, position)
        position = start + len(word)
        spans.append((start, position))
    return spans
