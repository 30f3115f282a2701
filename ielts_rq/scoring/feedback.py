"""Feedback on a writing answer that a learner can act on.

Every weakness is the learner's own evidence: the words they misspelled
(with the correction), the sentence with a grammar error (quoted, the words
at fault named), the linking words they overused (with counts), their word
count against the minimum, the text that was set aside and why, and the
reason for any ceiling the descriptors set. Nothing is claimed about words
that are not in the answer, and a criterion's comment agrees with its band:
a band below 7 always says what holds it back.
"""

from __future__ import annotations

from collections import Counter

from . import lexicon

CRITERION_NAMES = {
    "task_achievement": "Task Achievement",
    "task_response": "Task Response",
    "coherence_cohesion": "Coherence and Cohesion",
    "lexical_resource": "Lexical Resource",
    "grammatical_range_accuracy": "Grammatical Range and Accuracy",
    "fluency_coherence": "Fluency and Coherence",
    "pronunciation": "Pronunciation",
}


def criterion_name(criterion: str) -> str:
    """The human name of a criterion: ``task_response`` -> ``Task Response``."""
    return CRITERION_NAMES.get(criterion) or " ".join(word.capitalize() for word in criterion.split("_"))

# What a band means, in the spirit of the public IELTS band descriptors (for readers and listeners alike).
BAND_SUMMARIES = (
    (9.0, "expert: full command of the language"),
    (8.0, "very good: only rare, minor lapses"),
    (7.0, "good: effective control with occasional slips"),
    (6.0, "competent: generally effective, with noticeable errors or limits"),
    (5.0, "modest: the message gets across, but with frequent problems"),
    (4.0, "limited: problems often get in the way of the message"),
    (0.0, "very limited: the message is hard to follow"),
)
# What holds a criterion at a band below 7 when no single error explains it (the descriptors' words).
HELD_BACK = {
    "task": "the ideas are not developed fully enough: extend each main point with an explanation and an example",
    "coherence_cohesion": "the progression of ideas and the linking within and between paragraphs are not yet "
                          "consistently clear",
    "lexical_resource": "the vocabulary is not yet wide or precise enough for a higher band",
    "grammatical_range_accuracy": "the range of sentence structures is limited for a higher band",
}

MAX_QUOTE_CHARS = 160
MAX_LISTED = 5
# Alternatives to suggest for an overused linking word.
ALTERNATIVES = {
    "moreover": "in addition, furthermore, what is more",
    "furthermore": "moreover, in addition, besides",
    "in addition": "moreover, furthermore, also",
    "also": "in addition, as well, too",
    "however": "nevertheless, on the other hand, yet",
    "but": "however, yet, although",
    "so": "therefore, as a result, consequently",
    "because": "since, as, due to the fact that",
    "therefore": "consequently, as a result, thus",
    "for example": "for instance, such as, to illustrate",
    "firstly": "to begin with, first of all",
    "and then": "after that, subsequently",
    "then": "after that, subsequently, next",
}


def band_summary(band: float) -> str:
    """One-phrase meaning of a band."""
    return next(text for floor, text in BAND_SUMMARIES if band >= floor)


