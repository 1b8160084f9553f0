"""Which turns the audit can read: English ones; other languages are reported, never guessed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepword.audit.components.language import language_problem

NOT_ENGLISH = [
    pytest.param("Quiero cancelar mi contrato porque el servicio es muy malo", id="spanish"),
    pytest.param("Hola, mi internet no funciona desde ayer y nadie me ayuda", id="spanish-hola"),
    pytest.param("Mein Internet funktioniert nicht und ich warte seit drei Tagen", id="german"),
    pytest.param("Ich möchte bitte meinen Vertrag kündigen, danke", id="german-cancel"),
    pytest.param("Bonjour, je ne peux pas me connecter à mon compte depuis hier", id="french"),
    pytest.param("Je voudrais résilier mon abonnement, merci pour votre aide", id="french-2"),
    pytest.param("Olá, a minha internet não funciona e eu preciso de ajuda", id="portuguese"),
    pytest.param("Eu quero cancelar o meu contrato, obrigado", id="portuguese-2"),
    pytest.param("Ciao, il mio telefono non funziona e sono molto arrabbiato", id="italian"),
    pytest.param("Non riesco ad accedere al mio conto, grazie per l'aiuto", id="italian-2"),
    pytest.param("Hallo, mijn internet werkt niet en ik heb al twee keer gebeld", id="dutch"),
    pytest.param("Ik wil mijn abonnement opzeggen, bedankt voor de hulp", id="dutch-2"),
    pytest.param("Мой интернет не работает уже третий день", id="cyrillic"),
    pytest.param("我的网络从昨天开始就不能用了请帮帮我", id="chinese"),
    pytest.param("ネットが昨日から繋がりません", id="japanese"),
    pytest.param("الإنترنت لا يعمل منذ يومين", id="arabic"),
    pytest.param("@NimbusHelp Мой интернет не работает уже третий день", id="cyrillic-handle"),
]

ENGLISH_OR_TOO_SHORT = [
    pytest.param("My internet has not worked since yesterday and nobody helps me", id="english"),
    pytest.param("Can you please check my order status? It was due on Monday.", id="question"),
    pytest.param("I live in San José and my connection drops every night", id="place-name"),
    pytest.param("The café near the hotel has wifi but mine does not work", id="accent"),
    pytest.param("ok gracias", id="ok-gracias"),
    pytest.param("merci beaucoup", id="merci"),
    pytest.param("danke", id="danke"),
    pytest.param("😡😡😡", id="emoji"),
    pytest.param("🙏", id="one-emoji"),
    pytest.param("https://t.co/y73f2l5NBD", id="url"),
    pytest.param("@NimbusHelp https://example.com/help/a-b?lang=de&x=1", id="handle-and-url"),
    pytest.param("@NimbusHelp @user", id="handles"),
    pytest.param("MY INTERNET IS DOWN AGAIN AND NOBODY CARES", id="all-caps"),
    pytest.param("THIS IS THE WORST SERVICE I HAVE EVER HAD", id="all-caps-2"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param("12345 678", id="digits"),
]


@pytest.mark.parametrize("text", NOT_ENGLISH)
def test_a_turn_in_another_language_is_reported_as_not_english(text: str) -> None:
    problem = language_problem(text)

    assert problem is not None
    assert problem.startswith("not English")


@pytest.mark.parametrize("text", ENGLISH_OR_TOO_SHORT)
def test_english_and_turns_too_short_to_tell_are_readable(text: str) -> None:
    assert language_problem(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Quiero cancelar mi contrato porque el servicio es muy malo", "Spanish"),
        ("Mein Internet funktioniert nicht und ich warte seit drei Tagen", "German"),
        ("Je voudrais résilier mon abonnement, merci pour votre aide", "French"),
        ("Eu quero cancelar o meu contrato, obrigado", "Portuguese"),
        ("Ciao, il mio telefono non funziona e sono molto arrabbiato", "Italian"),
        ("Ik wil mijn abonnement opzeggen, bedankt voor de hulp", "Dutch"),
    ],
)
def test_the_reason_names_the_language_it_looks_like(text: str, language: str) -> None:
    assert language_problem(text) == f"not English: looks like {language}"


@pytest.mark.parametrize(
    "text",
    ["Мой интернет не работает уже третий день", "الإنترنت لا يعمل منذ يومين"],
)
def test_the_reason_for_another_script_says_so(text: str) -> None:
    assert language_problem(text) == "not English: written in a non-Latin script"


ENGLISH_WORDS = st.sampled_from(
    "the modem keeps dropping and i want to cancel my service please this is not working "
    "since yesterday when will you call me back".split()
)


@given(st.lists(ENGLISH_WORDS, min_size=1, max_size=30))
def test_any_run_of_english_words_is_readable(words: list[str]) -> None:
    assert language_problem(" ".join(words)) is None


@given(st.lists(ENGLISH_WORDS, min_size=1, max_size=30))
def test_shouting_english_is_still_readable(words: list[str]) -> None:
    assert language_problem(" ".join(words).upper()) is None


@given(st.text(alphabet=st.sampled_from("😡🙏👍🎉!?. "), max_size=40))
def test_emoji_and_punctuation_alone_are_never_reported(text: str) -> None:
    assert language_problem(text) is None
