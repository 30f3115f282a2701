"""Spelling, checked against the British and American Hunspell dictionaries, whatever the case.

Every word form either dictionary accepts is in ``data/hunspell_en.marisa``
(``bench/build_spelling_dictionary.py``). Hunspell's own case rules apply: a
lower-case word must be listed as written, a Capitalised one may also be a
listed lower-case word, an ALL-CAPS one any listed form. On top of that, what
a learner's essay needs:

* a lower-case name or language ("australia", "english") is a capitalisation
  slip, not a spelling error, unless it is a typo of a far commoner word;
* an unknown Capitalised word is a name unless a close word is much more
  frequent ("Goverment", "Britian"): learners capitalise misspellings too;
* unknown ALL-CAPS words of up to five letters are acronyms (IELTS, NGO);
  longer ones are checked like Capitalised words ("GOVERMENT"), and in a
  sentence written in capitals every word is checked;
* a few dictionary words are nearly always errors in an essay ("wether",
  "mans"), and over-regular forms get their irregular correction ("childs").

``check`` returns each problem with a correction where one is known.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

from . import lexicon
from .tables import loaded_once

DICTIONARY_PATH = Path(__file__).parent / "data" / "hunspell_en.marisa"
_LETTER = r"[^\W\d_]"  # accented letters too ("façade")
WORD = re.compile(rf"(?<![\w-]){_LETTER}+(?:['\u2019]{_LETTER}+)*(?:-{_LETTER}+(?:['\u2019]{_LETTER}+)*)*(?![\w-]*\d)")

NAME_MIN_LENGTH = 6      # unknown Capitalised words shorter than this are names...
NAME_ZIPF_GAP = 1.5      # ...longer ones are misspelt only if a close word is this much more frequent
CAPITALISED_NOUN_ZIPF = 3.5
ACRONYM_MAX_LENGTH = 5
SUGGESTION_MIN_ZIPF = 3.0
CAPITALS_SENTENCE_SHARE = 0.6
# Modern words the dictionaries lack, reviewed by hand (lower case).
ALLOWED = frozenset("""
benefitted benefitting wellbeing covid eco-friendly timeframe homeownership iphone ipad wifi ebook ebooks
phd diy whatsapp youtube youtubers youtuber linkedin paypal playstation ebay ios
""".split())
# Listed words that in an IELTS essay are almost always a misspelling.
REAL_WORD_ERRORS = {"wether": "whether", "mans": "men", "thru": "through", "cant": "can't", "wont": "won't",
                    "tho": "though"}
# Over-regular forms and words run together, whose correction is not one edit away.
IRREGULAR = {
    "childs": "children", "childrens": "children's", "womans": "women", "womens": "women's", "mens": "men's",
    "foots": "feet", "tooths": "teeth", "mouses": "mice", "gooses": "geese", "lifes": "lives", "wifes": "wives",
    "knifes": "knives", "teached": "taught", "buyed": "bought", "thinked": "thought", "catched": "caught",
    "bringed": "brought", "choosed": "chose", "rised": "rose", "falled": "fell", "growed": "grew",
    "goed": "went", "runned": "ran", "writed": "wrote", "speaked": "spoke", "readed": "read",
    "spended": "spent", "maked": "made", "taked": "took", "gived": "gave", "seeked": "sought",
    "fighted": "fought", "borned": "born", "leaded": "led", "feeled": "felt", "meaned": "meant",
    "alot": "a lot", "atleast": "at least", "eventhough": "even though", "infact": "in fact",
    "inspite": "in spite", "aswell": "as well", "incase": "in case", "upto": "up to",
}
_APOSTROPHE_S_WORDS = frozenset("that what there here it he she who let where how".split())
_CONTRACTION_ENDS = ("n't", "'m", "'re", "'ve", "'ll", "'d")


class Slip(NamedTuple):
    word: str               # as written
    kind: str               # "spelling" or "capitalisation"
    correction: str | None  # the likeliest right form, when one is close


@loaded_once
def _dictionary():
    import marisa_trie

    trie = marisa_trie.Trie()
    trie.load(str(DICTIONARY_PATH))
    return trie


def _listed(word: str) -> bool:
    """Hunspell's case rules: the exact form, or a Capitalised/ALL-CAPS form of a listed one."""
    listed = _dictionary()
    if word in listed:
        return True
    if len(word) > 1 and word[0].isupper() and word[1:].islower():
        return word.lower() in listed
    if word.isupper():
        return word.lower() in listed or word.capitalize() in listed
    return False


