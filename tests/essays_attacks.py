"""Honest answers written for this project, and the ways learners try to game a scorer.

Each attack turns an honest answer into a gamed one; the scorer must give
the gamed answer no more than the honest one, and nonsense, foreign,
off-topic and off-task answers no more than the ceilings below.
``tests/test_scorer_attacks.py`` asserts it; ``bench/scorer_trust.py``
prints the table.
"""

from __future__ import annotations

import random
import re

from tests.essays_ladder import BAND_5, BAND_6, BAND_8, PROMPT

NONSENSE_CEILING = 3.0
OFF_TOPIC_CEILING = 5.5

EDUCATION_PROMPT = ("Some people think that all university students should study whatever they like, while others "
                    "believe they should only be allowed to study subjects that will be useful in the future, such as "
                    "those related to science and technology. Discuss both views and give your own opinion.")

EDUCATION_ESSAY = """The question of what university students should be allowed to study divides opinion. Some argue that young people should be free to follow their interests, whereas others believe that public resources should be concentrated on subjects with obvious practical value, particularly science and technology. In my view, students should be free to choose, although governments can reasonably encourage certain fields.

Those who favour restricting choice point to the needs of the economy. Modern industries depend on engineers, programmers and medical researchers, and a shortage of such graduates can slow growth and innovation. If the state funds higher education, it is arguably entitled to direct that money towards degrees which will repay the investment. Students themselves may also benefit, since graduates in technical fields often find well-paid work more quickly.

However, I believe that the arguments for freedom of choice are stronger. It is extremely difficult to predict which skills will be valuable in twenty years, and many of today's most important industries did not exist a generation ago. Subjects such as history, philosophy and literature develop critical thinking and clear writing, which employers in every sector value highly. Moreover, students who study a subject they enjoy are more likely to work hard and to complete their degree.

In conclusion, while it is understandable that governments want more graduates in science and technology, limiting students to these subjects would be a mistake. A better approach would be to offer scholarships or lower fees in areas of national need, while allowing every student to pursue the subject in which they are most likely to excel."""

TASK1_PROMPT = ("The line graph below shows the percentage of households in one country that owned a car, a computer "
                "and a mobile phone between 2000 and 2020. Summarise the information by selecting and reporting the "
                "main features, and make comparisons where relevant.")

TASK1_REPORT = """The line graph illustrates the proportion of households in one country that owned three items, namely a car, a computer and a mobile phone, over a twenty-year period from 2000 to 2020.

Overall, ownership of all three items increased, but the most dramatic change was in mobile phones, which went from being the least common item to the most common. Car ownership, by contrast, rose only slightly.

In 2000, cars were the most widely owned item, at around 60% of households, while computers and mobile phones were owned by about 30% and 20% respectively. Over the following decade, the figure for mobile phones climbed rapidly, overtaking computers in 2005 and cars in 2009, when it reached approximately 65%.

From 2010 onwards, mobile phone ownership continued to rise, reaching almost 95% by 2020. Computer ownership also grew steadily, peaking at roughly 80% in 2016 before levelling off. Car ownership, meanwhile, fluctuated between 60% and 65% throughout the period and ended at about 64%."""

# A short answer of modest level, for the attacks that pad an answer out.
SHORT_PROMPT = PROMPT
SHORT_ANSWER = """Public transport is important for cities. Buses and trains carry many people at the same time, so there are fewer cars on the road. This makes less traffic and less pollution. Roads are also important because lorries bring food to shops. In my opinion the government should spend more money on buses and trains because they help more people and the environment. But roads in the countryside should be repaired too."""

CHINESE_PARAGRAPH = ("我认为政府应该在公共交通方面投入更多的资金。城市里的空气污染越来越严重，很多人每天都要花很长时间在路上。"
                     "因此，我们应该鼓励人们多坐地铁和公交车，少开私家车，这样可以减少交通堵塞和环境污染。")
SPANISH_PARAGRAPH = ("En mi opinión, el gobierno debería invertir más dinero en el transporte público, porque los autobuses "
                     "y los trenes pueden llevar a muchas personas al mismo tiempo. Además, producen menos contaminación "
                     "que los coches y ayudan a reducir los atascos en las ciudades.")
RARE_WORDS = ("paradigm", "juxtaposition", "ubiquitous", "quintessential", "multifaceted", "unprecedented",
              "infrastructural", "socioeconomic", "exacerbate", "ameliorate", "paramount", "dichotomy",
              "substantiate", "proliferation", "intrinsically", "notwithstanding", "egalitarian", "pragmatic",
              "ramification", "consolidation", "sustainability", "efficacious", "commensurate", "predominantly")
