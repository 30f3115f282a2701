"""Memorised all-purpose essays: set phrases around the question's topic words, little of the answer's own.

A template learnt by heart fits any question once its topic is swapped in ("In this day and age,
{topic} has become a hotly debated issue ..."). Two signs together mark one: few specific words of the
answer's own (content words outside the question that are not in most essays: IDF of 4 or more, per
100 words) and several set phrases that examiners recognise as memorised. Either alone is common in
honest essays (a weaker writer's plain vocabulary; a phrase or two learnt for the test).

Thresholds, on 600 real Task 2 answers of the unscored set and the 793 Task 2 essays of the
calibration set: specific words per 100 words is 13.1 / 8.6 at their 1st percentiles and 20.3 / 17.1 at
their medians; a template with the topic swapped in has about 10 (``tests/essays_tricks.py``).
"""

from __future__ import annotations

import re

from . import relevance
from .originality import mask_copied

SPECIFIC_IDF = 4.0
FEW_SPECIFIC_PER_100 = 12.0
MANY_SET_PHRASES = 3
MIN_WORDS = 150

SET_PHRASES = re.compile(r"\b(" + "|".join((
    r"in this day and age", r"hotly[- ]debated", r"(a|the) (topic|issue|subject) of (much|heated|great) debate",
    r"plays? an? (vital|crucial|pivotal|key|significant|important) role", r"it is undeniable that",
    r"there is no denying", r"it goes without saying", r"first and foremost", r"last but not least",
    r"every coin has two sides", r"a double[- ]edged sword", r"both sides of the (argument|coin|issue)",
    r"(reach|reaching) a (reasoned|balanced) conclusion", r"numerous studies have shown",
    r"(many|some) experts believe", r"as a whole", r"future generations", r"the well-being of",
    r"a wide (range|variety) of", r"a variety of problems", r"long-term consequences",
    r"the (benefits|advantages) outweigh the (drawbacks|disadvantages)", r"work together to ensure",
    r"(maximi[sz]ed?|maximi[sz]ing) .{0,40}(minimi[sz]ed?|minimi[sz]ing)", r"to put it in a nutshell",
    r"in a nutshell", r"all in all", r"needless to say", r"it is widely (believed|accepted|acknowledged)",
    r"(hold|holds) the view that", r"a number of drawbacks", r"numerous benefits",
    r"compelling reasons?")) + r")\b", re.IGNORECASE)


def specific_words_per_100(text: str, question: str | None) -> float:
    """Distinct specific content words of the answer's own (not the question's) per 100 words."""
    question_stems = set(relevance.question_stems(question or ""))
    own = relevance.content_stems(mask_copied(SET_PHRASES.sub(" ", text), question))  # set phrases are no one's own
    specific = {s for s in own if s not in question_stems and relevance.idf(s) >= SPECIFIC_IDF}
    return len(specific) * 100 / max(1, len(text.split()))


def template_evidence(text: str, question: str | None) -> dict:
    """The set phrases found, the specific words per 100 words, and whether the two mark a template."""
    phrases = [m.group(0) for m in SET_PHRASES.finditer(text)]
    specific = specific_words_per_100(text, question)
    memorised = (len(text.split()) >= MIN_WORDS and len(phrases) >= MANY_SET_PHRASES
                 and specific < FEW_SPECIFIC_PER_100)
    return {"set_phrases": phrases, "specific_per_100": specific, "memorised": memorised}
