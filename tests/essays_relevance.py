"""Four questions, each answered at three levels, plus an essay on the same broad topic that answers another question.

Written for this project against the public band descriptors. PLAN_PROMPT is made of everyday words
(people, life, plan, day, live), so its topic words say little about what it asks. Each OTHER_* essay
is a good essay on the same broad topic as its question that answers a different question (named in
its docstring line): an examiner gives it a low Task Response, however well written. Each *_PARAPHRASE
essay answers its question in its own words, avoiding the question's wording.
"""

PLAN_PROMPT = ("Some people think it is best to plan every part of their life, while others prefer to live day "
               "by day. Discuss both views and give your own opinion.")

PLAN_4 = """Some people like to plan all thing in there life but other people like to live day by day. I think both have good point and bad point.

First, plan is good because you know what you do tomorrow. For example my brother he plan everything, when he study, when he go to gym, when he sleep. He have good job now because he plan. But plan is boring sometime and if something change you are angry.

Second, live day by day is more free. My friend don't plan nothing, she just do what she want. She is happy and she have many friend. But sometime she dont have money because she not think about future.

In my opinion plan is more better for important thing like study and money, but for weekend you can live day by day. So people need both."""

PLAN_6 = """People have different attitudes to organising their lives. Some prefer to plan every step carefully, while others would rather take each day as it comes. This essay will look at both approaches and then give my own view.

On the one hand, planning has clear benefits. People who set goals and make a schedule are more likely to finish their studies, save money and progress in their careers. For example, a student who plans a revision timetable months before an exam usually feels less stressed than one who starts studying the week before. Planning also helps people to prepare for problems, such as losing a job or becoming ill.

On the other hand, living day by day can make life more enjoyable. People who do not follow a strict plan are often more open to new experiences, like travelling at short notice or changing career when an opportunity appears. In addition, life is unpredictable, so a detailed plan can quickly become useless and cause disappointment when things go wrong.

In my opinion, the best approach is a balance between the two. It is sensible to plan the important areas of life, such as education and finances, but people should also leave space for spontaneity so that they can enjoy unexpected moments."""

PLAN_8 = """Whether life is best lived according to a detailed plan or taken one day at a time is a question that divides people deeply. While there are persuasive arguments for careful planning, I believe that the most fulfilling lives combine long-term goals with a willingness to improvise.

Advocates of planning argue that ambitions are rarely achieved by accident. Qualifying as a doctor, buying a home or retiring comfortably all require decisions taken years in advance, and someone who drifts from week to week may find that opportunities have passed them by. A plan also offers a sense of control, which can reduce anxiety: knowing how the next month will unfold allows people to concentrate on the task in front of them rather than worrying about what might happen.

Those who prefer to live day by day, however, point out that rigid plans often collapse on contact with reality. A sudden illness, a redundancy or an unexpected relationship can overturn the most carefully arranged timetable, and people who have invested everything in a single path may struggle to adapt. Spontaneity also has intrinsic value: some of the most memorable experiences, from a last-minute journey to a chance friendship, cannot be scheduled at all.

In my view, the sensible course lies between these extremes. People should set a few clear priorities for the areas where the stakes are high, such as their health, education and finances, but hold these plans lightly and revise them as circumstances change. Beyond that, leaving room for the unplanned is not a failure of discipline but part of what makes life worth living."""

PLAN_PARAPHRASE = """Individuals differ sharply in how they approach the future. A number of them map out their careers, savings and even their holidays years ahead, whereas others trust their instincts and react to circumstances as they arise. Both attitudes have merits, though I lean towards a flexible form of organisation.

Those who schedule their affairs in detail gain security. A young graduate who sets a target for savings and a timetable for professional exams tends to reach milestones sooner, and when a crisis such as redundancy strikes, someone with an emergency fund and a fallback strategy copes far better than someone who never considered it.

Spontaneous individuals, by contrast, are free to seize chances that a rigid schedule would exclude: an unexpected job offer abroad, a sudden friendship, a trip booked the night before. They also avoid the frustration of watching carefully arranged intentions collapse, since events rarely unfold exactly as expected, and they often report less pressure in their everyday routines.

On balance, I believe the wisest course is to set out a few long-term goals for what matters most, such as health, education and money, while leaving the weeks themselves open. Such a mix gives direction without stifling the pleasure of the unforeseen."""

