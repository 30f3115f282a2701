import json, math, os, sys
D=os.path.dirname(os.path.abspath(__file__))
def load(n):
    rows=[]
    for i,l in enumerate(open(os.path.join(D,n),encoding="utf-8"),1):
        rows.append(json.loads(l))
    return rows
def half(x): return isinstance(x,(int,float)) and x*2==int(x*2) and 0<=x<=9
def overall(c):
    m=sum(c.values())/4
    return math.floor(m*2+0.5)/2  # .25->.5, .75->next
err=[]
P=load("prompts.jsonl"); pids={p["id"] for p in P}
L=load("ladder.jsonl"); lid={x["id"]:x for x in L}
assert len(lid)==len(L)
for x in L:
    if x["prompt_id"] not in pids: err.append(("ladder prompt",x["id"]))
    if not half(x["band"]): err.append(("band",x["id"]))
    c=x["criteria"]
    if set(c)!={"task_response","coherence_cohesion","lexical_resource","grammatical_range_accuracy"}: err.append(("crit keys",x["id"]))
    if any(int(v)!=v for v in c.values()): err.append(("whole",x["id"]))
    if overall(c)!=x["band"]: err.append(("overall mismatch",x["id"],overall(c),x["band"]))
    wc=len(x["text"].split())
    print(x["id"],x["band"],wc)
for p in pids:
    bands=sorted(x["band"] for x in L if x["prompt_id"]==p)
    if bands!=[3,4,5,6,7,8,9]: err.append(("ladder bands",p,bands))
A=load("attacks.jsonl")
kinds={"template","grader_note","self_paraphrase","padding","no_paragraphs","thesaurus","off_question","same_topic_other_question","keyword_stuffing","copied_question"}
for p in pids:
    ks=[a["kind"] for a in A if a["prompt_id"]==p]
    if set(ks)!=kinds or len(ks)!=10: err.append(("attack kinds",p,ks))
for a in A:
    if a["honest_id"] not in lid: err.append(("honest_id",a["id"]))
    elif a["expected_band_max"]>lid[a["honest_id"]]["band"]: err.append(("max>honest",a["id"]))
    if lid.get(a["honest_id"],{}).get("prompt_id")!=a["prompt_id"]: err.append(("honest prompt",a["id"]))
    if not half(a["expected_band_max"]): err.append(("half",a["id"]))
    print(a["id"],a["kind"],len(a["text"].split()),a["expected_band_max"])
assert len({a["id"] for a in A})==len(A)
LE=load("learner_errors.jsonl"); n=0
K={"subject_verb_agreement","verb_form","tense","article","preposition","word_form","plural_singular","pronoun","word_order","missing_word","extra_word","sentence_fragment","run_on","capitalisation"}
for x in LE:
    t=x["text"]
    for e in x["errors"]:
        n+=1
        if t[e["start"]:e["end"]]!=e["text"]: err.append(("offset",x["id"],e))
        if e["kind"] not in K: err.append(("kind",x["id"],e))
    for e in x["spelling"]:
        if t[e["start"]:e["end"]]!=e["text"] or e["kind"]!="spelling": err.append(("spell",x["id"],e))
    for e in x["correct_traps"]:
        if t[e["start"]:e["end"]]!=e["text"]: err.append(("trap",x["id"],e))
    spans=sorted((e["start"],e["end"]) for e in x["errors"]+x["spelling"]+x["correct_traps"])
    for (a1,b1),(a2,b2) in zip(spans,spans[1:]):
        if a2<b1: err.append(("overlap",x["id"],a1,a2))
    if not(4<=x["band"]<=6 and half(x["band"])): err.append(("le band",x["id"]))
    print(x["id"],len(x["errors"]),len(x["spelling"]),len(x["correct_traps"]),len(t.split()))
print("grammar errors total",n)
if n<60: err.append(("too few errors",n))
CP=load("criteria_pairs.jsonl")
for c in CP:
    if c["base_text"]==c["variant_text"]: err.append(("same",c["id"]))
    assert set(c)=={"id","base_text","variant_text","change","expected"}
S=load("speaking.jsonl")
for s in S:
    if s["band"] is not None and not half(s["band"]): err.append(("sp band",s["id"]))
    if s["kind"] not in {"honest","off_topic","filler_padding","recogniser_garbage"}: err.append(("sp kind",s["id"]))
    print(s["id"],s["kind"],s["band"],len(s["transcript"].split()))
print("ERRORS:",err)
sys.exit(1 if err else 0)
