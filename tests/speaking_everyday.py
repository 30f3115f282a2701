"""Long turns on cue cards made of everyday words (a person who helped you, a busy time, a change in your
life, something you do in your free time), honest at several levels, with the tricks that must not pay on
them: a talk learnt for another card, a transcript the recogniser garbled while reporting fair confidence,
an answer recycling the same few words and phrases, and a long turn cut far short. Written for these
tests; none comes from a rated set."""

from __future__ import annotations

import random

CARD_HELPER = ("Describe a person who helped you. You should say who this person is, how they helped you, when "
               "this happened, and explain why you are grateful to them.")
CARD_BUSY = ("Describe a time when you were very busy. You should say when it was, what you had to do, how you "
             "managed your time, and explain how you felt about it.")
CARD_CHANGE = ("Describe an important change in your life. You should say what the change was, when it happened, "
               "how it affected you, and explain whether it was a good change.")
CARD_FREE_TIME = ("Describe something you do in your free time. You should say what it is, when you do it, who "
                  "you do it with, and explain why you enjoy it.")
CARDS = (CARD_HELPER, CARD_BUSY, CARD_CHANGE, CARD_FREE_TIME)

STRONG = {
    CARD_HELPER: (
        "I'd like to talk about my uncle Marco, who is my mother's younger brother and an electrician by trade. "
        "When I was seventeen I failed two of my final exams, and to be honest I was ready to give up on "
        "university altogether. My parents were disappointed, which made things worse, but Marco simply turned up "
        "one evening and offered to take me along on his jobs for the summer. For three months I carried his tools "
        "and watched him deal with difficult customers, and in the evenings, when we drove home, he'd ask me what "
        "I actually wanted from my life rather than what everyone expected of me. By the end of August I had "
        "decided to retake the exams, and he even paid for a tutor, although he never told my parents. I'm "
        "grateful to him because he treated me as an adult at a moment when I felt like a failure, and he never "
        "once lectured me. If he hadn't stepped in, I doubt I'd have become an engineer, and whenever one of my "
        "younger cousins is struggling, I try to do for them what he did for me."),
    CARD_BUSY: (
        "The busiest period I can remember was the final month of my master's degree, about three years ago, "
        "when my dissertation deadline happened to fall in the same week as my sister's wedding. On top of "
        "writing up forty pages of research, I was working part-time in a bookshop to pay the rent, and because "
        "I was the only one in the family who lived near the venue, I'd also agreed to organise the catering and "
        "the flowers. To cope, I made a rather strict timetable: I wrote from six until ten every morning, worked "
        "my shifts in the afternoon, and spent the evenings phoning suppliers. I also asked my supervisor for "
        "feedback chapter by chapter rather than all at once, which saved me from a lot of last-minute rewriting. "
        "Looking back, I felt exhausted most of the time, and I certainly didn't sleep enough, but there was also "
        "something satisfying about it, since every day had a clear purpose. I handed the dissertation in two "
        "days early, and the wedding went smoothly, apart from the cake arriving an hour late. It taught me that "
        "I work better under a bit of pressure, as long as I plan carefully."),
    CARD_CHANGE: (
        "The most important change in my life was moving from a small fishing town to the capital when I was "
        "nineteen, which happened because I'd been offered a place to study architecture. Until then I'd never "
        "lived away from my parents, and I'd never had to manage money, cook for myself or find my way around a "
        "city of eight million people. The first year was genuinely difficult: I was homesick, the flat I shared "
        "was tiny and noisy, and I found the pace of the city overwhelming. Gradually, though, it changed me. I "
        "became far more independent and much more confident talking to strangers, partly because I had a "
        "part-time job in a cafe where I had to deal with customers all day. I also met people from completely "
        "different backgrounds, which made me question a lot of the assumptions I'd grown up with. On balance I'd "
        "say it was definitely a good change, even though it had a cost, since I see my parents far less often "
        "than I would like. If I had stayed in my home town, I think I would be a much narrower person, and I "
        "certainly wouldn't have the career I have now."),
    CARD_FREE_TIME: (
        "In my free time I do a lot of bouldering, which is a form of rock climbing without ropes, on short walls "
        "above thick mats. I usually go to an indoor climbing centre near my office two evenings a week, and at "
        "weekends, if the weather is dry, a group of us drive out to some sandstone cliffs about an hour from the "
        "city. I normally climb with two colleagues, Aisha and Tom, who got me into it in the first place, "
        "although one of the nice things about bouldering is that strangers at the wall will happily suggest how "
        "to solve a problem you're stuck on. What I enjoy most is that it completely occupies my mind: when you're "
        "hanging from a tiny hold, you can't think about emails or deadlines. It's also a puzzle as much as a "
        "sport, because each route has to be worked out, and you often fail a dozen times before you find the "
        "right sequence of moves. I've become noticeably stronger since I started, and I sleep much better, but "
        "honestly the main reason I keep going is the people, since climbing has given me a circle of friends I "
        "wouldn't otherwise have met."),
}