FUNCTION_WORDS = ("the", "of", "and", "to", "in", "is", "which", "that", "for", "with", "a", "are", "by", "as", "this")
LINKERS = ("Moreover,", "Furthermore,", "In addition,", "Consequently,", "Nevertheless,", "Therefore,", "However,",
           "Additionally,", "Thus,", "Hence,", "Accordingly,", "Similarly,")
# Subject-verb agreement broken the way learners break it: each verb's number flipped once.
AGREEMENT_FLIPS = {"are": "is", "is": "are", "have": "has", "has": "have", "were": "was", "was": "were",
                   "does": "do", "do": "does"}
MISSPELT = {"government": "goverment", "environment": "enviroment", "necessary": "neccessary",
            "believe": "beleive", "transport": "transprot", "receive": "recieve", "because": "becuase",
            "people": "poeple", "important": "importent", "which": "wich", "until": "untill",
            "their": "thier", "public": "pubilc", "cities": "citys", "argue": "arguee"}


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")) if s.strip()]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def paste_question(answer: str, prompt: str, times: int = 3) -> str:
    return "\n".join([prompt] * times + [answer])


def shuffle_words(text: str, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = []
    for paragraph in paragraphs(text):
        shuffled = []
        for sentence in sentences(paragraph):
            words = [w.strip(",;:.!?") for w in sentence.split()]
            rng.shuffle(words)
            shuffled.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(shuffled))
    return "\n\n".join(out)


def shuffle_sentences(text: str, seed: int = 1) -> str:
    rng = random.Random(seed)
    every = sentences(text)
    rng.shuffle(every)
    sizes = [len(sentences(p)) for p in paragraphs(text)]
    out, start = [], 0
    for size in sizes:
        out.append(" ".join(every[start:start + size]))
        start += size
    return "\n\n".join(out)


def academic_salad(text: str, seed: int = 1) -> str:
    """Rare academic words with function words sprinkled between, shaped like the essay."""
    rng = random.Random(seed)
    out = []
    for paragraph in paragraphs(text):
        made, words = [], len(paragraph.split())
        while sum(len(s.split()) for s in made) < words:
            size = rng.randint(12, 22)
            made.append(" ".join(rng.choice(FUNCTION_WORDS) if rng.random() < 0.4 else rng.choice(RARE_WORDS)
                                 for _ in range(size)).capitalize() + ".")
        out.append(" ".join(made))
    return "\n\n".join(out)


