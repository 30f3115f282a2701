"""Three questions written for this project, each with honest answers and essays that do not answer it.

Each question asks for something different: agree or disagree with a claim that sets one thing against
another (RAIL), causes and solutions in everyday words (BALANCE: people, work, family, life), advantages
against disadvantages (GAP). Per question:

* ``honest``: a band 6-7 answer to the question;
* ``paraphrase``: an answer that says what the question asks in its own words, not the question's;
* ``other``: a good essay on the same broad topic that answers a different question (named above it);

and, for the everyday-words question, ``UNRELATED``: good essays written for unrelated questions that use
the same everyday words. ``TEMPLATE`` is an all-purpose essay learnt by heart; ``topic`` and ``claim``
are what a learner would swap into it.
"""

RAIL_PROMPT = ("Some people believe that governments should spend money on railways rather than on building "
               "new roads. To what extent do you agree or disagree?")

RAIL = """Traffic jams and air pollution are growing problems in most countries, and governments must decide how to spend limited transport budgets. Some people argue that the money should go to railways instead of new roads. I largely agree with this view, although roads still need some investment.

The main reason for preferring railways is that they move large numbers of people with little pollution. A single commuter train can carry more than a thousand passengers, which would otherwise need hundreds of cars. In Switzerland, for example, frequent and reliable trains mean that many families do not own a car at all. New roads, by contrast, tend to fill up with traffic within a few years, because they encourage people to drive more.

Railways also support the economy over a long period. High-speed lines, such as those in Spain and Japan, have brought smaller cities closer to the capital and helped businesses to grow there. A railway line usually lasts for a century, whereas a motorway needs expensive repairs every few years.

However, it would be a mistake to stop spending on roads completely. In rural areas, where few people live, a train service is rarely practical, and buses, lorries and emergency vehicles all depend on a good road network. Existing roads must therefore be maintained and made safer.

In conclusion, I agree that most new transport spending should go to railways, since they are cleaner and serve more people, but governments should continue to look after the roads that rural communities rely on."""

RAIL_PARAPHRASE = """Ministers in almost every country face the same choice: should public transport budgets be used to lay more track, or to widen and extend highways for cars and lorries? In my view, the first option is usually wiser, though not in every region.

Trains are far more efficient than private vehicles on busy routes. One commuter service carries the passengers of several hundred cars while producing a fraction of the emissions, and it does not sit in congestion. When the Netherlands invested heavily in frequent intercity services, many workers gave up driving altogether. Extra motorway lanes, on the other hand, attract additional drivers and are soon as congested as before.

A rail network is also a long-term investment. Stations and tracks built in the nineteenth century are still in use today, and fast lines like the French TGV have allowed provincial towns to attract companies that once settled only in Paris. Asphalt, meanwhile, cracks under heavy traffic and must be resurfaced again and again.

Nevertheless, the state cannot simply abandon its highways. Farmers, delivery firms, ambulances and villagers far from any station all need safe and well-maintained routes, and in thinly populated areas a train would run almost empty.

To sum up, I am convinced that the bulk of new investment should go into trains, which are cleaner and serve more citizens, while existing highways are kept in good repair for the places that depend on them."""

# Another question on the same broad topic: "What are the advantages and disadvantages of travelling by train?"
RAIL_OTHER = """Travelling by train has become popular again in recent years, both for commuting and for holidays. Like every form of transport, however, it has both strengths and weaknesses for the passenger.

One clear advantage is comfort. Passengers on a train can walk around, read a book, work on a laptop or simply look out of the window, which is impossible when driving a car. Long journeys are therefore less tiring, and business travellers often arrive ready to start work. Trains are also relatively safe, since accidents are much rarer than on the motorway.

Another benefit is convenience in city centres. Stations are usually located in the heart of a town, so passengers do not need to find a parking space or travel out to an airport. For trips of a few hundred kilometres, the total journey time by train can even be shorter than by plane.

On the other hand, train travel has several drawbacks. Tickets can be very expensive, especially when they are bought at the last minute, and a family of four may find it cheaper to drive. Delays and cancellations are common in some countries, and passengers may miss important connections. Finally, trains only go where the tracks go, so people who live in villages often have to take a bus or taxi to reach the nearest station.

In conclusion, trains offer a comfortable and relaxing way to travel, but their high prices and occasional unreliability mean that they are not always the best choice for every journey."""

BALANCE_PROMPT = ("Many people today find it difficult to balance their work and their family life. What are the "
                  "causes of this, and what can be done about it?")