MIDDLE = {
    CARD_HELPER: (
        "I want to talk about my English teacher in high school, Mr Lee. He helped me a lot when I was sixteen "
        "years old. At that time my English was very bad and I was shy to speak in the class. One day he asked me "
        "to stay after the lesson and he said he can give me extra lessons for free. So every Tuesday and Thursday "
        "I stayed for one hour after school and we practised speaking and writing together. He also gave me some "
        "books and films in English, and he told me to watch them with subtitles. After one year my English became "
        "much better and I passed the exam with a good grade. I am very grateful to him because he used his own "
        "time to help me and he didn't get any money for it. Also he believed in me when I didn't believe in "
        "myself. Now I am studying at university and I still send him a message sometimes to say thank you."),
    CARD_CHANGE: (
        "I would like to talk about when I changed my job two years ago. Before, I worked in a bank for five years, "
        "and the salary was good, but I was not happy because the work was very boring and I had to stay in the "
        "office until late. So I decided to quit and I started to work as a teacher of mathematics in a primary "
        "school. At first it was difficult, because the salary is lower and I had to learn how to control the "
        "children in the classroom. Also my parents were worried, they think the bank is more safe. But after a "
        "few months I felt much better, because I like to work with children and every day is different. Now I have "
        "more free time in the afternoon and I can do sport and see my friends. I think it was a good change for "
        "me, even if I have less money, because I am more happy and more healthy than before."),
}

WEAK = {
    CARD_HELPER: (
        "Um, the person help me is my friend Ali. He is my neighbour, uh, we live in same building. When I come "
        "to this city first time, I don't know nothing, and Ali he show me the bus and the market. Also he help me "
        "for find the job, um, in the restaurant. It was, uh, maybe three years before. I am grateful because he "
        "is very kind man and he don't want money. Um, when I am sick he bring me the food and medicine. Now we "
        "are good friend and we play football in weekend. I think he is, uh, like my brother."),
    CARD_BUSY: (
        "Um, I was very busy in last year, in December, because I have exam in university and also I work in "
        "shop. Uh, every day I wake up very early and I go to work, after work I go to library and study. I don't "
        "have time for see my family. Um, I make a list, what I must to do every day, and this help me. Sometimes "
        "I don't sleep, uh, only four hour. I feel very tired and stress, but after the exam I feel happy because "
        "I pass all. Um, I think busy time is not good for health, but sometime we need it."),
    CARD_CHANGE: (
        "Um, the big change in my life is when I get married, uh, two years before. Before I live with my parents "
        "and my mother she cook for me and clean. After married I live with my wife in small apartment and we "
        "must to do everything. Um, it was difficult in the first, because I don't know how to cook and pay the "
        "bills. Uh, also I must to work more for the money. But now is okay, my wife and me we help each other. I "
        "think it is good change, because I am more responsible now, and, uh, I am happy with my wife."),
    CARD_FREE_TIME: (
        "Um, in my free time I like play the computer games. I play, uh, usually in the night after dinner, maybe "
        "two or three hour. I play with my friends on the internet, we talk with the microphone. Um, the game is "
        "about war and we make a team. I enjoy because it is exciting and I can relax after work. Uh, sometimes my "
        "mother she is angry because I play too much, but I think it is okay. Also in weekend I play football with "
        "my cousin in the park, um, it is good for health."),
}

