"""Three questions written for this project, each with an honest answer and the tricks made from it.

Every trick turns the honest answer into one an examiner would not credit more: padding that says the
same again (a reworded second half, a repeated paragraph, filler sentences), the paragraph breaks
removed or every sentence on its own line, the sentences shuffled, the answer in bullet points, rare
words used in the wrong sense or register, a chain of idioms, an all-purpose template with the topic
swapped in, and a good essay on the same broad topic that answers another question.
Each trick must score below the honest answer on the criterion it games and no higher overall.
"""

from __future__ import annotations

import random
import re

import pytest

from ielts_rq.scoring import score
from tests.conftest import scored_as_submitted
from tests.essays_attacks import paragraphs, sentences, shuffle_sentences
from tests.essays_ladder import LADDER, PROMPT
from tests.essays_padding import TEMPLATE
from tests.essays_relevance import QUESTIONS as LEVELLED

TOURISM_PROMPT = ("International tourism has grown enormously in recent decades. Some people say it brings more "
                  "problems than benefits to the places tourists visit. To what extent do you agree or disagree?")

TOURISM = """Over the last few decades, cheap flights and online booking have turned international travel into an ordinary part of life for millions of people. Some argue that this boom harms the towns and countries that receive visitors, but I believe that, if it is managed sensibly, tourism does more good than harm.

The case against mass tourism is easy to understand. Popular cities such as Venice and Barcelona are so crowded in summer that residents can hardly walk through their own streets, and rents rise as flats are turned into holiday lets. Fragile places also suffer: coral reefs are damaged by divers, and mountain paths are eroded by thousands of hikers every year.

However, the economic benefits are enormous. Tourism creates jobs in hotels, restaurants and transport, often in regions where there is little other work. In countries like Thailand or Kenya, money spent by visitors pays for roads, airports and even the protection of national parks, because wildlife attracts foreign income. Travel also encourages understanding between cultures, as visitors learn about local traditions and hosts meet people from abroad.

Most of the problems can be reduced by good planning. Cities can limit the number of short-term rentals, charge a small tourist tax and spread visitors across the year, while sensitive sites can use tickets with fixed time slots.

In conclusion, although uncontrolled tourism can damage communities and the environment, I disagree that it brings more problems than benefits. With careful regulation, it can support local economies and bring people from different cultures together."""

TOURISM_REWORDED = TOURISM + """

To put it differently, travelling abroad has become a normal thing for a huge number of people because plane tickets are cheap and booking online is easy. Although some claim that this growth damages the places that welcome tourists, my opinion is that tourism is more positive than negative when it is controlled well.

In other words, it is not hard to see why people criticise mass tourism. Famous cities like Venice and Barcelona become so full in the summer months that local people can barely move around their own neighbourhoods, and housing costs go up when apartments become holiday rentals. Delicate natural areas are harmed as well, since divers damage reefs and crowds of walkers wear away mountain trails.

To sum up once more, even though tourism without control can hurt local people and nature, I do not accept that its problems are greater than its advantages, because sensible rules allow it to help local economies and connect different cultures."""

TOURISM_OTHER = """Space tourism, once a fantasy, is now offered by a handful of private companies to anyone wealthy enough to pay for a seat. Some people think such flights should be banned, and I largely agree that they should at least be strictly limited.

The strongest argument against space tourism is its environmental cost. A single suborbital flight burns an enormous quantity of fuel for a few minutes of weightlessness, and the soot released high in the atmosphere may warm the planet more than emissions at ground level. At a time when ordinary citizens are asked to fly less and recycle more, allowing billionaires to pollute for entertainment sends a damaging message.

Supporters reply that the industry funds research and will eventually make rockets cheaper and cleaner. Reusable boosters, they point out, were developed partly because private firms needed to cut costs. There is some truth in this, but the same research could be paid for by governments and directed at useful goals, such as weather satellites or scientific missions.

Safety is another concern. Launches remain far riskier than commercial aviation, and passengers receive only a few days of training. Accidents would also place a burden on public rescue services.

In conclusion, although space travel for private citizens is a remarkable technical achievement, its pollution and risks outweigh its benefits. Governments should tax these flights heavily and cap their number until cleaner technology is available."""