def splice_question_phrases(answer: str, prompt: str, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = prompt.rstrip(".?").split()
    phrases = [" ".join(words[i:i + 6]).lower() for i in (2, len(words) // 2)]
    parts = paragraphs(answer)
    for phrase in phrases:
        index = rng.randrange(len(parts))
        parts[index] = parts[index].rstrip(".") + ", and " + phrase + "."
    return "\n\n".join(parts)


def every_sentence_twice(text: str) -> str:
    return "\n\n".join(" ".join(f"{s} {s}" for s in sentences(p)) for p in paragraphs(text))


def paragraph_six_times(text: str) -> str:
    first = paragraphs(text)[0]
    return "\n\n".join([first] * 6)


def stuff_linkers(text: str) -> str:
    out, k = [], 0
    for paragraph in paragraphs(text):
        linked = []
        for sentence in sentences(paragraph):
            linked.append(f"{LINKERS[k % len(LINKERS)]} {sentence[0].lower()}{sentence[1:]}")
            k += 1
        out.append(" ".join(linked))
    return "\n\n".join(out)


def misspell(text: str, style: str = "lower") -> str:
    """The same misspellings written in lower case, Capitalised or in CAPITALS."""
    def wrong(match):
        word = MISSPELT[match.group(0).lower()]
        return {"lower": word, "capitalised": word.capitalize(), "capitals": word.upper()}[style]
    return re.sub(r"\b(" + "|".join(MISSPELT) + r")\b", wrong, text, flags=re.IGNORECASE)


def strip_punctuation(text: str) -> str:
    return "\n\n".join(re.sub(r"[.,;:!?]", "", p).lower() for p in paragraphs(text))


def agreement_errors(text: str, count: int = 10) -> str:
    words, made = text.split(" "), 0
    for index, word in enumerate(words):
        if made < count and word in AGREEMENT_FLIPS:
            words[index] = AGREEMENT_FLIPS[word]
            made += 1
    return " ".join(words)


def insert_paragraph(text: str, foreign: str, at: int = 2) -> str:
    parts = paragraphs(text)
    return "\n\n".join(parts[:at] + [foreign] + parts[at:])


def foreign_body(text: str, foreign: str) -> str:
    """The introduction and conclusion in English, every body paragraph in another language."""
    parts = paragraphs(text)
    return "\n\n".join([parts[0]] + [foreign] * (len(parts) - 2) + [parts[-1]])


def hide_in_zero_width(text: str) -> str:
    """Misspellings split by invisible characters, so a naive spelling check sees fragments."""
    return re.sub(r"\b(goverment|enviroment|neccessary)\b", lambda m: "\u200b".join(m.group(0)), text)


def all_capitals(text: str) -> str:
    return text.upper()


# (name, task type, prompt, attacked answer, honest answer, ceiling or None)
ATTACKS = (
    ("question pasted 3 times before a short answer", "writing_task_2", SHORT_PROMPT,
     paste_question(SHORT_ANSWER, SHORT_PROMPT), SHORT_ANSWER, None),
    ("rare academic words with function words sprinkled", "writing_task_2", PROMPT,
     academic_salad(BAND_8), BAND_8, NONSENSE_CEILING),
    ("the words of every sentence shuffled", "writing_task_2", PROMPT, shuffle_words(BAND_8), BAND_8,
     NONSENSE_CEILING),
    ("the sentences shuffled", "writing_task_2", PROMPT, shuffle_sentences(BAND_8), BAND_8, None),
    ("a strong essay on another question", "writing_task_2", PROMPT, EDUCATION_ESSAY, BAND_8, OFF_TOPIC_CEILING),
    ("... with two phrases of the question spliced in", "writing_task_2", PROMPT,
     splice_question_phrases(EDUCATION_ESSAY, PROMPT), BAND_8, OFF_TOPIC_CEILING),
    ("... with the question pasted on top", "writing_task_2", PROMPT,
     paste_question(splice_question_phrases(EDUCATION_ESSAY, PROMPT), PROMPT, times=1), BAND_8, OFF_TOPIC_CEILING),
    ("a Task 2 essay submitted as a Task 1 report", "writing_task_1", TASK1_PROMPT, BAND_8, TASK1_REPORT,
     OFF_TOPIC_CEILING),
    ("a Task 1 report submitted as a Task 2 essay", "writing_task_2", PROMPT, TASK1_REPORT, BAND_8,
     OFF_TOPIC_CEILING),
    ("every sentence typed twice", "writing_task_2", SHORT_PROMPT, every_sentence_twice(SHORT_ANSWER), SHORT_ANSWER,
     None),
    ("the first paragraph pasted six times", "writing_task_2", PROMPT, paragraph_six_times(BAND_6), BAND_6, None),
    ("the whole essay written twice", "writing_task_2", PROMPT, BAND_6 + "\n\n" + BAND_6, BAND_6, None),
    ("a linking word stuffed onto every sentence", "writing_task_2", PROMPT, stuff_linkers(BAND_5), BAND_5, None),
    ("misspellings written in CAPITALS", "writing_task_2", PROMPT, misspell(BAND_6, "capitals"),
     misspell(BAND_6, "lower"), None),
    ("misspellings Capitalised", "writing_task_2", PROMPT, misspell(BAND_6, "capitalised"),
     misspell(BAND_6, "lower"), None),
    ("misspellings hidden by zero-width characters", "writing_task_2", PROMPT,
     hide_in_zero_width(misspell(BAND_6, "lower")), misspell(BAND_6, "lower"), None),
    ("all punctuation removed", "writing_task_2", PROMPT, strip_punctuation(BAND_8), BAND_8, None),
    ("ten subject-verb agreement errors", "writing_task_2", PROMPT, agreement_errors(BAND_8), BAND_8, None),
    ("the whole essay in capitals", "writing_task_2", PROMPT, all_capitals(BAND_6), BAND_6, None),
    ("a body paragraph in Chinese", "writing_task_2", PROMPT, insert_paragraph(BAND_8, CHINESE_PARAGRAPH), BAND_8,
     None),
    ("a body paragraph in Spanish", "writing_task_2", PROMPT, insert_paragraph(BAND_8, SPANISH_PARAGRAPH), BAND_8,
     None),
    ("every body paragraph in Chinese, English frame", "writing_task_2", PROMPT,
     foreign_body(BAND_8, CHINESE_PARAGRAPH), BAND_8, NONSENSE_CEILING),
    ("every body paragraph in Spanish, English frame", "writing_task_2", PROMPT,
     foreign_body(BAND_8, SPANISH_PARAGRAPH), BAND_8, NONSENSE_CEILING),
)
