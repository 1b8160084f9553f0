"""The phrase cues: patterns that show a label almost by themselves, and look-alikes.

Cues are written for precision; the learned model brings recall. A veto
pattern marks words that look like a label but are not one under the rules
of taxonomy.md ("DM us so we can help" is not deflection).

The patterns run on RE2 (google-re2), all of a speaker's at once in one scan
of the text, so they are written in the syntax RE2 and Python share: no
look-around, no back-references. `\\w` and `\\b` are ASCII in RE2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Cue:
    """A pattern for one label (matched without regard to case) and how sure a match alone
    makes us."""

    label: str
    pattern: str
    strength: float


def _cues(label: str, strength: float, *patterns: str) -> list[Cue]:
    return [Cue(label, pattern, strength) for pattern in patterns]


_YOU: Final = r"(?:you|u|ya)"
_WE: Final = r"(?:we|i)"

CUES: list[Cue] = [
    *_cues(
        "apologizes",
        0.95,
        r"\b(?:i'?m|i am|we'?re|we are|so|really|very|truly|terribly|deeply)\s+(?:so\s+|very\s+|"
        r"really\s+|truly\s+|terribly\s+)?sorry\b",
        r"\b(?:my|our|sincere|deepest|many)\s+apolog(?:y|ies)\b",
        r"\bapologi[sz]e\b",
        r"\bapologies\b",
        r"\bsorry\s+(?:to\s+hear|about|for|that|you|if)\b",
        r"^\s*(?:@\w+\s+)*sorry\b",
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
    # The structures behind the taxonomy's definitions, in general words: who is sent where,
    # what the customer is told they did or must pay, what is denied. Written from
    # taxonomy.md and the training data; broader than the cues above, so they are features
    # for the model more than decisions (training decides which may decide alone).
    *_cues(
        "deflects",
        0.8,
        r"\b(?:contact|call|ring|phone|e-?mail|reach out to|get in touch with|speak (?:to|with)|"
        r"talk to|check with|go through|ask)\s+(?:them|(?:the|your|their)\s+(?:\w+\s+){0,2}(?:team|"
        r"department|centre|center|desk|office|manager|store|shop|branch|partner|provider|company|"
        r"bank|carrier|retailer|seller|developer|creator|publisher|manufacturer|airline|hotel|"
        r"merchant|vendor|insurer|garage|vet|landlord|pharmacy|council|issuer|host|organi[sz]er|"
        r"restaurant|courier|agency|platform)|our\s+(?:\w+\s+){0,2}(?:partner|team|department|"
        r"centre|center|desk|line|office|specialists|experts|colleagues))\b",
        r"\b(?:reach out to|contact|tweet|message|dm|ask|speak to|get in touch with|contact the "
        r"team "
        r"at|head over to)\s+@\w+",
        r"\b(?:is|are)\s+(?:handled|processed|managed|reviewed|dealt with|looked after|taken car"
        r"e of|"
        r"decided|operated|run|issued|provided|sold)\s+(?:only\s+)?by\s+(?:our\s+|the\s+|a\s+|ea"
        r"ch\s+|"
        r"their\s+|your\s+)?(?:\w+\s+){0,3}(?:team|department|partner|provider|centre|center|"
        r"manufacturer|creator|carrier|bank|company|store|retailer|seller|developer|publisher|app|"
        r"platform|marketplace|insurer|merchant|vendor|issuer|restaurant|courier|agent|office)\b",
        r"\b(?:contact|call|reach out to|speak (?:to|with)|get in touch with|e-?mail|ask)\s+(?:\w"
        r"+\s+)"
        r"{1,3}directly\b",
        r"\b(?:we|i)\s+(?:can'?t|cannot|are unable to|am unable to|aren'?t able to|don'?t)\s+(?:"
        r"help|"
        r"assist|discuss|deal|handle|access|see|do|support)\b[^.?!]{0,50}\b(?:here|on social|over "
        r"social|on twitter|via twitter|on this channel|in (?:this )?chat|by chat|on chat|by e-?"
        r"mail|"
        r"over the phone|on the phone)\b",
        r"\b(?:you can|you will|you'll|you may|you could)\s+(?:find|track|check|see|view|get|read|"
        r"learn)\b[^.?!]{0,60}\b(?:here|at|on|via|using)\s*:?\s*(?:https?://|www\.)",
        r"\b(?:please\s+)?(?:visit|check out|see|follow|refer to|take a look at|have a look at|h"
        r"ead "
        r"to)\s+(?:the\s+(?:steps\s+)?(?:in|on|outlined in)\s+)?(?:this|our|the)\s+(?:\w+\s+)?(?:"
        r"article|guide|help ?(?:site|centre|center|page|article)|faq|support (?:site|page|artic"
        r"le)|"
        r"community|forum)\b",
    ),
    *_cues(
        "inconveniences",
        0.75,
        r"\b(?:bring|take|drop|pop|come|go)\s+(?:it|them|the \w+|your \w+|in|by|down|back|along)"
        r"?\s*"
        r"(?:in\s*)?(?:to|into|by|down to|back to)\s+(?:a|any|one of our|our|the|your (?:local|n"
        r"earest"
        r"))\s+(?:\w+\s+)?(?:store|shop|branch|office|centre|center|desk|counter|location|depot|"
        r"garage|club|station|front desk)\b",
        r"\b(?:(?:please|kindly|could you|can you|you(?:'ll| will)? need to|you have to)\s+)(?:r"
        r"e-?send|"
        r"resubmit|re-?upload|re-?enter|send|submit|explain|describe|provide|repeat|give us|tell"
        r" us|"
        r"upload|fill (?:in|out))\b[^.?!]{0,60}\b(?:again|once more|one more time)\b",
        r"\b(?:keep (?:an eye on|checking)|check back|monitor (?:the|our)|refresh (?:the|your))\b",
        r"\b(?:in person|in-person|by post|by mail|registered letter|in writing|print(?:,| and)? "
        r"sign|with (?:your|a) (?:passport|photo id|id)\b)",
    ),
    *_cues(
        "dismisses_report",
        0.75,
        r"\b(?:no|not any|there (?:are|is) no|we have no|we'?ve had no)\s+(?:known\s+|reported\s"
        r"+|other\s+)?"
        r"(?:issues?|problems?|faults?|outages?|errors?|reports?|complaints?)\b[^.?!]{0,40}\b(?:on "
        r"our (?:end|side)|reported|in your area|at the moment|right now|currently|with (?:the|o"
        r"ur)|"
        r"from other)\b",
        r"\b(?:that'?s|this is|it'?s|it is)\s+(?:just\s+|completely\s+|perfectly\s+)?(?:normal|e"
        r"xpected|"
        r"standard|how it works|by design|intended|not a (?:fault|defect|bug|problem|issue))\b",
        r"\b(?:must|has to|have to|is probably|is likely|could be|might be|will be)\s+(?:be\s+)?"
        r"(?:on\s+)?"
        r"(?:your|the customer'?s)\s+(?:end|side|device|equipment|router|wifi|wi-fi|phone|computer|"
        r"browser|network|connection|settings|account|wiring|pipes|house)\b",
        r"\b(?:nothing (?:wrong|more we can do|i can do|to (?:fix|worry about))|can'?t (?:see|fi"
        r"nd) "
        r"(?:any(?:thing)?|a) (?:problem|issue|fault|error)|(?:doesn'?t|does not) get (?:\w+ )?w"
        r"rong|"
        r"(?:works|is working|worked) (?:fine|perfectly|normally) for (?:us|everyone|other))\b",
    ),
    *_cues(
        "blames_customer",
        0.8,
        rf"\b{_YOU}\s+(?:must|might|may|probably|likely)\s+(?:have\s+)?(?:not\s+)?(?:\w+\s+)?(?:"
        rf"missed|"
        rf"forgot|forgotten|entered|typed|used|set|deleted|removed|dropped|damaged|broke|installed|"
        rf"clicked|selected|chose|ignored|misread|overlooked|left|bent|spilled|unplugged)\b",
        rf"\b{_YOU}\s+(?:should|shoulda|should'?ve|needed to|were supposed to|were meant to|woul"
        rf"d have "
        rf"needed to|'d have needed to|'d need to have)\s+(?:have\s+)?(?:\w+\s+)?(?:read|checked"
        rf"|known|"
        rf"paid|called|contacted|noticed|kept|updated|followed|taken|asked|cancell?ed|told|booked|"
        rf"reported|made sure|ensured|saved|backed|approved|submitted|registered)\b",
        rf"\b(?:because|since|as)\s+{_YOU}\s+(?:didn'?t|did not|failed to|never|forgot to|haven'?t|"
        rf"hadn'?t|weren'?t|were not|chose|selected|entered|agreed|accepted|opted|declined|ignor"
        rf"ed)\b",
        r"\b(?:customers?|members?|users?|guests?|passengers?|drivers?|renters?|hirers?)\s+(?:ar"
        r"e|is)\s+"
        r"(?:responsible|required|expected|liable)\s+(?:for|to)\b",
        rf"\b(?:as (?:stated|outlined|explained|mentioned|detailed|noted|listed) in|according to"
        rf"|per)"
        rf"\s+(?:the|our|your)\s+(?:terms|t&c|t&amp;c|policy|agreement|contract|conditions|rates)\b"
        rf"[^.?!]{{0,60}}\b{_YOU}\b",
        rf"\b{_YOU}\s+(?:agreed|accepted|consented|signed up|opted in|chose not)\s+(?:to|when|at"
        rf")\b",
        rf"\b(?:yours|{_YOU})\s+(?:was|were|is)\s+(?:probably|likely|clearly|obviously)\b",
    ),
    *_cues(
        "shifts_cost",
        0.75,
        rf"\b(?:there(?:'s| is| will be| would be)\s+(?:a|an)\s+(?:\w+\s+){{0,2}}(?:fee|charge|c"
        rf"ost)|"
        rf"(?:a|an|the)\s+(?:\w+\s+){{0,2}}(?:fee|charge)\s+(?:of|applies|will apply|is payable|"
        rf"remains "
        rf"payable|stands|will be (?:added|charged|applied))|{_YOU}(?:'ll| will|'d| would)\s+(?:"
        rf"need to "
        rf"|have to )?(?:pay|be charged|be billed|cover|owe)|(?:we(?:'ll| will)|we'd|we would)\s"
        rf"+(?:have "
        rf"to\s+)?(?:charge|bill)\s+(?:you|u|your))\b",
        r"\b(?:isn'?t|is not|aren'?t|are not|won'?t be|not|can'?t be)\s+(?:covered|refundable|"
        r"refunded|free|included|waived|reimbursed)\b",
        r"\b(?:call-?out|callout|engineer|technician|visit|inspection|investigation|diagnostic|a"
        r"dmin"
        r"(?:istration)?|processing|reconnection|replacement|repair|exchange|handling|late|remin"
        r"der|"
        r"cancell?ation|change|rebooking|delivery|refuel(?:l?ing)?|toll|cleaning)\s+(?:fee|charg"
        r"e|cost)"
        r"s?\b",
    ),
    *_cues(
        "rude",
        0.8,
        r"\b(?:like i (?:said|told you)|i(?:'ve| have) (?:already )?(?:explained|told you|said) "
        r"(?:this|that|it) (?:twice|already|before|several times|multiple times|three times)|for"
        r" the "
        r"(?:second|third|last) time)\b",
        r"\b(?:relax|chill|take it easy|don'?t take that tone|watch your (?:tone|language)|lower "
        r"your voice|no need to (?:shout|be rude)|stop being)\b",
        r"\b(?:what did you expect|what do you expect|did you even|do you even|if you (?:had )?"
        r"(?:bothered|read|listened)|not rocket science|like everyone else|not the only (?:one|"
        r"customer|leak|person)|you'?re not the only|you people|learn to read|can'?t you read|"
        r"you'?ll get it when you get it|i don'?t make the)\b",
    ),
    *_cues(
        "obstructs_cancellation",
        0.75,
        r"\b(?:cancell?ations?|closures?|terminations?)\s+(?:can|must|have to|need to|are|is)\s+"
        r"(?:only\s+)?(?:be\s+)?(?:done|made|requested|processed|submitted|handled|accepted)\s+("
        r"?:by|"
        r"in|through|via|over|at|on|with)\b",
        r"\b(?:instead of cancell?ing|rather than cancell?ing|pause (?:your|the) (?:membership|"
        r"subscription|account|plan)|(?:special|exclusive|retention|loyalty|one-time) (?:offer|"
        r"discount|deal|price|rate)|before (?:you|we) (?:go|leave|cancel))\b",
        r"\b(?:before (?:i|we) (?:can )?(?:cancel|close|process|proceed)|(?:can|could) you (?:tell|"
        r"let) (?:me|us) why|may i ask why|what(?:'s| is) (?:the reason|prompting|making you)|"
        r"loyalty team|retentions? team)\b",
    ),
    *_cues(
        "empathizes",
        0.8,
        r"\b(?:i|we)\s+(?:completely\s+|totally\s+|fully\s+|really\s+|can\s+|definitely\s+)?"
        r"(?:understand|appreciate|know|see|imagine|get)\s+(?:how|why|that|what)\b[^.?!]{0,60}"
        r"\b(?:frustrat|annoy|inconvenien|upset|stress|worr|difficult|hard|disappoint|important|"
        r"matter|rely|need|concern|urgent|scary|awful|terrible)",
        r"\b(?:that|this|it)\s+(?:sounds|must (?:be|have been)|is|can be)\s+(?:\w+\s+){0,2}"
        r"(?:frustrat|stressful|worrying|upsetting|annoying|inconvenient|disappointing|difficult|"
        r"awful|scary|horrible|terrible|hard|exhausting)",
    ),
    *_cues(
        "owns",
        0.8,
        r"\b(?:i'?ll|i will|let me|leave it with (?:me|us))\b[^.?!]{0,40}\b(?:check|look|sort|fix|"
        r"handle|arrange|get (?:this|that|it|you)|make sure|take care|chase|follow up|escalate|"
        r"raise|book|refund|credit|replace|process|update you|get back)",
        # A company "we'll look into it" owns nothing (taxonomy.md); "we'll fix it" does.
        r"\b(?:we'?ll|we will|let us)\b[^.?!]{0,40}\b(?:sort|fix|arrange|get (?:this|that|it|you) "
        r"(?:sorted|fixed|resolved|back)|make sure|take care|chase|follow up with you|escalate|b"
        r"ook|"
        r"refund|credit|replace|process|update you|get back to you)",
        r"\b(?:i'?ve|i have|we'?ve|we have)\s+(?:now\s+|just\s+|already\s+|also\s+)?(?:applied|"
        r"added|issued|sent|arranged|booked|logged|raised|flagged|reported|passed|forwarded|"
        r"requested|scheduled|corrected|updated|restored|reactivated|unlocked|removed|upgraded|"
        r"extended|cancell?ed|reconnected|re-?sent|released|approved)\b",
    ),
    # Promises (shared/design/promises.md): a commitment to, or the expected time of, a
    # future action or outcome for this customer. Requests, offers, hopes and conditions on
    # the customer look alike; VETOES below argue against them.
    *_cues(
        "promise",
        0.8,
        r"\b(?:i|we)\s*(?:'ll|will|shall|'m going to|am going to|'re going to|are going to)\s+"
        r"(?:\w+\s+){0,2}(?:send|call|ring|contact|reach out|get back|follow up|update|let you "
        r"know|keep you|e-?mail|text|dm|message|reply|respond|check|look|investigate|fix|repair|"
        r"replace|refund|credit|reverse|waive|arrange|book|schedule|ship|deliver|dispatch|post|"
        r"process|activate|connect|install|escalate|pass|forward|sort|resolve|have|get|make sure|"
        r"ensure|be in touch|monitor|confirm|issue|cancel|remove|restore|chase|notify|inform|"
        r"review|raise|organi[sz]e|share|provide|do)\b",
        r"\b(?:you|u)\s*(?:'ll|will|should)\s+(?:\w+\s+)?(?:receive|get|see|hear|be contacted|"
        r"be called|be notified|have|notice|be able)\b",
        r"\b(?:it|this|that|they|he|she|the \w+|your \w+(?: \w+)?|our \w+(?: \w+)?|an? \w+)\s*"
        r"(?:'ll|will|should|is going to|are going to)\s+(?:\w+\s+)?(?:be|arrive|show|appear|"
        r"reach|go|come|take|reflect|clear|post|land|update|call|contact|visit|get|restart|retur"
        r"n)\b",
        r"\b(?:takes?|can take|may take|usually takes|typically takes|normally takes|allow|expect "
        r"it)\s+(?:up to\s+|about\s+|around\s+|roughly\s+|approximately\s+)?(?:\d+|an?|one|two|"
        r"three|four|five|six|seven|ten|a few|a couple of)(?:\s*(?:-|to)\s*\d+)?\s*(?:business |"
        r"working )?(?:minutes?|hours?|days?|weeks?|mins?|hrs?)\b",
        r"\b(?:is|are|has been|have been|'s)\s+(?:now\s+)?(?:scheduled|booked|due|expected|"
        r"arranged|set|planned)\s+(?:for|to|on|between|within|by|at)\b",
        r"\b(?:keep you (?:posted|updated|informed)|be in touch|get back to you|follow up with "
        r"you|reach out to you|be with you)\b",
        r"\b(?:we'?re|we are|i'?m|i am|our \w+(?: team)? (?:is|are))\s+(?:currently\s+)?"
        r"(?:looking into|investigating|working on)\b[^.?!]{0,80}\b(?:update|let you know|get "
        r"back|be in touch|follow up|as soon as|shortly|soon)\b",
    ),
]


VETOES: dict[str, list[str]] = {
    # What is not a promise (promises.md): an offer or a question, a hope or a best effort,
    # and a commitment that waits on the customer ("DM us and we'll look into it").
    "promise": [
        r"\b(?:would you like|do you want|shall (?:i|we)|should (?:i|we)|can (?:i|we)|may (?:i|we)|"
        r"want (?:me|us) to)\b",
        r"\b(?:hope(?:fully)?|do (?:our|my) (?:very )?best|try (?:our|my) best|we'?ll try|i'?ll "
        r"try)\b",
        r"\b(?:if|once|when|as soon as)\s+(?:you|u)\b[^.?!]{0,80}\b(?:we|i)\s*(?:'ll|will|can)\b",
        r"\b(?:dm|send|message|e-?mail|provide|share|reply with|give|pop|drop)\b[^.?!]{0,60}\b"
        r"(?:and|so)\s+(?:we|i)\s*(?:'ll|will|can)\b",
    ],
    # Moving to a private channel of the same team to keep helping is not deflection.
    "deflects": [
        r"\b(?:dm|direct message|private message|pm|inbox|e-?mail)\s+(?:us|me)\b",
        r"\b(?:i'?ve|i have|we'?ve|we have)\s+(?:passed|forwarded|transferred|escalated|referred"
        r")\b",
    ],
}

# Words that hold a label's cue but mean something else: a cue match inside one does not
# count (the next match after it still may).
LOOKALIKES: dict[str, list[str]] = {
    # "Sorry, could you repeat that?" asks for words again; it apologises for nothing.
    "apologizes": [
        r"\bsorry\s*,?\s*(?:but\s+)?(?:can|could|would|what|did|do)\s+(?:you|u)\s+"
        r"(?:please\s+)?(?:repeat|say)\w*",
    ],
}
