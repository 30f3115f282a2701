"""A graded ladder: one question answered at seven levels, written for this project to target IELTS bands 3-9.

Each rung is what the descriptors describe for its band: length, range and
accuracy of vocabulary and grammar, organisation, and how fully the answer
addresses the task. The scorer must put them in order.
"""

PROMPT = ("Some people believe that governments should spend more money on public transport, while others "
          "think that building new roads is more important. Discuss both views and give your own opinion.")

BAND_3 = """Public transport is good. Many people use bus and train in my city. it is cheap and it is good for people who dont have car.

But road is important too. car need road. if no road people cant go to work. i think goverment must build road and bus too because all people need go work and school.

In my opinion bus is more better. bus is cheap and not make pollution very much. so goverment give money to bus."""

BAND_4 = """Nowadays transport is a big problem in many city. Some people think goverment should spend money for public transport but other people think new road is more important. I will discuss both side.

First, public transport have many advantage. It is cheap and many people can use it in same time. For example in my country the train is very cheap and student use it every day. Also bus make less pollution than car, so the air is more clean.

Second, new road is also important. Many people have car and they need good road for drive. If road is small there is traffic jam and people is late for work. Also lorry need road for carry the goods to shop.

In conclusion, I think both is important but public transport is more better because it help more people and it is good for environment. Goverment should give more money for bus and train."""

BAND_5 = """In many countries, traffic is becoming a serious problem, and people disagree about how the government should spend its money. Some think that public transport should be improved, while others believe that new roads are more important. In this essay I will discuss both views.

On the one hand, there are many reasons to invest in public transport. Firstly, buses and trains can carry a lot of people at the same time, so they reduce the number of cars on the road. Secondly, public transport is cheaper for people who do not have much money, for example students and old people. In addition, it produce less pollution than private cars, which is good for the environment.

On the other hand, some people argue that roads are more important. Many people live in the countryside where there is no bus or train, so they must use their car every day. Also, companies need good roads to transport their products, and this is important for the economy. If the roads are bad, there will be traffic jams and people will waste a lot of time.

In conclusion, I think that both are necessary, but the government should spend more money on public transport, because it helps more people and it is better for the environment. However, roads in the countryside should not be forgotten."""

BAND_6 = """Traffic congestion has become a daily problem in many cities, and governments have to decide how to spend limited budgets on transport. While some people argue that public transport deserves more investment, others believe that building new roads should be the priority. This essay will discuss both sides before giving my own view.

Those who support new roads point out that most goods are still carried by lorries, so a good road network is essential for the economy. They also argue that people living in rural areas often have no access to buses or trains, which means that a car is their only option. For these people, better roads would make it easier to reach hospitals, schools and jobs.

On the other hand, there are strong reasons to spend more on public transport. A single train can carry hundreds of passengers, which takes many cars off the road and reduces congestion. Moreover, buses and trains produce much less pollution per person than private cars, so investing in them helps cities to meet their environmental targets. It is also fairer, since people who cannot afford a car or cannot drive, such as students and the elderly, depend on public services.

In my opinion, the government should give priority to public transport, especially in large cities where space for new roads is limited. However, it should still maintain existing roads and improve connections in the countryside. A balanced approach would benefit both the economy and the environment."""

BAND_7 = """How governments should divide their transport budgets is a recurring political question. Advocates of road building maintain that a modern economy depends on efficient highways, whereas supporters of public transport argue that buses, trams and railways offer a more sustainable answer to urban congestion. Although both positions have merit, I believe that public transport should receive the greater share of investment.

The case for roads rests largely on economic and practical grounds. Most freight is still moved by lorry, and businesses in regions with poor road links often struggle to attract investment. Furthermore, in sparsely populated areas it is rarely viable to run frequent bus or rail services, so residents have little choice but to drive. For these communities, a well-maintained road network is not a luxury but a lifeline.

Nevertheless, the arguments for public transport are, in my view, more compelling. Building new roads tends to generate additional traffic, a phenomenon known as induced demand, so congestion often returns within a few years. A metro line or a dedicated bus lane, by contrast, can move far more people using far less space. Public transport also produces considerably lower emissions per passenger, which matters as governments try to meet their climate commitments. Finally, it gives independence to those who cannot drive, including teenagers, older people and people on low incomes.

In conclusion, while roads remain important for freight and for rural areas, I would argue that public transport offers better value for money in the long term. Governments should therefore make it their priority, while ensuring that essential road links are properly maintained."""

BAND_8 = """Few areas of public spending generate as much debate as transport. One camp contends that new roads are the key to economic growth and personal freedom; the other insists that money would be better spent on buses, trams and trains. Having weighed both arguments, I am convinced that public transport should take precedence, although roads cannot be neglected altogether.

Proponents of road building make a reasonable case. Freight still travels overwhelmingly by road, and a single bottleneck on a major route can disrupt supply chains for an entire region. Rural households, moreover, are often poorly served by buses or trains, and for them a reliable road is the only practical link to employment, healthcare and education. Ignoring these needs would widen the gap between urban and rural communities.

However, the benefits of investing in public transport are broader and more durable. Experience in many cities shows that widening roads merely encourages more people to drive, so that congestion soon returns to its previous level. High-capacity transit, on the other hand, moves large numbers of people efficiently while occupying a fraction of the space that roads require. It also reduces air pollution and carbon emissions, which are among the most pressing problems that urban authorities face. Perhaps most importantly, affordable public transport widens access to opportunity, since it serves those who are unable or cannot afford to drive.

In conclusion, roads undoubtedly play a vital role, particularly for freight and for remote areas, and they deserve adequate maintenance. Nevertheless, given the environmental pressures and the limits of urban space, I believe that the greater share of transport funding should go to public transport, which offers the most sustainable and equitable solution."""

BAND_9 = """Transport policy forces governments into an unavoidable trade-off. Each new motorway absorbs funds that could otherwise have paid for trams, suburban railways or bus rapid-transit corridors, and the choice between them shapes not only how people travel but where they live and work. While there are legitimate arguments for expanding the road network, I would contend that public transport represents the wiser long-term investment.

Those who favour roads are right to stress their economic significance. The vast majority of goods reach shops and factories by lorry, so congested or poorly maintained routes impose real costs on businesses and, ultimately, on consumers. In rural districts, where low population density makes scheduled services uneconomic, a decent road may be the only realistic connection to hospitals, schools and jobs. A policy that disregarded these realities would be both unfair and short-sighted.

Yet the case for public transport is, on balance, stronger. Decades of evidence suggest that additional road capacity tends to fill with new traffic, so the relief it provides is usually temporary. A well-designed transit system, by contrast, can carry tens of thousands of passengers an hour along a corridor that would accommodate only a fraction of that number in private cars. Its environmental advantages are equally clear: lower emissions, cleaner air and less land surrendered to parking. Crucially, it also extends mobility to those who are too young, too old or too poor to drive, thereby widening access to education and employment.

In short, although roads will always be indispensable for freight and for sparsely populated regions, the broader social, economic and environmental returns lie with public transport. Governments should therefore direct the larger share of their budgets towards it, while maintaining the road links on which rural communities and industry depend."""

LADDER = ((3, BAND_3), (4, BAND_4), (5, BAND_5), (6, BAND_6), (7, BAND_7), (8, BAND_8), (9, BAND_9))
