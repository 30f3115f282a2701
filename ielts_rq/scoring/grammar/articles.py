"""Articles: a or an by the sound that follows, missing and extra articles, uncountable plurals."""

from __future__ import annotations

import re

from .words import (
    ABSTRACT_GENERIC,
    ARTICLE_ADJ,
    AUX,
    COUNT_NOUNS_COMMON,
    DETERMINERS,
    FUNCTION_WORDS,
    PLURAL_DETS,
    PREPOSITIONS_OBJ,
    PROFESSIONS,
    SUPERLATIVES,
    UNCOUNTABLE_PLURALS,
    UNCOUNTABLE_VERBISH,
    is_plural_noun,
    is_singular_count,
    is_word,
    next_word,
    nounable,
    tags,
    verb_only,
)

# -------------------------------------------------------------- a / an by sound
# Vowel letters pronounced with a consonant sound, and consonant letters with a vowel sound.
_A_BEFORE_VOWEL_LETTER = re.compile(
    r"^(uni(?!n|mp|mm|nt|nh|ld|lat)|unanim|use|usu|usa|usur|uter|uti|ura|ure|uri|uro|eu|ewe|ewer|"
    r"one|once|ouija|ubiq|ufo|uganda|ukrain|ukulele|unesco|ute|uvula|uk\b|us\b)")
_AN_BEFORE_CONSONANT_LETTER = re.compile(r"^(hour|honest|honou?r|heir|herb(?!al)|hors d)")
_LETTER_VOWEL_SOUND = set("aefhilmnorsx")   # letter names "ay, ee, ef, aitch, ..."


def _vowel_sound(word: str) -> bool | None:
    """True/False if the word starts with a vowel/consonant sound; None when unsure."""
    if not word or not word[0].isalpha():
        return None
    if len(word) == 1:
        return word.lower() in _LETTER_VOWEL_SOUND
    if word.isupper() and len(word) >= 2:
        if len(word) <= 3 or not re.search(r"[AEIOU]", word):   # read letter by letter
            return word[0].lower() in _LETTER_VOWEL_SOUND
        return None                                    # NASA, UNESCO, NATO: unsure
    low = word.lower()
    if _AN_BEFORE_CONSONANT_LETTER.match(low):
        return True
    if _A_BEFORE_VOWEL_LETTER.match(low):
        return False
    return low[0] in "aeiou"



def r_article_sound(toks, out):
    for i, t in enumerate(toks[:-1]):
        if t.low not in ("a", "an") or (t.text == "A" and i > 0):   # "Plan A", "vitamin A"
            continue
        nxt = toks[i + 1]
        if not is_word(nxt):
            continue
        if i + 2 < len(toks) and toks[i + 2].text in ("'", '"'):
            continue
        if nxt.low in FUNCTION_WORDS:
            continue
        vowel = _vowel_sound(nxt.text.split("-")[0])
        if vowel is None:
            continue
        if (t.low == "a") == vowel:
            out.append(("article_a_an", t.start, nxt.end))


def r_uncountable_plural(toks, out):
    for i, t in enumerate(toks):
        w = t.low
        two = f"{w} {toks[i + 1].low}" if i + 1 < len(toks) else None
        if two in UNCOUNTABLE_PLURALS and i > 0 and toks[i - 1].low != "the":
            out.append(("uncountable_plural", t.start, toks[i + 1].end))
            continue
        if w not in UNCOUNTABLE_PLURALS or " " in w or t.text[0].isupper() and i > 0:
            continue
        if w in UNCOUNTABLE_VERBISH:
            prev = toks[i - 1].low if i else ""
            if not (prev in DETERMINERS or prev in PLURAL_DETS or prev in {"more", "less", "of", "lot"}
                    or prev in PREPOSITIONS_OBJ or (prev and verb_only(prev) and prev not in AUX)
                    or (prev and "JJ" in tags(prev) and not nounable(prev))):
                continue
        out.append(("uncountable_plural", t.start, t.end))


_ARTICLE_NEEDED_AFTER = {"is", "am", "was", "as", "become", "became", "becomes", "have", "has", "had", "bought", "buy",
                         "buys", "need", "needs", "owns", "got", "get", "gets", "found", "find", "in", "at", "to",
                         "from"}


