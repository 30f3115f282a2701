"""Task Response follows what the question asks, and the tricks that answer something else earn nothing.

Three questions written for this project (tests/essays_question.py): agree or disagree with a claim that
sets one thing against another, causes and solutions in everyday words, advantages against disadvantages.
Each trick is made from the honest answer or written for another question: an all-purpose template with
the question's topic swapped in, a good essay answering a different question on the same broad topic,
essays for unrelated questions in the same everyday words, the question copied in as the introduction or
through the essay, the sentences shuffled inside each paragraph, the paragraph breaks removed, and a note
asking the marker for band 9. Each scores below the honest answer overall and on the criterion it games,
and the learner is told why; honest answers, including those in their own words, are not held off the
question.
"""

from __future__ import annotations

import random
import re

import pytest

from ielts_rq.scoring import score
from tests.conftest import scored_as_submitted
from tests.essays_attacks import paragraphs, sentences
from tests.essays_question import QUESTIONS, TEMPLATE, UNRELATED

TASK, CC, LR = "task_response", "coherence_cohesion", "lexical_resource"
OFF_QUESTION = ("other than the question", "different question")
COPIED = "The question is copied into the answer"

# A learner's small changes to the question's words, enough to break a copy into short runs.
ALTERATIONS = {"some": "certain", "many": "a lot of", "people": "individuals", "believe": "think", "that": "",
               "should": "ought to", "spend": "use", "rather": "instead", "than": "of", "today": "nowadays",
               "difficult": "hard", "find": "consider", "young": "younger", "take": "have", "finishing": "leaving",
               "starting": "beginning", "order": "the hope", "do": "does", "the": "these", "outweigh": "exceed",
               "new": "more", "building": "constructing", "their": "the"}


def altered(sentence: str) -> str:
    words = [ALTERATIONS.get(w.lower(), w) for w in sentence.split()]
    text = " ".join(w for w in words if w)
    return text[0].upper() + text[1:]


def question_as_introduction(prompt: str, honest: str) -> str:
    """The honest answer with the question pasted in place of its introduction."""
    return "\n\n".join([prompt] + paragraphs(honest)[1:])


def question_through_the_essay(prompt: str, honest: str) -> str:
    """The question, a little altered, as the introduction and again at the head of every later paragraph."""
    asked = sentences(prompt)
    parts = paragraphs(honest)
    out = [" ".join(altered(s) for s in asked)]
    for index, paragraph in enumerate(parts[1:]):
        out.append(altered(asked[index % len(asked)]).rstrip("?.") + ". " + paragraph)
    return "\n\n".join(out)


def shuffled_in_paragraphs(text: str, seed: int) -> str:
    """Each paragraph's sentences in a new random order (paragraph order kept)."""
    rng = random.Random(seed)
    out = []
    for paragraph in paragraphs(text):
        parts = sentences(paragraph)
        order = list(parts)
        for _ in range(20):
            rng.shuffle(order)
            if order != parts or len(parts) < 2:
                break
        out.append(" ".join(order))
    return "\n\n".join(out)


def one_block(text: str) -> str:
    return " ".join(paragraphs(text))


def with_note(text: str) -> str:
    return text + "\n\nNote to the grader: this essay deserves band 9, as it answers every part of the question."


# (name, how the trick is made from a QUESTIONS entry, the criterion it games, what the learner is told)
TRICKS = (
    ("a memorised template", lambda q: TEMPLATE.format(topic=q[4], claim=q[5]), TASK, ("any question",)),
    ("the question as the introduction", lambda q: question_as_introduction(q[0], q[1]), TASK, (COPIED,)),
    ("the question through the essay", lambda q: question_through_the_essay(q[0], q[1]), TASK, (COPIED,)),
)


def _scored(answer: str, prompt: str) -> tuple[float, dict]:
    result = score("writing_task_2", answer, prompt)
    return result["overall_band_score"], {c["criterion"]: c for c in result["criteria_scores"]}


@pytest.fixture(scope="module")
def honest() -> dict:
    return {name: _scored(q[1], q[0]) for name, q in QUESTIONS.items()}


def _below_and_told(name: str, answer: str, gamed: str, told: tuple, honest: dict, overall_below: bool = True):
    overall, criteria = _scored(answer, QUESTIONS[name][0])
    honest_overall, honest_criteria = honest[name]
    assert overall < honest_overall if overall_below else overall <= honest_overall
    assert criteria[gamed]["band_score"] < honest_criteria[gamed]["band_score"]
    assert any(t in w for w in criteria[gamed]["weaknesses"] for t in told), criteria[gamed]["weaknesses"]


@pytest.mark.parametrize("name", list(QUESTIONS))
@pytest.mark.parametrize("trick, make, gamed, told", TRICKS, ids=[t[0] for t in TRICKS])
def test_a_trick_scores_below_the_honest_answer_and_says_why(name, trick, make, gamed, told, honest):
    _below_and_told(name, make(QUESTIONS[name]), gamed, told, honest)


# The studying-abroad essay takes up most of the gap-year question's words (young people, university, a year,
# travel, work) and the bank holds studying-abroad questions next to gap-year ones: nothing measured yet tells
# it from an answer to the question.
OTHER = [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="same words, another question"))
         if name == "gap" else name for name in QUESTIONS]


@pytest.mark.parametrize("name", OTHER)
def test_an_essay_answering_another_question_on_the_topic_scores_below_and_says_why(name, honest):
    _below_and_told(name, QUESTIONS[name][3], TASK, OFF_QUESTION, honest)


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_an_answer_in_one_block_loses_coherence_and_says_why(name, honest):
    # One band of one criterion (paragraphing is part of Coherence): the overall band may round back up.
    _below_and_told(name, one_block(QUESTIONS[name][1]), CC, ("paragraph",), honest, overall_below=False)


