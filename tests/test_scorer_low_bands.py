"""The bottom of the writing scale: honest weak answers are marked as examiners mark them.

Band-4 answers (on topic, 180-220 words, a position and a conclusion in paragraphs, plain words, errors of
agreement, articles and verb forms in most sentences) are rated about 4, not 2.5-3, and no criterion falls
below 3; band-3 answers (very short, few complete sentences, hard to follow) stay at about 3. Written for
this project, on questions the scorer was not fitted on.
"""

from __future__ import annotations

import pytest

from ielts_rq.scoring import score

CRITERIA = ("task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy")

PHONE_PROMPT = ("Many children now have their own mobile phone at a young age. Do the advantages of this "
                "outweigh the disadvantages?")
PHONE_4 = """Now a days many children have mobile phone when they are very young, some of them only seven or eight years old. I think this have some advantage but the disadvantage is more.

First, the advantage. Parents can call the child when he is in school or go home alone, so they dont worry too much. Also child can use the phone for learn something, for example english words or math game. My cousin have a phone and he learn many new word from it.

But there is many disadvantage. Children play the game on phone all the day and they not do homework. They dont go outside for play with friend and it is bad for there health, because they sit long time and there eyes is tired. Some children see bad video on internet and parents dont know about it. Also the phone is expensive and sometime children lost it or break it in school.

In my opinion parents should not give a phone to small children. If they need to call, they can use a simple phone without internet. When child is older, maybe fourteen, he can have a smart phone but parents must check it. In conclusion the disadvantage of mobile phone for children is more than advantage, so parents must be careful."""

SPORT_PROMPT = ("Some people think that the government should spend money on sports facilities for the public, "
                "while others think it should spend money on hospitals. Discuss both views and give your opinion.")
SPORT_4 = """Some people say goverment must spend money for sport center, but other people think hospital is more important. In this essay I will talk about the both idea.

In one hand, sport center is good for people. When people do sport they are more healthy and they not go to hospital so much. In my city there is only one swimming pool and it is very crowd and expensive, so many people cant use it. If goverment build more sport place, young people can play football or basketball after school and they dont stay at home with computer.

On other hand, hospital is very necessary. When some one is sick he need a doctor quickly. In my country the hospital have not enough bed and doctor, and people wait many hour for see doctor. Old people and poor people need hospital more than sport center. Also the medicine is very expensive and goverment can help them.

In my opinion, the hospital is more important than sport center because it save life of people. But goverment can also give a little money to sport, because sport stop people to get sick. So I think the most money is for hospital and some money for sport."""

TOURISM_PROMPT = ("International tourism has brought enormous benefit to many places. At the same time, there is "
                  "concern about its impact on local inhabitants and the environment. Do the disadvantages of "
                  "international tourism outweigh the advantages?")
TOURISM_4 = """Today many tourist travel to other country for holiday. Tourism bring money but also it bring some problem for local people and nature. I think the advantage is more than disadvantage.

The first advantage is money. Tourist pay for hotel, restaurant and shopping, so local people have job and more money. In my country many people work in hotel near the sea and they live good because of tourist. Also goverment get tax and can build new road and airport. Second, tourist learn about other culture and local people also learn about foreign people, it is good for friendship.

But tourism have some disadvantage. Sometime tourist throw rubbish on the beach and in the mountain, and the nature become dirty. Also there is too many people in small city in summer, and the price of food and house become very high for local people. Some local people are angry because of this.

In conclusion, tourism have advantage and disadvantage. I think advantage is more because people get job and money. But goverment must make rule for tourist to keep the nature clean and help local people."""

SCHOOL_PROMPT = ("Some people believe that students should wear a school uniform, while others think they should "
                 "be free to wear what they like. Discuss both views and give your opinion.")
SCHOOL_4 = """Many school in the world have uniform for student, but some people think student can wear any clothes what they like. Both opinion have good reason and I will explain them.

People who like uniform say it make all student same. Rich student and poor student wear same clothes, so nobody feel bad or shame. Also uniform is easy in the morning because student dont need think what to wear. In my school we wear blue shirt and black trouser and I think it look nice and tidy. Teacher also can see quickly who is student of the school.

Other people say student must have freedom. They think clothes is show the personality of person, and when every body wear same thing it is boring. Also uniform is expensive for some family, because they must buy it every year when child grow up. In summer uniform is very hot and not comfortable.

In my opinion, uniform is better for school. Student come to school for study, not for show clothes. But school can choose a uniform what is cheap and comfortable, then family is happy and student also is happy. So I agree with uniform."""

WORK_PROMPT = ("In many countries people are working longer hours than before. What are the reasons for this, "
               "and what effects does it have on individuals and society?")
WORK_4 = """Today people in many country work more hour than before. There is some reason for this and it have bad effect for people and for society.

The main reason is money. Life is very expensive now, the house and food and school for children cost a lot, so people must work more for pay everything. Also many company want more work from there worker but they dont give more worker. If somebody dont work long time, maybe the boss give his job to other person. Other reason is the phone and email, because people can work at home in evening and weekend.

This have many bad effect. People is very tired and they dont have time for family. My father work twelve hour every day and we only see him in sunday. Some people get sick because of stress and they not sleep enough. For society it is also bad, because family is not strong and people dont help neighbour or do sport.

In conclusion, people work long hour because they need money and company want more. I think goverment must make law that worker can not work too much hour, so people can be healthy and happy with there family."""

# band 3: short, hard to follow, few complete sentences
PHONE_3 = """children phone is good and bad. Parent call child. good. but child play game all day not study, and eye problem.

i think no phone for small child. Internet danger. bad video. also phone expensive, child lost. My brother phone, he play alway, no homework, mother angry.

so phone not good for small child only old child ok maybe. parent must see."""