def quote(sentence: str, focus: str | None = None) -> str:
    """A learner's sentence in quotes; if very long, the part around ``focus``."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= MAX_QUOTE_CHARS:
        return f'"{sentence}"'
    start = max(0, sentence.find(focus) - MAX_QUOTE_CHARS // 2) if focus and focus in sentence else 0
    excerpt = sentence[start:start + MAX_QUOTE_CHARS]
    if start > 0:
        excerpt = "..." + excerpt.split(" ", 1)[-1]
    if start + MAX_QUOTE_CHARS < len(sentence):
        excerpt = excerpt.rsplit(" ", 1)[0] + "..."
    return f'"{excerpt}"'


def spelling_corrections(slips: list) -> list:
    """'wrong -> right (n times)' for the most frequent misspellings, as the learner wrote them."""
    counts = Counter(slip.word for slip in slips)
    corrections = {slip.word: slip.correction for slip in slips}
    items = []
    for word, count in counts.most_common(MAX_LISTED):
        arrow = f"{word} -> {corrections[word]}" if corrections[word] else f"{word} (check the spelling)"
        items.append(arrow + (f" ({count} times)" if count > 1 else ""))
    return items


def repeated_content_words(words: list, limit: int = 3, at_least: int = 5) -> list:
    """The content words used most often, as (word, count), if used ``at_least`` times."""
    counts = Counter(w for w in words if len(w) >= 4 and w not in lexicon.ENGLISH_FUNCTION_WORDS
                     and w not in ("that", "with", "have", "this", "they", "there", "their"))
    return [(w, n) for w, n in counts.most_common(limit) if n >= at_least]


def task_feedback(task_type: str, values: dict, evidence: dict, caps: list, band: float) -> dict:
    """Strengths, weaknesses and suggestions for Task Achievement / Task Response."""
    strengths, weaknesses, suggestions = [], _cap_reasons(caps, "task"), []
    word_count, minimum = evidence["word_count"], evidence["min_words"]
    task_name = "Task 1" if task_type == "writing_task_1" else "Task 2"
    if word_count < minimum:
        weaknesses.append(f"You wrote {word_count} words of your own; {task_name} needs at least {minimum}.")
        suggestions.append(f"Develop your answer to at least {minimum} words: under-length answers "
                           "lose marks for the task.")
    else:
        strengths.append(f"You wrote {word_count} words, meeting the {minimum}-word minimum.")
    weaknesses += _set_aside(evidence["originality"])
    relevance = evidence["relevance"]
    if relevance is not None and not any(c.criterion == "task" for c in caps) and relevance >= 3:
        strengths.append("Your answer keeps to the question throughout.")
    if task_type == "writing_task_1":
        if not evidence["task_moves"]["overview"]:
            weaknesses.append("There is no clear overview of the main trends.")
            suggestions.append("Add an overview sentence that sums up the main features (the largest change, the "
                               "highest and lowest figures) before the details.")
        else:
            strengths.append("You include an overview of the main features.")
        if values["number_rate"] < 1.0:
            suggestions.append("Support your description with specific figures from the data.")
    else:
        if not evidence["task_moves"]["position"]:
            weaknesses.append("Your own position is not clearly stated.")
            suggestions.append("Say in the introduction where you stand on the question, and say it again in the "
                               "conclusion.")
        if not evidence["task_moves"]["conclusion"]:
            weaknesses.append("The essay has no clearly signalled conclusion.")
            suggestions.append("Finish with a short concluding paragraph that sums up your answer to the question.")
        else:
            strengths.append("Your essay ends with a clear conclusion.")
    return _complete("task", band, strengths, weaknesses, suggestions,
                     "Address every part of the question and support each main idea with an explanation or example.")


def coherence_feedback(values: dict, evidence: dict, caps: list, band: float) -> dict:
    """Strengths, weaknesses and suggestions for Coherence and Cohesion."""
    strengths, weaknesses, suggestions = [], _cap_reasons(caps, "coherence_cohesion"), []
    linking = evidence["linking"]
    used = sorted(linking["counts"], key=linking["counts"].get, reverse=True)
    if len(used) >= 5:
        strengths.append(f"You use a range of linking words ({', '.join(used[:MAX_LISTED])}).")
    elif len(used) <= 2:
        weaknesses.append("You use very few linking words to connect your ideas"
                          + (f" (only {', '.join(used)})." if used else "."))
        suggestions.append("Connect ideas with linking words such as however, as a result, for instance and "
                           "in contrast.")
    for linker, count in sorted(linking["overused"].items(), key=lambda kv: -kv[1]):
        weaknesses.append(f"You overuse '{linker}' ({count} times).")
        alternatives = ALTERNATIVES.get(linker)
        suggestions.append(f"Vary '{linker}'" + (f" with {alternatives}" if alternatives else "")
                           + ", or link ideas through reference (this, these, such).")
    paragraphs = evidence["paragraph_count"]
    if paragraphs <= 1:
        weaknesses.append("Your answer is a single block of text with no paragraphs.")
        suggestions.append("Organise your answer into paragraphs: an introduction, one paragraph per main idea, "
                           "and a conclusion.")
    elif paragraphs >= 3:
        strengths.append(f"Your answer is organised into {paragraphs} paragraphs.")
    run_ons = evidence["grammar"]["run_on_sentences"]
    if run_ons:
        weaknesses.append(f"Some sentences run on too long, e.g. {quote(max(run_ons, key=len))}")
        suggestions.append("Split very long sentences into two or three, each with one main idea.")
    return _complete("coherence_cohesion", band, strengths, weaknesses, suggestions,
                     _keep_linking(paragraphs, used), _links_leaned_on(linking["counts"]))


def lexical_feedback(values: dict, evidence: dict, words: list, caps: list, band: float) -> dict:
    """Strengths, weaknesses and suggestions for Lexical Resource."""
    strengths, weaknesses, suggestions = [], _cap_reasons(caps, "lexical_resource"), []
    misspelt = evidence["misspellings"]
    if misspelt:
        weaknesses.append(f"{len(misspelt)} spelling error(s): {'; '.join(spelling_corrections(misspelt))}.")
        suggestions.append("Learn the correct spelling of the words above and proofread for spelling before you "
                           "finish.")
    else:
        strengths.append("No spelling errors were found.")
    if evidence["advanced_words"]:
        strengths.append("You use less common vocabulary of your own, such as "
                         f"{', '.join(repr(w) for w in evidence['advanced_words'][:MAX_LISTED])}.")
    else:
        suggestions.append("Use more precise, less common vocabulary for your topic instead of general words.")
    repeated = repeated_content_words(words)
    if repeated and values["window_ttr"] < 0.75:
        listed = ", ".join(f"'{w}' ({n} times)" for w, n in repeated)
        weaknesses.append(f"Some words are repeated often: {listed}.")
        suggestions.append("Use synonyms or pronouns for words you repeat.")
    elif values["window_ttr"] >= 0.8:
        strengths.append("Your vocabulary is varied: you rarely repeat the same words.")
    return _complete("lexical_resource", band, strengths, weaknesses, suggestions,
                     _keep_choosing(evidence["advanced_words"]), _words_leaned_on(words, evidence["advanced_words"]))


def _words_leaned_on(words: list, advanced_words: list) -> str:
    """The answer's most used content words (or how few less common ones it has), for a vocabulary held
    back: what it leans on."""
    leaned_on = [f"'{w}' ({n} times)" for w, n in repeated_content_words(words, at_least=3)]
    if leaned_on:
        return f"the words used most are {', '.join(leaned_on)}."
    if advanced_words:
        return f"its less common words are only {', '.join(repr(w) for w in advanced_words[:3])}."
    return "it uses no less common words."


def _links_leaned_on(counts: dict) -> str:
    """The linking words the answer uses most, for linking held back: what its cohesion rests on."""
    if not counts:
        return "no linking words join the sentences."
    listed = ", ".join(f"'{w}' ({n} times)" if n > 1 else f"'{w}'"
                       for w, n in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
    return f"the ideas are joined mostly with {listed}."


def _simple_sentences(sentences: list) -> str:
    """How many sentences have no subordinate clause, with one of them quoted: a range held back."""
    simple = [s for s in sentences if not {w.lower().strip(",;:") for w in s.split()} & lexicon.SUBORDINATORS]
    if len(simple) < 2:
        return ""
    return f"{len(simple)} of {len(sentences)} sentences have a single clause, e.g. {quote(min(simple, key=len))}"


def _keep_linking(paragraphs: int, linkers: list) -> str:
    """What to keep doing, in the answer's own terms, when no weakness of Coherence was found."""
    how = (f"link them as you do with {' and '.join(repr(w) for w in linkers[:2])}" if linkers
           else "show how each idea follows from the one before")
    return f"Keep one central idea to each of your {paragraphs} paragraphs and {how}."