@functools.lru_cache(maxsize=200_000)
def accepts(word: str) -> bool:
    """True if British or American English spells ``word`` this way (possessives and compounds too)."""
    word = word.replace("\u2019", "'")
    if _listed(word):
        return True
    if word.endswith(("'s", "'S")):
        return _listed(word[:-2])
    if word.endswith("s'"):
        return _listed(word[:-1])
    if "-" in word:  # Hunspell's BREAK rule: a compound is right when each part is
        parts = [part for part in word.split("-") if part]
        return bool(parts) and all(accepts(part) for part in parts)
    return False


@functools.lru_cache(maxsize=50_000)
def is_english_word(word: str) -> bool:
    """True if a lower-case word is English at all: in a dictionary, or common in English text."""
    return accepts(word) or lexicon.zipf(word) >= 2.5


def is_spelled_right(word: str) -> bool:
    """A lower-case word as a learner would write it mid-sentence."""
    return word in ALLOWED or (word not in REAL_WORD_ERRORS and accepts(word))


def check(sentences) -> list[Slip]:
    """Every misspelt or wrongly lower-cased word of the sentences, in order."""
    slips = []
    for sentence in sentences:
        words = WORD.findall(sentence)
        capitals = (len(words) >= 3
                    and sum(w.isupper() and len(w) > 1 for w in words) > CAPITALS_SENTENCE_SHARE * len(words))
        for position, word in enumerate(words):
            kind, correction = classify(word, capitals, position == 0)
            if kind:
                slips.append(Slip(word, kind, correction))
    return slips


def corrected(text: str, slips: list[Slip]) -> str:
    """``text`` with each misspelling that has a correction replaced by it, in the writer's case.

    The other criteria are judged on the text the learner meant: a typo is Lexical Resource's
    evidence, and must not move Task Response, Coherence or Grammar through the words it breaks.
    """
    fixes = {slip.word: slip.correction for slip in slips if slip.kind == "spelling" and slip.correction}
    if not fixes:
        return text

    def fix(match):
        word = match.group(0)
        right = fixes.get(word)
        if right is None:
            return word
        if word.isupper() and len(word) > 1:
            return right.upper()
        return right[0].upper() + right[1:] if word[0].isupper() else right
    return WORD.sub(fix, text)


@functools.lru_cache(maxsize=200_000)
def classify(word: str, in_capitals_sentence: bool = False, starts_sentence: bool = False) -> tuple:
    """(kind, correction) for one word as written; kind is None when it is right."""
    word = word.replace("\u2019", "'")
    lower = word.lower()
    if lower in REAL_WORD_ERRORS and (word.islower() or starts_sentence or in_capitals_sentence):
        return "spelling", REAL_WORD_ERRORS[lower]
    if len(word) == 1 or accepts(word):
        return None, None
    if word.isupper() and in_capitals_sentence:
        return classify(lower)
    if word.islower():
        return _lower_case(word)
    if lower in IRREGULAR:
        return "spelling", IRREGULAR[lower]
    if lower in ALLOWED:
        return None, None  # a word the dictionaries do not have yet
    correction, distance = suggest(lower)
    if word.isupper() and len(word) <= ACRONYM_MAX_LENGTH:
        # An acronym, unless it is one edit from a very common word ("THIER", "WICH"): capitals must
        # not hide a misspelling that lower case would show.
        return ("spelling", correction) if _typo_of_common_word(lower, correction, distance) else (None, None)
    if len(word) < NAME_MIN_LENGTH:
        # A short unknown Capitalised word is a name, unless it is one edit from a very common word
        # ("Thier", "Realy"), or opens a sentence as two words run together.
        if _typo_of_common_word(lower, correction, distance) or (
                starts_sentence and not word.isupper() and correction and distance == 1 and " " in correction):
            return "spelling", correction
        return None, None
    if (correction and distance <= (2 if len(word) >= 8 else 1)
            and lexicon.zipf(correction.lower()) - lexicon.zipf(lower) >= NAME_ZIPF_GAP):
        return "spelling", correction
    return None, None


