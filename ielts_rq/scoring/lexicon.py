"""Word lists and dictionaries, loaded lazily once per process.

The spellchecker's dictionary and the word-frequency table are large, so
they are loaded on first use and cached; every per-word answer is cached too
(an essay repeats most of its words, and so do essays on the same topic).
"""

from __future__ import annotations

import functools
import math
import re

# Connectives examiners look for under Coherence and Cohesion. "basic" ones are
# so common that only heavy use counts as overuse.
FORMAL_LINKERS = (
    "firstly", "secondly", "thirdly", "finally", "lastly", "moreover", "furthermore",
    "in addition", "additionally", "however", "nevertheless", "nonetheless",
    "on the other hand", "in contrast", "by contrast", "conversely", "whereas",
    "although", "even though", "therefore", "thus", "hence", "consequently",
    "as a result", "for example", "for instance", "such as", "in conclusion",
    "to conclude", "to sum up", "in summary", "overall", "similarly", "likewise",
    "besides", "meanwhile", "in other words", "in particular", "that is why",
    "as well as", "not only", "first of all", "to begin with", "on the contrary",
    "in fact", "indeed", "otherwise", "subsequently", "accordingly",
)
BASIC_LINKERS = ("also", "but", "so", "because", "and then", "then")
LINKERS = FORMAL_LINKERS + BASIC_LINKERS
LINKER_PATTERN = re.compile(
    r"\b(" + "|".join(sorted((re.escape(x) for x in LINKERS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE)

# Words that introduce subordinate or relative clauses: a cheap signal of
# grammatical range (complex sentences).
SUBORDINATORS = frozenset((
    "although", "though", "because", "since", "unless", "whereas", "while", "whilst",
    "if", "when", "whenever", "which", "who", "whom", "whose", "where", "until",
    "once", "whether", "despite", "provided",
))

# Function words: any English text of some length is full of them; a text in
# another language has almost none.
ENGLISH_FUNCTION_WORDS = frozenset((
    "the", "of", "and", "to", "in", "is", "are", "was", "were", "it", "that", "this",
    "for", "on", "with", "as", "be", "by", "they", "their", "have", "has", "not", "or",
    "from", "at", "which", "can", "will", "would", "should", "i", "you", "we", "he",
    "she", "my", "our", "more", "than", "there", "these", "those", "what", "do", "does",
    "an", "but", "because", "so", "if", "when", "who", "also", "very", "some", "many",
))

# Filler words and hesitation markers of spoken English.
FILLER_WORDS = frozenset(("um", "uh", "er", "erm", "uhm", "hmm", "ah", "eh", "mm"))

# British spellings pyspellchecker does not know, written as suffix rewrites to
# the US form it does know (colour -> color, realise -> realize, centre -> center).
_BRITISH_TO_US = tuple((re.compile(pattern), us) for pattern, us in (
    (r"our(s|ed|ing|ful|ite|ites|able|ably|less|al|ally|ist|ists|ism|er|ers)?$", r"or\1"),
    (r"is(e|es|ed|ing|ation|ations|er|ers)$", r"iz\1"),
    (r"ys(e|es|ed|ing|er|ers)$", r"yz\1"),
    (r"tre(s)?$", r"ter\1"),
    (r"ogue(s)?$", r"og\1"),
    (r"ence(s)?$", r"ense\1"),
    (r"ll(ed|ing|er|ers|or|ors|ery)$", r"l\1"),
    (r"([aeiou])l(s|ment|ments)?$", r"\1ll\2"),
    (r"ful(ly|ness)?$", r"lful\1"),
    (r"mme(s)?$", r"m\1"),
    (r"ae", r"e"),
    (r"oe", r"e"),
    (r"ement(s)?$", r"ment\1"),
    (r"eing$", r"ing"),
    (r"^grey", r"gray"),
    (r"^tyre", r"tire"),
    (r"^cheque", r"check"),
))


# Words common enough in web text are accepted even if the spellchecker lacks
# them (app, covid, wellbeing, km, etc) - except these frequent misspellings
# and apostrophe-less contractions, which are errors in an essay.
COMMON_WORD_ZIPF = 3.1
FREQUENT_MISSPELLINGS = frozenset((
    "alot", "childrens", "tha", "teh", "dont", "doesnt", "didnt", "isnt", "cant", "thats", "im",
    "ive", "youre", "theyre", "wouldnt", "couldnt", "shouldnt", "arent", "wasnt", "werent",
    "hasnt", "havent", "whats", "ur", "pls", "thru", "tho", "gonna", "wanna", "becuase", "thier",
))


@functools.cache
def _spellchecker():
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


@functools.cache
def _known_words() -> frozenset:
    return frozenset(_spellchecker().word_frequency.dictionary)


@functools.cache
def _zipf_table() -> dict:
    import wordfreq

    return wordfreq.get_frequency_dict("en", wordlist="best")


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a lower-case English word (0 = unseen, 7+ = "the")."""
    frequency = _zipf_table().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


@functools.lru_cache(maxsize=200_000)
def is_known_word(word: str) -> bool:
    """True if a lower-case word is correctly spelled in US or British English."""
    if word in FREQUENT_MISSPELLINGS:
        return False
    known = _known_words()
    if word in known or zipf(word) >= COMMON_WORD_ZIPF:
        return True
    for pattern, us_form in _BRITISH_TO_US:
        variant = pattern.sub(us_form, word)
        if variant != word and variant in known:
            return True
    return False


@functools.lru_cache(maxsize=50_000)
def is_english_word(word: str) -> bool:
    """True if a lower-case word is English at all (dictionary or frequency list)."""
    return is_known_word(word) or zipf(word) >= 2.5


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@functools.lru_cache(maxsize=20_000)
def suggest_spelling(word: str) -> str | None:
    """The likeliest correct spelling of a misspelled lower-case word, if one is close.

    Candidates are known words one edit away (a letter swapped, missing,
    wrong or extra) and two common words run together ("alot" -> "a lot").
    Two edits would cost ~100 ms per long word. Candidates are ranked by
    log frequency plus a bonus for the slips learners make most: swapped
    letters ("recieve") and missing letters ("goverment", "adress").
    """
    if len(word) > 20:
        return None
    frequency = _spellchecker().word_frequency.dictionary
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    scored = {}

    def consider(candidates, bonus):
        for candidate in candidates:
            count = frequency.get(candidate)
            if count and candidate != word:
                scored[candidate] = max(scored.get(candidate, -1.0), math.log10(count) + bonus)

    consider((a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1), 1.5)
    consider((a + c + b for a, b in splits for c in _LETTERS), 1.0)
    consider((a + c + b[1:] for a, b in splits if b for c in _LETTERS), 0.0)
    consider((a + b[1:] for a, b in splits if b), 0.0)
    for first, second in splits[1:-1]:
        if zipf(first) >= 5 and zipf(second) >= 4.5:
            scored[f"{first} {second}"] = min(math.log10(frequency.get(first, 1)),
                                              math.log10(frequency.get(second, 1))) + 0.1
    return max(scored, key=lambda c: (scored[c], c)) if scored else None


@functools.lru_cache(maxsize=1_000)
def best_foreign_language(words: tuple) -> tuple:
    """(language, share): which of fr, es, de, it, pt knows most of ``words``.

    Only called for texts already judged not to be English, so loading these
    frequency lists costs nothing for ordinary essays.
    """
    import wordfreq

    best = ("", 0.0)
    for language in ("fr", "es", "de", "it", "pt"):
        table = wordfreq.get_frequency_dict(language, wordlist="best")
        share = sum(1 for w in words if w in table) / max(1, len(words))
        if share > best[1]:
            best = (language, share)
    return best
