"""Usage: double comparatives and negatives, pronoun case, word order, verb + preposition, doubled words."""

from __future__ import annotations

from .words import AUX, CLAUSE_BOUNDARY, LANGUAGES, NEGATORS, PREPOSITIONS_OBJ, base_verb, is_word, tags, vbz


def r_double_comparative(toks, out):
    for i, t in enumerate(toks[:-1]):
        nxt = toks[i + 1]
        tg = tags(nxt.low)
        if t.low == "more" and ("JJR" in tg or "RBR" in tg) and nxt.low not in {
                "more", "less", "other", "rather", "further", "later", "earlier", "better-off", "fewer",
                "over", "after", "under", "power", "water", "order", "number"} and nxt.low.endswith("er"):
            out.append(("double_comparative", t.start, nxt.end))
        elif t.low == "most" and ("JJS" in tg or "RBS" in tg) and nxt.low.endswith("est") and nxt.low not in {
                "least", "interest", "honest", "modest", "forest", "latest"}:
            out.append(("double_comparative", t.start, nxt.end))
        elif t.low in {"more", "most"} and nxt.low in {"better", "best", "worse", "worst"}:
            out.append(("double_comparative", t.start, nxt.end))
        elif nxt.low in {"baddest", "worser", "worsest", "gooder", "goodest", "more better"}:
            out.append(("double_comparative", nxt.start, nxt.end))


def r_double_negative(toks, out):
    n = len(toks)
    for i, t in enumerate(toks):
        if t.low in {"nobody", "nothing", "no-one"} and i + 1 < n and toks[i + 1].low in {
                "didn't", "don't", "doesn't", "can't", "won't", "wasn't", "isn't", "couldn't"}:
            out.append(("double_negative", t.start, toks[i + 1].end))
        if t.low not in NEGATORS:
            continue
        for j in range(i + 1, min(n, i + 4)):
            w = toks[j].low
            if not is_word(toks[j]) or w in CLAUSE_BOUNDARY or w in {"only", "but", "mean", "means",
                                                                     "meant", "imply", "equal", "necessarily"}:
                break
            if w in {"nothing", "nobody", "nowhere", "none"} or (
                    w == "no" and j + 1 < n and is_word(toks[j + 1]) and toks[j + 1].low not in {
                    "longer", "matter", "more", "less", "sooner", "fewer", "doubt", "one"} and
                    toks[j - 1].low not in {"say", "said", "saying", "says", "take"}):
                if t.low == "not" and toks[j - 1].low in {"for"}:
                    break
                out.append(("double_negative", t.start, toks[j].end))
                break


_OBJECT_VERBS = {"told", "tell", "tells", "invited", "invite", "invites", "thank", "thanked", "helped", "met", "asked",
                 "gave", "give", "taught", "teach"}
_CASE_TRIGGERS = PREPOSITIONS_OBJ | _OBJECT_VERBS | {"and", "between"}


def r_pronoun_case(toks, out):
    n = len(toks)
    if n > 2 and toks[0].low in {"me", "him", "her", "us", "them"} and toks[1].low == "and":
        out.append(("pronoun_case", toks[0].start, toks[1].end))
    if n > 1 and toks[0].low in {"me", "him", "them", "us", "her"} and is_word(toks[1]):
        w = toks[1].low
        if w in {"is", "are", "was", "were", "am", "have", "has", "do", "does", "think", "need", "want",
                 "go", "like", "believe", "feel", "can", "will", "should", "must"}:
            out.append(("pronoun_case", toks[0].start, toks[1].end))
    for i, t in enumerate(toks[:-1]):
        if t.low not in _CASE_TRIGGERS:
            continue
        if t.low in PREPOSITIONS_OBJ - {"like", "for"} and toks[i + 1].low in {"he", "she", "we", "they"}:
            nxt2 = toks[i + 2].low if i + 2 < n else ""
            # "to they" but not "to whom they", "so that they": the previous word decides
            if vbz(nxt2) or nxt2 in {"are", "were", "have", "had", "can", "will", "would", "should",
                                        "could", "may", "might", "must", "do", "did"} or (
                    base_verb(nxt2) and nxt2 not in {"and"}) or (
                    "VBD" in tags(nxt2) and nxt2 not in {"and"}):
                continue     # a clause follows: "the extent to which they..." is handled above
            out.append(("pronoun_case", t.start, toks[i + 1].end))
        if t.low in _OBJECT_VERBS and toks[i + 1].low in {
                "he", "she", "we", "they"}:
            nxt2 = toks[i + 2].low if i + 2 < n else ""
            if nxt2 and (vbz(nxt2) or nxt2 in {"was", "were", "would", "could", "should", "had", "will",
                                                 "can", "might", "must", "are", "is", "did", "have"}
                         or "VBD" in tags(nxt2) or base_verb(nxt2)):
                continue    # "told he would come" is a (bad) clause, not a case error
            out.append(("pronoun_case", t.start, toks[i + 1].end))
        if (t.low == "and" and toks[i + 1].text == "I" and i > 0 and
                (i + 2 >= n or not is_word(toks[i + 2]))):
            k = i - 1
            while k >= 0 and is_word(toks[k]) and toks[k].low not in PREPOSITIONS_OBJ and i - k <= 4:
                k -= 1
            if k >= 0 and toks[k].low in PREPOSITIONS_OBJ | {"for", "like"}:
                out.append(("pronoun_case", toks[i].start, toks[i + 1].end))
        if t.low in {"between"} and toks[i + 1].low in {"he", "she", "we", "they", "i"}:
            out.append(("pronoun_case", t.start, toks[i + 1].end))


