"""Spoken answers for the speaking defences: honest answers at several levels on several cue cards and
questions, and the tricks that must not pay (a talk on another topic, filler padding, word salad from the
recogniser, a long turn cut short). Written for these tests; none comes from a rated set."""

from __future__ import annotations

import random

CARD_BOOK = ("Describe a book you enjoyed reading. You should say what the book was, when you read it, what it was "
             "about, and explain why you enjoyed it.")
CARD_JOURNEY = ("Describe a journey you remember well. You should say where you went, how you travelled, who you "
                "went with, and explain why you remember this journey.")
CARD_PERSON = ("Describe a person who has influenced you. You should say who this person is, how you know them, "
               "what they have done, and explain why they influenced you.")
CARD_SKILL = ("Describe a skill you learned as an adult. You should say what the skill is, how you learned it, how "
              "long it took, and explain how you feel about it.")
PART1_WEEKENDS = "What do you usually do at the weekend?"
PART3_TECHNOLOGY = "How has technology changed the way families communicate with each other?"

# Band 8-ish long turns: extended, precise, complex and accurate.
STRONG = {
    CARD_BOOK: (
        "The book I'd like to talk about is a novel called The Remains of the Day, which I read last summer while I "
        "was staying with my grandparents in the countryside. It's narrated by an elderly English butler who, having "
        "spent most of his life serving a lord, sets off on a short motoring trip across the west of England, and as "
        "he drives he looks back on the decisions he made. What struck me first was how little actually happens, "
        "because on the surface it's just a man describing hotels and country lanes. But gradually you realise that "
        "he's concealing his own feelings, even from himself, and that the loyalty he's so proud of has cost him the "
        "one relationship that might have made him happy. I think the reason I enjoyed it so much is that the author "
        "never tells you this directly; instead, he trusts the reader to notice the gaps between what the butler says "
        "and what he means. It also made me reconsider my own attitude to work, since I tend to put my job before "
        "almost everything else. If I hadn't read it at that particular moment, I probably wouldn't have noticed how "
        "much I'd been neglecting my friends. I've since recommended it to several colleagues, although I always "
        "warn them that it's a book which rewards patience rather than one you can rush through on a train."),
    CARD_JOURNEY: (
        "I'd like to describe a train journey I took from Lisbon to Porto a couple of years ago, which I still "
        "remember vividly. I went with my older sister, who had just finished her medical exams, so the trip was "
        "partly a celebration and partly a chance for us to spend time together after months in which we'd barely "
        "spoken. We deliberately chose the slow regional train rather than the express, because we wanted to see "
        "the coastline, and that turned out to be the best decision of the whole holiday. For most of the three "
        "hours the line runs close to the Atlantic, and we passed tiny fishing villages where people were drying "
        "nets on the beach. What made the journey memorable, though, wasn't really the scenery. Halfway there the "
        "train broke down in the middle of nowhere, and while we were waiting for an engineer, an elderly couple "
        "sitting opposite us shared their lunch and told us how they had met on that very line fifty years earlier. "
        "Although we arrived almost four hours late, neither of us minded in the slightest. Looking back, I think I "
        "remember it because it reminded me that the unplanned parts of travelling are often the ones that stay with "
        "you, and it also brought my sister and me much closer than we had been for years."),
    CARD_PERSON: (
        "The person who has influenced me most is probably my secondary school chemistry teacher, Mrs Okafor, whom I "
        "still keep in touch with even though I left school nearly ten years ago. She was the kind of teacher who "
        "refused to let anyone hide at the back of the classroom, and she had an extraordinary ability to make "
        "abstract ideas feel concrete. I remember, for instance, that she explained chemical equilibrium by getting "
        "half the class to walk between two rooms until the numbers stopped changing. Apart from teaching, she ran a "
        "science club after school, which she funded partly out of her own salary, and several students who would "
        "otherwise have left school at sixteen ended up studying engineering or medicine because of it. As for why "
        "she influenced me, I'd say it was less about chemistry than about her attitude to failure. Whenever an "
        "experiment went wrong, she would ask us what the mistake had taught us rather than simply marking it as "
        "wrong, and I've carried that habit into my career as a software developer, where things go wrong constantly. "
        "If I hadn't been in her class, I doubt I'd have had the confidence to change careers when I was twenty-five, "
        "and I certainly wouldn't have taken up teaching coding to teenagers at the weekends, which is something I "
        "find enormously rewarding."),
}

