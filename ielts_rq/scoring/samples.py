"""Sample answers for ``ielts-rq up --demo``: written for the demo, one per kind of task."""

TASK_2_PROMPT = ("Some people think that children should start learning a foreign language at primary school. "
                 "Others believe it is better to wait until secondary school. Discuss both views and give your "
                 "opinion.")

TASK_2_ESSAY = """\
Whether children should begin a foreign language at primary or at secondary school is a question many \
parents and governments debate. Both positions have merit, but in my view an early start brings greater \
benefits.

Those who prefer to wait argue that young children first need a firm grasp of their mother tongue. They \
also point out that primary teachers are often not trained to teach languages, so lessons may be of poor \
quality. In addition, older learners can understand grammar rules more easily and may therefore make \
faster progress in a shorter time.

On the other hand, there is strong evidence that young children acquire pronunciation more naturally than \
teenagers. Learning through songs, games and stories, they are less afraid of making mistakes, and this \
confidence often lasts into adulthood. Moreover, starting early simply gives pupils more years of contact \
with the language, which is essential for reaching a high level.

In conclusion, although a late start has some practical advantages, I believe primary school is the better \
time to begin, provided that schools employ teachers who are qualified to teach languages well.
"""

TASK_1_PROMPT = ("The chart shows the percentage of households with internet access in three countries "
                 "between 2000 and 2020. Summarise the information by selecting and reporting the main "
                 "features, and make comparisons where relevant.")

TASK_1_REPORT = """\
The chart compares the proportion of households with internet access in Canada, Brazil and India over \
twenty years, from 2000 to 2020.

Overall, access rose in all three countries, but Canada remained well ahead throughout the period, while \
India started from the lowest point and showed the steepest growth in the final decade.

In 2000, just under half of Canadian homes were connected, compared with around 10% in Brazil and fewer \
than 2% in India. By 2010, the Canadian figure had climbed to roughly 80%, and Brazil had reached about \
40%, whereas India had grown only slightly to 8%.

Between 2010 and 2020, growth in Canada slowed as it approached 95%. Brazil continued to rise steadily, \
ending the period at around 75%. India, by contrast, increased sharply to approximately 45%, more than \
five times its 2010 level.
"""

SPEAKING_PROMPT = "Do you enjoy cooking? Why or why not?"

SPEAKING_ANSWER = ("Yes I do actually. I started cooking when I moved to a new city for university because I "
                   "could not afford to eat out every day. At first I only made simple things like pasta, but "
                   "now I really enjoy trying recipes from different countries, especially Thai curries, "
                   "because it is relaxing after a long day and I like sharing the food with my friends.")

SAMPLE_ANSWERS = (
    ("writing_task_2", TASK_2_PROMPT, TASK_2_ESSAY),
    ("writing_task_1", TASK_1_PROMPT, TASK_1_REPORT),
    ("speaking_part_1", SPEAKING_PROMPT, SPEAKING_ANSWER),
)