SPORT_3 = """goverment money sport or hospital. hospital more important i think because sick people need doctor, no doctor people die. sport is good for healthy but not important same hospital.

In my city hospital is very little and old. people wait long. sport center have but nobody go because expensive.

so money for hospital. sport little money. this my opinion"""

WORK_3 = """people work long time now because money. everything expensive. house, food, school.

Effect is tired. no time family, no sport. my father work many, always tired, angry. sick people more. society bad because family not together.

i think goverment make law, work less. people happy."""

ONLINE_PROMPT = ('Some people think that learning online is better than learning in a classroom. '
                 'To what extent do you agree or disagree?')
ONLINE_4 = """Now many student study on internet, special after the covid. Some people think online learning is more better than classroom but I am not agree with this idea.

First, online learning have some good point. Student can study at home and they dont need to go by bus, so they save time and money. Also they can watch the lesson again if they not understand. My sister study english online and she say it is very easy for her because she work in day time.

But I think classroom is better. In classroom the teacher can see the student and help him quickly when he have problem. Student can talk with friend and make group work, it is important for learn. At home many student is lazy, they play phone or sleep in the lesson and nobody know. Also some family dont have good computer or internet, so they can not study good.

In conclusion, online learning is good for some people who work, but for young student the classroom is better because teacher and friend help them. I think school must stay open and online is only for help."""

TRAFFIC_PROMPT = ('Many cities have a problem with traffic congestion. What are the causes of '
                  'this problem and what solutions can you suggest?')
TRAFFIC_4 = """In big city the traffic is very bad problem. Every morning and evening the road is full of car and people is late for work. In this essay I will say the cause and some solution.

The first cause is too many car. Now car is cheap and every family want to have one or two car. Also the bus in many city is old and slow and not come on time, so people prefer drive there own car. Another cause is the road is small and there is many road work, so the car can not move fast.

There is some solution for this problem. Goverment should make the bus and the metro more good and more cheap, then people will leave car at home. They also can make the parking very expensive in center of city. Company can let worker start work in different time, so not everybody go on road in same time.

In conclusion, traffic is big problem because there is too many car and bad bus. If goverment make good public transport and company help too, the traffic will be less and the city is more clean."""

START_AGE_PROMPT = ('Some people believe that children should start school at a very young age, '
                    'while others think they should stay at home until they are seven. Discuss '
                    'both views and give your opinion.')
START_AGE_4 = """Some parent send there child to school when he is four or five years old, but other parent think child must stay at home until seven year. Both idea have reason.

Parent who send child early say the child learn many thing in school, for example reading and counting, and he play with other child and learn to share. Also mother and father can go to work because the school look after the child. In my country most parent work, so they need school.

Other parent think small child need his mother. At home child feel safe and happy, and he can play free. School is very long day and small child is tired and sometime cry. Some expert say child who start late is not worse in study.

In my opinion, child can start school at five or six, but school for small child must be more play and less study. So child is happy and also learn something."""

BAND_4 = [(PHONE_PROMPT, PHONE_4), (SPORT_PROMPT, SPORT_4), (TOURISM_PROMPT, TOURISM_4),
          (SCHOOL_PROMPT, SCHOOL_4), (WORK_PROMPT, WORK_4), (ONLINE_PROMPT, ONLINE_4),
          (TRAFFIC_PROMPT, TRAFFIC_4), (START_AGE_PROMPT, START_AGE_4)]
BAND_3 = [(PHONE_PROMPT, PHONE_3), (SPORT_PROMPT, SPORT_3), (WORK_PROMPT, WORK_3)]


def _bands(essay: str, prompt: str) -> dict:
    result = score("writing_task_2", essay, prompt)
    return {c["criterion"]: c["band_score"] for c in result["criteria_scores"]} | {
        "overall": result["overall_band_score"]}


@pytest.mark.parametrize(("prompt", "essay"), BAND_4, ids=["phone", "sport", "tourism", "uniform", "hours", "online", "traffic", "start_age"])
def test_an_honest_band_4_answer_lands_near_band_4(prompt, essay):
    bands = _bands(essay, prompt)
    assert 3.5 <= bands["overall"] <= 4.5, bands
    assert min(bands[c] for c in CRITERIA) >= 3, bands


@pytest.mark.parametrize(("prompt", "essay"), BAND_3, ids=["phone", "sport", "hours"])
def test_an_honest_band_3_answer_stays_near_band_3(prompt, essay):
    assert _bands(essay, prompt)["overall"] <= 3.5


@pytest.mark.parametrize(("prompt", "band_4", "band_3"), [
    (PHONE_PROMPT, PHONE_4, PHONE_3), (SPORT_PROMPT, SPORT_4, SPORT_3), (WORK_PROMPT, WORK_4, WORK_3)],
    ids=["phone", "sport", "hours"])
def test_a_band_4_answer_scores_above_a_band_3_answer_to_the_same_question(prompt, band_4, band_3):
    assert _bands(band_4, prompt)["overall"] > _bands(band_3, prompt)["overall"]


@pytest.mark.parametrize(("prompt", "essay"), BAND_3, ids=["phone", "sport", "hours"])
def test_a_short_answer_summing_up_its_position_is_not_marked_as_restating(prompt, essay):
    """Its closing sentence says again what it argued, as answers close: no trick, Task Response above band 1."""
    result = score("writing_task_2", essay, prompt)
    task = next(c for c in result["criteria_scores"] if c["criterion"] == "task_response")
    assert task["band_score"] >= 2, task
    assert not any("say again in other words" in w for c in result["criteria_scores"] for w in c["weaknesses"])
