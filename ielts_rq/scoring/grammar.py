"""Grammar and punctuation slips that can be detected reliably without a parser.

Each check is a narrow pattern with few false alarms; together they give a
rate of slips per 100 words and a sentence to quote back to the learner.
"""

from __future__ import annotations

import re

from .lexicon import SUBORDINATORS
from .text import Document

# "a" before a vowel sound / "an" before a consonant sound. Spelling is a proxy
# for sound, so words whose first sound differs from their first letter are listed.
_CONSONANT_SOUND_VOWEL_START = re.compile(r"^(uni|use|usa|usu|ura|ure|uro|uti|ute|eu|ewe|one|once|ubiq)")
_VOWEL_SOUND_CONSONANT_START = re.compile(r"^(hour|honest|honou?r|heir)")
_ARTICLE_PAIR = re.compile(r"\b([Aa]n?)\s+([A-Za-z]+)")

# Subject-verb agreement and verb-form patterns that are wrong in any context.
_AGREEMENT_PATTERN = re.compile("|".join(f"(?:{p})" for p in (
    r"\b(he|she|it)\s+(have|do|are|were|don't)\b",
    r"\b(i)\s+(has|does|is|doesn't|are)\b",
    r"\b(you|we|they)\s+(has|does|is|was|doesn't)\b",
    r"\b(people|children|students|parents|women|men)\s+(is|was|has|does|doesn't)\b",
    r"\b(these|those)\s+(is|was|has|does)\b",
    r"\bthere\s+(is|was)\s+(many|several|numerous|few|two|three|four|five)\b",
    r"\b(can|could|should|must|may|might|will|would)\s+to\b",
    r"\b(can|could|should|must|may|might|would)\s+(has|does|is|was|goes|makes|gets|takes|went|had)\b",
    r"\b(didn't|did not|doesn't|does not|don't|do not)\s+(went|was|made|got|took|saw|came|goes|has)\b",
    r"\b(more|most)\s+(better|worse|best|worst|easier|bigger|cheaper|faster|higher|larger|smaller)\b",
    r"\b(informations|advices|knowledges|equipments|furnitures|homeworks|luggages)\b",
)), re.IGNORECASE)
_REPEATED_WORD = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
_REPEAT_ALLOWED = frozenset(("that", "had", "very", "so", "bye", "ha", "no"))
_LOWERCASE_I = re.compile(r"(?<![A-Za-z'])i(?=\s|'m|'ve|'d|'ll)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[A-Za-z]\s+[,.;:!?](?!\d)")
# A comma or full stop directly followed by a letter ("cars,buses"), except
# abbreviations such as "e.g." and "U.K." where single letters surround the dot.
_NO_SPACE_AFTER_PUNCTUATION = re.compile(r"[A-Za-z]{2}[,;.][A-Za-z]{2}")

# A sentence this long without commas is a run-on: examiners penalise it
# under both Coherence and Grammar.
RUN_ON_WORDS = 40
RUN_ON_MAX_COMMAS = 1
RUN_ON_ANY_WORDS = 60


def article_slips(text: str) -> list:
    """'a'/'an' used before the wrong sound, as the phrases written ("a apple")."""
    slips = []
    for match in _ARTICLE_PAIR.finditer(text):
        article, word = match.group(1).lower(), match.group(2)
        if word.isupper() and len(word) > 1:  # acronyms: "an MBA", "a UN report"
            continue
        lower = word.lower()
        vowel_sound = lower[0] in "aeiou"
        if _CONSONANT_SOUND_VOWEL_START.match(lower):
            vowel_sound = False
        elif _VOWEL_SOUND_CONSONANT_START.match(lower):
            vowel_sound = True
        if (article == "a") == vowel_sound:
            slips.append(match.group(0))
    return slips


def agreement_slips(text: str) -> list:
    """Phrases breaking subject-verb agreement or verb-form rules ("people is")."""
    return [m.group(0) for m in _AGREEMENT_PATTERN.finditer(text)]


def repeated_words(text: str) -> list:
    """Accidentally doubled words ("the the")."""
    return [m.group(0) for m in _REPEATED_WORD.finditer(text)
            if m.group(1).lower() not in _REPEAT_ALLOWED]


def analyse_grammar(doc: Document) -> dict:
    """Counts of grammar/punctuation slips and range signals, with examples to quote."""
    text = doc.raw
    articles = article_slips(text)
    agreement = agreement_slips(text)
    doubled = repeated_words(text)
    lowercase_i = len(_LOWERCASE_I.findall(text))
    lowercase_starts = [s for s in doc.sentences if s[0].isalpha() and s[0].islower()]
    run_ons = [s for s, n in zip(doc.sentences, doc.sentence_words)
               if n >= RUN_ON_ANY_WORDS or (n >= RUN_ON_WORDS and s.count(",") <= RUN_ON_MAX_COMMAS)]
    spacing = len(_SPACE_BEFORE_PUNCTUATION.findall(text)) + len(
        _NO_SPACE_AFTER_PUNCTUATION.findall(text))
    complex_sentences = sum(
        1 for s in doc.sentences if _has_subordinate_clause(s))
    slip_examples = _sentences_containing(doc.sentences, articles + agreement + doubled)
    return {
        "article_slips": articles,
        "agreement_slips": agreement,
        "repeated_words": doubled,
        "lowercase_i": lowercase_i,
        "lowercase_sentence_starts": len(lowercase_starts),
        "run_on_sentences": run_ons,
        "punctuation_spacing": spacing,
        "complex_sentences": complex_sentences,
        "slip_examples": slip_examples,
        "lowercase_start_example": lowercase_starts[0] if lowercase_starts else None,
    }


def _has_subordinate_clause(sentence: str) -> bool:
    return any(w.lower() in SUBORDINATORS for w in sentence.split()) or ", which" in sentence


def _sentences_containing(sentences, phrases) -> list:
    """(phrase, sentence) pairs: the first sentence in which each phrase occurs."""
    found = []
    for phrase in phrases:
        for sentence in sentences:
            if phrase in sentence:
                found.append((phrase, sentence))
                break
    return found