BALANCE = """In many countries, parents complain that they hardly see their children during the week, and couples say that their jobs leave them too tired to talk in the evening. There are several reasons why it has become so hard to combine a career with a home life, but both employers and individuals can do something about it.

The first cause is long working hours. In competitive industries such as finance or law, staff are often expected to stay late, and those who leave on time may be seen as less committed. A second cause is technology. Because smartphones allow managers to send emails at any time, many employees feel that they must answer messages during dinner or even on holiday. Finally, the cost of housing forces many families to live far from city centres, so parents may spend two or three hours a day commuting.

Several measures could improve the situation. Companies could offer flexible hours or allow staff to work from home on some days, which would reduce commuting time. Some firms in France and Germany already have a rule that emails should not be sent after a certain hour, and this protects employees' evenings. Governments could also help by providing affordable childcare and by giving both mothers and fathers longer paid leave when a baby is born.

Individuals have a role to play as well. Setting clear limits, such as switching off a phone at weekends, helps people to keep their free time for their partners and children.

In conclusion, long hours, constant connection and long journeys make it difficult to balance a job with home life, but flexible working, sensible rules and personal discipline can make a real difference."""

BALANCE_PARAPHRASE = """Mothers and fathers who rarely eat dinner with their children, and couples who only see each other on Sundays, have become a familiar sight in modern cities. Why do so many adults struggle to give enough time both to their careers and to those they love, and how could this change?

One reason is the culture of overtime. In sectors like banking, medicine and consulting, staying at the desk until late at night is treated as proof of loyalty, so employees fear that leaving at five will harm their promotion. Another is the smartphone: since managers can reach their staff at midnight, the office day never really ends. Expensive housing adds to the pressure, because young households move to distant suburbs and lose hours on crowded trains.

Employers could ease this strain. Flexible schedules and two or three days of remote working would give parents back the time they now spend travelling, and a policy that messages are not answered after seven in the evening, as some French companies have adopted, would protect rest. The state can contribute too, through cheaper nurseries and generous parental leave for fathers as well as mothers.

Each person can also draw firmer boundaries, for instance by leaving the phone in a drawer on Saturdays or by refusing unpaid overtime whenever possible.

Overall, overtime, permanent connectivity and long commutes squeeze the hours that adults have for their households, yet changes in company policy, public support and personal habits could restore a healthier division of their time."""

# Another question on the same broad topic: "Is it better to be self-employed or to work for a company?"
BALANCE_OTHER = """More and more people today are leaving their jobs to start their own businesses or to work as freelancers. Some believe that being self-employed is better than working for a company, while others prefer the security of a regular employer. In my view, each option suits different personalities.

Working for yourself has obvious attractions. Self-employed people can choose their own projects and clients, decide how much they charge and keep all of the profit. A graphic designer who goes freelance, for example, may earn more than she did in an agency, because she no longer shares her income with the firm. Many freelancers also say that they feel proud of building something of their own.

However, self-employment carries real risks. Income can vary greatly from month to month, and there is no sick pay, pension contribution or paid holiday. Freelancers must also do their own accounts, find new customers and deal with late payments, which takes time away from the work they enjoy.

Employees of a company, in contrast, receive a fixed salary, training and the chance of promotion. They can learn from experienced colleagues and do not have to worry about finding clients. The disadvantage is that they have less control over what they do and must follow the decisions of their managers.

In conclusion, self-employment offers freedom and the possibility of higher earnings, while a company job offers stability. People who enjoy risk and independence may prefer the first, but those who value security will be happier as employees."""

GAP_PROMPT = ("In some countries, young people take a year off between finishing school and starting university, "
              "in order to work or travel. Do the advantages of this outweigh the disadvantages?")

GAP = """It has become common in countries such as Britain and Australia for school leavers to spend twelve months working or travelling before they begin a degree. Although this break has some risks, I believe that its benefits are greater.

The most important advantage is that students gain maturity and independence. A teenager who works in a supermarket for six months and then backpacks around South America learns to manage money, solve problems and deal with strangers. When such students arrive at university, they are often more confident and better organised than classmates who came straight from school.

A year out can also help young people choose the right course. Many eighteen-year-olds are unsure what they want to study, and some drop out after the first year. Time spent volunteering in a hospital or working in an office can show them whether a subject really suits them. In addition, the money they earn can reduce the debts they will have after graduating.

On the other hand, there are some disadvantages. Students may lose the habit of studying, and it can be hard to return to essays and exams after a year without them. Travelling is also expensive, so a gap year may be possible only for young people from wealthy families. A small number of students enjoy their freedom so much that they never start their degree at all.

In conclusion, while a year away from education can delay studies and is not affordable for everyone, I believe that the experience, maturity and clearer goals it brings outweigh these drawbacks."""