SUGAR_PROMPT = ("Some people think governments should put a tax on sugary foods and drinks to improve public health. "
                "To what extent do you agree or disagree?")

SUGAR = """Rates of obesity and diabetes have risen sharply in many countries, and sugary snacks and soft drinks are often blamed. One proposed solution is a special tax on products high in sugar. In my opinion, such a tax is a reasonable measure, but it should be part of a wider strategy.

There are good reasons to support a sugar tax. Higher prices change behaviour, especially among young people and low-income families, who are most sensitive to cost. When Mexico introduced a tax on sweetened drinks, sales fell by around ten percent within two years. Furthermore, many manufacturers reduce the sugar in their recipes to avoid the tax, which means that even people who keep buying the same products consume less sugar. The money raised can also be spent on school sports or health education.

On the other hand, critics argue that the tax is unfair and limited. Poorer households spend a larger share of their income on food, so they pay proportionally more. In addition, people can simply switch to other unhealthy foods, such as crisps or fast food, which are not taxed. Some also feel that adults should be free to decide what they eat without the state interfering.

Despite these objections, I believe the benefits outweigh the drawbacks. The unfairness can be reduced if the revenue is used to make fruit and vegetables cheaper, and the tax should be combined with clear food labels and limits on advertising to children.

In conclusion, taxing sugary products is a useful step towards better public health, provided that governments also help people to choose healthier alternatives."""

SUGAR_REWORDED = SUGAR + """

To say it again in other words, illnesses such as diabetes and obesity are becoming much more common in a lot of countries, and people often blame sweets and fizzy drinks for this. A tax on food containing a lot of sugar has been suggested as an answer, and I think this tax makes sense, although it should not be the only measure.

Put differently, there are strong arguments in favour of taxing sugar. When prices go up, people buy less, particularly teenagers and families without much money. For instance, in Mexico people bought about a tenth fewer sweet drinks after the tax started. Companies also change their recipes and use less sugar so that they do not have to pay the tax.

Once again, in conclusion, a tax on sweet products helps to improve the health of the public, as long as the government also makes it easier for people to buy healthy food."""

SUGAR_OTHER = """Many parents and teachers are worried that children today take far less exercise than previous generations. Some people believe that physical education should be a compulsory daily lesson in every school, and I strongly agree with this view.

The first reason is that regular exercise in childhood builds habits that last for life. Children who learn to enjoy running, swimming or team games are more likely to stay active as adults, which protects them from heart disease and other illnesses later on. Daily lessons also guarantee that every pupil moves, including those whose families cannot afford sports clubs.

Secondly, physical activity improves concentration and behaviour in the classroom. Teachers often report that pupils are calmer and more attentive after a lesson outdoors, and several studies have linked exercise with better memory. Far from taking time away from academic subjects, sport may actually raise examination results.

Opponents argue that the timetable is already full and that schools lack playing fields and trained staff. These problems are real, but daily activity need not mean a full hour of football: twenty minutes of games in the playground or a short dance session in the hall would bring many of the same benefits.

In conclusion, a daily physical education lesson is a simple and affordable way to give children healthier lives and better learning, so it should be required in all schools."""

TOWER_PROMPT = ("In many cities, more and more people live in high-rise apartment buildings. Do the advantages of "
                "this outweigh the disadvantages?")

TOWER = """As urban populations grow, a rising number of city dwellers live in tall blocks of flats rather than in houses. Although this way of life has some drawbacks, I believe its advantages are greater.

The main benefit of high-rise housing is that it uses land efficiently. A single tower can house hundreds of families on a plot that would hold only a few houses, which leaves more space for parks and stops cities from spreading into farmland and forests. Dense neighbourhoods also make public transport, shops and schools practical, because many customers and pupils live within walking distance. As a result, residents can often live without a car.

Living high up has personal advantages as well. Upper floors are quieter than streets full of traffic and often have impressive views. Modern buildings usually include security staff, lifts and shared facilities such as gyms or rooftop gardens, which many people could not afford in a private house.

Nevertheless, there are real disadvantages. Residents of tall blocks may feel isolated, since they rarely meet their neighbours, and children have less space to play outside. Poorly built towers can also be dangerous, as the Grenfell fire in London showed in 2017, and repairing old buildings is expensive.

In conclusion, the problems of high-rise living are serious but can be solved by strict safety rules and good design, including shared spaces where neighbours can meet. Because tall buildings save land and support public services, I think their advantages outweigh their disadvantages."""

