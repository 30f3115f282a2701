"""Agreement: subject and verb, determiner and noun, quantities and their nouns."""

from __future__ import annotations

import functools

from .words import (
    ARTICLE_ADJ,
    AUX,
    CAUSATIVE,
    CLAUSE_BOUNDARY,
    COLLECTIVE,
    DETERMINERS,
    FREQ_ADVERBS,
    NUMBER_WORDS,
    OBJ_DETS,
    PLURAL_DETS,
    PREPOSITIONS_OBJ,
    PRONOUN_SUBJ_3SG,
    PRONOUN_SUBJ_NON3,
    SINGULAR_DETS,
    UNCOUNTABLE_MASS,
    ZERO_PLURAL,
    adj_like,
    aux_before,
    base_verb,
    is_plural_noun,
    is_singular_count,
    is_word,
    next_word,
    nounable,
    subject_position,
    subjunctive_context,
    tags,
    vbz,
    verb_only,
)

_NUMBER_MARKING = SINGULAR_DETS | PLURAL_DETS | {"hundred", "thousand", "million", "billion", "much"}


def r_det_number(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        d = t.low
        if d not in _NUMBER_MARKING:
            continue
        nxt = toks[i + 1]
        if not is_word(nxt) or nxt.text[0].isupper() or (t.text == "A" and i > 0):
            continue
        w = nxt.low
        after = toks[i + 2] if i + 2 < n else None
        after_low = after.low if after else ""
        followed_by_noun = after is not None and is_word(after) and nounable(after.low) and \
            after.low not in {"is", "are", "was", "were", "have", "has"}
        followed_by_plural = after is not None and is_word(after) and (
            "NNS" in tags(after.low) or after.low in ZERO_PLURAL) and after.low not in {"are", "were", "have", "do"}
        # singular determiner + plural noun: "this books", "every students", "another reasons"
        if d in SINGULAR_DETS - {"a", "an", "one", "that", "either", "neither"} and is_plural_noun(w):
            if followed_by_noun or after_low == "'s":
                continue
            if d in {"this", "each", "another"} and "VBZ" in tags(w) and after_low not in {
                    "are", "were", "have", "do", "is", "was", "has"}:
                continue            # "this works", "each costs": pronoun + verb
            out.append(("det_number", t.start, nxt.end))
        elif d in {"a", "an"} and (is_plural_noun(w) or (
                "JJ" in tags(w) and not nounable(w) and i + 2 < n and is_plural_noun(toks[i + 2].low)
                and w not in {"few", "great", "good"} and not (i + 3 < n and is_word(toks[i + 3])
                                                                and nounable(toks[i + 3].low)))) \
                and not followed_by_noun and w not in {"people", "means"}:
            if i > 0 and toks[i - 1].low in {"what", "such", "quite", "many"}:
                continue
            out.append(("det_number", t.start, nxt.end))
        # plural determiner + singular countable noun: "these book", "several country", "two child"
        elif (d in PLURAL_DETS or d in {"hundred", "thousand", "million", "billion"}) and (
                is_singular_count(w) or (w in UNCOUNTABLE_MASS and d in {"many", "several", "these",
                                                                          "those", "numerous"})):
            if d == "fewer" and not is_singular_count(w):
                continue
            if followed_by_plural or after_low in {"-", "'s", "of", "and", "or", "old", "year-old", "post"}:
                continue
            if (d in NUMBER_WORDS or d in {"hundred", "thousand", "million", "billion"}) and followed_by_noun:
                continue      # "a 10 million year gap", "a two hour drive"
            if w.endswith("ing") or w in {"other", "own", "same", "main", "more", "less", "most", "key"}:
                continue
            finite_next = after is None or not is_word(after) or after_low in {
                "is", "are", "was", "were", "have", "has", "do", "does", "can", "will", "should", "may",
                "must", "would", "could", "in", "on", "at", "for", "to", "from", "with", "that", "which",
                "who", "than", "because"}
            if adj_like(w) and not finite_next:
                continue      # "both human well-being", "various national platforms"
            if tags(w) & {"VBN", "VBD"}:
                continue      # "those given", "these used"
            if d in {"many", "few", "several"} and i > 0 and toks[i - 1].low in {
                    "the", "his", "her", "my", "their", "its", "our", "your", "these", "those"}:
                continue      # "The many physical changes"
            if followed_by_noun and not (tags(after_low) & {"VB", "VBP", "VBD", "VBZ"}) and not finite_next:
                continue      # compound noun: "various sea animal species"
            if i > 0 and d in NUMBER_WORDS and toks[i - 1].low in {"a", "the", "every", "first", "last",
                                                                   "next", "another", "per", "or", "and"}:
                continue   # "a two hour", "every two", "the first two"; "one or two"
            if d == "fewer" and (after is None or not is_word(after)):
                continue   # elliptical: "but fewer gold."
            if i > 0 and toks[i - 1].low in {"those", "these", "the"} and d == "few":
                continue
            if d in {"these", "those", "many", "several", "few", "both"} and not (
                    verb_only(w) or "VB" not in tags(w) or after_low in {"is", "was", "has", "does"}):
                continue   # "these result in", "many fear that", "both agree"
            if d in {"both"} and after_low in {"and", "or"}:
                continue
            out.append(("det_number", t.start, nxt.end))
        elif d == "much" and is_plural_noun(w) and not followed_by_noun:
            out.append(("det_number", t.start, nxt.end))


def r_number_noun(toks, out):
    """A plural quantity without a plural noun: "lot of problem", "one of my friend"."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t.low == "of" and i >= 2 and toks[i - 1].low in {"lot", "lots", "number", "plenty"} and (
                toks[i - 2].low in {"a", "the"} or toks[i - 1].low == "lots"):
            j = i + 1
            while j < n and is_word(toks[j]) and toks[j].low in ARTICLE_ADJ | {"different", "other"}:
                j += 1
            nxt = next_word(toks, j)
            after = toks[j + 1] if j + 1 < n else None
            if nxt and not nxt.text[0].isupper() and is_singular_count(nxt.low) and not (
                    after and is_word(after) and (nounable(after.low) or after.low in {"and", "or"})) \
                    and "VB" not in tags(nxt.low) and not adj_like(nxt.low):
                out.append(("number_noun", toks[i - 1].start, nxt.end))
        if t.low == "one" and i + 2 < n and toks[i + 1].low == "of":
            j = i + 2
            if toks[j].low in {"the", "my", "his", "her", "our", "their", "your", "these", "those"}:
                j += 1
            while j < n and is_word(toks[j]) and toks[j].low in ARTICLE_ADJ | {"most", "closest"}:
                j += 1
            nxt = next_word(toks, j)
            after = toks[j + 1] if j + 1 < n else None
            if nxt and not nxt.text[0].isupper() and is_singular_count(nxt.low) and not (
                    after and is_word(after) and (nounable(after.low) or after.low in {"and", "or"})) \
                    and j > i + 2 and not adj_like(nxt.low):
                out.append(("number_noun", t.start, nxt.end))


_SUBJECT_PRONOUNS = PRONOUN_SUBJ_3SG | PRONOUN_SUBJ_NON3
_ADVERBS_BETWEEN = FREQ_ADVERBS - {"not", "only"}


def r_pronoun_agreement(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        p = t.low
        if p not in _SUBJECT_PRONOUNS:
            continue
        j = i + 1
        while j < n and toks[j].low in _ADVERBS_BETWEEN:
            j += 1
        nxt = next_word(toks, j)
        if nxt is None:
            continue
        w = nxt.low
        if p in PRONOUN_SUBJ_3SG:
            if p == "it" and not subject_position(toks, i):
                continue
            if p in {"he", "she"} and i > 0 and toks[i - 1].low in CAUSATIVE:
                continue
            if aux_before(toks, i) or subjunctive_context(toks, i) or (i > 0 and toks[i - 1].low in {
                    "than", "as"}):
                continue
            if i > 0 and toks[i - 1].low in {"and", "or", "nor"} and i > 1 and toks[i - 2].low in {
                    "i", "you", "we", "they", "he", "she", "me", "him", "her"}:
                continue   # "you and he go"
            if j + 1 < n and toks[j].low in {"and", "or"}:
                continue
            if w in {"be", "were", "weren't"} or not base_verb(w):
                continue
            if nxt.text[0].isupper():
                continue
            out.append(("pronoun_agreement", t.start, nxt.end))
        elif p in PRONOUN_SUBJ_NON3:
            if t.text == "I" and i > 0 and toks[i - 1].text[:1].isupper() and i > 1:
                continue   # "World War I is", "Part I has"
            if p == "you" and w in {"is", "was"} and i > 0 and toks[i - 1].low in PREPOSITIONS_OBJ | {
                    "than", "tell", "told", "thank", "give", "show", "let", "make", "help", "see"}:
                continue   # "what is given to you is", object "you"
            if p in {"you", "it"} and not subject_position(toks, i) and i > 0 and "VB" in tags(
                    toks[i - 1].low) and toks[i - 1].low not in AUX:
                continue
            if p == "i" and w in {"am", "was"}:
                continue
            bad = (w in {"is", "has", "does", "doesn't", "isn't", "hasn't"} or
                   (p != "i" and w in {"was", "wasn't"}) or (p == "i" and w in {"are", "aren't"}) or
                   (vbz(w) and verb_only(w) and not (j + 1 < n and toks[j + 1].low in {
                       "are", "were", "have", "do"})))
            if bad and j + 1 < n and toks[j + 1].low in {"'s"}:
                bad = False
            if bad and i > 0 and toks[i - 1].low in {"do", "does", "did", "can", "will", "should"} | {
                    "is", "was", "are", "were", "has", "have"}:
                bad = False   # inverted: "Are they is"? leave to other rules
            if bad:
                out.append(("pronoun_agreement", t.start, nxt.end))


def r_question_agreement(toks, out):
    if len(toks) > 2 and toks[-1].text == "?":
        a, p = toks[0].low, toks[1].low
        if (a in {"does", "doesn't", "has", "hasn't", "is", "isn't", "was", "wasn't"} and p in {
                "they", "we", "you", "i"}) or (a in {"do", "don't", "have", "haven't", "are", "aren't",
                                                    "were", "weren't"} and p in {"he", "she", "it"} and
                                               a not in {"were", "weren't"}):
            if not (a in {"was", "wasn't"} and p == "i"):
                out.append(("pronoun_agreement", toks[0].start, toks[1].end))


def r_indefinite_pronoun_agreement(toks, out):
    for i, t in enumerate(toks[:-1]):
        if t.low not in {"everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody",
                         "no-one", "each", "everything", "something", "nothing"}:
            continue
        if t.low == "each" and not (i + 1 < len(toks) and toks[i + 1].low == "of"):
            continue
        j = i + 1
        if t.low == "each":   # "each of the students have"
            j = i + 2
            if j < len(toks) and toks[j].low in DETERMINERS:
                j += 1
            while j < len(toks) and is_word(toks[j]) and not is_plural_noun(toks[j].low) and j < i + 5:
                j += 1
            j += 1
        while j < len(toks) and toks[j].low in FREQ_ADVERBS - {"not"}:
            j += 1
        nxt = next_word(toks, j)
        if nxt is None or aux_before(toks, i) or subjunctive_context(toks, i):
            continue
        if t.low != "each" and i > 0 and toks[i - 1].low in PREPOSITIONS_OBJ | {"than", "tell", "told"}:
            continue
        if nxt.low in {"have", "do", "don't", "are", "aren't"} or (
                base_verb(nxt.low) and verb_only(nxt.low) and nxt.low not in {"be", "were", "weren't"}):
            out.append(("pronoun_agreement", t.start, nxt.end))


NP_BOUNDARY = CLAUSE_BOUNDARY - {"before", "after", "since", "until", "as", "once", "then", "-", "\u2013"}


def _clause_np(toks, i):
    """Start index of a simple noun phrase ending at i ([det] [adj]* noun), if it opens a clause."""
    j = i - 1
    while j >= 0 and is_word(toks[j]) and toks[j].low not in NP_BOUNDARY and (
            toks[j].low in DETERMINERS or ("JJ" in tags(toks[j].low) and toks[j].low not in {"of"})
            or toks[j].low in {"young", "old", "elderly", "most"}):
        j -= 1
    if j < 0 or toks[j].low in NP_BOUNDARY:
        return j + 1
    return None


@functools.lru_cache(maxsize=100_000)
def _agreement_verb(v: str) -> int:
    """1: a 3sg verb form that can follow a subject; 2: a plural/base one; 0: neither."""
    if v in {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't"} or (vbz(v)):
        return 1
    if v in {"have", "are", "don't", "do", "aren't"} or (base_verb(v) and verb_only(v) and v not in {
            "be", "were", "weren't"}):
        return 2
    return 0


def r_noun_agreement(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        if not _agreement_verb(toks[i + 1].low):
            continue
        w = t.low
        if not is_word(t) or (t.text[0].isupper() and i > 0):
            continue
        start = None
        nxt = toks[i + 1]
        v = nxt.low
        nxt2 = toks[i + 2].low if i + 2 < n else ""
        if tags(w) & {"VBN", "VBD"} and not w.endswith("s"):
            continue
        if v == "thanks":
            continue
        if is_plural_noun(w) and (v in {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't"}
                                   or (vbz(v) and (verb_only(v) or nxt2 in OBJ_DETS | {"to", "more"}))):
            start = _clause_np(toks, i)
            if start is not None and any(toks[k].low in {"one", "each", "every", "this", "that", "a", "an",
                                                          "another"} for k in range(start, i)):
                start = None
            if start is not None and i + 2 < n and toks[i + 2].low in {"'s"}:
                start = None
            if start is not None and toks[start].low in {"what", "whatever", "which"}:
                start = None     # "What matters is": a verb, not a plural noun
        elif ((is_singular_count(w) or w in UNCOUNTABLE_MASS)
              and not (i > 0 and toks[i - 1].low == "the" and "JJ" in tags(w))   # "the elderly"
              and "RB" not in tags(w) and w not in {"what", "who", "which", "why", "how", "where", "when"}
              and w not in COLLECTIVE and w not in ZERO_PLURAL and w not in {"i", "you"} and
              (v in {"have", "are", "don't", "do", "aren't"} or
               (base_verb(v) and verb_only(v) and v not in {"be"}))):
            start = _clause_np(toks, i)
            if start is not None and start > 0 and not any(
                    toks[k].low in {"the", "this", "that", "my", "his", "her", "our", "their", "its",
                                    "your", "a", "an", "each", "every"} for k in range(start, i)):
                start = None     # bare singular nouns mid-sentence are often mass/proper/compound
            if start is not None and (aux_before(toks, start) or subjunctive_context(toks, start) or (
                    start > 0 and toks[start - 1].low in CAUSATIVE)):
                start = None
        if start is not None and start > 0 and toks[start - 1].low in {"and", "or", "nor", ","}:
            start = None         # "the library and the theatre are", "Fish and chips is"
        if start is not None and any(toks[k].low.endswith("ing") for k in range(start, i)):
            start = None         # gerund subject: "Reading books improves"
        if start is not None:
            out.append(("noun_agreement", toks[start].start, nxt.end))


def r_quantity_agreement(toks, out):
    """'The number of students are', 'One of the issues are', 'There is many'."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t.low == "number" and i > 0 and toks[i - 1].low == "the" and i + 1 < n and toks[i + 1].low == "of" \
                and (i == 1 or toks[i - 2].low in NP_BOUNDARY | {"while", "whereas", "although"}):
            for j in range(i + 2, min(n, i + 6)):
                if toks[j].low in {"are", "were", "have"} and is_plural_noun(toks[j - 1].low):
                    out.append(("quantity_agreement", toks[i - 1].start, toks[j].end))
                    break
                if not is_word(toks[j]) or toks[j].low in {"who", "that", "which"}:
                    break
        if t.low == "one" and i + 1 < n and toks[i + 1].low == "of" and (i == 0 or toks[i - 1].low in CLAUSE_BOUNDARY):
            for j in range(i + 2, min(n, i + 7)):
                if toks[j].low in {"are", "were"} and is_plural_noun(toks[j - 1].low):
                    out.append(("quantity_agreement", t.start, toks[j].end))
                    break
                if not is_word(toks[j]) or toks[j].low in {"who", "that", "which"}:
                    break
        if t.low in {"there", "there's"} and i + 1 < n:
            j = i + 1 if t.low == "there" else i
            if t.low == "there" and toks[j].low not in {"is", "was", "'s"}:
                continue
            k = j + 1
            if t.low == "there" and _a_lot_of_plural(toks, k):
                out.append(("quantity_agreement", t.start, toks[j].end))
            elif k < n and toks[k].low in {"many", "several", "numerous", "few", "two", "three", "four", "five",
                                           "various", "lots"}:
                out.append(("quantity_agreement", t.start, toks[k].end))
            elif k + 1 < n and is_plural_noun(toks[k].low) and toks[k].low not in {"people"} and not (
                    is_word(toks[k + 1]) and nounable(toks[k + 1].low)):
                out.append(("quantity_agreement", t.start, toks[k].end))


def _a_lot_of_plural(toks, k) -> bool:
    """'(there is) a lot of reasons': "a lot of" or "lots of" and a plural noun that heads its phrase."""
    if [t.low for t in toks[k:k + 3]] == ["a", "lot", "of"]:
        k += 3
    elif [t.low for t in toks[k:k + 2]] == ["lots", "of"]:
        k += 2
    else:
        return False
    while k < len(toks) and is_word(toks[k]) and toks[k].low in ARTICLE_ADJ | {"different", "other", "young"}:
        k += 1
    if k >= len(toks) or not is_plural_noun(toks[k].low) or toks[k].text[0].isupper():
        return False
    after = toks[k + 1] if k + 1 < len(toks) else None
    return not (after is not None and is_word(after) and nounable(after.low) and after.low not in {"in", "on", "at"})


# Heads whose verb agrees with what follows "of" ("a number of people are", "the majority of voters are").
NOTIONAL_HEADS = {"number", "lot", "lots", "majority", "minority", "range", "variety", "percentage", "proportion",
                  "half", "rest", "group", "couple", "total", "kind", "kinds", "type", "types", "sort", "sorts",
                  "bunch", "plenty", "series", "pair", "part", "none", "all", "some", "most", "many", "each",
                  "one", "any", "either", "neither", "amount", "quarter", "third", "fraction", "share", "bulk",
                  "multitude", "chunk", "host", "handful", "mass", "pile", "set", "dozen", "those", "these"}
PREPOSITIONS = {"of", "in", "on", "for", "from", "with", "at", "about", "between", "among", "across", "around"}
SINGULAR_VERBS = {"is", "was", "has", "does"}
PLURAL_VERBS = {"are", "were", "have", "do"}


def r_noun_agreement_across(toks, out):
    """A subject and its verb apart: "the benefits of investing in transport is", "households, moreover, is".

    The verb agrees with the head noun, not with the noun of a phrase in between; the head must open its clause
    with a determiner, and the phrase in between must hold no verb and no clause of its own.
    """
    for i, t in enumerate(toks):
        head = t.low
        if not is_word(t) or head in NOTIONAL_HEADS or (t.text[0].isupper() and i > 0):
            continue
        plural = is_plural_noun(head)
        singular = not plural and is_singular_count(head) and head not in COLLECTIVE
        if not (plural or singular):
            continue
        start = _clause_np(toks, i)
        if start is None or start == i or not (start == 0 or toks[start].low in DETERMINERS - {"what", "which", "whose"}):
            continue  # an unmarked noun mid-sentence is often a modifier ("road building is")
        if start > 0 and toks[start - 1].low in {"and", "or", "nor", "both", "well"}:
            continue  # one of several subjects: "salaries and the opportunity for promotion are"
        if any(toks[k].low.endswith("ing") for k in range(start, i)):
            continue  # a gerund subject: "Imposing severe punishments on them does"
        j = _skip_interruption(toks, i + 1)
        if j is None or j >= len(toks):
            continue
        verb = toks[j].low
        if (plural and verb in SINGULAR_VERBS) or (singular and verb in PLURAL_VERBS):
            out.append(("noun_agreement", toks[start].start, toks[j].end))


def _skip_interruption(toks, j):
    """Past a prepositional phrase or an aside between commas; None if there is none or it holds a verb."""
    if j >= len(toks):
        return None
    if toks[j].text == ",":
        for k in range(j + 1, min(len(toks), j + 5)):
            if toks[k].text == ",":
                between = toks[j + 1:k]
                return k + 1 if between and all(is_word(x) and tags(x.low) & {"RB"} for x in between) else None
        return None
    if toks[j].low not in PREPOSITIONS:
        return None
    k = j + 1
    while k < len(toks) and k <= j + 7 and is_word(toks[k]):
        word = toks[k].low
        if word in SINGULAR_VERBS | PLURAL_VERBS:
            return k if k > j + 1 else None
        if word in {"who", "which", "that", "and", "or", "but", "whether", "if", "as", "it", "they", "those", "he",
                    "she", "we", "i", "you", "there"} or (verb_only(word) and not word.endswith("ing")) or (
                k > j + 1 and "VBZ" in tags(word) and toks[k - 1].low not in DETERMINERS):
            return None  # a clause or a second subject: the verb's subject is no longer clear
        k += 1
    return None