def _keep_choosing(advanced_words: list) -> str:
    """What to keep doing, in the answer's own words, when no weakness of Lexical Resource was found. Never
    a phrase to learn: examiners discount memorised collocations ("play a vital role")."""
    if not advanced_words:
        return "Replace general words (good, bad, thing, a lot) with words precise for your topic."
    listed = " and ".join(repr(w) for w in advanced_words[:2])
    return (f"Keep choosing precise words of your own, as with {listed}, and check in a dictionary's example "
            "sentences how each new word is used before you write it.")


def grammar_feedback(values: dict, evidence: dict, caps: list, band: float) -> dict:
    """Strengths, weaknesses and suggestions for Grammatical Range and Accuracy."""
    strengths, weaknesses, suggestions = [], _cap_reasons(caps, "grammatical_range_accuracy"), []
    grammar = evidence["grammar"]
    slips = grammar["slips"]
    for slip in slips[:MAX_LISTED]:
        weaknesses.append(f"'{slip.words}' is not correct English ({_slip_name(slip)}): "
                          f"{quote(slip.sentence, slip.words)}")
    if slips:
        kinds = list(dict.fromkeys(_slip_name(slip) for slip in slips))
        suggestions.append(f"Check your sentences for {', '.join(kinds[:3])}.")
    names = evidence["lowercase_names"]
    if names:
        listed = ", ".join(f"{slip.word} -> {slip.correction}" for slip in names[:MAX_LISTED])
        weaknesses.append(f"Names need a capital letter: {listed}.")
    if grammar["lowercase_i"]:
        weaknesses.append(f"The pronoun 'I' is written in lower case {grammar['lowercase_i']} time(s).")
        suggestions.append("Always write the pronoun 'I' as a capital letter.")
    if grammar["lowercase_sentence_starts"]:
        weaknesses.append(f"{grammar['lowercase_sentence_starts']} sentence(s) start with a small letter, "
                          f"e.g. {quote(grammar['lowercase_start_example'])}")
        suggestions.append("Start every sentence with a capital letter.")
    if values["punctuation_spacing_rate"] > 0.5:
        weaknesses.append("Punctuation spacing is inconsistent (a space before a comma or full stop, or none "
                          "after it).")
        suggestions.append("Put a space after commas and full stops, never before them.")
    used = sorted({w.lower() for sentence in evidence["sentences"] for w in sentence.split()
                   if w.lower().strip(",;:") in lexicon.SUBORDINATORS})
    if values["complex_sentence_share"] >= 0.4 and used:
        strengths.append("You use complex sentences, with clauses introduced by "
                         f"{', '.join(repr(w.strip(',;:')) for w in used[:4])}.")
    elif values["complex_sentence_share"] < 0.4:
        suggestions.append("Use more complex sentences: relative clauses (which, who), conditionals (if ...) and "
                           "contrasts (although ...).")
    if not slips and not names and not grammar["lowercase_i"] and not grammar["lowercase_sentence_starts"]:
        strengths.append("No errors were found in agreement, verb forms, articles or capital letters.")
    return _complete("grammatical_range_accuracy", band, strengths, weaknesses, suggestions,
                     "Vary your sentence structures: combine ideas with relative clauses and conditionals.", _simple_sentences(evidence["sentences"]))