# Band 6-ish long turns: on the card, reasonably fluent, simpler structures and some slips.
MIDDLE = {
    CARD_BOOK: (
        "I want to talk about a book called Harry Potter and the Philosopher's Stone. I read it when I was about "
        "twelve years old, and my mother bought it for me for my birthday. The book is about a boy who lives with his "
        "uncle and aunt, and they are not kind to him. Then one day he finds out that he is a wizard and he goes to a "
        "special school for magic. At the school he makes two good friends and they have a lot of adventures "
        "together. I enjoyed this book because the story was very exciting and I wanted to know what happen next, so I "
        "read it very quickly, maybe in one week. Also, it was the first book I read in English, so it help me to "
        "improve my vocabulary. Some parts were difficult for me, but I used a dictionary and I learned many new "
        "words. I think the characters are very interesting, especially Hermione, because she is very clever and she "
        "always helps her friends. After that I read all the other books in the series, and I also watched the films, "
        "but I think the books are better than the films because they have more details."),
    CARD_JOURNEY: (
        "I would like to talk about a journey to the mountains with my friends last year. We went to a small village "
        "in the north of my country, and we travelled by bus because it is cheaper than the train. The journey took "
        "about six hours and the road was not very good, so it was a little bit uncomfortable. There were four of us, "
        "my best friend, his brother and another friend from university. When we arrived, the weather was very cold "
        "but the view was really beautiful, and we could see the snow on the mountains. We stayed in a small hotel and "
        "every day we go walking in the forest. One day we got lost and we walked for many hours, but finally a farmer "
        "helped us to find the road. I remember this journey because it was the first time I travelled without my "
        "family, and I felt more independent. Also, it was very funny when we got lost, and now we always laugh about "
        "it when we meet. I think I want to go there again next year, maybe in summer, because I want to swim in the "
        "lake."),
    CARD_SKILL: (
        "The skill I want to talk about is cooking. I learned to cook when I was twenty-three, because I moved to "
        "another city for my job and I lived alone for the first time. Before that my mother always cooked for me, so "
        "I didn't know how to make anything. At first I watched videos on the internet and I tried to copy the "
        "recipes, but many times the food was terrible, and one time I burned the rice very badly. After a few months "
        "I became better, and my colleague also gave me some advice about using spices. I think it took me about one "
        "year to cook well, and now I can make many dishes from my country and also some Italian food, like pasta and "
        "pizza. I feel very happy about this skill, because it is healthier to cook at home and it is also cheaper "
        "than eating in restaurants. Sometimes I invite my friends to my flat and I cook dinner for them, and they say "
        "my food is delicious. In the future I want to learn how to make bread, because I think it is difficult but "
        "very useful."),
}

# Band 4-5-ish long turns: short simple sentences, frequent slips and hesitation.
WEAK = {
    CARD_BOOK: (
        "Um, the book, I read the book about, uh, a boy and the magic. It is Harry Potter. I read it, um, when I am "
        "student in school. The book is about the boy, he go to the school for magic and, uh, he have friends. I like "
        "this book because is very interesting and the story is good. Um, my friend also read it and he say it is "
        "good. I read it in my language, not English, because English is difficult for me. Uh, the boy fight with "
        "bad man and he win. I think the book is more better than film. Um, I like the magic very much and the "
        "school is big. I read it maybe two time. Yes, I enjoy it because it is fun and, uh, exciting."),
    CARD_SKILL: (
        "Um, I learn to drive the car when I have twenty-five years old. My father he teach me, uh, in the weekend. "
        "It is very difficult for me, because the road have many car and I am scared. Um, I go to the driving school "
        "also, and the teacher is, uh, very strict. It take maybe six month for learn. First time I do the test I "
        "fail, um, because I don't stop in the red light. Second time I pass. Now I drive every day to my work and it "
        "is more easy. I feel happy because I can go many places, uh, with my family. Driving is useful skill, I "
        "think, and everybody need to learn it."),
}

PART1_ANSWERS = {
    "strong": ("It depends on how busy the week has been, but usually I try to keep Saturday free for things I "
               "genuinely enjoy, like cycling along the river with a couple of friends, whereas Sunday tends to be "
               "for catching up on chores and preparing for the week ahead."),
    "weak": "Um, in weekend I, uh, stay in home and I watch TV. Sometimes I go to shopping with my mother.",
}
PART3_ANSWERS = {
    "strong": ("I'd say the biggest change is that contact has become constant rather than occasional. When my "
               "parents were young, they might have phoned their relatives once a week, whereas now families have "
               "group chats in which people share photos several times a day. On the positive side, this means that "
               "relatives who live abroad can feel involved in everyday life. However, I think there's a risk that "
               "these short messages replace longer conversations, so although people are in touch more often, they "
               "don't necessarily understand each other any better than before."),
    "weak": ("Um, I think technology change the family. Now people use the phone and, uh, they send message. Before, "
             "people write letter. Now is more fast. But, um, sometimes family don't talk in the dinner because they "
             "look the phone."),
}

FILLER_SPLICES = ("um", "uh", "you know", "like", "I mean", "er", "sort of", "kind of", "basically", "so yeah",
                  "well", "erm")


def filler_padded(answer: str, target_words: int = 375, seed: int = 1, restart_every: int = 3) -> str:
    """The answer's first words buried among fillers and restarts ("I went, I went to the, the"), about
    ``target_words`` words in all, the way a speaker stalls through a whole long turn."""
    rng = random.Random(seed)
    words, out, i = answer.split(), [], 0
    while len(" ".join(out).split()) < target_words and i < len(words):
        out.append(rng.choice(FILLER_SPLICES))
        if i % restart_every == 0 and i >= 2:
            out.extend(words[i - 2:i])          # a restart: say the last two words again
        out.append(rng.choice(FILLER_SPLICES))
        out.append(words[i].strip(".,"))
        i += 1
    return " ".join(out)


