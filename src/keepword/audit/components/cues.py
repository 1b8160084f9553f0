"""Precise phrase cues: patterns that show a label almost by themselves, with their words.

Cues are written for precision; the learned model brings recall. A veto pattern
marks words that look like a label but are not one under the rules of
taxonomy.md ("DM us so we can help" is not deflection).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ahocorasick

from keepword.audit.document import AuditDocument, Evidence
from keepword.audit.labels import LABELS_BY_SPEAKER


@dataclass(frozen=True)
class Cue:
    """A pattern for one label and how sure a match alone makes us."""

    label: str
    pattern: re.Pattern[str]
    strength: float


def _cues(label: str, strength: float, *patterns: str) -> list[Cue]:
    return [Cue(label, re.compile(p, re.IGNORECASE), strength) for p in patterns]


_YOU = r"(?:you|u|ya)"
_WE = r"(?:we|i)"

CUES: list[Cue] = [
    *_cues(
        "apologizes",
        0.95,
        r"\b(?:i'?m|i am|we'?re|we are|so|really|very|truly|terribly|deeply)\s+(?:so\s+|very\s+|"
        r"really\s+|truly\s+|terribly\s+)?sorry\b(?!\s*,?\s*(?:but\s+)?(?:can|could|what|"
        r"did|do)\s+(?:you|u)\s+(?:repeat|say))",
        r"\b(?:my|our|sincere|deepest|many)\s+apolog(?:y|ies)\b",
        r"\bapologi[sz]e\b",
        r"\bapologies\b",
        r"\bsorry\s+(?:to\s+hear|about|for|that|you|if)\b",
        r"^\s*(?:@\w+\s+)*sorry\b(?!\s*,?\s*(?:but\s+)?(?:can|could|would)\s+(?:you|u)\s+"
        r"(?:please\s+)?(?:repeat|say))",
    ),
    *_cues(
        "empathizes",
        0.9,
        r"\b(?:i|we)\s+(?:completely\s+|totally\s+|fully\s+|can\s+)?(?:understand|get|know|"
        r"imagine|appreciate)\s+(?:how|just how|why)\s+(?:\w+\s+){0,3}(?:frustrat|annoy|"
        r"inconvenien|upset|stressful|disappoint|difficult|worr|concern|hard)",
        r"\b(?:that|this|it)\s+(?:must|would|can|could)\s+(?:be|have been)\s+(?:\w+\s+){0,2}"
        r"(?:frustrat|annoy|inconvenien|upsetting|stressful|disappoint|difficult|worrying)",
        r"\bnot the (?:experience|service) (?:we|you)\b",
        r"\b(?:i|we)\s+(?:can\s+)?(?:see|hear)\s+(?:how|why)\s+(?:\w+\s+){0,3}"
        r"(?:frustrat|upset|disappoint|annoy)",
        r"\b(?:understandably|rightly)\s+(?:frustrat|upset|annoy|disappoint)",
        r"\bfrustrating\s+(?:for\s+you|situation|experience)\b",
        r"\bi (?:completely|totally|fully) understand\b",
    ),
    *_cues(
        "owns",
        0.85,
        r"\b(?:i'?ll|i will|let me|allow me to)\s+(?:\w+\s+){0,2}(?:personally\s+)?"
        r"(?:take care of|look into|sort (?:this|that|it)|fix|get (?:this|that|it) (?:sorted|"
        r"fixed|resolved)|resolve|escalate|follow up|chase|handle|make sure)",
        r"\b(?:i'?ve|i have|we'?ve|we have)\s+(?:now\s+|just\s+|already\s+)?(?:escalated|"
        r"refunded|credited|reversed|waived|rebooked|reset|replaced|fixed|resolved|"
        r"booked|raised|moved|cancelled|canceled|processed|arranged|sent)\b",
        r"\b(?:leave it with me|i'?ll own this|i'?m on it|consider it done)\b",
    ),
    *_cues(
        "confirms_resolution",
        0.9,
        r"\b(?:is|are)\s+(?:everything|it|things|all|your \w+(?: \w+)?)\s+(?:now\s+)?"
        r"(?:working|back|sorted|resolved|fixed|ok|okay|running|good|fine)\b[^.?!]{0,80}\?",
        r"\b(?:let us know|let me know|keep us (?:posted|updated)|keep me (?:posted|updated)|"
        r"tell us|update us)\b[^.?!]{0,25}\b(?:how (?:it|that|this|things|you) (?:goes|go|went|"
        r"get on|plays? out|works? out|turns? out)|if (?:that|this|it|these|those|the \w+) "
        r"(?:steps? )?(?:helps?|works?|fix\w*|solves?|resolves?|does the trick|sorts?|makes? a "
        r"difference|clears?|changes?)|whether (?:that|this|it) (?:helps|works)|(?:on )?the "
        r"results?|the outcome)",
        r"\b(?:reply|come back|reach out|get back|message us|dm us|let us know|contact us|"
        r"tweet us|give us a shout)\b[^.?!]{0,40}\b(?:if|should|when)\b[^.?!]{0,30}\b(?:happens?"
        r" again|persists?|continues?|still|recurs?|comes? back|returns?|doesn'?t (?:work|help)|"
        r"not (?:work|help|resolved|fixed)|any (?:more |other )?(?:issues|problems|trouble))",
        r"\b(?:did|has|have|does)\s+(?:that|this|it|the \w+|these|those)\s+(?:\w+\s+)?"
        r"(?:help|work|fix|solve|resolve|do the trick|sort)\w*\b[^.?!]{0,80}\?",
        r"\b(?:are you|is it)\s+(?:still\s+)?(?:having|experiencing|seeing|getting)\b"
        r"[^.?!]{0,80}(?:issue|problem|trouble|error)s?\b[^.?!]{0,80}\?",
        r"\b(?:hope|hopefully)\s+(?:that|this|it|everything)\s+(?:helps|works|is sorted|fixes)"
        r"\b[^.?!]{0,40}\b(?:let us know|let me know|if not)\b",
    ),
    *_cues(
        "deflects",
        0.9,
        r"\bnot (?:my|our) (?:department|team|area|problem|job|responsibility)\b",
        r"\b(?:we|i) (?:only|just) (?:handle|deal with|support|cover|do)\b",
        r"\b(?:please\s+)?(?:contact|call|reach out to|get in touch with|speak (?:to|with)|"
        r"ring|phone|visit|go to)\s+(?:the\s+|your\s+|our\s+)?(?:\w+\s+){0,2}(?:phone support|"
        r"billing(?: team| department)?|sales(?: team)?|customer (?:service|care)|"
        r"the manufacturer|manufacturer|your (?:bank|card issuer|carrier|provider|"
        r"local store)|retailer|seller|merchant|developer|(?:the )?app developer|"
        r"support team|support line|helpline|hotline)\b",
        r"\b(?:is|are) (?:handled|managed|dealt with) by (?:our|the|a) (?:other|separate|"
        r"different)?\s*(?:\w+\s+)?(?:team|department)",
        r"\b(?:you(?:'ll)? (?:need|have) to|you (?:should|must|can)) (?:contact|call|reach out "
        r"to|get in touch with|speak (?:to|with)|go through)\b",
        r"\boutside (?:of )?(?:our|my) (?:remit|scope|control)\b",
        r"\b(?:call|ring|phone|contact)\s+(?:the|your|our)\s+(?:local\s+)?(?:branch|store|"
        r"shop|office)\b",
    ),
    *_cues(
        "blames_customer",
        0.9,
        rf"\b{_YOU} (?:must|might|may) have\s+(?:\w+\s+)?(?:done|entered|typed|installed|"
        rf"damaged|broken|dropped|used|set|forgot|missed|clicked|put)",
        rf"\b{_YOU} should(?:'ve| have)\s+(?:\w+\s+)?(?:read|checked|known|paid|called|"
        rf"contacted|noticed|kept|updated|followed)",
        rf"\b(?:that'?s|this is|it'?s|it is)\s+(?:on {_YOU}|{_YOU}r (?:fault|mistake|"
        rf"responsibility))\b",
        rf"\b(?:because|since|as) {_YOU} (?:didn'?t|did not|failed to|never|forgot to)\b",
        rf"\b{_YOU} (?:paid|entered|typed|used|chose|selected|put in|gave us) the wrong\b",
        r"\b(?:user|customer) error\b",
        r"\b(?:caused|damaged|broken) by (?:you|misuse|mishandling|the customer)\b",
        r"\bwhose fault\b",
    ),
    *_cues(
        "dismisses_report",
        0.85,
        r"\b(?:there'?s|there is|there are)\s+(?:nothing|no (?:issue|problem|fault|outage)s?)"
        r"\s+(?:wrong|with|on|in|at|reported|affecting)\b",
        r"\b(?:it|the \w+|everything)\s+(?:works|is working|seems to be working|looks)\s+"
        r"(?:fine|perfectly|normally|ok|okay)\s+(?:for us|on our (?:end|side)|here)\b",
        r"\bno (?:known )?(?:outages?|issues?|problems?) (?:in|on|at) (?:your|the) "
        r"(?:area|end|side|network)\b",
        r"\b(?:must|has to) be (?:on )?your (?:end|side|device|equipment|router|wifi|phone)\b",
        r"\bnothing (?:we|i) can do\b",
        r"\b(?:that'?s|this is|it'?s) (?:expected|normal|working as (?:intended|designed))\b",
    ),
    *_cues(
        "obstructs_cancellation",
        0.85,
        r"\b(?:can(?:no|')?t|cannot|unable to|won'?t be able to) (?:cancel|close|terminate|"
        r"process (?:the|your) cancell?ation)\b[^.?!]{0,80}\b(?:until|unless|without)\b",
        r"\bwhy (?:would|do) you (?:want|wish) to (?:leave|cancel|go)\b",
        r"\b(?:are you (?:sure|certain)|have you considered|before (?:you|we) (?:cancel|go))"
        r"\b[^.?!]{0,80}\b(?:cancel|leave|stay|offer|discount)",
        r"\b(?:cancell?ations?|closures?) (?:can|must|have to) only be (?:done|made|requested)\b",
    ),
    *_cues(
        "shifts_cost",
        0.85,
        r"\b(?:there (?:will be|is)|we(?:'ll| will) (?:have to )?(?:charge|bill)|you(?:'ll| will)"
        r" (?:be charged|need to pay|have to pay)|(?:a|the) (?:fee|charge) of)\b[^.?!]{0,80}\b(?:"
        r"repair|replacement|engineer|technician|call-?out|visit|new (?:modem|router|box|"
        r"device|card|sim))",
        r"\b(?:repair|replacement|engineer|technician|call-?out|visit) (?:fee|charge|cost)s?\b"
        r"[^.?!]{0,80}\b(?:applies|apply|will be|is|of|you)\b",
        r"\b(?:not covered|isn'?t covered|won'?t be covered)\b[^.?!]{0,80}"
        r"\b(?:pay|charge|fee|cost)",
    ),
    *_cues(
        "inconveniences",
        0.8,
        r"\b(?:you(?:'ll| will)? (?:need|have) to|please) (?:visit|go to|come (?:in)?to|pop into|"
        r"bring (?:it|the \w+) (?:in)?to) (?:one of )?(?:our|a|your nearest|the nearest|your "
        r"local) (?:store|shop|branch|office|centre|center|location)",
        r"\b(?:please|could you|can you) (?:explain|tell us|describe|repeat|send|provide)\s+"
        r"(?:the (?:issue|problem|details)|everything|it|that) again\b",
        r"\b(?:check back|try again|call back|keep checking|contact us again)\s+(?:later|in \w+ "
        r"(?:hours|days)|tomorrow)\b[^.?!]{0,80}\b(?:for|to see|to check)\b",
        r"\bfill (?:in|out) (?:the|a|our) (?:form|claim)\b",
        r"\b(?:call|ring|phone|contact|check with)\s+(?:the|your|our)\s+(?:local\s+)?(?:branch|"
        r"store|shop|office)\s+to\s+(?:check|see|find out|confirm|ask)\b",
    ),
    *_cues(
        "rude",
        0.9,
        r"\bcalm down\b",
        r"\bas i (?:already|have already|just) (?:said|told you|explained|mentioned)\b",
        r"\b(?:that'?s|it'?s) (?:your|not my) problem\b",
        r"\b(?:obviously|clearly) you (?:didn'?t|don'?t|can'?t|haven'?t)\b",
        r"\b(?:read|check) (?:the|your) (?:terms|contract|email|manual) (?:properly|carefully|"
        r"next time|again)\b",
        r"\b(?:not my fault|deal with it|take it or leave it|whatever you want)\b",
        r"\b(?:stop|quit) (?:shouting|yelling|complaining)\b",
    ),
    *_cues(
        "informs_proactively",
        0.75,
        r"\b(?:eta|estimated (?:arrival|time)|on (?:its|their|his|her) way|en route)\b",
        r"\b(?:planned|scheduled) (?:maintenance|work|works|outage|upgrade)\b",
        r"\b(?:you(?:'ll| will)|we(?:'ll| will)) (?:receive|get|see) (?:an? |the )?"
        r"(?:e-?mail|text|sms|notification|confirmation|tracking|update)\b",
        r"\b(?:next steps?|what happens next|here'?s what (?:happens|will happen))\b",
        r"\bmaintenance\b[^.?!]{0,60}\b(?:tonight|tomorrow|between|from|until|overnight|\d)",
        r"\bmay (?:drop|interrupt|affect|disrupt)\b[^.?!]{0,40}\b(?:service|line|connection|"
        r"signal|internet|power|supply)\b",
    ),
    *_cues(
        "reports_fault",
        0.85,
        r"\b(?:isn'?t|is not|aren'?t|are not|not|doesn'?t|does not|don'?t|didn'?t|won'?t|"
        r"will not|can'?t|cannot|couldn'?t|unable to|stopped|keeps?|kept|still)\s+(?:\w+\s+)"
        r"{0,2}(?:work(?:ing|s)?|load(?:ing|s)?|connect(?:ing|s)?|turn(?:ing)? on|charg(?:e|ing)|"
        r"open(?:ing|s)?|sync(?:ing)?|crash(?:ing|es)?|drop(?:ping|s)?|freez(?:e|ing|es)|"
        r"arrived?|respond(?:ing)?|stream(?:ing)?|play(?:ing)?|send(?:ing)?|receiv(?:e|ing)|"
        r"log(?:ging)? in|sign(?:ing)? in|download(?:ing)?|install(?:ing)?|updat(?:e|ing)|"
        r"print(?:ing)?|hear|show(?:ing)? up|go(?:ing)? through|deliver(?:ed)?|fixed)\b",
        r"\b(?:error(?: code| message)?|outage|down again|no (?:signal|service|internet|"
        r"connection|wifi|wi-fi|dial tone|power|water|sound|picture)|keeps? (?:crashing|dropping|"
        r"freezing|disconnecting|buffering|restarting|rebooting)|is down|went down|broken|"
        r"faulty|defective|glitch\w*|bug(?:s|gy)?|crash(?:ed|es|ing)|frozen|malfunction\w*|"
        r"dead pixels?|won'?t boot|black screen|blue screen)\b",
        r"\b(?:charged|billed) (?:me )?(?:twice|double|wrong(?:ly)?|incorrectly|for something|"
        r"again|even though)\b",
        r"\b(?:never|didn'?t|did not|hasn'?t|has not|still (?:hasn'?t|not|haven'?t))\s+"
        r"(?:\w+\s+)?(?:arrived?|received|delivered|shipped|showed up|turned up|came)\b",
        r"\b(?:wrong|missing|damaged|broken|incorrect)\s+(?:\w+\s+)?(?:item|order|package|"
        r"parcel|delivery|size|charge|amount|bill|invoice|food|part)s?\b",
        r"\b(?:keeps? (?:getting |being )?|was |were |got |is |been )(?:rejected|declined|"
        r"refused|bounced)\b",
        r"\b(?:never|doesn'?t|does not|didn'?t|did not|won'?t)\s+(?:come|comes|came|arrive|"
        r"arrives|arrived|show up|turn up|go through)\b",
    ),
    *_cues(
        "wants_to_cancel",
        0.9,
        r"\b(?:i|we)\s+(?:want|wanna|need|would like|'d like|wish|am trying|have tried)\s+"
        r"(?:to\s+)?(?:cancel|close|terminate|end|stop)\b",
        r"\b(?:please|pls|plz)\s+(?:cancel|close|terminate)\b",
        r"\b(?:cancel|close|terminate)\s+(?:my|our|the)\s+(?:account|subscription|"
        r"service|contract|membership|order|plan|booking|line|policy|card)\b",
        r"\b(?:how (?:do|can) i|where do i|trying to) (?:cancel|close|unsubscribe)\b",
    ),
    *_cues(
        "chases",
        0.9,
        r"\bstill (?:waiting|no (?:reply|answer|response|word|update|refund|credit|sign|news|"
        r"call|email|one)|haven'?t (?:heard|received|got|gotten)|(?:don'?t|do not|didn'?t) "
        r"(?:have|got)|nothing|not (?:heard|received|fixed|resolved|sorted|here|delivered|"
        r"refunded|credited))\b",
        r"\b(?:any|an) (?:update|news|word)s?\b[^.!]*(?:\?|$)",
        r"\b(?:no ?one|nobody|no body)\s+(?:has\s+|have\s+|ever\s+|even\s+)?(?:got|gotten|"
        r"called|came|come|contacted|replied|responded|responding|answer\w*|showed up|turned up|"
        r"helped|helping|get(?:s|ting)? back)\b",
        r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|\d+(?:th)?|several|multiple|many|"
        r"countless|numerous|three|four|five|six|ten)\s+(?:times?|calls?|emails?|messages?|dms?|"
        r"attempts?|tweets?)\b[^.?!]{0,40}\b(?:ask|call|contact|writ|messag|chas|tweet|sent|"
        r"tried|no (?:reply|response|answer|resolution))",
        r"\b(?:(?:i|we)(?:'ve| have)?\s+)(?:already\s+)?(?:called|contacted|emailed|messaged|"
        r"dm'?(?:e)?d|tweeted|sent|written|reached out)\b[^.?!]{0,40}\b(?:\d+|several|"
        r"multiple|many|three|four|five|twice|times|days? ago|weeks? ago|yesterday|last week|"
        r"no (?:reply|response|answer|one)|nothing|still)\b",
        r"\b(?:never|didn'?t|did not|haven'?t|have not|hasn'?t|has not)\s+(?:\w+\s+)?"
        r"(?:heard|hear|got|gotten|get|received)\s+(?:back|a (?:reply|response|call|callback|"
        r"refund|email)|anything|any(?:thing| reply| response| update))",
        r"\b(?:was|were|been) (?:told|promised|assured|supposed)\b[^.?!]{0,80}"
        r"\b(?:call|contact|email|reply|fix|arrive|refund|credit|active|deliver|back|within|by)\b",
        r"\b(?:get|got) back to (?:me|us)\b[^.?!]{0,80}(?:\?|still|yet|please|pls|already)",
        r"\b(?:waiting|waited) (?:for|since|over|on)\b[^.?!]{0,40}\b(?:\d+|days?|weeks?|"
        r"months?|hours?|ages|forever|a reply|a response|an answer|a call|a refund)",
        r"\b(?:hello|helloo+|anyone)\s*\?{2,}",
        r"\b(?:reply|respond|answer) to (?:my|the|our) (?:dm|dms|message|email|ticket)",
        r"\b(?:sent|emailed|e-mailed|messaged|wrote|called|dm'?d|tweeted)\b[^.?!]{0,40}"
        r"\bno (?:reply|response|answer|word)\b",
    ),
    *_cues(
        "threatens_churn",
        0.9,
        r"\b(?:i'?m|i am|we'?re|we are|i'?ll be|will be|going to be|gonna be)\s+(?:\w+\s+)?"
        r"(?:switching|moving|leaving|going)\s+(?:to|over to|for)\b",
        r"\b(?:switch(?:ing)?|mov(?:e|ing)) (?:to|over to) (?:another|a different|a new|"
        r"@?\w+)\s+(?:provider|carrier|bank|company|network|airline|service)\b",
        r"\b(?:never|won'?t|will not|not) (?:be )?(?:using|buying|flying|shopping|ordering|"
        r"coming back|staying|renew)\w*\b[^.?!]{0,80}\b(?:again|with you|from you|anymore)\b",
        r"\b(?:report(?:ing)?|complain(?:ing)?) (?:you |this )?to (?:the )?(?:fcc|bbb|ofcom|"
        r"ombudsman|regulator|ftc|cfpb|trading standards|press|media|consumer)",
        r"\b(?:take|taking) (?:my|our) (?:business|money|custom) elsewhere\b",
        r"\bcancel(?:l?ing)? (?:if|unless)\b",
        r"\b(?:i'?ll|i will|going to|gonna|i'?m going to)\s+(?:be\s+)?report(?:ing)?\s+"
        r"(?:this|you|it|them)\b",
    ),
    *_cues(
        "frustrated",
        0.85,
        r"\b(?:ridiculous|unacceptable|absurd|pathetic|disgraceful|disgusting|shocking|"
        r"appalling|outrageous|useless|worst|terrible|horrible|horrendous|awful|infuriating|"
        r"frustrat\w*|annoy(?:ed|ing)|fed up|sick (?:and tired )?of|tired of|disappoint\w*|"
        r"furious|livid|fuming|wtf|ffs|smh|unbelievable|incompetent|rubbish|garbage|shambles|"
        r"joke of a|what a joke|is a joke|nightmare|scam(?:med|mers)?|rip-?off|ripped off|"
        r"hopeless|lousy|pissed|angry|upset|unhappy|not happy|so done|had enough|can'?t stand|"
        r"fed-up|embarrassing|ashamed|shame on|insane|beyond (?:annoyed|frustrated|angry)|"
        r"(?:fuck|shit|crap|damn|bullshit|bs)\w*|sucks?|hate (?:this|you|your|it|that|how)|"
        r"treated like|the run-?around|fml|ugh+|argh+|grr+)\b",
        r"#\w*(?:sucks|fail|worst|never ?again|boycott|disappointed|angry)\w*",
    ),
]

# A label's patterns can only match a text that holds one of its trigger stems, so one
# Aho-Corasick pass over the text decides which labels' patterns are worth running.
# tests/unit/test_audit_cue_triggers.py checks that gating never hides a match.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "apologizes": ("sorry", "apolog"),
    "empathizes": (
        "frustrat",
        "annoy",
        "inconvenien",
        "upset",
        "stressful",
        "disappoint",
        "difficult",
        "worr",
        "concern",
        "hard",
        "experience",
        "service",
        "understand",
    ),
    "owns": (
        "ll ",
        "ll\n",
        "will",
        "let me",
        "allow me",
        "ve ",
        "have",
        "leave it with me",
        "own this",
        "on it",
        "consider it done",
        "ll",
        "ve",
    ),
    "confirms_resolution": (
        "?",
        "know",
        "posted",
        "updated",
        "tell us",
        "update us",
        "reply",
        "come back",
        "reach out",
        "get back",
        "message us",
        "dm us",
        "contact us",
        "tweet us",
        "shout",
        "hope",
    ),
    "deflects": (
        "department",
        "team",
        "area",
        "problem",
        "job",
        "responsib",
        "only",
        "just",
        "contact",
        "call",
        "reach out",
        "touch",
        "speak",
        "ring",
        "phone",
        "visit",
        "go to",
        "handled",
        "managed",
        "dealt",
        "remit",
        "scope",
        "control",
        "go through",
        "branch",
        "store",
        "shop",
        "office",
    ),
    "blames_customer": (
        "must have",
        "might have",
        "may have",
        "must've",
        "might've",
        "may've",
        "should",
        "on you",
        "on u",
        "on ya",
        "fault",
        "mistake",
        "responsib",
        "problem",
        "didn",
        "did not",
        "failed",
        "never",
        "forgot",
        "wrong",
        "error",
        "caused by",
        "damaged by",
        "broken by",
    ),
    "dismisses_report": (
        "there",
        "works",
        "working",
        "looks",
        "no known",
        "outage",
        "issue",
        "problem",
        "must be",
        "has to be",
        "nothing",
        "expected",
        "normal",
        "as intended",
        "as designed",
    ),
    "obstructs_cancellation": (
        "cancel",
        "close",
        "terminat",
        "why",
        "sure",
        "certain",
        "considered",
        "before",
        "closure",
    ),
    "shifts_cost": ("charge", "bill", "pay", "fee", "cost", "covered"),
    "inconveniences": (
        "visit",
        "go to",
        "come",
        "pop into",
        "bring",
        "again",
        "check back",
        "try again",
        "call back",
        "keep checking",
        "fill",
        "call",
        "ring",
        "phone",
        "contact",
        "check with",
    ),
    "rude": (
        "calm down",
        "as i",
        "problem",
        "obviously",
        "clearly",
        "read",
        "check",
        "not my fault",
        "deal with it",
        "take it or leave it",
        "whatever",
        "stop",
        "quit",
    ),
    "informs_proactively": (
        "eta",
        "estimated",
        "way",
        "en route",
        "planned",
        "scheduled",
        "receive",
        "get",
        "see",
        "next step",
        "happens next",
        "will happen",
        "maintenance",
        "may ",
    ),
    "reports_fault": (
        "n't",
        "not",
        "cannot",
        "unable",
        "stopped",
        "keep",
        "kept",
        "still",
        "error",
        "outage",
        "down",
        "no ",
        "broken",
        "faulty",
        "defective",
        "glitch",
        "bug",
        "crash",
        "frozen",
        "malfunction",
        "pixel",
        "boot",
        "screen",
        "charged",
        "billed",
        "never",
        "wrong",
        "missing",
        "damaged",
        "incorrect",
        "nt ",
        "rejected",
        "declined",
        "refused",
        "bounced",
        "come",
        "came",
        "arriv",
        "show up",
        "turn up",
        "go through",
    ),
    "wants_to_cancel": ("cancel", "close", "terminat", "end", "stop", "unsubscribe"),
    "chases": (
        "still",
        "update",
        "news",
        "word",
        "no one",
        "noone",
        "nobody",
        "no body",
        "time",
        "call",
        "attempt",
        "called",
        "contacted",
        "emailed",
        "messaged",
        "dm",
        "tweeted",
        "sent",
        "written",
        "reached out",
        "never",
        "n't",
        "not",
        "told",
        "promised",
        "assured",
        "supposed",
        "get back",
        "got back",
        "didnt",
        "havent",
        "hasnt",
        "dont",
        "nt ",
        "waiting",
        "waited",
        "hello",
        "anyone",
        "reply",
        "respond",
        "answer",
        "heard",
        "hear",
        "received",
        "no reply",
        "no response",
        "no answer",
        "no word",
    ),
    "threatens_churn": (
        "switch",
        "moving",
        "leaving",
        "going",
        "move",
        "never",
        "won't",
        "will not",
        "not ",
        "report",
        "complain",
        "business elsewhere",
        "money elsewhere",
        "custom elsewhere",
        "cancel",
        "wont",
        "elsewhere",
        "report",
    ),
    "frustrated": (
        "ridiculous",
        "unacceptable",
        "absurd",
        "pathetic",
        "disgrace",
        "disgust",
        "shocking",
        "appalling",
        "outrageous",
        "useless",
        "worst",
        "terrible",
        "horrible",
        "horrendous",
        "awful",
        "infuriat",
        "frustrat",
        "annoy",
        "fed up",
        "fed-up",
        "sick",
        "tired of",
        "disappoint",
        "furious",
        "livid",
        "fuming",
        "wtf",
        "ffs",
        "smh",
        "unbelievable",
        "incompetent",
        "rubbish",
        "garbage",
        "shambles",
        "joke",
        "nightmare",
        "scam",
        "rip",
        "hopeless",
        "lousy",
        "pissed",
        "angry",
        "upset",
        "unhappy",
        "not happy",
        "so done",
        "had enough",
        "stand",
        "embarrass",
        "ashamed",
        "shame",
        "insane",
        "beyond",
        "fuck",
        "shit",
        "crap",
        "damn",
        "bullshit",
        "bs",
        "suck",
        "hate",
        "treated like",
        "run-around",
        "runaround",
        "fml",
        "ugh",
        "argh",
        "grr",
        "#",
    ),
}

VETOES: dict[str, list[re.Pattern[str]]] = {
    # Moving to a private channel of the same team to keep helping is not deflection.
    "deflects": [
        re.compile(
            r"\b(?:dm|direct message|private message|pm|inbox|e-?mail)\s+(?:us|me)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(?:i'?ve|i have|we'?ve|we have)\s+(?:passed|forwarded|transferred|"
            r"escalated|referred)\b",
            re.IGNORECASE,
        ),
    ],
}


def _trigger_automaton(triggers: dict[str, tuple[str, ...]]) -> Any:
    automaton = ahocorasick.Automaton()
    stems: dict[str, set[str]] = {}
    for label, words in triggers.items():
        for word in words:
            stems.setdefault(word, set()).add(label)
    for word, labels in stems.items():
        automaton.add_word(word, frozenset(labels))
    automaton.make_automaton()
    return automaton


class PhraseCues:
    """Finds the precise cues of every label the speaker may carry, with their spans.

    `gated=False` runs every pattern on every turn; it exists so tests can show
    that the trigger gate changes nothing but the speed.
    """

    name = "cues"
    requires = frozenset({"texts", "speakers", "supported"})
    assigns = frozenset({"cues", "vetoes"})

    def __init__(self, cues: list[Cue] | None = None, *, gated: bool = True) -> None:
        by_label: dict[str, list[Cue]] = {}
        for cue in cues if cues is not None else CUES:
            by_label.setdefault(cue.label, []).append(cue)
        # One alternation per label: a single scan of the text instead of one per pattern.
        self._by_label = {
            label: (
                re.compile("|".join(f"(?:{c.pattern.pattern})" for c in group), re.IGNORECASE),
                max(c.strength for c in group),
            )
            for label, group in by_label.items()
        }
        self._gated = gated
        self._automaton = _trigger_automaton(TRIGGERS)

    def triggered(self, lowered: str) -> set[str]:
        """The labels whose trigger stems occur in the (lower-cased) text."""
        labels: set[str] = set()
        for _, found in self._automaton.iter(lowered):
            labels |= found
        return labels

    def __call__(self, document: AuditDocument) -> None:
        turns = zip(document.texts, document.speakers, strict=True)
        for index, (text, speaker) in enumerate(turns):
            if not document.supported[index] or not text:
                continue
            allowed = LABELS_BY_SPEAKER[speaker]
            if self._gated:
                candidates = self.triggered(text.lower()).intersection(allowed)
            else:
                candidates = set(allowed)
            found: list[Evidence] = []
            for label in allowed:
                if label not in candidates or label not in self._by_label:
                    continue
                pattern, strength = self._by_label[label]
                match = pattern.search(text)
                if match is not None:
                    found.append(Evidence(label, strength, match.span()))
            document.cues[index] = found
            # Vetoes are few and cheap, and run whatever the gate says.
            document.vetoes[index] = {
                label
                for label, patterns in VETOES.items()
                if label in allowed and any(p.search(text) for p in patterns)
            }