TOWER_REWORDED = TOWER + """

To put it another way, because more and more people move to cities, many of them now live in tall apartment buildings and not in houses. In my view, this kind of housing has more good points than bad points, even if it has some problems.

In other words, the biggest advantage of tall buildings is that they do not need much land. Hundreds of families can live in one tower built on the same area as a few houses, so there is more room for green spaces and the city does not grow into the countryside. Because so many people live close together, buses, shops and schools are easy to reach on foot, and people often do not need to drive.

To conclude again, although living in tall buildings has some serious problems, they can be fixed with good design and strong safety laws, so the benefits of these buildings are bigger than the drawbacks."""

TOWER_OTHER = """In many countries young adults face a difficult choice between renting a home and borrowing heavily to buy one. Some argue that buying is always the better decision, but I believe that renting is often the wiser option.

Those who favour buying point out that monthly mortgage payments gradually build wealth, whereas rent is money that the tenant never sees again. Owners also enjoy security, because they cannot be asked to leave when a landlord decides to sell, and they are free to decorate or extend their property as they wish.

However, buying a home ties up a huge amount of money in a single asset. A deposit can take years to save, and if house prices fall, owners may find that they owe the bank more than their property is worth. Renting, by contrast, allows people to move easily when they find a better job in another city, which is increasingly important in a changing labour market. Tenants are also not responsible for expensive repairs such as a new roof or boiler.

Furthermore, the money that would have gone into a deposit can be invested elsewhere, for example in pension funds, which have historically produced good returns without the risk of a single property.

In conclusion, while home ownership offers stability, renting gives young people flexibility and protects them from debt, so it should not be regarded as a failure or a waste of money."""

TEMPLATE_2 = """These days, the issue of {topic} is a controversial topic that attracts a lot of attention. It is an undeniable fact that this matter has both positive and negative aspects, and people from all walks of life have different opinions about it. In this essay, I will discuss both sides of the coin before giving my own opinion.

To begin with, there are many advantages of {topic}. It is a well-known fact that it can improve the quality of life of individuals and society. Moreover, it brings a lot of opportunities for people all over the world. As a result, many people strongly support {topic} and consider it a necessity of modern life.

On the flip side, there are also some disadvantages that cannot be overlooked. It can cause a lot of problems for people and have a negative impact on society in the long run. Furthermore, some people argue that these negative effects are more important than the positive ones.

To conclude, having considered both sides of the coin, I firmly believe that the advantages of {topic} outweigh its disadvantages. It is high time that governments and individuals took appropriate measures to make the most of it for the sake of a brighter future."""

# (name, question, honest answer, the same answer reworded after it, an essay answering another question,
#  the topic a template would name)
QUESTIONS = (
    ("tourism", TOURISM_PROMPT, TOURISM, TOURISM_REWORDED, TOURISM_OTHER, "international tourism"),
    ("sugar", SUGAR_PROMPT, SUGAR, SUGAR_REWORDED, SUGAR_OTHER, "a tax on sugary foods"),
    ("tower", TOWER_PROMPT, TOWER, TOWER_REWORDED, TOWER_OTHER, "living in high-rise buildings"),
)

FILLERS = ("This is a very important point that everyone should think about.",
           "There are many different opinions about this matter.",
           "This shows how significant this issue is in the modern world.",
           "It is something that people talk about a lot nowadays.",
           "Everybody knows that this is a big question in our society.",
           "This point is really worth considering carefully.")