def recogniser_salad(answer: str, seed: int = 7, substitute: float = 0.4) -> str:
    """What a recogniser makes of a recording it cannot hear well: words swapped for near-sounding common
    words and runs shuffled."""
    rng = random.Random(seed)
    common = ("the", "a", "and", "in", "is", "it", "to", "of", "for", "that", "this", "was", "on", "be", "with",
              "he", "she", "they", "no", "so", "but", "or", "at", "by", "from", "we", "all", "can", "her", "his")
    words = [w.strip(".,").lower() for w in answer.split()]
    words = [rng.choice(common) if rng.random() < substitute else w for w in words]
    chunks = [words[i:i + 4] for i in range(0, len(words), 4)]
    for chunk in chunks:
        rng.shuffle(chunk)
    rng.shuffle(chunks)
    return " ".join(w for chunk in chunks for w in chunk)


def timed(text: str, seconds_per_word: float = 0.4, confidence: float | tuple = 0.95, seed: int = 3) -> dict:
    """Word timings for ``text`` at a steady pace; ``confidence`` a value, or a (low, high) range drawn from."""
    rng = random.Random(seed)
    words, clock = [], 0.0
    for word in text.split():
        c = confidence if isinstance(confidence, float) else rng.uniform(*confidence)
        words.append({"word": word.strip(",."), "start": round(clock, 3), "end": round(clock + seconds_per_word * 0.8, 3),
                      "confidence": round(c, 3)})
        clock += seconds_per_word
    return {"words": words, "duration": round(clock, 3)}

# Honest answers that keep to their card in their own words, rarely repeating the card's.
CARD_PLACE = ("Describe a place you visited that you would like to go back to. You should say where it is, when you "
              "went there, what you did there, and explain why you would like to go back.")
CARD_HELPED = ("Describe a time when you helped someone. You should say who you helped, how you helped them, why "
               "you helped them, and explain how you felt about it.")
PARAPHRASED = {
    CARD_SKILL: (
        "Well, I only learnt to swim when I was thirty, which is quite embarrassing in a country surrounded by the "
        "sea. As a child I was terrified of water, so I always found excuses to stay on the beach. A couple of years "
        "ago a friend persuaded me to sign up for lessons at the local pool, and the instructor was incredibly "
        "patient. For the first month I just practised floating and breathing, and honestly I nearly gave up "
        "several times. Eventually, after about six months of weekly lessons, I managed to swim a full length "
        "without stopping, and I remember standing in the shallow end grinning like a child. Now I go twice a week "
        "before work. I'm really proud of it, partly because it was so hard for me, and partly because it's opened "
        "up things I used to avoid, like snorkelling on holiday. It's also made me realise that it's never too late "
        "to pick up something new, which is something I try to remind myself whenever I feel nervous about trying."),
    CARD_PERSON: (
        "I'm going to talk about my grandmother, who brought me up for several years while my parents were working "
        "abroad. She was a nurse for most of her life, and even after she retired she used to look after neighbours "
        "who were ill, without ever asking for anything in return. What I admire most is her patience. When I was a "
        "teenager I was quite difficult, but she never shouted at me; instead she would make tea and wait until I "
        "was ready to talk. She also taught me to cook, to save money and to write letters, which sounds "
        "old-fashioned, but I still write to her every month. I think she shaped the way I treat other people, "
        "because I try to listen the way she did. When I chose to study nursing myself, it was largely because of "
        "her example, and whenever I have a hard shift I think about how calmly she handled much worse situations."),
    CARD_PLACE: (
        "The place I'd love to return to is Kyoto in Japan, where I spent ten days in the autumn of 2019 with two "
        "friends from university. It's the old capital, so it's full of temples, shrines and traditional wooden "
        "houses, and because we were there in November, the maple trees had turned bright red. We rented bicycles "
        "and rode along the river every morning, and one evening we had dinner in a tiny restaurant where the owner "
        "cooked in front of us and taught us a few words of Japanese. What I'd like to do differently next time is "
        "stay longer in the quieter neighbourhoods, because we rushed between famous sights and missed the everyday "
        "life of the city. I'd also like to go in spring to see the cherry blossom. I think it stayed with me because "
        "it was the first time I'd been somewhere so different from home, and it made me curious about the world."),
    CARD_HELPED: (
        "A few months ago my neighbour, an elderly man who lives alone, slipped on the ice outside our building and "
        "hurt his wrist. I happened to be coming home from work, so I took him to the hospital and waited with him "
        "for about four hours until a doctor saw him. After that, because he couldn't use his hand properly, I did "
        "his shopping twice a week and carried his rubbish downstairs for nearly two months. To be honest, I didn't "
        "think of it as a big deal at the time; anyone would have done the same. But it turned out that he has no "
        "family nearby, and he told me later that those visits were the only conversations he had some weeks. That "
        "really affected me, and it made me realise how isolated older people in cities can be. We still have coffee "
        "together on Sundays, and I've learnt a lot from his stories about the town fifty years ago."),
}
