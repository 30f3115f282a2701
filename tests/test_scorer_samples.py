"""Sample answers for the scorer tests, and checks that they are what they claim.

A well-formed Task 2 essay and degraded copies of it: each copy keeps the
content and breaks one thing (spelling, sentence boundaries, variety,
length), so any drop in its score comes from that one thing.
"""

from __future__ import annotations

import re

TASK2_PROMPT = ("Some people think that governments should invest more money in public transport "
                "than in building new roads. To what extent do you agree or disagree?")

GOOD_ESSAY = """\
In many countries, traffic congestion has become a serious problem, and governments must decide \
whether to spend their limited budgets on public transport or on new roads. In my opinion, \
investing in public transport is the wiser choice, although some road building remains necessary.

Firstly, public transport moves far more people using far less space. A single commuter train can \
carry over a thousand passengers, whereas the same number of people travelling by car would \
require hundreds of vehicles and several lanes of motorway. For instance, a bus network with \
dedicated lanes can be built in a fraction of the time needed for a new highway, and at a much \
lower cost. Consequently, cities such as Tokyo and \
Singapore, which have invested heavily in railways, suffer from much less congestion than cities \
that rely almost entirely on private cars.

Secondly, buses and trains are considerably better for the environment and for public health. \
Because they produce fewer emissions per passenger, they help to reduce air pollution, which is \
responsible for thousands of premature deaths every year. Furthermore, an efficient network \
encourages people to walk or cycle to stations, and this gradually improves their fitness.

On the other hand, it would be unrealistic to stop building roads altogether. People who live in \
remote rural areas often have no alternative to driving, and businesses depend on reliable routes \
to deliver their goods. Therefore, governments should continue to maintain existing roads and \
construct new ones where there is a genuine need.

In conclusion, I strongly believe that public transport deserves the larger share of investment, \
since it reduces congestion, protects the environment and serves those who cannot drive. \
Nevertheless, a balanced policy that also meets the needs of rural communities would benefit \
society as a whole.
"""

# The same essay with many common learners' misspellings.
_MISSPELLINGS = {
    "countries": "contries", "traffic": "trafic", "governments": "goverments",
    "necessary": "neccessary", "passengers": "pasengers", "whereas": "wereas",
    "require": "requier", "several": "severall", "considerably": "considerabley",
    "environment": "enviroment", "responsible": "responsable", "thousands": "thousends",
    "Furthermore": "Futhermore", "efficient": "eficient", "encourages": "encourajes",
    "gradually": "graduely", "unrealistic": "unrealistik", "remote": "remot",
    "alternative": "alternativ", "businesses": "bussinesses", "reliable": "relaible",
    "Therefore": "Therfore", "believe": "beleive", "deserves": "deservs",
    "protects": "protecs", "communities": "comunities", "benefit": "benifit",
    "society": "sociaty", "congestion": "congestoin", "investment": "invesment",
}


def _misspell(text: str) -> str:
    for right, wrong in _MISSPELLINGS.items():
        text = re.sub(rf"\b{right}\b", wrong, text)
    return text


MISSPELLED_ESSAY = _misspell(GOOD_ESSAY)

# The same essay with sentence boundaries removed: run-on sentences, lower-case
# starts, no paragraphs, plus a few typical slips.
BROKEN_ESSAY = (
    " ".join(GOOD_ESSAY.split())
    .replace(". ", " ")
    .replace(", ", " ")
    .replace("In my opinion", "in my opinion i think")
    .replace("public transport is the wiser", "public transport are the wiser")
    .replace("People who live", "people who lives")
    .replace("an efficient", "a efficient")
    .replace("it would be", "it would be be")
)

# Heavy repetition: a few simple sentences said over and over with basic words.
REPETITIVE_ESSAY = "\n\n".join([(
    "Public transport is good. Public transport is good for people. People like public transport. "
    "Public transport is good because people like it. Roads are bad. Roads are bad for people. "
    "People do not like roads. Roads are bad because people do not like roads. "
    "So public transport is good and roads are bad. I think public transport is good. "
    "I think roads are bad. Public transport is good for the city. Roads are bad for the city."
)] * 3)

