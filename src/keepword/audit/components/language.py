"""Marks turns the audit cannot read: not English. They are reported, never guessed at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from keepword.audit.document import AuditDocument
from keepword.audit.results import UnsupportedTurn
from keepword.audit.tokens import tokens

_LATIN: Final = re.compile(r"[A-Za-z\u00c0-\u024f]")

# The commonest short words of English and of the languages customers most often write
# instead; function words give a language away in a handful of words.
ENGLISH: Final = frozenset(
    "the a an and or but to of in on for with is are was were be been it its this that i you "
    "we he she they my your our me us not no yes do does did have has had will would can "
    "could should please thanks thank hi hello what when why how where which there here "
    "just so if at by from as am get got all any".split()
)
OTHERS: dict[str, frozenset[str]] = {
    "Spanish": frozenset(
        "el la los las de del que y en un una por para con no es mi su se al lo como pero "
        "muy gracias hola está estoy tengo desde ayer nadie ayuda funciona también porque "
        "cuando hay sin".split()
    ),
    "German": frozenset(
        "der die das und ist nicht ich sie es ein eine mit für auf den dem zu wir bitte "
        "danke hallo noch mein ihr haben".split()
    ),
    "French": frozenset(
        "le la les et est je vous nous pas une un des du en pour avec sur mon ma mes bonjour "
        "merci ce qui que".split()
    ),
    "Portuguese": frozenset(
        "o a os as e é não eu você um uma de do da em para com por meu minha obrigado olá "
        "está que".split()
    ),
    "Italian": frozenset(
        "il lo la gli le e è non io un una di del della che per con mio mia grazie ciao sono "
        "ho".split()
    ),
    "Dutch": frozenset(
        "de het een en is niet ik je wij met voor op van dat dit mijn bedankt hallo zijn "
        "heb".split()
    ),
}
MIN_WORDS: Final = 4  # fewer words than this give no reliable signal ("ok gracias" stays readable)


# Each word of the lists above, with the languages it belongs to: one lookup a word.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _name, _vocabulary in (("English", ENGLISH), *OTHERS.items()):
    for _word in _vocabulary:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _name)
# A word several languages share ("no", "me") says nothing about which one it is, so only
# the words of one language count.
_FOREIGN_ONLY: Final = {
    word: found[0]
    for word, found in _LANGUAGES_OF.items()
    if len(found) == 1 and found[0] != "English"
}
_ENGLISH_ONLY: Final = frozenset(
    word for word, found in _LANGUAGES_OF.items() if found == ("English",)
)
_NON_LATIN_LETTER: Final = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f]")


def language_problem(text: str, words: Sequence[str] | None = None) -> str | None:
    """Why the audit cannot read `text`, or None when it is English or too short to tell.

    `words` are the turn's tokens (keepword.audit.tokens), when already at hand.
    """
    if not text.isascii():
        non_latin = len(_NON_LATIN_LETTER.findall(text))
        letters = non_latin + len(_LATIN.findall(text))
        if letters >= 10 and non_latin / letters > 0.5:
            return "not English: written in a non-Latin script"
    found = tokens(text) if words is None else words
    foreign_only = _FOREIGN_ONLY
    # Most turns hold no word of another language: they are done after one pass.
    foreign = [foreign_only[word] for word in found if word in foreign_only]
    if len(foreign) < 2:
        return None
    # Links, handles and numbers are folded into placeholders that belong to no language.
    if sum(1 for word in found if word[0].isalpha()) < MIN_WORDS:
        return None
    counts: dict[str, int] = {}
    for name in foreign:
        counts[name] = counts.get(name, 0) + 1
    english = sum(1 for word in found if word in _ENGLISH_ONLY)
    best = max(counts, key=lambda name: counts[name])
    if counts[best] >= 2 and counts[best] > 2 * english:
        return f"not English: looks like {best}"
    return None


class LanguageCheck:
    """Marks non-English turns as unsupported, so no label is guessed from them."""

    name = "language"
    requires = frozenset({"texts", "tokens"})
    assigns = frozenset({"supported", "unsupported"})

    def __call__(self, document: AuditDocument) -> None:
        for index, text in enumerate(document.texts):
            problem = language_problem(text, document.tokens[index])
            if problem is not None:
                document.supported[index] = False
                document.unsupported.append(UnsupportedTurn(index, problem))
