"""Feature extraction: lexical diversity, linking words, grammar slips, layout."""

from __future__ import annotations

import pytest

from ielts_rq.scoring import grammar
from ielts_rq.scoring.features import linking_usage, mtld, prompt_overlap, window_ttr
from ielts_rq.scoring.grammar import analyse_grammar
from ielts_rq.scoring.text import count_words, parse, split_paragraphs, split_sentences

STYLE = ("Cities grow quickly and transport systems must adapt to new demands. Trains carry "
         "commuters while buses serve local streets and cyclists need safe lanes. ")
TOPICS = ["housing", "energy", "schools", "hospitals", "parks", "markets", "libraries", "airports",
          "bridges", "museums", "factories", "farms", "offices", "stadiums", "harbours", "theatres"]


def _essay_of_sentences(count: int) -> list:
    # Same style throughout: a fixed frame with varying topic words.
    sentences = [f"Planners in {TOPICS[i % len(TOPICS)]} argue that {TOPICS[(i * 7 + 3) % len(TOPICS)]} "
                 f"deserve funding because {TOPICS[(i * 5 + 1) % len(TOPICS)]} attract residents."
                 for i in range(count)]
    return parse(STYLE + " ".join(sentences)).words


def test_lexical_diversity_does_not_fall_with_length():
    short, long_ = _essay_of_sentences(10), _essay_of_sentences(40)
    assert len(long_) > 3 * len(short)
    plain_ttr_drop = len(set(short)) / len(short) - len(set(long_)) / len(long_)
    assert plain_ttr_drop > 0.2   # the plain type-token ratio collapses...
    assert window_ttr(long_) == pytest.approx(window_ttr(short), abs=0.06)  # ...these do not
    assert mtld(long_) == pytest.approx(mtld(short), rel=0.25)


def test_lexical_diversity_is_lower_for_repetitive_text():
    varied = parse("Modern economies depend on reliable transport, affordable housing, skilled "
                   "workers and stable institutions that encourage investment and innovation "
                   "across many different industries and regions of the country today.").words
    repetitive = parse("The city is good and the city is big and the city is good because the "
                       "city is big and the city is good and the city is big and good today.").words
    assert window_ttr(varied) > window_ttr(repetitive)
    assert mtld(varied) > mtld(repetitive)


def test_overused_linking_words_are_detected_with_counts():
    text = ("Moreover, prices rose. Moreover, wages fell. Moreover, rents doubled. Moreover, "
            "jobs vanished. However, some people benefited.")
    usage = linking_usage(text, word_count=250)
    assert usage["overused"] == {"moreover": 4}
    assert usage["counts"]["however"] == 1


def test_varied_linking_is_not_overuse():
    text = "Firstly, prices rose. Moreover, wages fell. However, rents doubled. Therefore, we moved."
    assert linking_usage(text, word_count=250)["overused"] == {}


def _slips(sentence: str) -> list:
    return [slip.words for slip in grammar.check(sentence)]


def test_article_slips():
    assert _slips("She ate a apple and an banana at an university.") == ["a apple", "an banana", "an university"]
    assert _slips("An hour, a university, an MBA, a European city, an idea, a dog.") == []


def test_agreement_slips():
    assert _slips("People is happy but he have a car and they was late.") == ["People is", "he have", "they was"]
    assert _slips("People are happy, he has a car and they were late.") == []


def test_repeated_words():
    assert _slips("This is the the best way to to learn.") == ["the the", "to to"]
    assert _slips("He said that that idea was very very good.") == []


def test_grammar_signals_for_lowercase_and_run_on():
    run_on = " ".join(["people travel to work by car every day and the roads become crowded"] * 4)
    doc = parse(f"i think this is true. {run_on}. Then we left.")
    grammar = analyse_grammar(doc)
    assert grammar["lowercase_i"] == 1
    assert grammar["lowercase_sentence_starts"] == 2
    assert len(grammar["run_on_sentences"]) == 1


def test_sentences_paragraphs_and_word_count():
    text = "First line here. It costs 2.5 dollars!\n\nSecond paragraph? Yes.\n"
    assert split_paragraphs(text) == ["First line here. It costs 2.5 dollars!", "Second paragraph? Yes."]
    assert split_sentences(text) == ["First line here.", "It costs 2.5 dollars!", "Second paragraph?", "Yes."]
    assert count_words(text) == 10


def test_prompt_overlap_measures_relevance():
    prompt = "Should governments invest in public transport rather than roads?"
    on_topic = parse("Governments should invest in public transport and buses instead of roads.").words
    off_topic = parse("My favourite hobby is cooking pasta with fresh tomatoes at home.").words
    assert prompt_overlap(on_topic, prompt) > 0.7
    assert prompt_overlap(off_topic, prompt) < 0.2