# Ordinary words replaced by rare ones that do not mean the same in context (a thesaurus used blindly).
THESAURUS = {"people": "denizens", "important": "momentous", "problems": "quandaries", "problem": "quandary",
             "many": "manifold", "money": "lucre", "help": "abet", "use": "utilise", "show": "evince",
             "showed": "evinced", "big": "gargantuan", "good": "salubrious", "bad": "nefarious",
             "place": "locus", "places": "loci", "make": "fabricate", "work": "toil", "children": "progeny",
             "cheap": "parsimonious", "simply": "unadornedly", "limit": "circumscribe", "reduce": "truncate",
             "space": "expanse", "spend": "disburse", "change": "metamorphose", "free": "unfettered",
             "countries": "polities", "food": "victuals", "live": "abide", "homes": "domiciles",
             "buildings": "edifices", "family": "kinsfolk", "families": "kinsfolk", "buy": "procure",
             "cities": "conurbations", "city": "conurbation", "jobs": "vocations", "young": "callow",
             "benefits": "boons", "serious": "grave", "clear": "pellucid", "ordinary": "quotidian"}
IDIOMS = ("At the end of the day, ", "To cut a long story short, ", "When all is said and done, ",
          "As a matter of fact, ", "By and large, ", "Last but not least, ", "In the blink of an eye, ",
          "Every cloud has a silver lining, and ", "It goes without saying that ", "Needless to say, ")
IDIOM_TAILS = (", which is just the tip of the iceberg.", ", and that is a piece of cake.",
               ", which hits the nail on the head.", ", and it costs an arm and a leg.",
               ", so we must kill two birds with one stone.", ", which is a blessing in disguise.")


def one_block(text: str) -> str:
    return " ".join(paragraphs(text))


def sentence_per_line(text: str) -> str:
    return "\n".join(sentences(text))


def shuffled_within_paragraphs(text: str, seed: int = 3) -> str:
    rng = random.Random(seed)
    out = []
    for paragraph in paragraphs(text):
        parts = sentences(paragraph)
        rng.shuffle(parts)
        out.append(" ".join(parts))
    return "\n\n".join(out)


def bullets(text: str, marker: str = "-") -> str:
    """Each paragraph a heading line and each sentence a list item, without full stops."""
    out = []
    for number, paragraph in enumerate(paragraphs(text), 1):
        items = [f"{marker if marker != '1.' else f'{i}.'} {s.rstrip('.')}"
                 for i, s in enumerate(sentences(paragraph), 1)]
        out.append(f"Point {number}:\n" + "\n".join(items))
    return "\n\n".join(out)


def notes(text: str) -> str:
    """Telegraphic notes: each sentence cut to its first clause, no articles, one per line."""
    lines = []
    for paragraph in paragraphs(text):
        for sentence in sentences(paragraph):
            clause = re.split(r"[,;:]", sentence)[0]
            words = [w for w in clause.split() if w.lower() not in ("the", "a", "an", "is", "are")]
            lines.append("* " + " ".join(words).rstrip("."))
        lines.append("")
    return "\n".join(lines).strip()


def repeat_paragraph(text: str, which: int = 1, times: int = 2) -> str:
    parts = paragraphs(text)
    return "\n\n".join(parts[:which + 1] + [parts[which]] * times + parts[which + 1:])


def with_fillers(text: str) -> str:
    out, k = [], 0
    for paragraph in paragraphs(text):
        made = []
        for sentence in sentences(paragraph):
            made += [sentence, FILLERS[k % len(FILLERS)]]
            k += 1
        out.append(" ".join(made))
    return "\n\n".join(out)


def thesaurus(text: str) -> str:
    def swap(match):
        word = match.group(0)
        rare = THESAURUS[word.lower()]
        return rare.capitalize() if word[0].isupper() else rare
    return re.sub(r"\b(" + "|".join(THESAURUS) + r")\b", swap, text, flags=re.IGNORECASE)


def idiom_chain(text: str) -> str:
    out, k = [], 0
    for paragraph in paragraphs(text):
        made = []
        for sentence in sentences(paragraph):
            opener = IDIOMS[k % len(IDIOMS)]
            sentence = opener + sentence[0].lower() + sentence[1:]
            if k % 2:
                sentence = sentence.rstrip(".") + IDIOM_TAILS[k % len(IDIOM_TAILS)]
            made.append(sentence)
            k += 1
        out.append(" ".join(made))
    return "\n\n".join(out)