HALF_ESSAY = " ".join(GOOD_ESSAY.split()[: len(GOOD_ESSAY.split()) // 2]) + "."

TASK1_PROMPT = ("The chart below shows the percentage of households with internet access in three "
                "countries between 2000 and 2020. Summarise the information by selecting and "
                "reporting the main features, and make comparisons where relevant.")

TASK1_ANSWER = """\
The bar chart compares the proportion of households with internet access in Canada, Mexico and \
India over a twenty-year period from 2000 to 2020.

Overall, access rose sharply in all three countries, although Canada remained well ahead of the \
others throughout the period. The most dramatic growth was seen in India.

In 2000, around 40% of Canadian households were connected, compared with only 8% in Mexico and \
just 1% in India. Over the following decade, the figure for Canada climbed steadily to reach 80%, \
while Mexico's share tripled to approximately 25%.

By 2020, almost all homes in Canada (95%) had internet access. Mexico also saw a significant \
increase, ending the period at 70%. India, which had started from a very low base, experienced the \
fastest rise after 2010 and finished at 55%, more than fifty times its initial level. As a result, \
the gap between the three countries narrowed considerably by the end of the period.
"""

FRENCH_TEXT = (
    "Les transports publics sont essentiels pour les grandes villes modernes. Je pense que le "
    "gouvernement devrait investir davantage dans les trains et les bus plutôt que dans la "
    "construction de nouvelles routes, car cela réduit la pollution et les embouteillages. De plus, "
    "les personnes âgées et les étudiants qui ne conduisent pas peuvent se déplacer facilement."
)

SPANISH_TEXT = (
    "El transporte público es muy importante para las ciudades grandes. Creo que el gobierno debe "
    "invertir más dinero en trenes y autobuses que en carreteras nuevas, porque así se reduce la "
    "contaminación y el tráfico. Además, las personas mayores y los estudiantes que no tienen coche "
    "pueden viajar con facilidad todos los días."
)

GIBBERISH_TEXT = (
    "asdkj qwoeiru zxmcnv lkjhasd poiuqwe mnbzxc qwerty asdfgh zxcvbn lkjqwe oiuasd mnbqwe "
    "plokij uhygtf rdeswa qazwsx edcrfv tgbyhn ujmik olpkij hgfdsa wqerty xcvbnm pqowie "
    "alskdj zmxncb qpwoei rutyal skdjfh gqpwoe ritydh fjskal"
)

SPEAKING_FLUENT = (
    "Well, I grew up in a small coastal town, so the sea has always been a big part of my life. "
    "When I was a child, my family would spend almost every weekend at the beach, and I think that "
    "is why I still find the sound of the waves so relaxing. These days I live in the capital, "
    "which is much busier, but I try to go back home at least once a month, because it helps me "
    "recharge. What I appreciate most about my hometown is the sense of community: people know "
    "each other, and they are always willing to help if someone is in trouble."
)

SPEAKING_HESITANT = (
    "Um, I, I grow up in, uh, small town, um, near the, the sea. Uh, when I am child, um, my family, "
    "uh, go to the beach, like, every weekend, you know. Um, I like the sea, uh, because, um, it is "
    "nice. Now I, uh, live in the capital, um, it is, uh, busy, you know, and, um, I go home, uh, "
    "sometimes. Um, people in my town is, uh, friendly, I mean, they, uh, help people, um, yes."
)


def word_count(text: str) -> int:
    return len(text.split())


def test_good_essay_meets_task2_minimum():
    assert 280 <= word_count(GOOD_ESSAY) <= 350


def test_misspelled_essay_changes_only_spelling():
    assert word_count(MISSPELLED_ESSAY) == word_count(GOOD_ESSAY)
    changed = [a for a, b in zip(GOOD_ESSAY.split(), MISSPELLED_ESSAY.split()) if a != b]
    assert len(changed) >= 25


def test_broken_essay_has_no_sentence_boundaries():
    assert BROKEN_ESSAY.count(".") <= 2 and "\n" not in BROKEN_ESSAY


def test_half_essay_is_under_length():
    assert word_count(HALF_ESSAY) < 200