# Talks learnt for other cards, in the same everyday words (people, time, life, help).
PREPARED = {
    "city": (
        "I'd like to talk about Valencia, a city on the east coast of Spain that I've visited several times. What "
        "I love about it is the way people there seem to have time for each other: in the evenings whole "
        "families walk along the old riverbed, which was turned into a long park after a terrible flood in the "
        "fifties. The city has a wonderful mix of old and new, from the Gothic cathedral to the futuristic science "
        "museum, and the food is fantastic, particularly the paella, which originally comes from the rice fields "
        "just outside the city. Life there moves at a slower pace than in the north, and people are always happy "
        "to help a lost tourist find their way. I also like the fact that you can cycle almost everywhere, "
        "because the city is completely flat and there are cycle lanes on most main roads. If I ever had the "
        "chance to live abroad for a year, I think Valencia would be my first choice, since it combines the "
        "beach, good weather and a lively cultural life without the crowds you find in Barcelona."),
    "job": (
        "I'd like to describe my job, because it's a big part of my life. I work as a nurse in the children's "
        "ward of a large public hospital, and I've been there for about six years now. A typical shift lasts "
        "twelve hours, so I spend a lot of time with the same patients and their families, and I get to know "
        "them quite well. The main part of the work is giving medicine, checking how the children are doing and "
        "explaining treatments to worried parents, which requires a lot of patience. What I like most is the "
        "team: the people I work with are incredibly supportive, and we always help each other when the ward is "
        "full. Of course there are difficult days, especially when a child is seriously ill, but I find it "
        "rewarding to see young patients recover and go home. In the future I'd like to specialise in caring for "
        "newborn babies, and I'm planning to start a course next year, although it will be hard to combine with "
        "full-time work."),
    "technology": (
        "The piece of technology I want to talk about is my smartphone, which I honestly couldn't live without. "
        "I bought it about two years ago, mainly because my old phone's battery had stopped holding a charge. "
        "These days I use it for almost everything: I read the news on the train, I pay for shopping with it, and "
        "I use a language app every morning to practise my Spanish. It also helps me keep in touch with people, "
        "since most of my friends and family live in other cities and we have group chats where we share photos "
        "and plan trips. The camera is excellent, so I've more or less stopped taking my proper camera on "
        "holiday. On the other hand, I sometimes feel that I spend too much time looking at the screen, "
        "particularly in the evenings, so recently I've started leaving it in the kitchen when I go to bed. "
        "Overall, though, I think it has made my life much easier and more organised."),
}


def off_card_pairs() -> list[tuple[str, str, str]]:
    """(name, talk, card): every honest talk on each other card, and each prepared talk on every card."""
    pairs = []
    for level, answers in (("strong", STRONG), ("middle", MIDDLE), ("weak", WEAK)):
        for own, talk in answers.items():
            for card in CARDS:
                if card != own:
                    pairs.append((f"{level}-{_short(own)}-on-{_short(card)}", talk, card))
    for name, talk in PREPARED.items():
        for card in CARDS:
            pairs.append((f"{name}-on-{_short(card)}", talk, card))
    return pairs


def _short(card: str) -> str:
    return {CARD_HELPER: "helper", CARD_BUSY: "busy", CARD_CHANGE: "change", CARD_FREE_TIME: "free"}[card]


def garbled(answer: str, seed: int = 5, rate: float = 0.35) -> str:
    """What a recogniser makes of a recording it mishears while still reporting fair confidence: words
    swapped for common words that sound or look alike, function words dropped or inserted, neighbours
    swapped; each word is a real word and the order is kept in the large."""
    from wordfreq import top_n_list

    rng = random.Random(seed)
    common = [w for w in top_n_list("en", 6000) if w.isalpha()]
    by_start: dict[str, list[str]] = {}
    for word in common:
        by_start.setdefault(word[:2], []).append(word)
    fillers = ("the", "a", "of", "in", "and", "to", "is", "it", "was", "on", "for", "that")
    out = []
    for token in answer.split():
        word = token.strip(".,;!?").lower()
        end = token[len(token.rstrip(".,;!?")):]
        roll = rng.random()
        if roll < rate * 0.55 and by_start.get(word[:2]):
            alike = [w for w in by_start[word[:2]] if w != word and abs(len(w) - len(word)) <= 2] or [word]
            word = rng.choice(alike)
        elif roll < rate * 0.7:
            word = ""          # a word not heard at all
        elif roll < rate * 0.85:
            word = word + " " + rng.choice(fillers)
        elif roll < rate and out:
            out[-1], word = word, out[-1]
        if word:
            out.append(word + end)
    return " ".join(out)


def recycled(answer: str, seed: int = 2) -> str:
    """The answer's own phrases said over and over: after each sentence, one of three set chunks of the
    answer comes back, so it runs as long with few new words."""
    rng = random.Random(seed)
    sentences = [s.strip() for s in answer.replace("?", ".").split(".") if s.strip()]
    chunks = [" ".join(s.split()[:8]) for s in sentences[:3]]
    out = []
    for sentence in sentences[:4]:
        out.append(sentence + ".")
        for _ in range(3):
            out.append(rng.choice(chunks) + ", " + rng.choice(chunks).lower() + ".")
    return " ".join(out)


def cut_short(answer: str, words: int) -> str:
    return " ".join(answer.split()[:words])