# Another question on the same broad topic: "Are people today happier than people in the past?"
OTHER_PLAN = """It is often claimed that modern people are less content than their grandparents, despite enjoying far greater material comfort. In my view, this claim is exaggerated, although it contains an element of truth.

There is no doubt that living standards have improved dramatically. Most families in developed countries now have central heating, reliable healthcare and access to education that previous generations could only dream of. Life expectancy has risen by decades, and diseases that once killed children in large numbers have been almost eliminated. It would be strange to argue that these changes have not made daily existence more pleasant.

Nevertheless, surveys suggest that reported happiness has not risen in line with income. One explanation is that people compare themselves with others, and social media makes it easy to measure one's own ordinary life against the carefully edited lives of celebrities and friends. In addition, communities have become weaker: many people live far from their relatives and do not know their neighbours, which can leave them isolated.

In conclusion, I believe that people today are, on the whole, better off than those in the past, but greater wealth has not automatically brought greater satisfaction. Governments and individuals should therefore pay as much attention to relationships and community as to economic growth."""

MUSEUM_PROMPT = ("Some people believe that museums and art galleries should be free for everyone to visit, while "
                 "others think visitors should pay an entrance fee. Discuss both views and give your opinion.")

MUSEUM_4 = """Museum is very important for people because we can learn history and art. Some people think museum must be free and other think people must pay money for ticket.

People who think museum free say that poor people can not pay so they never go to museum. If it is free, student and family can go every weekend and learn many thing. In my city the museum is free and it is always full of children.

But other people say museum need money for keep the old things and pay the worker. If nobody pay, goverment must pay and this is tax money. Also tourist can pay because they have money.

I think museum should be free for student and old people, but tourist should pay small money. This is fair for everybody."""

MUSEUM_6 = """Museums and art galleries play an important part in the cultural life of a country. However, people disagree about whether they should charge visitors or open their doors for free. In this essay I will discuss both points of view and give my own opinion.

Supporters of free entry argue that culture should be available to everyone, not only to those who can afford it. When museums are free, families with low incomes, students and elderly people can visit as often as they like, and they may develop an interest in history or art that lasts their whole life. For instance, after national museums in Britain stopped charging, the number of visitors increased considerably.

On the other hand, running a museum is expensive. Buildings must be maintained, valuable objects need to be protected, and staff have to be paid. If visitors do not pay a fee, this money must come from taxes, which means that people who never visit museums are paying for those who do. Entrance fees can also help museums to organise new exhibitions.

In my opinion, permanent collections in national museums should be free, because they belong to the public, but it is reasonable to charge a fee for special exhibitions. This would keep culture accessible while giving museums some extra income."""

MUSEUM_8 = """Whether museums and galleries should charge for admission is, at heart, a question about who culture is for. Although entrance fees can help institutions balance their budgets, I believe that free access to permanent collections brings benefits that far outweigh the cost.

Those in favour of charging make a reasonable case. Conserving fragile paintings, insuring priceless artefacts and staffing large buildings all require substantial funds, and ticket revenue reduces a museum's dependence on governments whose priorities can change from one election to the next. It can also be argued that it is unfair for taxpayers who never set foot in a gallery to subsidise those who visit regularly, many of whom are relatively affluent, and that tourists in particular could easily afford to contribute.

Nevertheless, the arguments for free admission are, to my mind, more persuasive. A fee, however modest, deters precisely the visitors who stand to gain most: children from poorer households, pensioners and people who have never been inside a gallery and are unsure whether they would enjoy it. Where charges have been abolished, visitor numbers have typically risen sharply, and the new visitors have come disproportionately from groups that rarely attended before. Moreover, national collections were largely acquired with public money or donated for the public good, so charging citizens to see them sits uneasily with their purpose.

In conclusion, while museums need secure funding, this is better provided through public grants, donations and paid temporary exhibitions than through charging at the door. Keeping permanent collections free ensures that a nation's heritage is genuinely shared by all of its people."""

# Another question on the same broad topic: "Should museums return objects taken from other countries?"
OTHER_MUSEUM = """Many of the world's great museums display objects that were removed from their countries of origin during periods of colonial rule or war. There is growing pressure for these treasures to be sent back, and in my view this pressure is largely justified.

The strongest argument for repatriation is a moral one. Statues, manuscripts and religious artefacts were often taken by force or bought under conditions that were far from fair, and the communities that created them still regard them as part of their identity. Keeping such items in a foreign capital can feel like a continuing reminder of past injustice, and returning them would be a meaningful act of reconciliation.

Critics reply that major institutions in Europe and North America have the expertise and resources to conserve delicate objects, and that millions of international visitors can see them there. They also warn that if every item were returned, collections would be emptied and the idea of a universal museum, where different civilisations can be compared side by side, would disappear.

However, these concerns can be addressed. Many countries now have modern museums capable of caring for their heritage, and long-term loans or shared exhibitions could allow objects to travel. In conclusion, I believe that artefacts taken without genuine consent should be returned, while cooperation between institutions ensures that they can still be enjoyed worldwide."""