# Another question on the same broad topic: "What are the advantages and disadvantages of studying abroad?"
GAP_OTHER = """Every year, hundreds of thousands of students leave their home countries to take a degree at a foreign university. This experience can change their lives, but it also brings considerable difficulties.

The greatest advantage of studying abroad is the chance to learn a foreign language. Students who attend lectures in English, French or German and speak it every day become fluent far more quickly than they would in a classroom at home. This skill is highly valued by international employers.

Studying abroad also gives young people access to a wider range of courses and better facilities. Some universities in the United States and Britain have world-famous laboratories and professors, and their degrees are recognised around the world. Moreover, international students make friends from many cultures, which helps them to become more open-minded.

However, there are also significant drawbacks. Tuition fees for foreign students are often much higher than for local ones, and the cost of accommodation in cities such as London or Sydney is very high. Many students therefore depend on their parents or take on large loans. In addition, living far from family can be lonely, and some students suffer from homesickness or culture shock, especially in their first months.

Finally, a foreign qualification is not always accepted at home. Doctors and lawyers, for instance, may have to take further exams before they are allowed to practise in their own country.

In conclusion, studying abroad offers language skills, excellent education and international friendships, but it is expensive and emotionally demanding, so students should consider their situation carefully before they decide to go."""

# Written for unrelated questions, in the everyday words of BALANCE_PROMPT (people, life, work, family, live).
UNRELATED = (
    # "Is it better for people to live in a big city or in the countryside?"
    """Many people today have to decide whether to live in a big city or in the countryside. Both ways of life have their attractions, but in my opinion life in the city offers more to most people.

Cities provide far more opportunities for work. Large companies, hospitals and universities are usually located in urban areas, so people who live there can find jobs that match their skills and change jobs easily. Cities also offer a wide choice of entertainment, such as theatres, cinemas, concerts and restaurants from every part of the world.

In addition, public services are better in cities. Families can choose between several schools, and hospitals with specialist doctors are close by. Public transport means that many people do not need a car at all.

On the other hand, life in the countryside has real advantages. The air is cleaner, houses are cheaper and bigger, and there is less noise and crime. Many people enjoy walking in the hills, growing their own vegetables and knowing all of their neighbours. For older people in particular, a quiet village can be a pleasant place to live.

Nevertheless, the countryside can be lonely and inconvenient. Shops and doctors may be far away, buses are rare, and young people often leave to find work elsewhere.

In conclusion, although the countryside is peaceful and healthy, I believe that the jobs, services and variety of city life make it the better choice for most people.""",
    # "Some people spend their money on experiences such as travel, others on possessions. Which is better?"
    """People in rich countries have more money to spend than ever before, and they use it in different ways. Some people prefer to buy possessions such as cars, clothes and electronic devices, while others spend their money on experiences like travel, concerts and meals with friends. I believe that experiences bring more lasting happiness.

Those who prefer possessions argue that objects last longer. A good car or a comfortable sofa can be used every day for years, whereas a holiday is over in a week. Possessions can also be sold again if money is needed later, and some items, such as a house or jewellery, may even increase in value.

However, research suggests that the pleasure of a new possession fades quickly. After a few weeks, a new phone becomes an ordinary part of life, and people soon want a newer model. Experiences, in contrast, become memories that people enjoy for the rest of their lives. A trip to Japan or a weekend camping with friends is something people talk about for years.

Experiences also bring people together. Sharing a meal, a festival or a journey strengthens friendships, while many possessions are used alone. In addition, travel teaches people about other cultures and can change the way they see the world.

In conclusion, although possessions are useful and sometimes a good investment, I think that money spent on experiences gives people greater and longer happiness, so it is usually the wiser choice.""",
)

TEMPLATE = """This is a controversial issue that has sparked much debate in recent years. Some people argue that {claim}, while others hold the opposite view. In this essay, I will examine both sides of the argument before giving my own opinion on {topic}.

On the one hand, there are several reasons why people support {topic}. The first reason is that it brings many benefits to individuals and to society as a whole. People's lives can be improved in many ways, and this is something that cannot be ignored. Furthermore, it can have a positive effect on the future, which is why many people feel strongly about this matter. There are several reasons for this view, and they deserve careful consideration.

On the other hand, there are also a number of arguments against {topic}. Some people believe that it may cause various problems and have negative consequences for people in the long term. In addition, they point out that there are other important issues which also need attention. These concerns are understandable, and they should be taken seriously by everyone involved.

In my opinion, the advantages of {topic} are more significant than the disadvantages. This is because the benefits are greater and affect a larger number of people, while the problems can be solved if the right steps are taken. It is important for everyone to think carefully about this issue.

In conclusion, while there are arguments on both sides, I believe that {claim}. Both individuals and governments should work together to make the right decisions about {topic} for a better future."""

# (name, question, honest answer, its paraphrase (or None), the essay answering another question,
#  the topic and the claim a learner would swap into the template)
QUESTIONS = {
    "rail": (RAIL_PROMPT, RAIL, RAIL_PARAPHRASE, RAIL_OTHER,
             "spending money on railways rather than roads",
             "governments should spend money on railways rather than on building new roads"),
    "balance": (BALANCE_PROMPT, BALANCE, BALANCE_PARAPHRASE, BALANCE_OTHER,
                "balancing work and family life",
                "many people find it difficult to balance their work and their family life"),
    "gap": (GAP_PROMPT, GAP, None, GAP_OTHER,
            "taking a year off between school and university",
            "young people should take a year off between finishing school and starting university"),
}
