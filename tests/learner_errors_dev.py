"""Learner essays with every grammar error annotated: the grammar checker's development set.

Ten Task 2 essays in the style of band 4-6 learners with different first
languages, each error marked inline as ``{as written=>corrected|kind}``, and
correct sentences that trip simple checkers (collective nouns, proper nouns,
"this matters", quantities) left unmarked: any flag on them is a false alarm.

``records()`` gives each essay as the annotated JSONL record the benchmark
reads: ``{"id", "split", "text", "errors": [{"start", "end", "kind",
"correction"}]}`` with character offsets into ``text``. The "tune" half was
used to build the rules; the "heldout" half was written at the same time and
only measured, never tuned on.

Kinds: agreement, verb_form (after to, modals and auxiliaries), tense (the
form of a tense), article, word_class, number (singular and plural after
quantifiers and determiners), preposition, capitalisation.
"""

from __future__ import annotations

import json
import re

_MARK = re.compile(r"\{([^{}|]*?)=>([^{}|]*?)\|([a-z_]+)\}")

ESSAYS = [
    {"id": "zh-5-children-technology", "split": "tune", "l1": "Chinese", "band": 5, "marked": """\
In recent years, {technology develop=>technology develops|agreement} very quickly, and \
{smartphone=>the smartphone|article} has become part of our daily life. Some people think that \
children should not use {this kind of devices=>this kind of device|number}, but I partly disagree \
with this opinion.

Firstly, the internet can help {student=>a student|article} to find information. For example, my \
cousin {use=>uses|agreement} an online dictionary when he {do=>does|agreement} his homework, and his \
English is much better than before. Secondly, children who {plays=>play|agreement} educational games \
can learn how to {solving=>solve|verb_form} problems.

However, there are also {many disadvantage=>many disadvantages|number}. If a child {spend=>spends|agreement} \
too much time on the screen, he will {became=>become|verb_form} lazy and he does not \
{exercises=>exercise|verb_form} enough. This matters because young children cannot always judge what is safe.

In conclusion, I believe that parents should {to control=>control|verb_form} the time their children \
spend online, because it is very {importance=>important|word_class} for their health."""},

    {"id": "ar-4-working-from-home", "split": "tune", "l1": "Arabic", "band": 4.5, "marked": """\
{in=>In|capitalisation} my opinion, working from home {have=>has|agreement} many advantages. \
{Many company=>Many companies|number} in {saudi arabia=>Saudi Arabia|capitalisation} now allow this. \
The government are now encouraging companies to let staff work remotely.

Employees {is=>are|agreement} more relaxed because they {doesn't=>don't|agreement} need to drive for \
two hours in the traffic. Riyadh is a huge city, so commuting takes a long time. Also, \
{i=>I|capitalisation} think the company {can saves=>can save|verb_form} money on electricity. My \
brother works for {a engineering=>an engineering|article} company and he {has went=>has gone|tense} \
to the office only twice this month.

On the other hand, some workers {feels=>feel|agreement} lonely at home. In addition, it is difficult \
for {manager=>a manager|article} to check the work of {each employees=>each employee|number}. \
{although=>Although|capitalisation} there are {some problem=>some problems|number}, I believe that \
working from home is the future."""},

    {"id": "es-5-tourism", "split": "tune", "l1": "Spanish", "band": 5.5, "marked": """\
Tourism is one of the most important {industry=>industries|number} in my country, Spain. Every \
summer, millions of tourists {arrives=>arrive|agreement} {to our beaches=>at our beaches|preposition}, \
and the people {is=>are|agreement} generally happy because tourism {create=>creates|agreement} jobs. \
My family have a small hotel near Valencia.

However, the economy {depends of=>depends on|preposition} the weather and on foreign visitors. In \
Barcelona, for example, the price of flats {have=>has|agreement} increased a lot because the owners \
{prefers=>prefer|agreement} to rent to tourists. The news is not always positive, but the number of \
visitors is still growing. A number of neighbours are organising protests.

I am {interested on=>interested in|preposition} this topic because I studied economics. To sum up, \
governments should {to limit=>limit|verb_form} the number of tourist apartments, but they must \
{protecting=>protect|verb_form} the jobs that tourism gives to young people."""},

    {"id": "vi-5-study-abroad", "split": "tune", "l1": "Vietnamese", "band": 5, "marked": """\
Nowadays, there {is=>are|agreement} many students who {wants=>want|agreement} to study abroad. \
{One of my friend=>One of my friends|number} studies in Australia, and he said that life there is \
expensive but interesting. Ho Chi Minh City has many good universities, and Vietnamese students \
can also study there.

When I finished high school, I {didn't knew=>didn't know|tense} what to study. My parents wanted me \
to go abroad, but it {was happened=>happened|tense} during the pandemic, so I stayed at home. My \
friend {buyed=>bought|tense} a laptop and studied online for one year.

Studying abroad {give=>gives|agreement} students {much experiences=>much experience|number}. However, \
it is very {expense=>expensive|word_class} for {normal family=>a normal family|article}. Therefore, \
students should {thinking=>think|verb_form} carefully before they {makes=>make|agreement} a decision."""},

    {"id": "ru-5-pollution-cars", "split": "tune", "l1": "Russian", "band": 5.5, "marked": """\
{Problem=>The problem|article} of air pollution is becoming more serious in big cities. Cars \
{produces=>produce|agreement} a lot of harmful gases, and people who {lives=>live|agreement} near \
busy roads often have breathing problems. In Moscow, where I live, the number of cars \
{have=>has|agreement} doubled in ten years.

{Government=>The government|article} should invest more money in public transport. I think that an \
electric car is {good solution=>a good solution|article}, because it does not \
{produces=>produce|verb_form} smoke. However, electric cars {is=>are|agreement} still expensive, and \
{this cars=>these cars|number} need special charging stations. There is a big \
{different=>difference|word_class} between the price of a normal car and an electric one.

Politics is a slow business, and the public are tired of waiting. Everybody {have=>has|agreement} to \
understand that nature is in danger and that each of us must change our habits."""},

    {"id": "ja-5-part-time-jobs", "split": "heldout", "l1": "Japanese", "band": 5, "marked": """\
These days, many {student=>students|number} in Japan {has=>have|agreement} \
{part-time job=>a part-time job|article}. When I was a university student, I also \
{work=>worked|tense} in a convenience store. This experience {teached=>taught|tense} me how to \
{talking=>talk|verb_form} with customers.

Working {give=>gives|agreement} students money and {responsible=>responsibility|word_class}. \
However, if students {works=>work|agreement} too much, they cannot {studied=>study|verb_form} well. \
My friend worked every night, and she {was fail=>failed|tense} an important exam. She was \
{good in=>good at|preposition} English, but she had no time to review.

What matters is balance. Tokyo has thousands of cafes, and students often work there at weekends. \
In conclusion, {a few hour=>a few hours|number} of work each week is fine, but students should \
remember that their main job is to study."""},

    {"id": "hi-5-city-village", "split": "heldout", "l1": "Hindi", "band": 5.5, "marked": """\
In India, people are moving from villages to cities in search of {job=>a job|article}. Life in the \
city {are=>is|agreement} more {comfort=>comfortable|word_class}, and cities \
{provides=>provide|agreement} better hospitals and schools. In this essay, we will \
{discuss about=>discuss|preposition} both views.

My uncle, who {live=>lives|agreement} in Mumbai, {earn=>earns|agreement} twice as much as his \
brother in the village. However, pollution in big cities {are=>is|agreement} terrible, and many \
people {are preferring=>prefer|tense} the peaceful life of villages. The Ganges flows through many \
cities, and the Indian government has promised to clean it.

In my view, the government should {focus in=>focus on|preposition} developing villages. \
{i=>I|capitalisation} believe that {each villages=>each village|number} needs a hospital and a good \
school, so that young people do not have to leave their families."""},

    {"id": "ko-4-advertising", "split": "heldout", "l1": "Korean", "band": 4.5, "marked": """\
Nowadays we can see {advertisement=>advertisements|number} everywhere, on TV, on the internet and on \
{bus=>buses|number}. Companies {spends=>spend|agreement} a lot of money on advertising because \
it works. Samsung and Hyundai advertise on every channel in {korea=>Korea|capitalisation}.

Some advertisements {makes=>make|agreement} children {to want=>want|verb_form} expensive toys. My \
little brother always {cry=>cries|agreement} when he {see=>sees|agreement} a new robot on TV. \
This matters to parents, because they cannot buy everything. I {am think=>think|verb_form} that \
this is {a important=>an important|article} problem.

Therefore, {government=>the government|article} must {controls=>control|verb_form} advertisements \
for children. {also=>Also|capitalisation}, parents should explain to their children that \
advertisements do not always tell the truth."""},

    {"id": "pt-6-sport-health", "split": "heldout", "l1": "Portuguese", "band": 6, "marked": """\
It is often argued that sport is the best way to stay healthy. Doing exercise regularly \
{help=>helps|agreement} people to control their weight, and the benefits of playing a team sport \
{is=>are|agreement} not only physical. For instance, children who {joins=>join|agreement} a football \
club learn to cooperate with others.

In my country, Brazil, football is a national passion. The team have trained hard all season, and \
millions of fans follow every match. However, the number of obese children {have=>has|agreement} \
risen in recent years, which {mean=>means|agreement} that many young people do not move enough. \
{an university=>a university|article} study showed that teenagers spend six hours a day sitting.

{Despite of=>Despite|preposition} these problems, the government should not {forcing=>force|verb_form} \
people to play sport. Economics is not my strongest subject, but I believe that free sports centres \
would be a better investment than hospitals."""},

    {"id": "fr-6-online-learning", "split": "heldout", "l1": "French", "band": 6, "marked": """\
Online courses {has=>have|agreement} become very popular, and a number of universities now offer \
them for free. Students can find all the {informations=>information|number} they need on the \
internet, and a teacher can {explains=>explain|verb_form} a topic to thousands of people at the \
same time.

In my opinion, this is {one of the best way=>one of the best ways|number} to learn a language. \
{In the other hand=>On the other hand|preposition}, online learning requires discipline. Every \
student {need=>needs|agreement} a quiet place and a fixed timetable, and many of them \
{gives=>give|agreement} up after a few weeks. Neither of my sisters has tried it.

To conclude, online courses are {an useful=>a useful|article} tool, but they cannot replace the contact \
between {teacher=>a teacher|article} and students. Universities should {to combine=>combine|verb_form} \
both methods."""},
]