# What each grammar rule checks, as a learner would name it.
SLIP_KINDS = {
    "article_a_an": "a or an before the sound that follows", "uncountable_plural": "a noun that has no plural",
    "missing_article": "a missing article", "extra_article": "an article that is not needed",
    "det_number": "singular and plural", "number_noun": "singular and plural",
    "pronoun_agreement": "subject-verb agreement", "indefinite_agreement": "subject-verb agreement",
    "question_agreement": "subject-verb agreement", "noun_agreement": "subject-verb agreement",
    "quantity_agreement": "subject-verb agreement", "modal_form": "the verb form after a modal",
    "do_form": "the verb form after do/does/did", "perfect_form": "the past participle after have",
    "be_verb_form": "a verb that takes no 'be'", "double_comparative": "a double comparative",
    "double_negative": "a double negative", "pronoun_case": "pronoun case (I/me, he/him)",
    "word_order": "word order", "verb_preposition": "a preposition the verb does not take",
    "repeated_word": "a word typed twice",
}


# Each kind of error (``grammar.kinds``), as a learner would name it, for the rules without a name above.
KIND_NAMES = {
    "agreement": "subject-verb agreement", "verb_form": "the verb form", "tense": "the form of a tense",
    "article": "articles", "number": "singular and plural", "word_class": "the word class (noun, adjective, adverb)",
    "preposition": "the preposition", "capitalisation": "capital letters", "pronoun": "the pronoun",
    "word_order": "word order", "comparison": "a comparative", "negation": "a double negative",
    "repeated_word": "a word typed twice", "run_on": "two sentences joined by a comma alone",
}