TASK, CC, LR = "task_response", "coherence_cohesion", "lexical_resource"
# (name, how the trick is made from (question, honest answer, other essay, topic), the criteria it games)
TRICKS = (
    ("the answer said again in other words", lambda q: q[3], (CC,)),
    ("a body paragraph pasted twice more", lambda q: repeat_paragraph(q[2]), (CC,)),
    ("no paragraph breaks", lambda q: one_block(q[2]), (CC,)),
    ("every sentence on a line of its own", lambda q: sentence_per_line(q[2]), (CC,)),
    ("the sentences shuffled", lambda q: shuffle_sentences(q[2], seed=3), (CC,)),
    ("bullet points", lambda q: bullets(q[2]), (TASK, CC)),
    ("a numbered list", lambda q: bullets(q[2], "1."), (TASK, CC)),
    ("notes", lambda q: notes(q[2]), (TASK, CC)),
    ("rare words from a thesaurus", lambda q: thesaurus(q[2]), (LR,)),
    ("a chain of idioms", lambda q: idiom_chain(q[2]), (LR,)),
    ("a memorised template", lambda q: TEMPLATE.format(topic=q[5]), (TASK,)),
    ("another memorised template", lambda q: TEMPLATE_2.format(topic=q[5]), (TASK,)),
    ("an essay answering another question", lambda q: q[4], (TASK,)),
)


def _bands(answer: str, prompt: str) -> tuple[float, dict, dict]:
    result = score("writing_task_2", answer, prompt)
    return (result["overall_band_score"], {c["criterion"]: c for c in result["criteria_scores"]},
            result["feature_analysis"])


@pytest.fixture(scope="module")
def honest_bands() -> dict:
    return {name: _bands(honest, prompt) for name, prompt, honest, *_ in QUESTIONS}


@pytest.mark.parametrize("question", QUESTIONS, ids=[q[0] for q in QUESTIONS])
@pytest.mark.parametrize("trick, make, gamed", TRICKS, ids=[t[0] for t in TRICKS])
def test_a_trick_scores_below_the_honest_answer_on_what_it_games(question, trick, make, gamed, honest_bands):
    overall, criteria, _ = _bands(make(question), question[1])
    honest_overall, honest_criteria, _ = honest_bands[question[0]]
    assert overall <= honest_overall
    for criterion in gamed:
        assert criteria[criterion]["band_score"] < honest_criteria[criterion]["band_score"], criterion


@pytest.mark.parametrize("question", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_the_learner_is_told_why_a_trick_is_not_credited(question):
    _, criteria, _ = _bands(bullets(question[2]), question[1])
    assert any("Not continuous prose" in w for w in criteria[TASK]["weaknesses"])
    _, criteria, _ = _bands(thesaurus(question[2]), question[1])
    assert any("thesaurus" in w for w in criteria[LR]["weaknesses"])
    _, criteria, analysis = _bands(idiom_chain(question[2]), question[1])
    assert any("idioms and stock phrases" in w for w in criteria[LR]["weaknesses"])
    _, criteria, _ = _bands(sentence_per_line(question[2]), question[1])
    assert any("paragraph" in w for w in criteria[CC]["weaknesses"])


def test_honest_answers_set_off_none_of_the_new_checks():
    answers = [(prompt, honest) for _, prompt, honest, *_ in QUESTIONS]
    answers += [(PROMPT, essay) for _, essay in LADDER]
    answers += [(prompt, essay) for prompt, levels, _ in LEVELLED.values() for essay in levels.values()]
    for prompt, essay in answers:
        for criterion in score("writing_task_2", essay, prompt)["criteria_scores"]:
            for weakness in criterion["weaknesses"]:
                assert not any(flag in weakness for flag in (
                    "Not continuous prose", "thesaurus", "idioms and stock phrases", "in other words",
                    "Sentences are out of place", "every sentence on a line")), (essay[:60], weakness)


def test_notes_are_capped_on_the_worker_path(redis_conn, tmp_path):
    """A bulleted answer submitted and scored as a learner's is: through the CLI and a worker."""
    result = scored_as_submitted(tmp_path, bullets(TOURISM), "writing_task_2", TOURISM_PROMPT)
    bands = {c["criterion"]: c["band_score"] for c in result["criteria_scores"]}
    assert bands[TASK] <= 5 and bands[CC] <= 5
    assert result["overall_band_score"] < score("writing_task_2", TOURISM, TOURISM_PROMPT)["overall_band_score"]
