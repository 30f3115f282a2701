"""Hand-written answers for tests: a sound Task 2 essay and degraded versions of it."""

PROMPT = ("Some people think that university education should be free for everyone. "
          "To what extent do you agree or disagree?")

GOOD_ESSAY = """\
It is often argued that university education should be provided free of charge to every student. \
While this policy would involve considerable public expense, I largely agree with it, because the \
long-term benefits for individuals and for society outweigh the costs.

The most compelling argument for free tuition is that it widens access to higher education. At \
present, many talented young people from low-income families decide not to apply to university, \
since they are unwilling to take on years of debt. If tuition were free, admission would depend on \
ability rather than wealth, which is fairer and makes better use of a nation's talent. For example, \
countries such as Germany and Finland, where tuition is free, have high participation rates among \
students from disadvantaged backgrounds.

Furthermore, a well-educated population benefits the whole economy. Graduates tend to earn higher \
salaries, and therefore pay more tax over their working lives, so the initial investment is partly \
recovered by the state. In addition, universities produce the doctors, engineers and teachers that \
every society depends on.

Admittedly, free education places a heavy burden on public finances, and some critics claim that \
students who pay nothing may not value their studies. However, these problems can be reduced by \
linking funding to academic progress and by limiting the number of years that are free.

In conclusion, although free university education is expensive, I believe it is a worthwhile \
investment, as it promotes equal opportunity and strengthens the economy in the long run.
"""

# The same essay, badly spelled: a learner with weaker control of written English.
MISSPELLED_ESSAY = (GOOD_ESSAY.replace("argued", "argud").replace("considerable", "considerabel")
                    .replace("benefits", "benifits").replace("individuals", "individals")
                    .replace("compelling", "compeling").replace("talented", "talanted")
                    .replace("families", "familys").replace("university", "univercity")
                    .replace("admission", "admision").replace("ability", "abillity")
                    .replace("economy", "economie").replace("salaries", "salarys")
                    .replace("therefore", "therfore").replace("government", "goverment")
                    .replace("engineers", "enginers").replace("teachers", "techers")
                    .replace("expensive", "expensiv").replace("investment", "investmant")
                    .replace("opportunity", "oportunity").replace("strengthens", "strenghtens"))

HALF_ESSAY = " ".join(GOOD_ESSAY.split()[: len(GOOD_ESSAY.split()) // 2]) + "."
