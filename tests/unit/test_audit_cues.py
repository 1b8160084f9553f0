"""The phrase cues against shared/design/taxonomy.md: what counts, and what does not.

Each clear example must be caught with its evidence span on the words that show
the label; each near-miss from the taxonomy's "does not count" column must not.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepword.audit.components.cues import PhraseCues
from keepword.audit.document import AuditDocument
from keepword.audit.labels import LABELS_BY_SPEAKER
from keepword.domain.conversations import Conversation, Speaker, Turn

AT = datetime(2026, 9, 2, 9, 14, tzinfo=UTC)
AGENT, CUSTOMER = Speaker.AGENT, Speaker.CUSTOMER
ONE_PASS = PhraseCues()
EACH = PhraseCues(one_pass=False)


def _document(speaker: Speaker, text: str) -> AuditDocument:
    return AuditDocument(Conversation("c-cue", AT, [Turn(speaker, text, AT)]))


def cue_spans(
    speaker: Speaker, text: str, cues: PhraseCues = ONE_PASS
) -> dict[str, tuple[int, int]]:
    """The labels the cues find in a one-turn conversation, with their evidence spans."""
    document = _document(speaker, text)
    cues(document)
    return {evidence.label: evidence.span for evidence in document.cues[0]}


def _case(label: str, speaker: Speaker, text: str, key: str, id: str) -> object:
    return pytest.param(label, speaker, text, key, id=f"{label}:{id}")


# (label, speaker, text, the words the evidence must cover)
# fmt: off
CLEAR = [
    # blames_customer
    _case("blames_customer", AGENT, "whose fault was that? you paid the wrong account",
          "whose fault", "taxonomy-whose-fault"),
    _case("blames_customer", AGENT, "you must have installed it wrong",
          "must have installed", "taxonomy-installed-wrong"),
    _case("blames_customer", AGENT, "you should have read the terms",
          "should have read", "taxonomy-read-terms"),
    _case("blames_customer", AGENT, "You must have entered the wrong PIN three times.",
          "must have entered", "wrong-pin"),
    _case("blames_customer", AGENT, "This happened because you didn't update the app.",
          "because you didn't", "did-not-update"),
    _case("blames_customer", AGENT, "That's user error, the device is fine.",
          "user error", "user-error"),
    _case("blames_customer", AGENT, "The screen was damaged by misuse.",
          "damaged by misuse", "misuse"),
    # deflects
    _case("deflects", AGENT, "that's not my department", "not my department",
          "taxonomy-department"),
    _case("deflects", AGENT, "we only handle technical issues here, please call phone support",
          "only handle", "taxonomy-only-technical"),
    _case("deflects", AGENT, "contact the manufacturer", "contact the manufacturer",
          "taxonomy-manufacturer"),
    _case("deflects", AGENT, "call the branch to check if your card is ready",
          "call the branch", "taxonomy-call-the-branch"),
    _case("deflects", AGENT, "You'll need to contact your bank about that charge.",
          "need to contact", "your-bank"),
    _case("deflects", AGENT, "Billing issues are handled by a separate team, please call 0800.",
          "handled by a separate team", "separate-team"),
    _case("deflects", AGENT, "That's outside our remit, sorry.", "outside our remit", "remit"),
    _case("deflects", AGENT, "Please call our helpline on 0800 000 111.", "call our helpline",
          "helpline"),
    # dismisses_report
    _case("dismisses_report", AGENT, "there's nothing wrong with the device", "nothing wrong",
          "taxonomy-nothing-wrong"),
    _case("dismisses_report", AGENT, "no outage in your area, so it's on your end",
          "no outage in your area", "taxonomy-no-outage"),
    _case("dismisses_report", AGENT, "it works fine for us", "works fine for us",
          "taxonomy-works-for-us"),
    _case("dismisses_report", AGENT, "There are no known outages in your area.",
          "no known outages", "no-known-outages"),
    _case("dismisses_report", AGENT, "That's normal behaviour for this model.", "normal",
          "normal"),
    # obstructs_cancellation
    _case("obstructs_cancellation", AGENT, "why would you want to leave?",
          "why would you want to leave", "taxonomy-why-leave"),
    _case("obstructs_cancellation", AGENT, "I can't cancel it until you tell me why",
          "cancel it until", "taxonomy-until-you-tell-me"),
    _case("obstructs_cancellation", AGENT, "Cancellations can only be done by phone.",
          "can only be done", "only-by-phone"),
    _case("obstructs_cancellation", AGENT, "I can't close the account unless you pay first.",
          "close the account unless", "unless-you-pay"),
    # shifts_cost
    _case("shifts_cost", AGENT, "there will be a fee for the repair of the modem", "fee",
          "taxonomy-repair-fee"),
    _case("shifts_cost", AGENT, "There will be a charge for the engineer visit.", "charge",
          "taxonomy-visit-charge"),
    _case("shifts_cost", AGENT, "You'll have to pay for the replacement router.",
          "have to pay", "pay-for-replacement"),
    _case("shifts_cost", AGENT, "A call-out fee of £65 applies.", "call-out fee", "call-out"),
    # inconveniences
    _case("inconveniences", AGENT, "you'll need to visit our office", "visit our office",
          "taxonomy-visit-office"),
    _case("inconveniences", AGENT, "call the branch to check if your card is ready",
          "call the branch", "taxonomy-call-the-branch"),
    _case("inconveniences", AGENT, "please explain the issue again", "explain the issue again",
          "taxonomy-explain-again"),
    _case("inconveniences", AGENT, "You will need to bring the phone into one of our stores.",
          "bring the phone", "bring-it-in"),
    _case("inconveniences", AGENT, "Please fill in the claim form on our website.",
          "fill in the claim", "claim-form"),
    _case("inconveniences", AGENT, "Please check back later for an update.", "check back later",
          "check-back"),
    # rude
    _case("rude", AGENT, "calm down, ma'am", "calm down", "taxonomy-calm-down"),
    _case("rude", AGENT, "as I already told you", "already told you", "taxonomy-already-told"),
    _case("rude", AGENT, "that's your problem", "your problem", "taxonomy-your-problem"),
    _case("rude", AGENT, "Deal with it.", "Deal with it", "deal-with-it"),
    _case("rude", AGENT, "Stop shouting at me.", "Stop shouting", "stop-shouting"),
    # owns
    _case("owns", AGENT, "I'll take care of this", "take care of", "taxonomy-take-care"),
    _case("owns", AGENT, "let me fix this for you", "let me fix", "taxonomy-let-me-fix"),
    _case("owns", AGENT, "I've escalated it and will update you", "escalated",
          "taxonomy-escalated"),
    _case("owns", AGENT, "Leave it with me, I'll get it sorted today.", "Leave it with me",
          "leave-it-with-me"),
    _case("owns", AGENT, "I've refunded the £20 to your card.", "refunded", "refunded"),
    # apologizes
    _case("apologizes", AGENT, "I'm sorry for the trouble", "sorry", "taxonomy-trouble"),
    _case("apologizes", AGENT, "apologies for the delay", "apologies", "taxonomy-delay"),
    _case("apologizes", AGENT, "sorry to hear that", "sorry", "taxonomy-sorry-to-hear"),
    _case("apologizes", AGENT, "We apologise for the inconvenience.", "apologise", "apologise"),
    _case("apologizes", AGENT, "My apologies, that should not have happened.", "apologies",
          "my-apologies"),
    # empathizes
    _case("empathizes", AGENT, "I understand how frustrating this is", "frustrat",
          "taxonomy-frustrating"),
    _case("empathizes", AGENT, "that must be really inconvenient with work", "inconvenien",
          "taxonomy-inconvenient"),
    _case("empathizes", AGENT, "I can imagine how stressful this has been.", "stressful",
          "stressful"),
    _case("empathizes", AGENT, "That's not the experience we want you to have.",
          "not the experience", "not-the-experience"),
    # informs_proactively
    _case("informs_proactively", AGENT, "your engineer is on the way, ETA 40 minutes", "ETA",
          "taxonomy-eta"),
    _case("informs_proactively", AGENT, "maintenance tonight 1-3am may drop your line",
          "maintenance", "taxonomy-maintenance"),
    _case("informs_proactively", AGENT, "There is planned maintenance tonight from 1am.",
          "planned maintenance", "planned-maintenance"),
    _case("informs_proactively", AGENT, "You'll receive an email confirmation within the hour.",
          "receive an email", "email-confirmation"),
    _case("informs_proactively", AGENT, "The driver is en route and should arrive by noon.",
          "en route", "en-route"),
    # confirms_resolution
    _case("confirms_resolution", AGENT, "is everything working now?", "everything working",
          "taxonomy-working-now"),
    _case("confirms_resolution", AGENT, "reply here if it happens again", "happens again",
          "taxonomy-happens-again"),
    _case("confirms_resolution", AGENT, "let us know how it goes", "how it goes",
          "taxonomy-how-it-goes"),
    _case("confirms_resolution", AGENT, "Did that fix the problem?", "fix the problem",
          "did-that-fix"),
    _case("confirms_resolution", AGENT, "Are you still having the issue?", "still having",
          "still-having"),
    # reports_fault
    _case("reports_fault", CUSTOMER, "the modem keeps dropping", "keeps dropping",
          "taxonomy-modem"),
    _case("reports_fault", CUSTOMER, "the card doesn't work with any phone", "doesn't work",
          "taxonomy-card"),
    _case("reports_fault", CUSTOMER, "I got an error 502 every time I log in.", "error",
          "taxonomy-error"),
    _case("reports_fault", CUSTOMER, "my correct password is rejected", "rejected",
          "taxonomy-password-rejected"),
    _case("reports_fault", CUSTOMER, "the reset e-mail never comes", "never comes",
          "taxonomy-reset-email"),
    _case("reports_fault", CUSTOMER, "The app keeps crashing when I open it.", "keeps crashing",
          "app-crashing"),
    _case("reports_fault", CUSTOMER, "You charged me twice this month.", "charged me twice",
          "charged-twice"),
    # wants_to_cancel
    _case("wants_to_cancel", CUSTOMER, "I want to cancel my service", "cancel",
          "taxonomy-cancel-service"),
    _case("wants_to_cancel", CUSTOMER, "please close my account", "close",
          "taxonomy-close-account"),
    _case("wants_to_cancel", CUSTOMER, "I would like to cancel my subscription.", "cancel",
          "subscription"),
    _case("wants_to_cancel", CUSTOMER, "How do I cancel my order?", "cancel", "order"),
    _case("wants_to_cancel", CUSTOMER, "Please cancel my booking for Friday.", "cancel",
          "booking"),
    # chases
    _case("chases", CUSTOMER, "still waiting", "still waiting", "taxonomy-still-waiting"),
    _case("chases", CUSTOMER, "no one called me back", "no one called",
          "taxonomy-no-one-called"),
    _case("chases", CUSTOMER, "third time I'm asking", "third time", "taxonomy-third-time"),
    _case("chases", CUSTOMER, "any update?", "any update", "taxonomy-any-update"),
    _case("chases", CUSTOMER, "a month and still no answer", "still no answer",
          "taxonomy-a-month"),
    _case("chases", CUSTOMER, "sent a note, no reply", "no reply", "taxonomy-sent-a-note"),
    _case("chases", CUSTOMER, "I've emailed three times and got no reply.", "three times",
          "emailed-three-times"),
    _case("chases", CUSTOMER, "I was promised a call back yesterday and nothing.",
          "promised a call back", "promised-call"),
    # threatens_churn
    _case("threatens_churn", CUSTOMER, "I'm switching to X", "switching to",
          "taxonomy-switching"),
    _case("threatens_churn", CUSTOMER, "I'll report this", "report", "taxonomy-report-this"),
    _case("threatens_churn", CUSTOMER, "I'm reporting this to Ofcom.", "Ofcom", "ofcom"),
    _case("threatens_churn", CUSTOMER, "I'll be taking my business elsewhere.",
          "business elsewhere", "business-elsewhere"),
    _case("threatens_churn", CUSTOMER, "I'm moving to another provider next month.",
          "moving to", "another-provider"),
    # frustrated
    _case("frustrated", CUSTOMER, "this is ridiculous", "ridiculous", "taxonomy-ridiculous"),
    _case("frustrated", CUSTOMER, "unhappy", "unhappy", "taxonomy-unhappy"),
    _case("frustrated", CUSTOMER, "I'm fed up", "fed up", "taxonomy-fed-up"),
    _case("frustrated", CUSTOMER, "This is unacceptable.", "unacceptable",
          "taxonomy-unacceptable"),
    _case("frustrated", CUSTOMER, "wtf is going on", "wtf", "taxonomy-wtf"),
    _case("frustrated", CUSTOMER, "I'm so disappointed with this service.", "disappointed",
          "disappointed"),
]
# fmt: on


def _miss(label: str, speaker: Speaker, text: str, id: str) -> object:
    return pytest.param(label, speaker, text, id=f"{label}:{id}")


# (label, speaker, text): the taxonomy's "does not count" and the decision rules.
# fmt: off
NEAR_MISSES = [
    _miss("blames_customer", AGENT,
          "the payment went to your cable account; I've moved it for you", "fact-fix-taken-on"),
    _miss("deflects", AGENT, "please DM us your account number so we can help", "dm-to-help"),
    _miss("deflects", AGENT, "DM us your account number and we'll sort it", "dm-and-sort"),
    _miss("deflects", AGENT, "e-mail us the details and we'll assist", "email-us"),
    _miss("deflects", AGENT, "I've passed this to billing, they will call you by 5pm",
          "owned-hand-off"),
    _miss("deflects", AGENT, "if this doesn't work, contact us again", "contact-us-again"),
    _miss("dismisses_report", AGENT,
          "I ran a line test and it's clean; let's try the router next", "after-a-check"),
    _miss("obstructs_cancellation", AGENT,
          "I can offer half price for three months. If you'd still like to leave, "
          "I'll cancel it now.", "one-offer-then-cancel"),
    _miss("shifts_cost", AGENT, "the new plan costs 30 pounds a month", "ordinary-price"),
    _miss("shifts_cost", AGENT, "The premium package is £10 extra per month if you'd like it.",
          "customer-choice"),
    _miss("inconveniences", AGENT, "could you tell me your account number?", "ask-once"),
    _miss("inconveniences", AGENT, "Please call our helpline on 0800 000 111.",
          "plain-redirect-is-deflects-alone"),
    _miss("rude", AGENT, "I'm afraid we cannot offer a refund on this plan.", "firm-refusal"),
    _miss("owns", AGENT, "we'll look into it", "vague"),
    _miss("owns", AGENT, "Thanks for letting us know.", "thanks"),
    _miss("apologizes", AGENT, "sorry, can you repeat that?", "repeat"),
    _miss("apologizes", AGENT, "Sorry, could you say that again?", "say-again"),
    _miss("empathizes", AGENT, "I understand, but we can't do that.", "bare-understand"),
    _miss("empathizes", AGENT, "I understand. Unfortunately we can't refund it.",
          "understand-then-refuse"),
    _miss("confirms_resolution", AGENT, "have a nice day", "sign-off"),
    _miss("confirms_resolution", AGENT, "let us know if you have questions", "bare-let-us-know"),
    _miss("reports_fault", CUSTOMER, "I lost my phone", "lost-phone"),
    _miss("reports_fault", CUSTOMER, "I forgot my password", "forgot-password"),
    _miss("reports_fault", CUSTOMER, "my account was hacked", "hacked"),
    _miss("reports_fault", CUSTOMER, "I don't like your new pricing policy.", "policy"),
    _miss("wants_to_cancel", CUSTOMER, "how do I get a refund?", "refund-question"),
    _miss("wants_to_cancel", CUSTOMER, "When will my refund arrive?", "refund-when"),
    _miss("chases", CUSTOMER, "Thanks for the update!", "thanks-for-update"),
    _miss("threatens_churn", CUSTOMER, "I'm switching off the router now.", "switching-off"),
    _miss("frustrated", CUSTOMER, "😡😡😡!!!", "emoji-only"),
    _miss("frustrated", CUSTOMER, "WHY???", "punctuation-only"),
]
# fmt: on


@pytest.mark.parametrize(("label", "speaker", "text", "key"), CLEAR)
def test_the_cues_catch_a_clear_example_with_evidence_on_its_key_words(
    label: str, speaker: Speaker, text: str, key: str
) -> None:
    at = text.lower().index(key.lower())

    found = cue_spans(speaker, text)

    assert label in found, f"{label} not found in {text!r}; found {sorted(found)}"
    start, end = found[label]
    assert 0 <= start < end <= len(text)
    assert start <= at, f"evidence {text[start:end]!r} misses {key!r}"
    assert at + len(key) <= end, f"evidence {text[start:end]!r} misses {key!r}"


@pytest.mark.parametrize(("label", "speaker", "text", "key"), CLEAR)
def test_every_cue_on_a_clear_example_lies_inside_the_text(
    label: str, speaker: Speaker, text: str, key: str
) -> None:
    found = cue_spans(speaker, text)

    for start, end in found.values():
        assert 0 <= start < end <= len(text)


@pytest.mark.parametrize(("label", "speaker", "text"), NEAR_MISSES)
def test_the_cues_leave_a_near_miss_alone(label: str, speaker: Speaker, text: str) -> None:
    found = cue_spans(speaker, text)

    assert label not in found, f"{label} wrongly found on {text[slice(*found[label])]!r}"


@pytest.mark.parametrize(
    ("speaker", "text"),
    [
        (AGENT, "this is ridiculous, I want to cancel my service, still waiting"),
        (CUSTOMER, "I'm sorry, that's not my department, calm down, I'll take care of it"),
        (Speaker.SYSTEM, "I'm sorry for the trouble; this is ridiculous; contact the manufacturer"),
    ],
    ids=["agent", "customer", "system"],
)
def test_the_cues_find_only_labels_the_speaker_may_carry(speaker: Speaker, text: str) -> None:
    found = cue_spans(speaker, text)

    assert set(found) <= set(LABELS_BY_SPEAKER[speaker])


def test_an_empty_turn_has_no_cues() -> None:
    assert cue_spans(AGENT, "") == {}


def test_a_turn_marked_unreadable_is_not_read() -> None:
    document = _document(AGENT, "I'm sorry for the trouble")
    document.supported[0] = False

    ONE_PASS(document)

    assert document.cues[0] == []


# Every example of the tables, so generated turns mix wording the cues care about.
PHRASES = sorted({str(p.values[2]) for p in CLEAR} | {str(p.values[2]) for p in NEAR_MISSES})


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([AGENT, CUSTOMER]),
    st.lists(st.sampled_from(PHRASES), min_size=1, max_size=4),
    st.sampled_from([" ", ". ", "\n", " and "]),
)
def test_the_set_scan_changes_no_cue(speaker: Speaker, phrases: list[str], joiner: str) -> None:
    text = joiner.join(phrases)

    assert cue_spans(speaker, text, ONE_PASS) == cue_spans(speaker, text, EACH)


@pytest.mark.parametrize(
    "text",
    [
        "please DM us your account number so we can help",
        "e-mail us the details and we'll assist",
        "I've escalated it and will update you",
    ],
)
def test_the_set_scan_changes_no_veto(text: str) -> None:
    scanned, searched = _document(AGENT, text), _document(AGENT, text)

    ONE_PASS(scanned)
    EACH(searched)

    assert scanned.vetoes == searched.vetoes