# A speaker with a handful of words saying them again and again, fluently.
LIMITED = {
    CARD_HELPER: (
        "The person who helped me is my friend. My friend is a very good person and my friend helped me a lot. "
        "My friend helped me when I had a problem, and my friend helped me with my problem. I think my friend is "
        "a very good friend because my friend always helps me. When I have a problem, my friend helps me, and "
        "when my friend has a problem, I help my friend. My friend helped me with my studies and my friend "
        "helped me with my job. It was very good that my friend helped me, it was very very good. I am very "
        "happy that my friend helped me, and I am very happy that I have a friend who helps me. My friend is "
        "very good and very kind, and I think a good friend is very important because a good friend helps you. "
        "So I am very happy with my friend and my friend is a very good person, and I think every person needs "
        "a good friend who helps them when they have a problem."),
    CARD_FREE_TIME: (
        "In my free time I like to play football. I play football with my friends, and I like to play football "
        "because football is fun. I play football at the weekend and I play football after work. Football is "
        "very fun and very good, and I like football very much. When I play football with my friends, it is "
        "very fun, and my friends like football too. We play football in the park and we play football in the "
        "street, and it is very good to play football. I think football is good for your health and football is "
        "good for your friends, so I like to play football in my free time. I play football every week, and "
        "every week it is very fun. Football is the best thing in my free time because football is very fun and "
        "very good, and I really like to play football with my friends when I have free time."),
}


# A second set of cards, written after the checks above were built and used to try them on cards they
# had not seen: a person, an event, a place and a thing, each with an honest strong talk.
CARD_ADMIRE = (
    'Describe a person you admire. You should say who this person is, how you know about them, what they have '
    'done, and explain why you admire them.')
CARD_LATE = (
    'Describe a time when you were late for something important. You should say when it was, what you were late'
    ' for, why you were late, and explain how you felt about it.')
CARD_RELAX = (
    'Describe a place where you like to relax. You should say where it is, how often you go there, what you do '
    'there, and explain why it helps you relax.')
CARD_GIFT = (
    'Describe a gift you gave to someone. You should say what the gift was, who you gave it to, why you chose '
    'it, and explain how they felt about it.')
MORE_CARDS = (CARD_ADMIRE, CARD_LATE, CARD_RELAX, CARD_GIFT)
MORE_STRONG = {
    CARD_ADMIRE: (
        'The person I admire most is my aunt Leila, who raised three children on her own after her husband died'
        " when she was only thirty. I've known her all my life, since she lives just two streets away from my "
        'parents. What she did was remarkable: she went back to college in the evenings, trained as an '
        'accountant, and eventually opened her own small firm, which now employs eleven people. She never '
        'complained, at least not in front of us, and she always found time to help her neighbours with their '
        "tax forms for free. I admire her because she showed me that circumstances don't have to decide your "
        'future. Whenever I feel sorry for myself, I think about her studying at the kitchen table at midnight '
        'after putting the kids to bed, and it gives me a push to keep going.'),
    CARD_LATE: (
        'About two years ago I was late for a job interview at a bank in the city centre, which was really '
        "important to me because I'd been unemployed for months. I left home in plenty of time, but the train "
        'stopped between two stations because of a signal failure, and we were stuck there for almost an hour '
        'with no phone signal. By the time I arrived, I was forty minutes late, sweating and out of breath. I '
        "felt awful, honestly, because I was sure I'd lost my chance. Luckily, the manager was very "
        'understanding, since half of her own staff had been delayed by the same problem, and she agreed to see'
        ' me in the afternoon. I did get the job in the end, but since then I always take an earlier train, '
        'even if it means waiting around for half an hour.'),
    CARD_RELAX: (
        "The place where I relax best is a small public garden near my flat, behind the old library. It isn't "
        'famous at all, and most people walk past without noticing the gate. I go there two or three times a '
        "week, usually in the late afternoon when I've finished work. There's a bench under a big chestnut "
        'tree, and I normally sit there with a book or just listen to the birds and the fountain. Sometimes I '
        'bring a sandwich and feed a few crumbs to the sparrows, which the gardener pretends not to see. I '
        "think it helps me relax because it's so quiet compared with the streets around it, and because nobody "
        'expects anything from me there. After half an hour on that bench, my head feels clear again, and I '
        'usually sleep better that night.'),
    CARD_GIFT: (
        "Last year I gave my father a watch for his sixtieth birthday. It wasn't an expensive brand, but it was"
        ' a simple silver watch with his initials engraved on the back. I chose it because his old watch, which'
        " he had worn every day for thirty years, had finally broken, and he kept saying he didn't need a new "
        "one. I saved for about three months and went to a small jeweller's shop in the old town to have the "
        "engraving done. When he opened the box at dinner, he didn't say anything for a while, and then he put "
        'it on and showed it to everyone at the table. My mother told me later that he had been quite '
        'emotional. He still wears it every day, and whenever I see it on his wrist, I feel proud that I chose '
        'something that means so much to him.'),
}
