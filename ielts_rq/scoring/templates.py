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


# Idioms, proverbs and stock openers learnt by heart: one can be apt, a chain of them is recited, not written
# for the question (the descriptors credit idiomatic language used with "awareness of style", not stuffing).
IDIOMS = re.compile(r"\b(" + "|".join((
    r"at the end of the day", r"to cut a long story short", r"when all is said and done", r"as a matter of fact",
    r"by and large", r"in the blink of an eye", r"(every|each) cloud has a silver lining", r"a silver lining",
    r"(the )?tip of the iceberg", r"a piece of cake", r"hits? the nail on the head", r"(costs?|costing) an arm and a leg",
    r"kills? two birds with one stone", r"a blessing in disguise", r"the ball is in (their|our|your|his|her) court",
    r"bite the bullet", r"break(ing)? the ice", r"once in a blue moon", r"a drop in the ocean", r"the lion'?s share",
    r"throw(ing)? the baby out with the bath ?water", r"think(ing)? outside the box", r"a win[- ]win situation",
    r"the icing on the cake", r"burn(ing)? the midnight oil", r"the best of both worlds", r"food for thought",
    r"actions speak louder than words", r"easier said than done", r"better late than never", r"no pain,? no gain",
    r"the grass is (always )?greener", r"rome was ?n[o']t built in a day", r"money does ?n[o']t grow on trees",
    r"time is money", r"practice makes perfect", r"no such thing as a free lunch", r"a bone of contention",
    r"from all walks of life", r"on the flip side", r"it is high time", r"the other side of the coin",
    r"(every|each) coin has two sides", r"as the (old )?saying goes", r"over the moon", r"on cloud nine",
    r"a dime a dozen", r"knowledge is power", r"time flies", r"(broaden|broadens|broadening) (their|our|one'?s|his|her|the) "
    r"horizons?", r"the writing (is|was) on the wall", r"(a|the) double[- ]edged sword", r"last but not least",
    r"needless to say", r"it goes without saying( that)?", r"first and foremost", r"in a nutshell", r"all in all",
    r"in this day and age", r"there is no denying( that)?", r"it is an undeniable fact( that)?",
    r"a hot potato", r"a storm in a teacup", r"under the weather", r"hit the ground running", r"in hot water",
    r"the last straw", r"a level playing field", r"spill the beans", r"let the cat out of the bag",
    r"a far cry from", r"on the same page", r"par for the course", r"keep an eye on", r"the bottom line")) + r")\b",
    re.IGNORECASE)
# Real Task 2 essays (calibration set): none uses more than 2 of these, 90% none; a chain of idioms runs to
# one or more a sentence.
RECITED_MIN = 3
RECITED_PER_100 = 1.0


def recited_phrases(text: str) -> list[str]:
    """The idioms and memorised set phrases of a text, when there are so many that they are recited; else []."""
    found = [m.group(0) for m in IDIOMS.finditer(text)]
    many = len(found) >= RECITED_MIN and len(found) * 100 / max(1, len(text.split())) >= RECITED_PER_100
    return found if many else []


def without_recited(text: str) -> str:
    """The text with its idioms and stock phrases taken out (what is left is the learner's own writing)."""
    lines = []
    for line in text.split("\n"):
        line = IDIOMS.sub("", line)
        line = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", line)).strip()
        line = re.sub(r"([.!?])[,;:]+", r"\1", re.sub(r"^[,;:]\s*", "", line))
        line = re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), line)
        lines.append(line)
    return "\n".join(lines)


def specific_words_per_100(text: str, question: str | None) -> float:
    """Distinct specific content words of the answer's own (not the question's) per 100 words."""
    question_stems = set(relevance.question_stems(question or ""))
    own = relevance.content_stems(mask_copied(SET_PHRASES.sub(" ", text), question))  # set phrases are no one's own
    specific = {s for s in own if s not in question_stems and relevance.idf(s) >= SPECIFIC_IDF}
    return len(specific) * 100 / max(1, len(text.split()))


# A template need not use any phrase of SET_PHRASES: whatever its frames ("This is a controversial issue that
# has sparked much debate", "There are several reasons for this view"), what it says fits any question once the
# topic is swapped in. Measured without any list of phrases: the share of the answer's words in sentences that
# bring no specific word of their own (``originality.empty_sentences``: none the question or an earlier
# sentence had, none that every essay uses), with few specific words overall. On the calibration set's Task 2
# essays of 150 words or more, such sentences hold 3% of the words at the median and 25% at the 99th
# percentile, and 2 of 793 meet both thresholds; a template with the question's topic and claim swapped in
# holds about 40% and 7 specific words per 100 (``tests/essays_question.py``).
GENERIC_SHARE = 0.3
GENERIC_FEW_SPECIFIC_PER_100 = 10.0


def generic_share(text: str, question: str | None) -> float:
    """Share of the answer's words in sentences that say nothing particular to this question or this answer."""
    from .originality import empty_sentences

    empty = empty_sentences(text, question)
    return sum(len(s.split()) for s in empty) / max(1, len(text.split()))


def template_evidence(text: str, question: str | None) -> dict:
    """The set phrases found, the specific words per 100 words, and whether they mark a template: set phrases
    around few words of the answer's own (``memorised``), or sentences that would fit any question (``generic``)."""
    phrases = [m.group(0) for m in SET_PHRASES.finditer(text)]
    specific = specific_words_per_100(text, question)
    long_enough = len(text.split()) >= MIN_WORDS
    memorised = long_enough and len(phrases) >= MANY_SET_PHRASES and specific < FEW_SPECIFIC_PER_100
    share = generic_share(text, question) if long_enough else 0.0
    generic = long_enough and share >= GENERIC_SHARE and specific < GENERIC_FEW_SPECIFIC_PER_100
    return {"set_phrases": phrases, "specific_per_100": specific, "memorised": memorised,
            "generic_share": share, "generic": generic}