def _slip_name(slip) -> str:
    return SLIP_KINDS.get(slip.rule) or KIND_NAMES.get(slip.kind, "grammar")


def _cap_reasons(caps: list, criterion: str) -> list[str]:
    return list(dict.fromkeys(cap.reason for cap in caps if cap.criterion == criterion))


def _set_aside(own) -> list[str]:
    """What of the answer was not counted, quoted."""
    notes = []
    if own.copied_words:
        notes.append(f"{own.copied_words} words copied from the question were not counted, e.g. "
                     f"{quote(own.copied[0])}")
    if own.repeated:
        notes.append(f"{len(own.repeated)} sentence(s) repeat earlier ones and were counted once, e.g. "
                     f"{quote(own.repeated[0])}")
    if own.foreign:
        notes.append(f"{len(own.foreign)} sentence(s) in another language were not rated, e.g. "
                     f"{quote(own.foreign[0])}")
    if own.addressed:
        notes.append(f"{len(own.addressed)} sentence(s) addressed to the examiner are not part of the answer "
                     f"and were not rated, e.g. {quote(own.addressed[0])}")
    return notes


def _complete(criterion: str, band: float, strengths: list, weaknesses: list, suggestions: list,
              default_suggestion: str, instance: str = "") -> dict:
    """Lists that agree with the band: below 7 there is always a weakness, and never a claim of none.
    ``instance``: where the answer shows what holds the band back, quoted, for that weakness."""
    if not weaknesses and band < 7:
        weaknesses = [f"At band {band:g}, {HELD_BACK[criterion]}" + (f": {instance}" if instance else ".")]
    if not weaknesses:
        weaknesses = ["No weakness of this kind was found."]
    return {
        "strengths": strengths or ["The answer shows some control of this area."],
        "weaknesses": weaknesses,
        "suggestions": list(dict.fromkeys(suggestions)) or [default_suggestion],
    }


def criterion_feedback_text(criterion: str, band: float, notes: dict) -> str:
    """One-paragraph feedback for a criterion: what the band means, then the main point."""
    text = f"{CRITERION_NAMES[criterion]}: band {band:g}, {band_summary(band)}."
    specific = [w for w in notes["weaknesses"] if not w.startswith("No weakness of this kind")]
    if specific:
        text += " Main issue: " + specific[0]
    elif notes["strengths"]:
        text += " " + notes["strengths"][0]
    return text


def overall_feedback(overall: float, criteria: list) -> str:
    """Summary paragraph: the overall band, strongest and weakest criteria, top actions."""
    best = max(criteria, key=lambda c: c["band_score"])
    worst = min(criteria, key=lambda c: c["band_score"])
    text = f"Estimated overall band {overall:g} ({band_summary(overall)})."
    if best["band_score"] != worst["band_score"]:
        text += (f" Strongest area: {CRITERION_NAMES[best['criterion']]} ({best['band_score']:g});"
                 f" needs most work: {CRITERION_NAMES[worst['criterion']]} ({worst['band_score']:g}).")
    weakest_first = sorted(criteria, key=lambda c: c["band_score"])
    actions = list(dict.fromkeys(c["suggestions"][0] for c in weakest_first))[:3]
    return text + " Next steps: " + " ".join(actions)