HOME_PROMPT = ("More and more employees now work from home instead of going to an office. Do the advantages of "
               "this development outweigh the disadvantages?")

HOME_4 = """Now many people work in home and not go to office. I think this have advantage and disadvantage.

The advantage is people dont need travel to office. They save time and money for bus and petrol. Also they can wear what they want and eat in home, it is cheap. My sister work in home and she is very happy because she can see her baby.

The disadvantage is people feel alone. They dont talk with other worker and sometime they dont work hard because nobody see them. Also the internet in home is sometime bad and the computer is slow.

In my opinion the advantage is more than disadvantage because people have more time for family. But company must check the worker do the job."""

HOME_6 = """In recent years, especially since the pandemic, a growing number of employees have started working from home rather than travelling to an office. In my opinion, the benefits of this trend are greater than its drawbacks, although there are some problems which should not be ignored.

The main advantage of working from home is that people save the time and money they used to spend on commuting. Someone who used to spend two hours a day on crowded trains can use this time to rest, exercise or be with their children. In addition, fewer cars on the roads means less traffic and pollution in cities. Many workers also find that they can concentrate better at home, without the noise and interruptions of an open-plan office.

However, working from home also has disadvantages. Some employees feel lonely and miss the social contact with their colleagues. It can also be difficult to separate work from private life, so people may end up working longer hours. Finally, managers may find it harder to train new staff or check their progress.

Overall, I believe that the advantages outweigh the disadvantages, as long as companies organise regular meetings in person and help their staff to set clear limits on their working hours."""

HOME_8 = """The shift from office-based work to working from home, accelerated dramatically by the pandemic, has transformed the daily routines of millions of employees. Although this development brings genuine costs, I am convinced that for most workers and employers its advantages prevail.

The most obvious gain is the disappearance of the daily commute. Time once spent in traffic jams or on overcrowded trains can be devoted to rest, exercise or family, and the savings on fares and fuel are considerable. Employers benefit too: they can reduce spending on expensive city-centre premises and recruit talented staff who live far away, including parents and people with disabilities for whom a daily journey would be impractical. There is also an environmental dividend, since fewer commuters means less congestion and lower emissions.

The drawbacks should not be dismissed, however. Remote workers frequently report isolation, and the informal conversations that spark ideas and help junior staff learn from experienced colleagues are hard to reproduce on a video call. Furthermore, when the kitchen table becomes the office, the boundary between work and private life can blur, leading some employees to work longer hours and struggle to switch off.

Yet these problems are largely a matter of organisation rather than inherent flaws. Hybrid arrangements, in which teams meet in person once or twice a week, preserve collaboration and mentoring, while clear policies on working hours protect employees' private time. On balance, therefore, the flexibility, savings and wider social benefits of working from home outweigh its disadvantages, provided that employers manage the transition thoughtfully."""

# Another question on the same broad topic: "Should the working week be reduced to four days?"
OTHER_HOME = """Several companies and even some governments have experimented with a four-day working week, in which employees work fewer hours for the same salary. I strongly agree that this idea should be adopted more widely.

The main argument in favour is that shorter weeks do not necessarily reduce output. Trials in a number of countries found that staff who worked four days completed as much as they had in five, because they wasted less time in unnecessary meetings and were more focused. Tired employees make more mistakes, so giving them an extra day to recover can actually raise the quality of their work.

A longer weekend also improves people's health and family life. Parents can spend more time with their children, and workers have time for exercise, hobbies or caring for elderly relatives. This may reduce stress-related illness, which costs businesses and health services a great deal of money every year.

Some critics argue that certain jobs, such as those in hospitals or shops, cannot simply close for a day, and that small firms could not afford to hire extra staff. These concerns are real, but shift systems can be arranged so that services continue while each employee still works fewer days. In conclusion, I believe that a four-day week would benefit both workers and employers, and governments should encourage companies to try it."""

SCREEN_PROMPT = ("Children today spend many hours a day looking at screens. Some say parents should strictly "
                 "limit this time. To what extent do you agree or disagree?")