# Correct sentences a checker might flag: collective nouns, names, quantities, "this matters".
TRAPS = [
    "This matters because young children cannot always judge what is safe.",
    "The government are now encouraging companies to let staff work remotely.",
    "The team have trained hard all season, and the police are investigating.",
    "My family have a small hotel near Valencia.",
    "The news is not always positive, but the number of visitors is still growing.",
    "A number of neighbours are organising protests.",
    "Politics is a slow business, and the public are tired of waiting.",
    "Ho Chi Minh City has many good universities.",
    "Samsung and Hyundai advertise on every channel.",
    "What matters is balance.",
    "Economics is not my strongest subject.",
    "Neither of my sisters has tried it.",
    "Each of the students has a laptop.",
    "One of the main reasons is that prices have risen.",
    "People who live in cities have better access to hospitals.",
    "The owner of these shops lives in London.",
    "Having a job helps students to manage their money.",
    "Students who work too much often fail their exams.",
    "Many young people want to study medicine or law.",
    "Most people agree that education is important.",
    "Television has changed the way families spend time together.",
    "It is the teachers who decide what is taught.",
    "Parents should let their children make mistakes.",
    "Children learn quickly when they enjoy what they do.",
    "I used to walk to school every day.",
    "They have lived in Paris since 2015.",
    "The data show that unemployment fell sharply.",
    "Technology makes life easier, but it also makes people lazy.",
    "There are many reasons why people move abroad.",
    "Learning English opens many doors.",
    "At school we studied history, geography and science.",
    "By car, the journey takes two hours; by train, it takes one.",
    "In fact, most of the money is spent on salaries.",
    "Whether governments should pay for university is a difficult question.",
    "The more people travel, the more they understand other cultures.",
    "Mathematics and physics are compulsory subjects.",
    "We went to bed late because the film was long.",
    "I am interested in art, and my brother is good at maths.",
]