def r_word_order(toks, out):
    n = len(toks)
    # Always/Never/Rarely/Seldom/Hardly + subject pronoun at the start of a sentence
    if n > 2 and toks[0].low in {"always", "never", "rarely", "seldom", "hardly", "scarcely", "barely"} and \
            toks[1].low in {"i", "you", "he", "she", "we", "they"}:
        out.append(("word_order", toks[0].start, toks[1].end))
    # wh-question without inversion: "Why you are late?", "What you think about this?"
    if n > 3 and toks[-1].text == "?" and toks[0].low in {"why", "what", "where", "when", "how"} and \
            toks[1].low in {"i", "you", "he", "she", "we", "they"} and is_word(toks[2]) and (
            toks[2].low in {"are", "is", "was", "were", "can", "will", "have", "has", "should"} or
            base_verb(toks[2].low) or vbz(toks[2].low)):
        out.append(("word_order", toks[0].start, toks[2].end))
    for i, t in enumerate(toks[:-2]):
        a, b = toks[i + 1], toks[i + 2]
        # like/enjoy/love ... very much + object
        if t.low in {"like", "likes", "liked", "love", "loves", "loved", "enjoy", "enjoys", "enjoyed",
                     "hate", "hates", "hated", "prefer", "prefers"} and a.low == "very" and b.low == "much":
            c = toks[i + 3] if i + 3 < n else None
            if c is not None and is_word(c) and c.low not in {"and", "but", "because", "when", "if", "as",
                                                              "so", "too", "indeed", "that", "for",
                                                              "since", "although", "though", "while"}:
                out.append(("word_order", t.start, c.end))
        # speak very well English / speaks fluently French
        if t.low in {"speak", "speaks", "spoke", "write", "writes", "wrote", "play", "plays", "played",
                     "understand", "understands", "know", "knows", "cook", "cooks"} and (
                a.low in {"well", "fluently", "perfectly", "good"} or (
                a.low == "very" and b.low in {"well", "good", "fluently"})):
            c = b if a.low != "very" else (toks[i + 3] if i + 3 < n else None)
            if c is not None and (c.low in LANGUAGES or c.low in {"the", "a", "an", "his", "her", "my",
                                                                  "their", "our", "your"}):
                out.append(("word_order", t.start, c.end))
        # "enough old to", "enough big."
        if t.low == "enough" and is_word(a) and a.low not in {"to", "of"}:
            tg = tags(a.low)
            if ("JJ" in tg and not (tg & {"NN", "NNS"}) or a.low in {"old", "young", "big", "good", "strong",
                                                                   "tall", "rich", "fast", "long", "high",
                                                                   "mature", "brave", "clever"}) and (
                    b.low == "to" or not is_word(b)):
                out.append(("word_order", t.start, a.end))
        # embedded question with inversion: "tell me where is the station"
        if t.low in {"know", "knows", "knew", "wonder", "wondered", "me", "explain", "understand", "sure",
                     "idea", "remember", "forget", "forgot", "ask", "asked", "decide", "discover",
                     "learn", "show", "shows"} and a.low in {"where", "when", "why", "how"} and \
                b.low in {"is", "are", "was", "were", "does", "do", "did", "can", "will", "has", "have"}:
            c = toks[i + 3] if i + 3 < n else None
            if c is not None and c.low in {"the", "a", "an", "my", "your", "his", "her", "its", "our",
                                           "their", "this", "that", "these", "those", "he", "she",
                                           "they", "we", "you", "i", "it"}:
                out.append(("word_order", a.start, c.end))
        # pronoun + yesterday/today + verb: "He yesterday went"
        if t.low in {"i", "he", "she", "we", "they", "you"} and a.low in {"yesterday", "today",
                                                                           "tomorrow", "tonight"} \
                and is_word(b) and ("VBD" in tags(b.low) or base_verb(b.low) or vbz(b.low)):
            out.append(("word_order", t.start, b.end))
        # lexical verb + usually/always + object: "I go usually to the gym"
        if a.low in {"usually", "always", "seldom", "rarely"} and i > 0 and toks[i - 1].low in {
                "i", "you", "we", "they", "he", "she", "to"} and tags(t.low) & {"VB", "VBP", "VBZ", "VBD"} and \
                t.low not in AUX | {"is", "are", "was", "were", "am", "be", "been", "being", "has", "have",
                                    "had", "do", "does", "did", "get", "gets", "got", "seem", "seems"} and \
                b.low in {"to", "the", "a", "an", "my", "his", "her", "their", "our", "your", "at", "in"} and \
                "VB" in " ".join(tags(t.low)):
            out.append(("word_order", t.start, a.end))


def r_preposition(toks, out):
    for i, t in enumerate(toks[:-1]):
        a = toks[i + 1].low
        if (t.low in {"discuss", "discussed", "discusses", "discussing"} and a == "about") or (
                t.low in {"emphasise", "emphasised", "emphasises", "emphasize", "emphasized", "emphasizes",
                          "emphasising", "emphasizing"} and a == "on") or (
                t.low in {"mention", "mentioned", "mentions"} and a == "about") or (
                t.low in {"lacks", "lacked"} and a == "of") or (
                t.low in {"cope"} and a == "up") or (t.low in {"return", "returned", "returns"} and a == "back"):
            out.append(("verb_preposition", t.start, toks[i + 1].end))


def r_repeated_word(toks, out):
    for i, t in enumerate(toks[:-1]):
        if is_word(t) and t.low == toks[i + 1].low and t.low not in {"that", "had", "very", "so", "bye", "ha",
                                                                     "no", "is", "do", "far", "more",
                                                                     "again", "really", "many", "much"}:
            out.append(("repeated_word", t.start, toks[i + 1].end))
