"""What to say instead: a short coaching note for each trust-breaking label, written by us."""

from __future__ import annotations

COACHING: dict[str, str] = {
    "blames_customer": (
        "Take the fix on before anything else. State what happened as a fact, without 'you "
        "should have': \"The payment went to your cable account; I've moved it and removed "
        'the late fee."'
    ),
    "deflects": (
        "Own the hand-off instead of sending the customer away: \"I've passed this to billing "
        "with your details; they'll call you by 5pm today, and I'll check it's done.\""
    ),
    "dismisses_report": (
        'Check before you answer. Say what you checked and what comes next: "I ran a line test '
        "and it's clean at the exchange, so let's look at the router together.\""
    ),
    "obstructs_cancellation": (
        'One offer at most, then do what was asked: "I can offer half price for three months. '
        "If you'd still like to leave, I'll cancel it now and confirm by e-mail.\""
    ),
    "shifts_cost": (
        "Never charge for the company's own fault. If the equipment or the work was ours, say "
        'so: "The modem we supplied was faulty, so there\'s no charge for the visit."'
    ),
    "inconveniences": (
        "Do the legwork yourself: look up what the customer already told us, chase the status "
        "for them, and arrange collection rather than asking them to come in."
    ),
    "rude": (
        "Stay warm when the customer is not. Acknowledge the frustration, then move to what "
        "you will do: \"I understand why you're annoyed; here's what I'm doing right now.\""
    ),
}


def coaching_for(label: str) -> str | None:
    """The coaching note of a trust-breaking label, or None for any other label."""
    return COACHING.get(label)