def _typo_of_common_word(lower: str, correction: str | None, distance: int) -> bool:
    """One edit from a word far commoner than itself: "thier" (zipf 3.0) for "their" (6.3)."""
    return (correction is not None and distance == 1 and " " not in correction
            and lexicon.zipf(correction.lower()) >= 4.5 and lexicon.zipf(correction.lower()) - lexicon.zipf(lower) >= 2.0)


def _lower_case(word: str) -> tuple:
    if word in ALLOWED:
        return None, None
    correction, distance = suggest(word) if len(word) >= 3 else (None, 99)
    far_commoner_typo = (correction is not None and distance == 1 and correction.islower()
                         and lexicon.zipf(correction) - lexicon.zipf(word) >= 2.5)  # "amd" -> and
    proper = word.capitalize() if _listed(word.capitalize()) else word.upper() if _listed(word.upper()) else None
    if proper and lexicon.zipf(word) >= CAPITALISED_NOUN_ZIPF and not far_commoner_typo:
        return "capitalisation", proper
    return "spelling", correction


@functools.lru_cache(maxsize=50_000)
def suggest(word: str) -> tuple:
    """(correction, edit distance) for a lower-case misspelling, or (None, 99)."""
    if word in IRREGULAR:
        return IRREGULAR[word], 1
    if re.fullmatch(r"[a-z]+[^aeiou]ys", word) and accepts(word[:-2] + "ies"):
        return word[:-2] + "ies", 1  # countrys -> countries
    contraction = _missing_apostrophe(word)
    if contraction:
        return contraction, 1
    best, best_distance = _closest_common_word(word)
    if best is None or best_distance > 1:
        for split in range(1, len(word)):  # two words run together
            first, second = word[:split], word[split:]
            if (lexicon.zipf(first) >= 5 and lexicon.zipf(second) >= 4.5
                    and _listed(first) and _listed(second)):
                return f"{first} {second}", 1
    return (best, best_distance) if best else (None, 99)


def _missing_apostrophe(word: str) -> str | None:
    """'dont' -> "don't", 'thats' -> "that's"."""
    for split in range(1, len(word)):
        candidate = word[:split] + "'" + word[split:]
        if candidate.endswith(_CONTRACTION_ENDS) or candidate[:-2] in _APOSTROPHE_S_WORDS:
            if _listed(candidate):
                return candidate
            if _listed(candidate.capitalize()):
                return candidate.capitalize()
    return None


def _closest_common_word(word: str) -> tuple:
    """The best listed common word within two edits, ranked by distance then frequency."""
    index = _deletion_index()
    candidates = set()
    for key in {word} | {word[:i] + word[i + 1:] for i in range(len(word))}:
        candidates.update(index.get(key, ()))
    best, best_rank = None, None
    for candidate in sorted(candidates):  # in a fixed order: a tie goes the same way in every process
        distance = _edit_distance(word, candidate.lower())
        if distance > 2:
            continue
        low = candidate.lower()
        rank = (-distance, lexicon.zipf(low) + 0.5 * (low[0] == word[0]) + 1.0 * (low[-2:] == word[-2:])
                + 0.5 * (low[-1] == word[-1]) + 0.3 * (len(low) == len(word)) - 2.0 * candidate[0].isupper())
        if best_rank is None or rank > best_rank:
            best, best_rank = candidate, rank
    return (best, -best_rank[0]) if best else (None, 99)


@loaded_once
def _deletion_index() -> dict:
    """Each common listed word under itself and its one-letter deletions (a SymSpell index).

    A misspelling shares a key with every word one edit away and with many two edits away.
    """
    index: dict[str, list] = {}
    for word, zipf in lexicon.common_words(SUGGESTION_MIN_ZIPF):
        if not word.isalpha():
            continue
        surface = word if _listed(word) else word.capitalize() if _listed(word.capitalize()) else None
        if surface:
            for key in {word} | {word[:i] + word[i + 1:] for i in range(len(word))}:
                index.setdefault(key, []).append(surface)
    return index


def _edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (a swap of two neighbours is one edit)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if previous2 is not None and i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