SCREEN_4 = """Today children use phone and tablet and computer very much. Some people say parent must stop this and give only little time. I am agree with this idea.

First, screen is bad for eyes. If children look at phone all day the eyes become weak and they need glasses. Also they dont play outside and dont do sport so they become fat. My cousin play game on phone eight hour every day and he dont sleep good.

Second, children dont talk with family. In dinner everybody look at phone and nobody talk. This is not good for family.

But screen is not all bad, children can learn english and watch video for school. So parent can give one or two hour in day, not more. In conclusion I agree parents should control the time."""

SCREEN_6 = """Nowadays many children spend several hours every day in front of screens, whether they are playing games, watching videos or chatting with friends. Some people believe that parents should set strict limits on this time. I mostly agree with this view, although I think the limits should depend on how the screens are used.

There are several reasons why too much screen time is harmful. Firstly, children who sit in front of a tablet for hours get less physical exercise, which can lead to health problems such as obesity. Secondly, using phones late in the evening can affect sleep, and tired children find it harder to concentrate at school. Finally, time spent online is time not spent talking with family members or playing with friends face to face.

However, not all screen time is the same. Many schools now use online platforms for homework, and children can learn a lot from educational programmes and apps. If parents ban screens completely, their children may fall behind their classmates or feel left out.

In conclusion, I agree that parents should limit the time their children spend on screens, especially for games and social media, but they should allow more time for activities that are useful for learning."""

SCREEN_8 = """Smartphones, tablets and televisions now occupy a remarkable share of children's waking hours, and many parents worry about the consequences. I largely agree that parents should impose firm limits on recreational screen use, although a rigid cap that ignores what children are actually doing would be a mistake.

The case for restrictions is strong. Hours spent seated in front of a device are hours not spent running, climbing or playing sport, and paediatricians have linked excessive viewing to rising rates of childhood obesity. Screens in the bedroom also disrupt sleep, because bright light and stimulating content delay the moment children fall asleep, leaving them irritable and inattentive in class. Perhaps most importantly, games and social media apps are deliberately designed to be hard to put down, so it is unrealistic to expect a ten-year-old to regulate their own use; setting boundaries is precisely the kind of judgement parents exist to make.

That said, treating all screen time as equally harmful misses important distinctions. A child video-calling a grandparent abroad, researching a school project or learning to write simple computer programs is doing something quite different from scrolling endlessly through short videos. Blanket bans may also backfire, turning devices into forbidden fruit and leaving children ill-prepared for a world in which digital skills are indispensable.

The sensible approach, therefore, is for parents to limit entertainment on screens firmly, keep devices out of bedrooms at night and encourage active play, while allowing reasonable time for creative and educational uses. In short, I agree that limits are necessary, but they should be shaped by the content rather than simply by the clock."""

# Another question on the same broad topic: "Should children learn computer programming at primary school?"
OTHER_SCREEN = """In many countries, primary schools have started to teach children how to write computer programs. Some people believe this is a waste of valuable lesson time, but I am convinced that coding deserves a place in the primary curriculum.

The first reason is that programming develops ways of thinking that are useful in every subject. To make a simple game work, a pupil must break a problem into small steps, put them in a logical order and find the mistake when something goes wrong. These skills of logic and persistence help children in mathematics and science, and even in planning a piece of writing.

Secondly, the modern economy depends on software, and jobs in technology are among the best paid. If children only meet programming at university, many will already have decided that it is not for them, and girls in particular are often discouraged from technical subjects at an early age. Introducing coding through playful activities when pupils are seven or eight can give everyone the confidence to continue.

Critics argue that young children should concentrate on reading, writing and arithmetic, and that teachers are not trained to teach computing. These are fair points, but coding lessons need only take an hour a week, and training programmes for teachers are becoming widely available. In conclusion, teaching programming in primary schools is a valuable investment in children's future."""

QUESTIONS = {
    "plan": (PLAN_PROMPT, {4: PLAN_4, 6: PLAN_6, 8: PLAN_8}, OTHER_PLAN),
    "museum": (MUSEUM_PROMPT, {4: MUSEUM_4, 6: MUSEUM_6, 8: MUSEUM_8}, OTHER_MUSEUM),
    "home": (HOME_PROMPT, {4: HOME_4, 6: HOME_6, 8: HOME_8}, OTHER_HOME),
    "screen": (SCREEN_PROMPT, {4: SCREEN_4, 6: SCREEN_6, 8: SCREEN_8}, OTHER_SCREEN),
}