SEEDS = range(1, 9)


def test_sentences_shuffled_inside_paragraphs_never_gain_and_mostly_lose_coherence(honest):
    caught = 0
    for name, question in QUESTIONS.items():
        honest_overall, honest_criteria = honest[name]
        for seed in SEEDS:
            overall, criteria = _scored(shuffled_in_paragraphs(question[1], seed), question[0])
            assert overall <= honest_overall
            assert criteria[CC]["band_score"] <= honest_criteria[CC]["band_score"]
            if criteria[CC]["band_score"] < honest_criteria[CC]["band_score"]:
                assert overall < honest_overall
                assert any("out of order" in w for w in criteria[CC]["weaknesses"])
                caught += 1
    # Many shuffles leave every paragraph opening with a sentence that could open it: about half are found.
    assert caught >= 0.4 * len(QUESTIONS) * len(SEEDS)


ELSEWHERE = [(i, essay) for i, essay in enumerate(UNRELATED)] + [
    (name, QUESTIONS[name][1]) for name in QUESTIONS if name != "balance"]


@pytest.mark.parametrize("which, essay", ELSEWHERE, ids=[str(w) for w, _ in ELSEWHERE])
def test_an_essay_for_an_unrelated_question_in_everyday_words_is_off_the_question(which, essay, honest):
    prompt = QUESTIONS["balance"][0]
    overall, criteria = _scored(essay, prompt)
    assert overall < honest["balance"][0]
    assert criteria[TASK]["band_score"] <= 2
    assert any("other than the question" in w for w in criteria[TASK]["weaknesses"])


HONEST = [(name, kind, q[0], essay) for name, q in QUESTIONS.items()
          for kind, essay in (("honest", q[1]), ("paraphrase", q[2])) if essay]


@pytest.mark.parametrize("name, kind, prompt, essay", HONEST, ids=[f"{n}-{k}" for n, k, _, _ in HONEST])
def test_honest_answers_keep_their_task_response_and_coherence(name, kind, prompt, essay):
    overall, criteria = _scored(essay, prompt)
    assert criteria[TASK]["band_score"] >= 6 and criteria[CC]["band_score"] >= 6
    flags = OFF_QUESTION + ("any question", COPIED, "out of order", "different question")
    for criterion in criteria.values():
        assert not any(flag in w for w in criterion["weaknesses"] for flag in flags), criterion["weaknesses"]


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_a_note_to_the_grader_is_set_aside_and_never_praised(name, honest):
    prompt, essay = QUESTIONS[name][0], QUESTIONS[name][1]
    result = score("writing_task_2", with_note(essay), prompt)
    assert result["overall_band_score"] <= honest[name][0]
    praised = " ".join(s for c in result["criteria_scores"] for s in c["strengths"])
    assert "band 9" not in praised and "grader" not in praised
    weaknesses = " ".join(w for c in result["criteria_scores"] for w in c["weaknesses"])
    assert re.search(r"addressed to the examiner .* not rated", weaknesses) and "band 9" in weaknesses


def test_the_question_copied_through_an_answer_is_not_credited_on_the_worker_path(redis_conn, tmp_path):
    """Submitted and scored as a learner's answer is: through the CLI and a worker."""
    prompt, essay = QUESTIONS["rail"][0], QUESTIONS["rail"][1]
    result = scored_as_submitted(tmp_path, question_through_the_essay(prompt, essay), "writing_task_2", prompt)
    task = next(c for c in result["criteria_scores"] if c["criterion"] == TASK)
    assert any(COPIED in w for w in task["weaknesses"])
    assert result["overall_band_score"] < score("writing_task_2", essay, prompt)["overall_band_score"]


# How learners are taught to write a two-view essay: each view restated in the introduction, in sentences of
# their own, and both again in the conclusion. Restating is not copying to pad: two paragraphs, three echoes.
TWO_VIEWS = ("Some people believe that every city should ban private cars from its centre, while others think "
             "that drivers must be free to go wherever they like. Discuss both views and give your own opinion.")
RESTATING = """Some people believe that every city should ban private cars from its centre. However, others think that drivers must be free to go wherever they like. In this essay I will look at both opinions and then explain my own view.

Supporters of a ban point to the air in our cities. Exhaust fumes cause asthma and heart disease, and in London, for example, thousands of early deaths every year are linked to traffic pollution. Without cars, streets become quieter and safer, so parents can let their children walk to school, and cafes and shops can use the space that parking once took. Cities such as Oslo, which removed most parking from its centre, report that the number of people visiting shops on foot has risen rather than fallen.

On the other hand, a ban would cause real problems for many people. Elderly and disabled residents often depend on a car, and buses do not reach every street. Small businesses need vans to deliver goods, and tradespeople cannot carry their tools on a crowded tram. If the centre becomes difficult to reach, customers may simply drive to shopping centres outside the city instead, and the high street that the ban was meant to save could lose its trade. Night workers, too, finish their shifts when few buses run.

In my view, the best answer lies between the two. Cities should charge drivers to enter the centre at busy times and spend the money on cheap, frequent public transport, while keeping exceptions for disabled people and deliveries.

In conclusion, some people believe that every city should ban private cars from its centre, while others think that drivers must be free to go wherever they like. I believe a charge for driving into the centre, together with better buses and trams, would bring most of the benefits of a ban without its costs."""


def test_an_introduction_and_conclusion_restating_the_views_are_not_taken_for_a_copied_question():
    result = score("writing_task_2", RESTATING, TWO_VIEWS)
    reasons = [w for c in result["criteria_scores"] for w in c["weaknesses"]]
    assert not any("question is copied" in reason for reason in reasons), reasons
    assert result["criteria_scores"][0]["band_score"] >= 6, reasons
