"""Verb forms: after modals, do-support, the perfect, and be with verbs that take no be."""

from __future__ import annotations

from .words import (
    DETERMINERS,
    IRREGULAR_PAST,
    MODALS,
    NOUNISH_MODALS,
    NOUNISH_PAST,
    PAST_NOT_PARTICIPLE,
    PERFECT_AUX,
    PERFECT_GAP,
    PRONOUN_SUBJ_3SG,
    PRONOUN_SUBJ_NON3,
    is_word,
    next_word,
    nounable,
    tags,
    vbz,
)


def r_modal_form(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        if t.low not in MODALS:
            continue
        if t.low in NOUNISH_MODALS and i > 0 and (toks[i - 1].low in DETERMINERS | {
                "free", "own", "strong", "political", "good", "ill", "with", "against", "of", "all",
                "the", "their", "his", "her", "its", "our", "my", "your", "in"}):
            continue
        if t.text == "May" and i > 0:
            continue
        j = i + 1
        while j < n and toks[j].low in {"not", "also", "only", "still", "never", "always", "even",
                                        "really", "just", "easily", "definitely", "certainly"}:
            j += 1
        nxt = next_word(toks, j)
        if nxt is None:
            continue
        w = nxt.low
        if w == "to" and t.low != "ought":
            out.append(("modal_form", t.start, nxt.end))
        elif w in {"is", "was", "has", "does", "were", "are", "had", "did", "went", "goes"}:
            if w in {"had"} and j + 1 < n and toks[j + 1].low in {"better"}:
                continue
            out.append(("modal_form", t.start, nxt.end))
        elif (w in IRREGULAR_PAST and w not in {"had", "put", "read", "cut", "set", "let", "hit", "cost",
                                                 "found", "felt", "left", "saw", "lay", "fed", "spent"}
              and "VB" not in tags(w)):
            out.append(("modal_form", t.start, nxt.end))
        elif vbz(w) and "VB" not in tags(w):
            question = i == 0 or toks[i - 1].low in {"what", "why", "how", "where", "when", "who", "which", ","}
            if question and "NNS" in tags(w):
                continue      # "Should schools ban ...?": the subject follows the modal
            out.append(("modal_form", t.start, nxt.end))
    # "would like to going", "want to going"
    for i, t in enumerate(toks[:-2]):
        if t.low in {"like", "want", "wants", "wanted", "decide", "decided", "plan", "planned", "hope",
                     "hoped", "try", "tried", "able", "need", "needs", "needed", "have", "has", "had",
                     "would", "going", "love", "prefer", "wish", "started", "begin", "began"} and \
                toks[i + 1].low == "to" and toks[i + 2].low.endswith("ing") and "VBG" in tags(toks[i + 2].low) \
                and not (tags(toks[i + 2].low) & {"NN", "JJ"}):
            out.append(("modal_form", toks[i + 1].start, toks[i + 2].end))


def r_do_form(toks, out):
    """'did not went', 'didn't knew', "doesn't wants", 'does he likes'."""
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        if t.low not in {"do", "does", "did", "don't", "doesn't", "didn't"}:
            continue
        j = i + 1
        neg = t.low.endswith("n't")
        if j < n and toks[j].low == "not":
            neg, j = True, j + 1
        question = False
        if not neg and j < n and toks[j].low in PRONOUN_SUBJ_3SG | PRONOUN_SUBJ_NON3 and (
                i == 0 or toks[i - 1].low in {"why", "what", "where", "when", "how", ",", "who"}):
            question, j = True, j + 1
        if not (neg or question):
            continue
        while j < n and toks[j].low in {"really", "even", "always", "ever", "actually", "just", "also"}:
            j += 1
        nxt = next_word(toks, j)
        if nxt is None:
            continue
        w = nxt.low
        if w in IRREGULAR_PAST and ("VB" not in tags(w) or w == "saw") and w not in {"found", "lay"}:
            out.append(("do_form", t.start, nxt.end))
        elif vbz(w) and "VB" not in tags(w) and w not in {"does", "is", "has"}:
            out.append(("do_form", t.start, nxt.end))
        elif w in {"is", "was", "were", "are"} and neg:
            out.append(("do_form", t.start, nxt.end))


def r_perfect_form(toks, out):
    n = len(toks)
    for i, t in enumerate(toks[:-1]):
        if t.low not in PERFECT_AUX:
            continue
        if t.low in {"has", "have", "had"} and i + 1 < n and toks[i + 1].low in {"to", "got"}:
            continue
        j = i + 1
        while j < n and toks[j].low in PERFECT_GAP:
            j += 1
        nxt = next_word(toks, j)
        if nxt is None or nxt.low not in PAST_NOT_PARTICIPLE:
            continue
        if nxt.low in {"was", "were", "did"} and j == i + 1 and i > 0 and toks[i - 1].low in {
                "what", "where", "how", "when", "why", "who"}:
            continue
        after = toks[j + 1] if j + 1 < n else None
        if nxt.low in NOUNISH_PAST and after is not None and is_word(after) and nounable(after.low):
            continue
        out.append(("perfect_form", t.start, nxt.end))


def r_be_verb_form(toks, out):
    """'I am agree', 'it was happened'."""
    for i, t in enumerate(toks[:-1]):
        nxt = toks[i + 1]
        if t.low in {"am", "is", "are", "'m"} and nxt.low in {"agree", "disagree"}:
            out.append(("be_verb_form", t.start, nxt.end))
        if t.low in {"was", "were", "is", "are", "been"} and nxt.low in {"happened", "occurred",
                                                                           "happen", "occur", "died",
                                                                           "existed", "appeared",
                                                                           "disappeared", "emerged"}:
            out.append(("be_verb_form", t.start, nxt.end))
