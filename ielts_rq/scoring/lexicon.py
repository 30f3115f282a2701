"""Word lists and word frequencies, loaded lazily once per process.

The word-frequency table is large, so it is loaded on first use and cached;
every per-word answer is cached too (an essay repeats most of its words, and
so do essays on the same topic). Spelling is ``spelling``'s business.
"""

from __future__ import annotations

import functools
import math
import re

from .tables import loaded_once

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

@loaded_once
def _zipf_table() -> dict:
    import wordfreq

    return wordfreq.get_frequency_dict("en", wordlist="best")


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a lower-case English word (0 = unseen, 7+ = "the")."""
    frequency = _zipf_table().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


@functools.lru_cache(maxsize=100_000)
def rarity_zipf(word: str) -> float:
    """How common a word's commonest form is: "staffs" is as common as "staff", not rare."""
    import lemminflect

    forms = {word} | {lemma for lemmas in lemminflect.getAllLemmas(word).values() for lemma in lemmas}
    return max(zipf(form) for form in forms)


def common_words(min_zipf: float):
    """(word, Zipf frequency) of the words at least this common, commonest first."""
    for word, frequency in _zipf_table().items():  # wordfreq lists them by falling frequency
        value = math.log10(frequency) + 9
        if value < min_zipf:
            return
        yield word, value


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
