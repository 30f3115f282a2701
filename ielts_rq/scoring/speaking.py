"""Scoring a speaking answer from its transcript and, if given, word timings.

There are no rated speaking answers to calibrate on, so every band here
comes from a documented heuristic read off the public IELTS speaking
descriptors:

* Fluency and Coherence: speaks at length without noticeable effort (speech
  rate), with few hesitations (long pauses, fillers, restarts), using a range
  of connectives. Band 9 speakers sustain ~150+ words/min with rare
  hesitation; band 5 speakers slow down (~80 words/min) and pause often.
  Hesitation is set apart first (``disfluencies``): the other criteria read
  the answer without it.
* Lexical Resource: range and precision of vocabulary (moving-window
  type-token ratio, less common words).
* Grammatical Range and Accuracy: complex structures (subordinate clauses and
  the kinds of structure used) and the absence of basic slips.
* Pronunciation: the recogniser's word confidence is the only evidence of
  intelligibility; without audio it is estimated from the other criteria and
  reported as weak evidence.

Ceilings (``speaking_caps``) hold back answers the measures would overrate: a
talk on another topic, padding, a long turn cut short, set phrases, word
salad; a transcript the recogniser could not hear is not banded at all
(``unrateable``).
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re

from . import fixed, grammar, lexicon, meaning, relevance, spelling, wordorder
from .features import linking_usage, prompt_overlap, window_ttr
from .feedback import CRITERION_NAMES, band_summary
from .originality import mask_copied
from .rules import CRITERIA, SPEAKING_EXPECTED_WORDS, mean_band
from .tables import loaded_once
from .text import WORD_PATTERN, split_sentences

SPEAKING_NOTE = ("speaking bands are heuristics read off the IELTS speaking descriptors (there are no "
                 "rated speaking answers to calibrate on); see ielts_rq/scoring/speaking.py for the anchors")
PAUSE_SECONDS = 0.5
SPEAKING_TTR_WINDOW = 40   # spoken answers are shorter than essays
LONG_PAUSE_SECONDS = 2.0
UNSURE_WORD_CONFIDENCE = 0.6  # a recognised word below this is one the recogniser was unsure of

# (measure, band) anchor points; bands between anchors are interpolated.
SPEECH_RATE_BANDS = ((50, 3.0), (70, 4.0), (85, 5.0), (100, 6.0), (120, 7.0), (140, 8.0), (160, 9.0))
PAUSES_PER_MINUTE_BANDS = ((3, 9.0), (6, 8.0), (10, 7.0), (14, 6.0), (20, 5.0), (28, 4.0), (40, 3.0))
WINDOW_TTR_BANDS = ((0.45, 3.0), (0.55, 4.0), (0.62, 5.0), (0.68, 6.0), (0.74, 7.0), (0.8, 8.0), (0.86, 9.0))
LESS_COMMON_PER_100_BANDS = ((0, 4.0), (1, 5.0), (2.5, 6.0), (4, 7.0), (6, 8.0), (8, 9.0))
# Beyond everyday words: the share of the content words whose commonest form is under Zipf 4.5 (outside
# the few thousand words everyone uses). Band 4-5 speakers keep to everyday words (0-9% beyond them),
# band 6 answers 4-15%, band 8 ones 10-29%; a handful of words recycled, none.
BEYOND_EVERYDAY_ZIPF = 4.5
BEYOND_EVERYDAY_BANDS = ((0, 4.0), (0.05, 5.0), (0.1, 6.0), (0.15, 7.0), (0.2, 8.0), (0.27, 9.0))
# Speech uses fewer subordinate clauses than writing: natural, fluent answers have two to four per 100 words.
CLAUSES_PER_100_BANDS = ((0, 4.5), (1, 5.5), (2, 6.5), (3.5, 7.5), (5, 8.5), (7, 9.0))
WORD_CONFIDENCE_BANDS = ((0.5, 3.0), (0.6, 4.0), (0.7, 5.0), (0.8, 6.0), (0.87, 7.0), (0.92, 8.0), (0.96, 9.0))
# Grammar slips (agreement, articles) cost this many bands per slip per 100
# words, at most MAX_SLIP_PENALTY.
SLIP_PENALTY_PER_RATE = 2.0
MAX_SLIP_PENALTY = 2.0
# Coherence: band 5 with no connectives, +0.6 per distinct connective up to
# +3 (band 8), -0.5 per overused one; it weighs a quarter of the fluency band.
COHERENCE_BASE_BAND = 5.0
COHERENCE_PER_CONNECTIVE = 0.6
COHERENCE_MAX_GAIN = 3.0
COHERENCE_OVERUSE_COST = 0.5
COHERENCE_WEIGHT = 0.25
# An answer with no words loses 3 fluency bands; a short answer loses in proportion below
# SHORT_ANSWER_SHARE of the part's expected length (a brief Part 1 answer is normal).
SHORT_ANSWER_PENALTY = 3.0
SHORT_ANSWER_SHARE = 0.75
# Recognition confidence below this: the transcript may be wrong, so bands read from it are weak evidence.
LOW_RECOGNITION = 0.6
LOW_RECOGNITION_NOTE = ("the speech recogniser was unsure of much of the recording: vocabulary and grammar were "
                        "read from a transcript that may contain its errors")
# Below this mean word confidence the transcript is too unreliable to rate at all: the words a band would be
# read from may not be the words spoken (answers recognised at 0.35-0.54 read as word salad).
UNRATEABLE_RECOGNITION = 0.55
NATURAL_PACE_MAX_DISFLUENCY = 0.07  # above this share of fillers and restarts a pace is not praised
# More than this share of words recognised below UNHEARD_WORD_CONFIDENCE: much of the transcript is guesswork,
# whatever the mean (a few clear words do not vouch for the rest).
UNHEARD_WORD_CONFIDENCE = 0.4
UNRATEABLE_UNHEARD_SHARE = 0.35
# A transcript not in English word order is the recogniser's failure unless it was sure of the words.
SALAD_TRUSTED_RECOGNITION = 0.8
# Whether the words hang together (``transcript_coherence``): how much likelier each word is after the two
# before it than on its own, by a word trigram model of English (log10, mean over the words it knows).
# Honest long turns, band 4 speakers' broken grammar included, gain 0.55-0.95; with one word in ten
# misheard, 0.34-0.6; with a third of the words misheard (real words, the wrong ones, dropped, inserted or
# swapped) 0.37 or less, most under 0.15. The less sure the recogniser, the less it takes to doubt its
# words: the transcript is doubted below GARBLED_COHERENCE when the recogniser was SURE_RECOGNITION sure,
# a point higher for every point less sure, up to UNSURE_COHERENCE. It is not rated only when the
# recogniser itself was unsure (under SALAD_TRUSTED_RECOGNITION) and its words barely hang together (under
# GARBLED_COHERENCE): a weak speaker's telegraphic answer ("Many exam, many homework. Morning go school")
# hangs together no better than a garble (0.03), and a sure recogniser heard what was said. Fewer words
# than COHERENCE_MIN_WORDS are not judged.
GARBLED_COHERENCE = 0.2
UNSURE_COHERENCE = 0.45
SURE_RECOGNITION = 0.95
COHERENCE_MIN_WORDS = 60
# Within this of that threshold the transcript is rated but doubted: misheard words add variety that is not
# the speaker's, so Lexical Resource is held at DOUBTFUL_LEXICAL and it and Grammar are weak evidence.
DOUBTFUL_MARGIN = 0.15
DOUBTFUL_LEXICAL = 6.0
GARBLED_NOTE = ("The transcript does not read as connected English: many of its words do not fit the words "
                "around them, as when a recogniser mishears a recording, although it reported a confidence of "
                "{confidence:.2f}.")
UNRATEABLE_CONFIDENCE = 0.05
UNRATEABLE_NOTE = "The recording was not clear enough to be rated reliably."
# Hesitation: the share of what was said that is fillers or restarts (per 100 words) -> fluency band.
HESITATION_BANDS = ((2, 9.0), (4, 8.0), (6, 7.0), (9, 6.0), (13, 5.0), (18, 4.0), (25, 3.0), (40, 2.0))
HESITATION_MARGIN = 0.5   # pace and few pauses lift fluency at most this far above the hesitation band
COHERENCE_HESITATION_COST = 4.0  # bands of coherence lost if everything said were hesitation
# More than a fifth of the answer fillers and restarts: more padding than language.
PADDING_DISFLUENT_SHARE = 0.2
PADDING_CEILINGS = {"fluency_coherence": 4.0, "lexical_resource": 4.0, "grammatical_range_accuracy": 4.0,
                    "pronunciation": 5.0}
# Subordinate clauses counted: a rate read off a short answer goes no higher than its count bears out.
CLAUSE_COUNT_BANDS = ((0, 4.5), (1, 6.0), (2, 6.5), (4, 7.5), (6, 8.5), (8, 9.0))
# Kinds of complex structure used (``structures_used``) -> grammatical range.
STRUCTURE_KINDS_BANDS = ((0, 4.0), (2, 5.5), (4, 6.5), (6, 7.5), (8, 8.5), (10, 9.0))
# The same one or two subordinators said often ("because... because...") are "a limited range of more
# complex structures" (band 5): the rate of clauses lifts range at most this far above the kinds used.
DENSITY_ABOVE_KINDS = 1.0
# Part 2 long turn: one to two minutes. Below these shares of the expected length (and, for the milder
# ceiling, under a minute of speech) it is too short to show sustained speech. A turn under a quarter of
# the length is band 4 overall: every criterion is held at 4, since ceilings of 4, 5, 5, 5 average 4.75,
# which IELTS rounding makes 5.0, above the band the cap stands for.
VERY_SHORT_SHARE = 0.25
LONG_TURN_MIN_SECONDS = 60.0
SHORT_LONG_TURN_CEILINGS = (
    (VERY_SHORT_SHARE, {"fluency_coherence": 4.0, "lexical_resource": 4.0, "grammatical_range_accuracy": 4.0,
                        "pronunciation": 4.0}),
    (0.5, {"fluency_coherence": 5.0, "lexical_resource": 6.0, "grammatical_range_accuracy": 6.0}),
)
# Fewer words than this cannot show the range bands 8-9 ask for.
SMALL_SAMPLE_WORDS = 40
SMALL_SAMPLE_CEILINGS = {"lexical_resource": 7.0, "grammatical_range_accuracy": 7.0}
# Word-salad transcripts (``wordorder``): not English sentences, whatever their words.
WORD_SALAD_CEILINGS = {"fluency_coherence": 3.0, "lexical_resource": 3.0, "grammatical_range_accuracy": 2.0,
                       "pronunciation": 4.0}
# A long turn's opening often restates the card; it is also judged without it.
OPENING_WORDS = 25
LONG_TURN_WORDS = 80
LONG_TURN_TANGENTIAL = 1.5  # a long turn's topic score below this with no key term: about something else
# A cue card's subject is the clause before "You should say" ("a person who helped you", "a time when you
# were very busy"); its everyday words (a time, something, your life) are shared by every talk. A long
# turn takes up the subject when it talks about a person for a card about one (a sentence in
# PERSON_SENTENCE_SHARE names him or her: he, she, his, her...), and otherwise when it uses one of the
# subject's own words in any form (busiest for busy, learnt for learned) in its opening, where speakers
# say what they will talk about, or SUBJECT_SAID_TIMES times in all. One that does neither and uses
# under CARD_COVERAGE_SUPPORT of the card's words (IDF-weighted, in any form) is a talk on something else:
# the card's everyday words in it (people, time, life, help) are not an answer.
PERSON_SENTENCE_SHARE = 0.3
SUBJECT_SAID_TIMES = 2
CARD_COVERAGE_SUPPORT = 0.75
# A prepared talk on another topic is not an answer: these ceilings keep it at 4.5 overall at most.
OFF_TOPIC_CEILINGS = {"fluency_coherence": 4.0, "lexical_resource": 4.0, "grammatical_range_accuracy": 4.0,
                      "pronunciation": 6.0}
# The same phrases said again and again: the share of the words inside a run of REPEATED_RUN words said
# before (not a restart). Honest answers stay under 5%; a tenth loses coherence at times (FC 6), a fifth
# relies on repetition to keep going (FC 5) with little flexibility (LR 5), and when most of the answer is
# said twice its vocabulary is basic and recycled (LR 4) and the range its sentences show is borrowed
# from themselves (GRA 6). The share is read first to last, most severe first.
REPEATED_RUN = 4
REPETITION_CEILINGS = (
    (0.4, {"fluency_coherence": 5.0, "lexical_resource": 4.0, "grammatical_range_accuracy": 6.0}),
    (0.2, {"fluency_coherence": 5.0, "lexical_resource": 5.0, "grammatical_range_accuracy": 7.0}),
    (0.1, {"fluency_coherence": 6.0, "lexical_resource": 6.0}),
)
# Set phrases learnt by heart for the test; many in one answer mark it as recited.
MEMORISED_MIN = 3
MEMORISED_PER_100 = 2.0
RECITED_PER_100 = 6.0
# Confidence of the speaking bands: heuristics, lower still without timings.
TIMED_CONFIDENCE = 0.5
TRANSCRIPT_CONFIDENCE = 0.35
WEAK_EVIDENCE_CONFIDENCE = 0.25
# Without audio, pronunciation is assumed to be near the other criteria,
# slightly lower: intelligibility problems do not show in a transcript.
PRONUNCIATION_WITHOUT_AUDIO_OFFSET = -0.5
# Recognition confidence shows intelligibility, not the features of connected
# speech (chunking, rhythm, intonation) that the higher pronunciation bands
# ask for, and hesitant speech cannot show those: pronunciation is capped at
# this many bands above fluency.
PRONUNCIATION_ABOVE_FLUENCY_CAP = 1.0
DEFAULT_SUGGESTIONS = {
    "fluency_coherence": "Practise answering with a main point, a reason and an example, keeping "
                         "going without long pauses.",
    "lexical_resource": "Learn topic vocabulary and natural phrases for common topics (work, "
                        "hometown, hobbies, technology).",
    "grammatical_range_accuracy": "Practise mixing tenses and complex structures (conditionals, "
                                  "relative clauses) in your answers.",
    "pronunciation": "Record yourself and compare with a model speaker: focus on word stress and "
                     "sentence rhythm.",
}

_MEMORISED_PHRASES = re.compile(r"\b(" + "|".join((
    r"every coin has two sides", r"each coin has two sides", r"a double[- ]edged sword", r"last but not least",
    r"as the (old )?saying goes", r"it goes without saying", r"in a nutshell", r"without further ado",
    r"to be honest with you", r"as far as i'?m concerned", r"it is widely (believed|accepted)",
    r"i'?d like to (talk|tell you) about", r"once in a blue moon", r"over the moon", r"a piece of cake",
    r"the apple of my eye", r"raining cats and dogs", r"hit the books", r"break the ice", r"on cloud nine",
    r"a blessing in disguise", r"the best of both worlds", r"at the end of the day", r"first and foremost",
    r"all in all", r"needless to say", r"time flies", r"knowledge is power", r"practice makes perfect",
    r"there is no denying that", r"it is an undeniable fact", r"broaden (my|one'?s|our) horizons?",
    r"in this day and age", r"cost an arm and a leg", r"burn the midnight oil", r"a dime a dozen")) + r")\b",
    re.IGNORECASE)
# Who a cue card's subject can be: a card on a person is answered about him or her.
_PERSON_NOUNS = frozenset("""person someone somebody anyone man woman boy girl child friend relative neighbour neighbor
teacher colleague classmate student parent grandparent stranger member leader celebrity athlete sportsperson
singer musician artist writer actor businessman businesswoman entrepreneur scientist politician""".split())
_THIRD_PERSON = frozenset(("he", "she", "him", "her", "his", "hers", "himself", "herself"))
# Words of a card's subject that every talk uses: not its particular subject.
_EVERYDAY_SUBJECT = frozenset(relevance.stem(w) for w in """time something anything thing life day moment way
situation occasion""".split())
_SUBJECT_END = re.compile(r"(?<=[.?!])\s|\byou should say\b", re.IGNORECASE)
_LM_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_LM_UNKNOWN = -10 ** 8                       # pocketsphinx's score for a word it does not know
_LM_LOG10_PER_UNIT = math.log10(1.0001)       # its scores are logarithms to the base 1.0001
_FILLER_PAIRS = {("you", "know"), ("i", "mean"), ("you", "see"), ("so", "yeah")}
_QUESTION_LEAD = frozenset(("do", "did", "don't", "didn't", "if", "would", "could", "what", "how"))
_OBJECT_STARTS = frozenset(("them", "him", "her", "me", "us", "it", "this", "what", "how", "why", "where", "who",
                            "whether", "the", "a", "an", "my", "your", "his", "their", "our", "about", "each",
                            "everyone", "everything", "someone", "something"))
_HEDGE_PAIRS = {("sort", "of"), ("kind", "of")}
# "a kind of bread", "this sort of thing": a noun, not a hedge.
_HEDGE_DETERMINERS = frozenset(("a", "an", "the", "this", "that", "these", "those", "what", "any", "some", "one",
                                "same", "every", "each", "other", "another", "which", "no", "all", "my", "your",
                                "his", "her", "our", "their", "its", "different", "new", "right", "wrong"))
# Words that are fillers only between pauses or other fillers.
_SOFT_FILLERS = frozenset(("like", "well", "so", "yeah", "basically", "actually", "literally", "okay", "right"))
_LIKE_FRIENDLY = frozenset(("and", "but", "so", "was", "is", "it's", "it"))
_EMPHATIC_REPEATS = frozenset(("very", "really", "so", "no", "yes", "bye", "ha", "many", "more", "again", "far",
                               "long", "round", "over", "on", "by"))
_STRUCTURES = {name: re.compile(pattern) for name, pattern in {
    "conditional": r"\b(if|unless|provided)\b|\b(had|were|should) (i|we|you|he|she|they)\b",
    "relative_clause": r"\b(who|whom|whose|which)\b|, where\b",
    "perfect": r"(\b(has|have|had)|'ve|'d) (\w+ly |never |already |just |since |always )?(been|\w+ed|\w+en|done|"
               r"gone|made|met|read|taught|thought|brought|kept|spent|left|found|become|had|heard|known|seen)\b",
    "modal_perfect": r"\b(would|could|should|might|must|may)(n't)? (not )?have \w+",
    "passive": r"\b(is|are|was|were|been|being|be|get|got) (\w+ly )?(\w+ed|born|made|known|taught|given|taken|"
               r"written|built|seen|done|told|brought|found|kept|held|paid|sold|shown|spoken|chosen)\b",
    "participle_clause": r"(^|[,.;] ?)(having|being|looking|thinking|living|growing|starting|coming|seeing|"
                         r"\w+ing) \w+[^.?!,]*,",
    "cleft_or_noun_clause": r"\bwhat (\w+ ){1,3}(is|was)\b|\b(think|thought|realise|realised|realize|realized|"
                            r"know|knew|believe|say|said|noticed|feel|felt|suppose|doubt|guess|found|wonder|"
                            r"remember|means?|hope) (that|how|why|what|whether)\b|\bdepends? on (how|what|whether)\b",
    "concession": r"\b(although|though|whereas|despite|in spite of|even if|while)\b",
    "time_clause": r"\b(when|whenever|while|before|after|until|as soon as|once|since) (i|we|you|he|she|they|it|"
                   r"the|my|our|his|her|their|there)\b",
    "comparison": r"\b\w+er than\b|\b(more|less|fewer) \w+ than\b|\bas \w+ as\b|\brather than\b",
    "purpose_or_result": r"\b(so that|in order to|so as to|which is why|that's why|such a \w+ that|so \w+ that)\b",
    "reported_or_infinitive": r"\b(told|asked|wanted|encouraged|taught|allowed|persuaded|helped) (me|us|him|her|them"
                              r"|people) to\b|\b(used to|tends? to|tended to|managed to|ended up)\b",
}.items()}


def interpolate(value: float, anchors: tuple) -> float:
    """Piecewise-linear band for ``value`` from (measure, band) anchors (clamped)."""
    points = sorted(anchors)
    if value <= points[0][0]:
        return points[0][1]
    if value >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= value <= x1:
            return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
    return points[-1][1]


def count_fillers(text: str, words: list | None = None) -> int:
    """Hesitation fillers: um/uh/er..., 'you know', 'I mean', and 'like' used as a filler."""
    return disfluencies(text)["fillers"]


def disfluencies(text: str) -> dict:
    """The answer's hesitations set apart from its language.

    Fillers (um, uh, 'you know', 'I mean', hedging 'sort of' / 'kind of', 'like' between pauses or
    fillers) and restarts (a word or a run of up to three words said again at once: "I went, I went
    to the, the") are marked; ``clean`` is the text without them, which the language criteria read,
    so stalling neither adds words nor passes for grammar slips ("um um").
    """
    tokens = text.split()
    core = [re.sub(r"^[^\w']+|[^\w']+$", "", t).lower() for t in tokens]
    filler = [w in lexicon.FILLER_WORDS for w in core]
    fillers = sum(filler)
    for i in range(len(tokens) - 1):
        pair = (core[i], core[i + 1])
        previous, following = (core[i - 1] if i else ""), (core[i + 2] if i + 2 < len(core) else "")
        spoken_to = following in _OBJECT_STARTS and tokens[i + 1][-1:] not in ",.;?!"  # "you know them", "I mean it"
        if (pair in _FILLER_PAIRS and previous not in _QUESTION_LEAD and not spoken_to) or (
                pair in _HEDGE_PAIRS and previous not in _HEDGE_DETERMINERS):
            if not (filler[i] or filler[i + 1]):
                fillers += 1
            filler[i] = filler[i + 1] = True
    for _ in range(2):  # twice: a chain of soft fillers ("so yeah, like, um") is marked from its hard end
        for i, word in enumerate(core):
            if word in _SOFT_FILLERS and not filler[i] and _between_pauses(tokens, filler, core, i):
                filler[i], fillers = True, fillers + 1
    kept = [i for i in range(len(tokens)) if not filler[i] and core[i]]
    repeated = _restarts([core[i] for i in kept])
    dropped = set(i for i, f in enumerate(filler) if f) | {kept[j] for j in repeated}
    clean = []
    for i, token in enumerate(tokens):
        if i not in dropped:
            clean.append(token)
        elif token[-1:] in ".?!" and clean:  # a sentence ended on a filler still ends
            clean[-1] = clean[-1].rstrip(",;:") + token[-1]
    return {"clean": " ".join(clean), "fillers": fillers, "filler_words": sum(filler),
            "repeated_words": len(repeated), "disfluent_share": len(dropped) / max(1, len(tokens))}


def _between_pauses(tokens: list, filler: list, core: list, i: int) -> bool:
    """A soft filler (like, well, so, yeah...) used as one: a pause (punctuation, another filler, the
    start) on its left and one on its right; "I like music" and "as well as" are language."""
    if core[i] == "like" and i and core[i - 1] in _HEDGE_DETERMINERS:  # "a like train": never a verb there
        return True
    left = (i == 0 or tokens[i - 1][-1:] in ",.;?!" or filler[i - 1]
            or (core[i] == "like" and core[i - 1] in _LIKE_FRIENDLY))
    right = tokens[i][-1:] in ",.;?!" or (i + 1 < len(tokens) and filler[i + 1]) or i + 1 == len(tokens)
    return left and right


def _restarts(words: list) -> list:
    """Positions of words said twice at once, the first saying of a repeated run of one to three words."""
    repeated = set()
    for size in (3, 2, 1):
        for i in range(len(words) - 2 * size + 1):
            run = words[i:i + size]
            if run == words[i + size:i + 2 * size] and not (size == 1 and run[0] in _EMPHATIC_REPEATS):
                if not repeated & set(range(i, i + 2 * size)):
                    repeated.update(range(i, i + size))
    return sorted(repeated)


def beyond_everyday_share(words: list) -> float:
    """The share of the content words (not function words, three letters or more) that are not everyday
    words: a band-5 speaker talks about anything with the commonest few thousand."""
    content = [w for w in words if len(w) > 2 and w not in wordorder.FUNCTION_WORDS]
    # A word common in itself has a common commonest form: only the rare-looking ones are lemmatised.
    beyond = sum(1 for w in content if lexicon.zipf(w) < BEYOND_EVERYDAY_ZIPF
                 and lexicon.rarity_zipf(w) < BEYOND_EVERYDAY_ZIPF)
    return beyond / max(1, len(content))


def repeated_phrase_share(words: list, question: list = ()) -> float:
    """The share of the words inside a run of REPEATED_RUN words said before, apart from where it was
    first said: the same phrases recycled through an answer ("my friend helped me", "it was very good").
    The question's own phrases, echoed as answers do ("young people prefer to live in big cities"), are
    the topic, not recycling."""
    asked = {tuple(question[i:i + REPEATED_RUN]) for i in range(len(question) - REPEATED_RUN + 1)}
    first_said, repeated = {}, set()
    for i in range(len(words) - REPEATED_RUN + 1):
        run = tuple(words[i:i + REPEATED_RUN])
        if run not in asked and first_said.setdefault(run, i) + REPEATED_RUN <= i:
            repeated.update(range(i, i + REPEATED_RUN))
    return len(repeated) / max(1, len(words))


@loaded_once
def _word_trigrams():
    """The US English word trigram model pocketsphinx decodes with (in its wheel), or None without it."""
    try:
        import pocketsphinx
    except ImportError:
        return None
    return pocketsphinx.NGramModel.readfile(os.path.join(pocketsphinx.get_model_path(), "en-us", "en-us.lm.bin"))


@functools.lru_cache(maxsize=100_000)
def _unigram(word: str) -> int:
    return _word_trigrams().prob([word])


def transcript_coherence(sentences: list) -> tuple:
    """(mean log10 gain, words scored): how much likelier each word is after the two before it than on its
    own. Real speech, even with slips, gains; misheard words (right sounds, wrong words) do not fit their
    neighbours and gain little. (None, 0) without the model."""
    model = _word_trigrams()
    if model is None:
        return None, 0
    total, scored = 0, 0
    for sentence in sentences:
        words = ["<s>"] + _LM_TOKEN.findall(sentence.lower().replace("\u2019", "'"))
        for i in range(1, len(words)):
            alone = _unigram(words[i])
            if alone <= _LM_UNKNOWN:   # a name or a word the model does not know: no evidence either way
                continue
            total += model.prob([words[i], *reversed(words[max(0, i - 2):i])]) - alone
            scored += 1
    return (total * _LM_LOG10_PER_UNIT / scored if scored else None), scored


def structures_used(text: str) -> list:
    """The kinds of complex structure the answer uses (conditionals, relative clauses, perfect and
    passive forms, participle and noun clauses...): range shows in their variety, not only in how
    many subordinating words there are."""
    lowered = text.lower().replace("\u2019", "'")
    return sorted(kind for kind, pattern in _STRUCTURES.items() if pattern.search(lowered))


def audio_measures(audio: dict) -> dict:
    """Speech rate, pauses and recognition confidence from word timings."""
    words = sorted(audio.get("words") or [], key=lambda w: w["start"])
    overall = audio.get("confidence")
    if not words:
        return {} if overall is None else {"mean_word_confidence": round(overall, 3), "unheard_word_share": None}
    spoken = audio.get("duration") or (words[-1]["end"] - words[0]["start"])
    minutes = max(spoken, 1.0) / 60
    gaps = [b["start"] - a["end"] for a, b in itertools.pairwise(words)]
    pauses = [g for g in gaps if g > PAUSE_SECONDS]
    confidences = [w["confidence"] for w in words if w.get("confidence") is not None]
    mean_confidence = sum(confidences) / len(confidences) if confidences else overall
    if confidences and overall is not None:  # either measure unsure means the transcript is doubtful
        mean_confidence = min(mean_confidence, overall)
    return {
        "duration_seconds": round(spoken, 2),
        "speech_rate_wpm": round(len(words) / minutes, 1),
        "pauses": len(pauses),
        "long_pauses": sum(1 for g in pauses if g > LONG_PAUSE_SECONDS),
        "pauses_per_minute": round(len(pauses) / minutes, 2),
        "mean_pause_seconds": round(sum(pauses) / len(pauses), 2) if pauses else 0.0,
        "mean_word_confidence": None if mean_confidence is None else round(mean_confidence, 3),
        "unheard_word_share": (round(sum(1 for c in confidences if c < UNHEARD_WORD_CONFIDENCE) / len(confidences), 3)
                               if confidences else None),
        "low_confidence_words": [w["word"] for w in words
                                 if w.get("confidence") is not None and w["confidence"] < UNSURE_WORD_CONFIDENCE][:10],
    }


def speaking_measures(task_type: str, text: str, prompt: str | None, audio: dict | None) -> dict:
    """Everything the speaking bands and feedback are computed from.

    Fluency reads the whole answer, hesitations included; the other criteria read the answer
    with its fillers and restarts taken out (``disfluencies``).
    """
    words = [w.lower() for w in WORD_PATTERN.findall(text)]
    hesitation = disfluencies(text)
    clean = hesitation["clean"]
    content = [w.lower() for w in WORD_PATTERN.findall(clean)]
    linking = linking_usage(clean, len(content))
    overlap = prompt_overlap(content, prompt)
    less_common = sorted({w for w in content if len(w) >= 6 and 0 < lexicon.zipf(w) < 4.0
                          and lexicon.rarity_zipf(w) < 4.0 and spelling.is_spelled_right(w)})
    timing = audio_measures(audio) if audio else {}
    if "speech_rate_wpm" in timing:  # the pace of language: fillers said quickly are not fluency
        timing["content_rate_wpm"] = round(timing["speech_rate_wpm"] * len(content) / max(1, len(words)), 1)
    sentences = split_sentences(clean)
    coherence, scored = transcript_coherence(sentences) if len(content) >= COHERENCE_MIN_WORDS else (None, 0)
    return {
        "word_count": len(words),
        "content_words": len(content),
        "expected_words": SPEAKING_EXPECTED_WORDS[task_type],
        "part": task_type,
        "fillers": hesitation["fillers"],
        "fillers_per_100_words": round(hesitation["fillers"] * 100 / max(1, len(words)), 2),
        "self_repairs": hesitation["repeated_words"],
        "disfluent_share": round(hesitation["disfluent_share"], 3),
        "linking_words": linking["counts"],
        "overused_linking_words": linking["overused"],
        "window_ttr": round(window_ttr(content, SPEAKING_TTR_WINDOW), 3),
        "less_common_words": less_common[:10],
        "less_common_per_100_words": round(len(less_common) * 100 / max(1, len(content)), 2),
        "beyond_everyday_share": round(beyond_everyday_share(content), 3),
        "subordinate_clauses": sum(1 for w in content if w in lexicon.SUBORDINATORS),
        "structures": structures_used(clean),
        "grammar_slips": [slip.words for sentence in sentences for slip in grammar.check(sentence)],
        "word_order_gain": round(wordorder.plausibility(sentences)["order_gain"], 2) if len(content) >= 20 else None,
        "transcript_coherence": round(coherence, 3) if coherence is not None and scored >= COHERENCE_MIN_WORDS else None,
        "repeated_phrase_share": round(repeated_phrase_share(content, [w.lower() for w in WORD_PATTERN.findall(
            prompt or "")]), 3),
        "prompt_overlap": None if math.isnan(overlap) else round(overlap, 2),
        **_relevance(clean, prompt, task_type),
        **_memorised(clean, len(content)),
        **timing,
    }


def _relevance(text: str, prompt: str | None, task_type: str) -> dict:
    """How far the answer addresses the question or cue card, by the writing side's measures.

    ``relevance`` is the topic score (``relevance.relevance``: below 0 is off it), ``key_terms_used``
    the card's three most specific words the answer uses, and ``question_fit`` the meaning-based
    verdict (``meaning.fit``), reported for the feedback. A long turn is also read without its
    opening (``body_relevance``, ``key_terms_in_body``): a talk learnt for another card, introduced
    with a sentence naming this one, keeps to the card only there.
    """
    if not prompt:
        return {"relevance": None, "key_terms_used": None, "body_relevance": None, "key_terms_in_body": None,
                "question_fit": None, "card_subject": None}
    # Restating the card ("the person who has influenced me most is...") is how speakers begin, so the
    # whole answer is read; the body is read without the card's wording, which a prepared talk may
    # borrow to seem to fit.
    topic = relevance.content_stems(text)
    score = relevance.relevance(topic, prompt, 2)
    key_terms = relevance.key_terms_used(topic, prompt)
    own_words = mask_copied(text, prompt).split()
    body_score = body_terms = subject = None
    if task_type == "speaking_part_2" and len(own_words) >= LONG_TURN_WORDS and score is not None:
        body = relevance.content_stems(" ".join(own_words[OPENING_WORDS:]))
        body_score, body_terms = relevance.relevance(body, prompt, 2), relevance.key_terms_used(body, prompt)
        subject = card_subject_taken_up(" ".join(own_words), prompt)
    fit = meaning.fit(text, topic, prompt, score, key_terms) if score is not None else None
    return {"relevance": None if score is None else round(score, 2),
            "key_terms_used": key_terms,
            "body_relevance": None if body_score is None else round(body_score, 2),
            "key_terms_in_body": body_terms,
            "question_fit": fit,
            "card_subject": subject}


@functools.lru_cache(maxsize=10_000)
def card_subject(card: str) -> tuple:
    """(the particular words of a cue card's subject as stems, whether the subject is a person): "Describe
    a person who helped you" -> ({"person", "help"}, True); "a time when you were very busy" -> ({"busy"},
    False). The subject is the card's first sentence, before "You should say". It is a person when one
    is named first ("a person", "an old friend") or after an everyday head ("a time you helped
    someone"), not when a person only comes with a thing ("a gift you gave to someone")."""
    clause = _SUBJECT_END.split(card, maxsplit=1)[0]
    words = [w.lower() for w in WORD_PATTERN.findall(clause)]
    content = [w for w in words if w not in wordorder.FUNCTION_WORDS and w != "describe"]
    stems = set(relevance.content_stems(clause)) - _EVERYDAY_SUBJECT
    everyday_head = bool(content) and relevance.stem(content[0]) in _EVERYDAY_SUBJECT
    about_person = bool(_PERSON_NOUNS & set(content[:2])) or (everyday_head and bool(_PERSON_NOUNS & set(content)))
    return stems, about_person


@functools.lru_cache(maxsize=100_000)
def _forms(word: str) -> frozenset:
    """The stems of a word and of its lemmas: "busiest" also reads as "busy", "learnt" as "learn"."""
    import lemminflect

    lemmas = {lemma for found in lemminflect.getAllLemmas(word).values() for lemma in found}
    return frozenset(relevance.stem(form) for form in {word} | lemmas)


def card_subject_taken_up(text: str, card: str) -> dict | None:
    """Whether a long turn takes up its card's particular subject, and how much of the card it covers.

    A card on a person is taken up by a talk about him or her (third-person singular in a share of the
    sentences), whatever words name them; any other card by a talk using one of the subject's own words
    in any form. ``coverage`` is the IDF-weighted share of all the card's topic words the talk uses, in
    any form. None when the card names no particular subject.
    """
    stems, about_person = card_subject(card)
    if not stems and not about_person:
        return None
    card_stems = set(relevance.question_stems(card))
    wanted, initials = stems | card_stems, {t[0] for t in stems | card_stems}
    words = [w.lower() for w in WORD_PATTERN.findall(text)]
    # Only a word that could be a form of one of the card's words is lemmatised (a lemma keeps its initial:
    # busiest / busy, learnt / learn; went / go is not a card's word).
    forms = [{relevance.stem(w)} if w[0] not in initials or relevance.stem(w) in wanted else _forms(w)
             for w in words]
    used = set().union(*forms) if words else set()
    if about_person:
        sentences = split_sentences(text)
        naming = sum(1 for s in sentences if _THIRD_PERSON & {w.lower() for w in WORD_PATTERN.findall(s)})
        taken_up = naming >= PERSON_SENTENCE_SHARE * max(1, len(sentences))
    else:
        # Said where a speaker names what the talk is about (its opening), or more than in passing: "an
        # hour late" once in a talk about a wedding does not make it a talk about being late.
        opening = set().union(*forms[:OPENING_WORDS]) if words else set()
        said = sum(1 for found in forms if stems & found)
        taken_up = bool(stems & opening) or said >= SUBJECT_SAID_TIMES
    weights = {s: relevance.idf(s) for s in dict.fromkeys(relevance.question_stems(card))}
    coverage = sum(w for s, w in weights.items() if s in used) / (sum(weights.values()) or 1.0)
    return {"subject": sorted(stems), "about_a_person": about_person, "taken_up": taken_up,
            "coverage": round(coverage, 3)}


def _memorised(text: str, words: int) -> dict:
    """Set phrases learnt by heart for the test: a few are natural, many in one answer are rehearsed."""
    found = [m.group(0).lower() for m in _MEMORISED_PHRASES.finditer(text)]
    return {"memorised_phrases": found, "memorised_per_100_words": round(len(found) * 100 / max(1, words), 2)}


def speaking_bands(m: dict) -> tuple:
    """(criterion bands, criteria estimated from weak evidence, the ceilings and why) from the measures."""
    timed = "speech_rate_wpm" in m
    content = max(1, m["content_words"])

    # Fluency: hesitation (fillers, restarts) from the transcript, plus the pace of language (fillers
    # aside) and pauses when timed; a steady pace never makes up for hesitation, so fluency stays within
    # a band of what the hesitation alone gives. Coherence: the range of connectives, less what
    # hesitation breaks up. Answers much shorter than the part expects show an inability to keep going.
    hesitation = interpolate(100 * m["disfluent_share"], HESITATION_BANDS)
    fluency_parts = [hesitation]
    if timed:
        fluency_parts.append(interpolate(m["content_rate_wpm"], SPEECH_RATE_BANDS))
        fluency_parts.append(interpolate(m["pauses_per_minute"], PAUSES_PER_MINUTE_BANDS))
    coherence = (COHERENCE_BASE_BAND
                 + min(COHERENCE_MAX_GAIN, COHERENCE_PER_CONNECTIVE * len(m["linking_words"]))
                 - COHERENCE_OVERUSE_COST * len(m["overused_linking_words"])
                 - COHERENCE_HESITATION_COST * m["disfluent_share"])
    fluency = (1 - COHERENCE_WEIGHT) * sum(fluency_parts) / len(fluency_parts) + COHERENCE_WEIGHT * coherence
    fluency = min(fluency, hesitation + HESITATION_MARGIN)
    fluency -= SHORT_ANSWER_PENALTY * max(0.0, 1 - m["content_words"] / (SHORT_ANSWER_SHARE * m["expected_words"]))

    lexical = (interpolate(m["window_ttr"], WINDOW_TTR_BANDS)
               + interpolate(m["less_common_per_100_words"], LESS_COMMON_PER_100_BANDS)
               + interpolate(m["beyond_everyday_share"], BEYOND_EVERYDAY_BANDS)) / 3
    # Range: how often complex structures come and how many kinds there are; accuracy: the slips.
    # (a rate read off a short answer is held to what its count of clauses shows: one "because" in 30 words
    # is not a band-7 range)
    density = min(interpolate(m["subordinate_clauses"] * 100 / content, CLAUSES_PER_100_BANDS),
                  interpolate(m["subordinate_clauses"], CLAUSE_COUNT_BANDS))
    kinds = interpolate(len(m["structures"]), STRUCTURE_KINDS_BANDS)
    accuracy = max(min(density, kinds + DENSITY_ABOVE_KINDS), kinds)
    accuracy -= min(MAX_SLIP_PENALTY, SLIP_PENALTY_PER_RATE * len(m["grammar_slips"]) * 100 / content)

    weak = []
    if m.get("mean_word_confidence") is not None:
        pronunciation = min(interpolate(m["mean_word_confidence"], WORD_CONFIDENCE_BANDS),
                            fluency + PRONUNCIATION_ABOVE_FLUENCY_CAP)
    else:
        pronunciation = (fluency + lexical + accuracy) / 3 + PRONUNCIATION_WITHOUT_AUDIO_OFFSET
        weak.append("pronunciation")
    if not timed:
        weak.append("fluency_coherence")
    if low_recognition(m) or word_salad(m) or doubtful_transcript(m):  # the transcript itself may be wrong
        weak += ["lexical_resource", "grammatical_range_accuracy"]
    bands = {
        "fluency_coherence": fluency,
        "lexical_resource": lexical,
        "grammatical_range_accuracy": accuracy,
        "pronunciation": pronunciation,
    }
    bands = {c: float(math.floor(_clamp(b) + 0.5)) for c, b in bands.items()}  # whole bands, as examiners give
    ceilings = speaking_caps(m)
    if m["content_words"] < SMALL_SAMPLE_WORDS:  # said only where it lowers a band: short answers are normal
        for criterion, band in SMALL_SAMPLE_CEILINGS.items():
            if bands[criterion] > band:
                lowest, reasons = ceilings.get(criterion, (9.0, []))
                ceilings[criterion] = (min(lowest, band), reasons + [
                    f"Only {m['content_words']} words: too little to show the range the highest bands ask for."])
    for criterion, (band, _) in ceilings.items():
        bands[criterion] = min(bands[criterion], band)
    # Hesitant or cut-short speech cannot show connected-speech features either.
    bands["pronunciation"] = min(bands["pronunciation"], bands["fluency_coherence"] + PRONUNCIATION_ABOVE_FLUENCY_CAP)
    return bands, list(dict.fromkeys(weak)), ceilings


def off_topic(m: dict) -> bool:
    """The answer is about something else than the question or cue card.

    The writing thresholds: a topic score below 0, or below 1 with none of the question's key terms.
    A long turn has more words to judge by, and honest long turns score 1.6 or more on their card
    even in their own words (a grandmother for "a person who has influenced you"): below 1.5 with no
    key term it is about something else, and so is one whose key terms all sit in its opening
    sentence while its body scores below 1.5. On cards in everyday words ("a person who helped you")
    a talk on a neighbouring theme shares the card's words (people, time, help) and scores as high: it
    is about something else when it does not take up the card's particular subject (a person for a card
    on one, the subject's own words otherwise) and covers under three quarters of the card's words
    (``card_subject_taken_up``).
    """
    score = m["relevance"]
    if score is None:
        return False
    if score < relevance.UNRELATED_BELOW or (score < relevance.TANGENTIAL_BELOW and m["key_terms_used"] == 0):
        return True
    if m["body_relevance"] is None:
        return False
    spliced = m["key_terms_used"] > 0 and m["key_terms_in_body"] == 0  # the card's words only in the opening
    subject = m.get("card_subject")
    elsewhere = subject is not None and not subject["taken_up"] and subject["coverage"] < CARD_COVERAGE_SUPPORT
    return (m["key_terms_used"] == 0 and score < LONG_TURN_TANGENTIAL) or (
        spliced and m["body_relevance"] < LONG_TURN_TANGENTIAL) or elsewhere


def speaking_caps(m: dict) -> dict:
    """criterion -> (ceiling, reasons): an answer that ignores the question, one recited from memory,
    one more filler than language, a long turn cut short, or words not in English order."""
    caps = {}

    def cap(ceilings: dict, reason: str) -> None:
        for criterion, band in ceilings.items():
            lowest, reasons = caps.get(criterion, (9.0, []))
            caps[criterion] = (min(lowest, band), reasons + [reason])

    if off_topic(m):
        cap(OFF_TOPIC_CEILINGS, "The answer does not address the question: a prepared answer on another topic "
                                "cannot be credited.")
    if padded(m):
        cap(PADDING_CEILINGS, f"Most of the answer is hesitation ({m['fillers']} fillers and {m['self_repairs']} "
                              f"repeated words, {100 * m['disfluent_share']:.0f}% of what was said): there is too "
                              "little language to credit.")
    if len(m["memorised_phrases"]) >= MEMORISED_MIN and m["memorised_per_100_words"] >= MEMORISED_PER_100:
        recited = m["memorised_per_100_words"] >= RECITED_PER_100  # more set phrase than answer
        cap({"lexical_resource": 5.0 if recited else 6.0, "fluency_coherence": 5.0 if recited else 6.0,
             "grammatical_range_accuracy": 6.0 if recited else 9.0},
            f"Many set phrases learnt by heart ({', '.join(repr(p) for p in m['memorised_phrases'][:3])}): "
            "listeners hear a rehearsed answer, not flexible language.")
    if doubtful_transcript(m):
        cap({"lexical_resource": DOUBTFUL_LEXICAL}, "Parts of the transcript do not hang together (words that do not "
                                                    "fit the words around them): some words may be the recogniser's "
                                                    "mishearings, so their variety is not credited.")
    repetition = repetition_ceilings(m)
    if repetition:
        cap(repetition, f"The same phrases come back again and again ({100 * m['repeated_phrase_share']:.0f}% of "
                        "the words repeat a phrase already said): listeners hear a few words recycled, not a "
                        "range of vocabulary, and the answer stops moving forward.")
    short = short_long_turn(m)
    if short:
        seconds = m.get("duration_seconds")
        cap(short, f"The long turn is too short: {m['content_words']} words"
                   + (f" in {seconds:g} seconds" if seconds else "")
                   + "; Part 2 asks you to speak for one to two minutes, and a short turn cannot show "
                     "sustained speech.")
    if word_salad(m):
        cap(WORD_SALAD_CEILINGS, "The words do not form English sentences (their order is not English word "
                                 "order); if this is a recogniser's transcript, the recording was not clear "
                                 "enough to be rated reliably.")
    return caps


def short_long_turn(m: dict) -> dict:
    """The ceilings for a Part 2 long turn too short to show sustained speech ({} if it is not)."""
    if m["part"] != "speaking_part_2":
        return {}
    share = m["content_words"] / m["expected_words"]
    spoke_a_minute = (m.get("duration_seconds") or 0) >= LONG_TURN_MIN_SECONDS
    for below, ceilings in SHORT_LONG_TURN_CEILINGS:
        if share < below and not (spoke_a_minute and below > VERY_SHORT_SHARE):
            return ceilings
    return {}


def repetition_ceilings(m: dict) -> dict:
    """The ceilings for an answer recycling its own phrases ({} if it does not)."""
    for share, ceilings in REPETITION_CEILINGS:
        if m["repeated_phrase_share"] >= share:
            return ceilings
    return {}


def padded(m: dict) -> bool:
    return m["disfluent_share"] > PADDING_DISFLUENT_SHARE


def low_recognition(m: dict) -> bool:
    return m.get("mean_word_confidence") is not None and m["mean_word_confidence"] < LOW_RECOGNITION


def unrateable(m: dict) -> bool:
    """The recogniser was too unsure for its transcript to be taken as what was said.

    The mean word confidence is under 0.55, over a third of the words were barely heard (under 0.4),
    or the transcript is not in English word order while the recogniser was less than sure of it.
    """
    confidence, unheard = m.get("mean_word_confidence"), m.get("unheard_word_share")
    if confidence is None:
        return False
    return (confidence < UNRATEABLE_RECOGNITION or (unheard is not None and unheard > UNRATEABLE_UNHEARD_SHARE)
            or (word_salad(m) and confidence < SALAD_TRUSTED_RECOGNITION) or garbled_transcript(m))


def garbled_transcript(m: dict) -> bool:
    """A transcript the recogniser was unsure of whose words do not hang together: the words are real but
    likely not the ones spoken (``transcript_coherence`` under GARBLED_COHERENCE, confidence under
    SALAD_TRUSTED_RECOGNITION). A sure recogniser's transcript is the speaker's own broken English, rated
    (and doubted: ``doubtful_transcript``). An answer that is mostly fillers and restarts is not judged
    so: its broken sequences are the speaker's, and the padding ceilings rate it."""
    confidence, coherence = m.get("mean_word_confidence"), m.get("transcript_coherence")
    if confidence is None or coherence is None or padded(m):  # stalling breaks sequences up: it is rated as such
        return False
    return confidence < SALAD_TRUSTED_RECOGNITION and coherence < GARBLED_COHERENCE


def doubtful_transcript(m: dict) -> bool:
    """A recogniser's transcript rated, but whose words hang together less than honest speech does."""
    confidence, coherence = m.get("mean_word_confidence"), m.get("transcript_coherence")
    if confidence is None or coherence is None or padded(m):
        return False
    return coherence < _coherence_doubted_below(confidence) + DOUBTFUL_MARGIN


def _coherence_doubted_below(confidence: float) -> float:
    return min(UNSURE_COHERENCE, GARBLED_COHERENCE + max(0.0, SURE_RECOGNITION - confidence))


def word_salad(m: dict) -> bool:
    """The transcript is not in English word order (the writing side's threshold, ``wordorder``)."""
    return m["word_order_gain"] is not None and m["word_order_gain"] < wordorder.WORD_SALAD_GAIN


def score_speaking(task_type: str, text: str, prompt: str | None, audio: dict | None) -> dict:
    """Bands, confidence, feedback and features of a speaking answer."""
    measures = speaking_measures(task_type, text, prompt, audio)
    if unrateable(measures):
        return _unrateable_result(task_type, measures)
    bands, weak, ceilings = speaking_bands(measures)
    timed = "speech_rate_wpm" in measures
    confidence = TIMED_CONFIDENCE if timed else TRANSCRIPT_CONFIDENCE
    if low_recognition(measures) or word_salad(measures) or doubtful_transcript(measures):
        confidence = WEAK_EVIDENCE_CONFIDENCE
    criteria = [_speaking_criterion(c, bands[c], measures, c in weak, timed, ceilings.get(c)) for c in bands]
    overall = mean_band(bands.values())
    notes = [SPEAKING_NOTE] + ([LOW_RECOGNITION_NOTE] if low_recognition(measures) else [])
    return {
        "overall_band_score": overall,
        "confidence": confidence,
        "criteria_scores": criteria,
        "detailed_feedback": _speaking_summary(overall, criteria, weak),
        "feature_analysis": {**measures, "has_audio_timings": timed, "weak_evidence": weak,
                             "low_recognition_confidence": low_recognition(measures),
                             "unreliable_transcript": False,
                             "band_caps": {c: " ".join(reasons) for c, (_, reasons) in ceilings.items()},
                             "band_ceilings": band_ceilings(ceilings, bands), "notes": notes},
    }


def band_ceilings(ceilings: dict, bands: dict) -> dict:
    """criterion -> ceiling, and the overall band they allow (the IELTS-rounded mean of the ceilings, a
    criterion without one at 9): every band given is at most its ceiling, so the overall band is at most
    the overall ceiling."""
    if not ceilings:
        return {}
    limits = {c: band for c, (band, _) in ceilings.items()}
    return {**limits, "overall": mean_band([limits.get(c, 9.0) for c in bands])}


def _unrateable_result(task_type: str, measures: dict) -> dict:
    """No band, and no confidence in one: the transcript may not be what the learner said."""
    result = fixed.unrecognised(task_type, measures["mean_word_confidence"], measures["word_count"])
    result["confidence"] = UNRATEABLE_CONFIDENCE
    for criterion in result["criteria_scores"]:
        criterion["confidence"] = UNRATEABLE_CONFIDENCE
        criterion["weaknesses"].insert(0, UNRATEABLE_NOTE)
    result["detailed_feedback"] = UNRATEABLE_NOTE + " " + result["detailed_feedback"]
    if garbled_transcript(measures) and not _unheard(measures):
        _say_why_garbled(result, measures)
    result["feature_analysis"].update(unreliable_transcript=True, unheard_word_share=measures.get("unheard_word_share"),
                                      word_order_gain=measures["word_order_gain"],
                                      transcript_coherence=measures["transcript_coherence"],
                                      garbled_transcript=garbled_transcript(measures),
                                      weak_evidence=list(CRITERIA[task_type]))
    return result


def _unheard(m: dict) -> bool:
    """The recogniser itself said it could not hear the recording (the reason ``fixed.unrecognised`` gives)."""
    unheard = m.get("unheard_word_share")
    return m["mean_word_confidence"] < UNRATEABLE_RECOGNITION or (
        unheard is not None and unheard > UNRATEABLE_UNHEARD_SHARE)


def _say_why_garbled(result: dict, m: dict) -> None:
    """The recogniser was confident, so its confidence is not the reason: the transcript's own words are."""
    reason = GARBLED_NOTE.format(confidence=m["mean_word_confidence"]) + (
        " A band would be read from words that were probably not the words spoken, so no band was given.")
    for criterion in result["criteria_scores"]:
        criterion["weaknesses"] = [UNRATEABLE_NOTE, reason]
        criterion["feedback"] = f"{CRITERION_NAMES[criterion['criterion']]}: no band. {reason}"
    suggestion = result["criteria_scores"][0]["suggestions"][0]
    result["detailed_feedback"] = f"{UNRATEABLE_NOTE} {reason} {suggestion}"


def _clamp(band: float) -> float:
    return max(1.0, min(9.0, band))


def _speaking_criterion(criterion: str, band: float, m: dict, weak: bool, timed: bool, ceiling) -> dict:
    strengths, weaknesses, suggestions = _CRITERION_NOTES[criterion](m, timed, weak)
    if ceiling:
        weaknesses[:0] = ceiling[1]
    if not weaknesses:
        weaknesses = (["Nothing held this back in the answer."] if band >= 7 else
                      [f"At band {band:g}, listeners would expect more range and control for a higher band."])
    return {
        "criterion": criterion,
        "band_score": band,
        "confidence": WEAK_EVIDENCE_CONFIDENCE if weak else (TIMED_CONFIDENCE if timed else TRANSCRIPT_CONFIDENCE),
        "feedback": f"{CRITERION_NAMES[criterion]}: band {band:g}, {band_summary(band)}."
                    + (" (estimated from weak evidence)" if weak else ""),
        "strengths": strengths or ["The answer shows some control of this area."],
        "weaknesses": weaknesses,
        "suggestions": suggestions or [DEFAULT_SUGGESTIONS[criterion]],
    }


def _fluency_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    hesitant = m["disfluent_share"] > NATURAL_PACE_MAX_DISFLUENCY
    if m["fillers_per_100_words"] > 4:
        weaknesses.append(f"You used {m['fillers']} filler words (um, uh, you know...), "
                          f"{m['fillers_per_100_words']:g} per 100 words.")
        suggestions.append("Replace fillers with a short silent pause, or phrases such as 'Let me think about that'.")
    if m["self_repairs"] >= 3:
        weaknesses.append(f"You restarted or repeated words {m['self_repairs']} times (\"I went, I went to the, "
                          "the...\"), which breaks up what you say.")
    if timed and m["content_rate_wpm"] < 100:
        weaknesses.append(f"Your pace is slow: {m['content_rate_wpm']:g} words per minute, fillers aside.")
        suggestions.append("Practise speaking for 1-2 minutes on familiar topics to build pace.")
    elif timed and not hesitant:  # fillers and restarts said quickly do not make a pace natural
        strengths.append(f"You keep a natural pace: {m['speech_rate_wpm']:g} words per minute.")
    if timed and m["pauses_per_minute"] > 10:
        weaknesses.append(f"You paused {m['pauses']} times for more than half a second.")
    if m["content_words"] < SHORT_ANSWER_SHARE * m["expected_words"]:
        weaknesses.append(f"Your answer is short ({m['word_count']} words); listeners expect about "
                          f"{m['expected_words']} words for this part.")
        suggestions.append("Extend your answers with a reason and an example.")
    if len(m["linking_words"]) >= 3:
        strengths.append("You connect ideas with " + ", ".join(sorted(m["linking_words"])[:4]) + ".")
    return strengths, weaknesses, suggestions


def _lexical_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m["less_common_words"]:
        strengths.append("You use less common words such as "
                         + ", ".join(repr(w) for w in m["less_common_words"][:4]) + ".")
    else:
        suggestions.append("Use more topic-specific and less common vocabulary.")
    if m["window_ttr"] < 0.62:
        weaknesses.append("You repeat the same words often.")
        suggestions.append("Paraphrase and use synonyms instead of repeating words.")
    return strengths, weaknesses, suggestions


def _grammar_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m["grammar_slips"]:
        weaknesses.append("Grammar errors: " + ", ".join(f"'{s}'" for s in m["grammar_slips"][:4]) + ".")
        suggestions.append("Check subject-verb agreement and verb forms as you speak.")
    if m["subordinate_clauses"] >= 3:
        strengths.append("You use complex sentences (because, which, if, when...).")
    else:
        suggestions.append("Use more complex sentences with because, although, which and if.")
    return strengths, weaknesses, suggestions


def _pronunciation_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m.get("mean_word_confidence") is None:
        weaknesses.append("Pronunciation was estimated from the transcript only: no audio timings with "
                          "recognition confidence were given.")
    elif low_recognition(m):
        weaknesses.append(f"The recogniser was unsure of much of the recording (confidence "
                          f"{m['mean_word_confidence']:.2f}): listeners may struggle to catch some words.")
        suggestions.append("Record again in a quiet room, speaking clearly at a steady pace.")
    elif m.get("low_confidence_words"):
        weaknesses.append("Some words were hard to recognise: " + ", ".join(m["low_confidence_words"][:5]) + ".")
        suggestions.append("Practise the sounds and word stress of these words.")
    else:
        strengths.append("Your words were recognised clearly.")
    return strengths, weaknesses, suggestions


_CRITERION_NOTES = {"fluency_coherence": _fluency_notes, "lexical_resource": _lexical_notes,
                    "grammatical_range_accuracy": _grammar_notes, "pronunciation": _pronunciation_notes}


def _speaking_summary(overall: float, criteria: list, weak: list) -> str:
    text = f"Estimated speaking band {overall:g} ({band_summary(overall)})."
    if weak:
        names = ", ".join(CRITERION_NAMES[c] for c in weak)
        text += f" {names} estimated from weaker evidence (transcript only)."
    weakest_first = sorted(criteria, key=lambda c: c["band_score"])
    actions = list(dict.fromkeys(c["suggestions"][0] for c in weakest_first))[:2]
    return text + " Next steps: " + " ".join(actions)