def r_missing_article(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        if t.low not in _ARTICLE_NEEDED_AFTER:
            continue  # every case below starts from one of these words
        nxt = toks[i + 1]
        after = toks[i + 2] if i + 2 < n else None
        after_noun = after is not None and is_word(after) and nounable(after.low) and after.low not in {
            "is", "are", "was", "were", "has", "have"}
        # "He is doctor", "works as teacher"
        if t.low in {"is", "am", "was", "as", "become", "became", "becomes"} and nxt.low in PROFESSIONS and \
                not after_noun and (after is None or after.low != "of"):
            if t.low == "as" and i > 0 and toks[i - 1].low in {"such", "same", "well", "as"}:
                continue
            out.append(("missing_article", t.start, nxt.end))
            continue
        # "is very important issue", "have idea", "bought new car", "in small town"
        j = i + 1
        adjs = 0
        while j < n and toks[j].low in ARTICLE_ADJ:
            j, adjs = j + 1, adjs + 1
        noun = next_word(toks, j)
        after = toks[j + 1] if j + 1 < n else None
        if noun is None or noun.low not in COUNT_NOUNS_COMMON:
            continue
        if after is not None and is_word(after) and (nounable(after.low) and after.low not in {
                "is", "are", "was", "were", "has", "have", "in", "on", "at", "of", "for", "last", "next",
                "this", "every", "yesterday", "today", "tomorrow", "that", "which", "to", "because"}):
            continue
        if after is not None and after.low in {"'s"}:
            continue
        if t.low not in {"is", "was"} and after is not None and after.low == "of":
            continue
        trigger = (t.low in {"is", "was"} and adjs >= 1 and toks[i + 1].low not in {"better", "best",
                                                                                   "worst"}) or \
                  (t.low in {"have", "has", "had", "bought", "buy", "buys", "need", "needs", "owns",
                             "got", "get", "gets", "found", "find"} and t.text.islower()) or \
                  (t.low in {"in", "at", "to", "from"} and adjs >= 1 and toks[i + 1].low in {
                      "small", "big", "large", "little", "nice", "beautiful", "new", "old"})
        if trigger and noun.low in {"way", "day"} and t.low in {"have", "has", "had", "get", "got"}:
            trigger = False
        if trigger:
            out.append(("missing_article", t.start, noun.end))
    # superlative without "the": "It was best day of my life"
    for i, t in enumerate(toks[:-2]):
        if t.low in {"is", "was", "are", "were", "of", "in", "be"} and toks[i + 1].low in SUPERLATIVES - {
                "most", "least"} and is_word(toks[i + 2]) and is_singular_count(toks[i + 2].low) and (
                toks[i + 2].low not in {"part"}):
            after = toks[i + 3] if i + 3 < len(toks) else None
            if after is not None and is_word(after) and nounable(after.low) and after.low not in {
                    "of", "in", "is", "was", "for", "to", "that", "i"}:
                continue
            out.append(("missing_article", toks[i + 1].start, toks[i + 2].end))
    # "Internet has changed", "use of internet"
    for i, t in enumerate(toks):
        if t.low == "internet" and (i == 0 or toks[i - 1].low not in {"the", "an", "a", "fast", "mobile",
                                                                        "high-speed", "wireless",
                                                                        "broadband", "free", "via"}):
            after = toks[i + 1] if i + 1 < len(toks) else None
            if after is not None and is_word(after) and (nounable(after.low) or after.low.endswith("ing")
                                                         or after.low in {"of", "and", "or"}) and \
                    after.low not in {"is", "was", "has", "can", "will", "are"}:
                continue
            if i > 0 and toks[i - 1].text[0].isupper() and toks[i - 1].low not in {"the"} and i > 1:
                continue
            if i > 0 and (toks[i - 1].low in DETERMINERS or "JJ" in tags(toks[i - 1].low)):
                continue
            out.append(("missing_article", t.start, t.end))


def r_extra_article(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        nxt = toks[i + 1]
        # a/an + uncountable noun: "an advice", "a information"
        if t.low in {"a", "an"} and nxt.low in {"advice", "information", "furniture", "equipment",
                                                "luggage", "homework", "evidence", "research", "progress",
                                                "traffic", "software", "feedback", "news", "knowledge",
                                                "many", "pollution", "baggage", "machinery", "scenery"}:
            after = toks[i + 2] if i + 2 < n else None
            if nxt.low == "knowledge" and after is not None and after.low == "of":
                continue      # "a knowledge of" is accepted
            if after is not None and is_word(after) and nounable(after.low) and nxt.low != "many":
                continue      # "a research project", "a news report"
            if nxt.low == "many" and i > 0 and toks[i - 1].low in {"great", "good"}:
                continue
            out.append(("extra_article", t.start, nxt.end))
        # "is a very good at"
        if t.low in {"a", "an"} and nxt.low in {"very", "really", "so"} and i + 3 < n:
            adj, prep = toks[i + 2], toks[i + 3]
            tg = tags(adj.low)
            if "JJ" in tg and prep.low in {"at", "about", "with", "of", "in"}:
                out.append(("extra_article", t.start, adj.end))
    if n > 2 and toks[0].low == "the" and toks[1].low == "most" and is_plural_noun(toks[2].low):
        out.append(("extra_article", toks[0].start, toks[2].end))
    if n > 2 and toks[0].low == "the" and toks[1].low in ABSTRACT_GENERIC and is_word(toks[2]) and \
            toks[2].low in {"is", "was", "has", "can", "cannot", "will", "makes", "brings", "becomes",
                            "gives", "should", "must", "plays"}:
        out.append(("extra_article", toks[0].start, toks[1].end))
    for i, t in enumerate(toks[:-3]):
        if t.low in {"go", "goes", "went", "going", "come", "came", "comes", "return", "returned",
                     "arrive", "arrived", "get", "got"} and toks[i + 1].low == "to" and \
                toks[i + 2].low == "the" and toks[i + 3].low == "home":
            after = toks[i + 4] if i + 4 < n else None
            if after is None or after.low not in {"of", "where", "that", "which", "for"} and not (
                    is_word(after) and nounable(after.low) and after.low not in {"early", "late"}):
                out.append(("extra_article", toks[i + 2].start, toks[i + 3].end))