def parse_marked(marked: str) -> tuple:
    """The plain text and the annotated errors (character offsets into it) of a marked essay."""
    text, errors, at = [], [], 0
    position = 0
    for match in _MARK.finditer(marked):
        text.append(marked[at:match.start()])
        position += match.start() - at
        wrong, right, kind = match.groups()
        errors.append({"start": position, "end": position + len(wrong), "kind": kind,
                       "text": wrong, "correction": right})
        text.append(wrong)
        position += len(wrong)
        at = match.end()
    text.append(marked[at:])
    return "".join(text), errors


def records(split: str | None = None) -> list[dict]:
    """The essays as annotated records, optionally one split ("tune" or "heldout")."""
    out = []
    for essay in ESSAYS:
        if split and essay["split"] != split:
            continue
        text, errors = parse_marked(essay["marked"])
        out.append({"id": essay["id"], "split": essay["split"], "l1": essay["l1"], "band": essay["band"],
                    "text": text, "errors": errors})
    return out


def trap_records() -> list[dict]:
    return [{"id": f"trap-{i}", "split": "traps", "text": sentence, "errors": []}
            for i, sentence in enumerate(TRAPS)]


if __name__ == "__main__":
    for record in records() + trap_records():
        print(json.dumps(record, ensure_ascii=False))
