"""Learners' grammar errors are found where they are, with their kind and a suggestion; correct English is left alone.

The development set (tests/learner_errors_dev.py) holds ten learner essays
annotated error by error: the rules were built on the "tune" half; the
"heldout" half was written with it and only measured. ``python
bench/grammar_recall.py`` prints the figures per kind.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from ielts_rq.scoring import grammar, score
from ielts_rq.scoring.text import parse
from tests import learner_errors_dev as dev


def _found(sentence: str) -> list[tuple[str, str]]:
    return [(f.kind, f.words) for f in grammar.find_errors(sentence)]


def _found_in(sentence: str, kind: str, words: str) -> bool:
    """A finding of that kind quoting those words (or the words around them)."""
    return any(f.kind == kind and (words in f.words or f.words in words) for f in grammar.find_errors(sentence))


@pytest.mark.parametrize("sentence, kind, words", [
    # agreement, also after a relative clause or a long subject
    ("In recent years, technology develop very quickly.", "agreement", "technology develop"),
    ("People who lives near busy roads often have breathing problems.", "agreement", "lives"),
    ("The price of flats in the city centre have increased a lot.", "agreement", "have"),
    ("The people is generally happy with the new park.", "agreement", "people is"),
    ("Nowadays, there is many students who want to study abroad.", "agreement", "is many"),
    ("Everybody have to understand that nature is in danger.", "agreement", "Everybody have"),
    ("The students in my class has finished the project.", "agreement", "has"),
    # verb forms after to, modals and auxiliaries
    ("Parents should to control the time their children spend online.", "verb_form", "should to control"),
    ("The company can saves money on electricity.", "verb_form", "can saves"),
    ("Children can learn how to solving problems.", "verb_form", "to solving"),
    ("I wanted to went there with my family.", "verb_form", "to went"),
    ("Some advertisements make children to want expensive toys.", "verb_form", "to want"),
    ("I am think that this is a serious problem.", "verb_form", "am think"),
    ("These roads can be use by cyclists too.", "verb_form", "be use"),
    ("In my city there have many parks.", "verb_form", "there have"),
    ("Next year we going to build a new school.", "verb_form", "we going"),
    # tense forms
    ("My friend buyed a second-hand car last year.", "tense", "buyed"),
    ("He has went to the office only twice this month.", "tense", "has went"),
    ("The price has increase every year since 2010.", "tense", "has increase"),
    ("The population has grow quickly.", "tense", "has grow"),
    # articles
    ("An electric car is good solution to this problem.", "article", "good solution"),
    ("Government should invest more money in public transport.", "article", "Government"),
    ("My brother works for a engineering company.", "article", "a engineering"),
    # word class
    ("It is very importance for their health.", "word_class", "importance"),
    ("There is a big different between the two cities.", "word_class", "different"),
    ("The develop of technology has changed our lives.", "word_class", "develop"),
    ("Every student wants to success in life.", "word_class", "success"),
    # number after quantifiers and determiners
    ("There are many disadvantage of working at home.", "number", "many disadvantage"),
    ("Tourism is one of the most important industry in Spain.", "number", "industry"),
    ("Electric cars need special stations, and this cars are expensive.", "number", "this cars"),
    ("Although there are some problem, I agree.", "number", "some problem"),
    # prepositions in fixed patterns
    ("The economy depends of the weather.", "preposition", "depends of"),
    ("I am interested on this topic.", "preposition", "interested on"),
    ("In the other hand, online learning requires discipline.", "preposition", "In the other hand"),
    # capital letters
    ("Also, i think the company saves money.", "capitalisation", "i"),
    ("Prices rose. although wages fell, people spent more.", "capitalisation", "although"),
])
def test_each_kind_is_found_where_it_is(sentence, kind, words):
    assert _found_in(sentence, kind, words), _found(sentence)


@pytest.mark.parametrize("sentence", dev.TRAPS + [
    "Ten kilometres is a long way to walk.",
    "Not only the students but also the teacher was surprised.",
    "Reading books improves vocabulary.",
    "I helped my brother move house.",
    "Does it make sense to build more roads?",
    "It reduces air pollution and carbon emissions, which is among the most pressing problems.",
    "For example, cities such as Tokyo have excellent metro systems.",
    "Residents have little choice but to drive, since there is no bus service.",
    "The key to solving this problem is education.",
    "We look forward to seeing the results, e.g. lower costs.",
    '"Is it worth it?" many parents ask.',
    "In conclusion, it promotes equal opportunity and social mobility.",
    "Brazil have won the cup five times, and the public are delighted.",
    "He is married with two children, and she arrived on the morning of 5 May.",
    "Prices rose in the same time period, and the key to success is hard work.",
    "Technologies that develop quickly can improve our lives; the road to success is long.",
    "There have been many changes, and we saw them going home; being honest matters.",
    "They should be aware of the risks and be ready to help.",
    "If it were up to me, I would suggest that he go to university.",
])
def test_correct_sentences_are_left_alone(sentence):
    assert _found(sentence) == []


def test_a_finding_quotes_its_words_at_their_offsets_with_a_suggestion():
    text = "Prices are high.\n\nThe people who lives here has a car. It is very importance."
    findings = grammar.find_errors(text)
    assert [(f.kind, text[f.start:f.end], f.suggestion) for f in findings] == [
        ("agreement", "lives", "live"), ("agreement", "has", "have"), ("word_class", "importance", "important")]
    assert [f.sentence for f in findings][-1] == "It is very importance."


def _measure(records):
    annotated = found = reported = correct = 0
    for record in records:
        findings = grammar.find_errors(record["text"])
        errors = record["errors"]
        annotated += len(errors)
        found += sum(1 for e in errors if any(f.start < e["end"] and e["start"] < f.end for f in findings))
        reported += len(findings)
        correct += sum(1 for f in findings if any(f.start < e["end"] and e["start"] < f.end for e in errors))
    return found / annotated, correct / reported


def test_learner_essays_errors_are_found_with_precision_kept():
    tune_recall, tune_precision = _measure(dev.records("tune"))
    heldout_recall, heldout_precision = _measure(dev.records("heldout"))
    assert tune_recall >= 0.8 and tune_precision >= 0.95
    # never tuned on: the target for essays nobody here has seen
    assert heldout_recall >= 0.5 and heldout_precision >= 0.9


def test_the_scorer_reports_the_learners_errors_and_names_what_is_not_checked():
    essay = dev.records("tune")[0]["text"]
    result = score("writing_task_2", essay, prompt="Should children use smartphones?")
    slips = result["feature_analysis"]["grammar_slips"]
    for words in ("technology develop", "should to", "importance", "to solving"):
        assert words in slips
    analysis = grammar.analyse_grammar(parse(essay))
    assert {"agreement", "article", "verb_form", "capitalisation"} <= set(analysis["checked_kinds"])
    assert all(slip.kind in grammar.CHECKED_KINDS and slip.kind != "capitalisation" for slip in analysis["slips"])
    assert grammar.NOT_CHECKED and not set(grammar.NOT_CHECKED) & set(grammar.CHECKED_KINDS)


def test_the_parser_loads_lazily_and_once_per_process():
    code = ("import sys\n"
            "from ielts_rq.scoring import grammar\n"
            "from ielts_rq.scoring.grammar import parsed\n"
            "assert parsed.pipeline.cache_info().currsize == 0, 'the parser loaded before the first essay'\n"
            "grammar.find_errors('He go to school.')\n"
            "grammar.find_errors('She can speaks English.')\n"
            "print(parsed.pipeline.cache_info().misses, parsed.available())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["1", "True"]


def test_parsing_only_the_sentences_that_need_it_finds_the_same(monkeypatch):
    texts = [record["text"] for record in dev.records()] + dev.TRAPS
    selective = [grammar.find_errors(text) for text in texts]
    monkeypatch.setattr(grammar.parsed, "needs_parse", lambda doc: True)
    assert [grammar.find_errors(text) for text in texts] == selective
