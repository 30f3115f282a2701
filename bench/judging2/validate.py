"""Check the second sealed judging corpus: JSON per line, ids, criteria->overall rounding, attack kinds and caps,
annotation offsets, speaking kinds and, when SHA256SUMS exists, the checksums. Exit 1 on any problem."""
import hashlib, json, math, os, sys
D = os.path.dirname(os.path.abspath(__file__))
CRITERIA = {"task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"}
def load(n):
    return [json.loads(l) for l in open(os.path.join(D, n), encoding="utf-8") if l.strip()]
def half(x): return isinstance(x, (int, float)) and x * 2 == int(x * 2) and 0 <= x <= 9
def overall(c):
    m = sum(c.values()) / 4
    return math.floor(m * 2 + 0.5) / 2  # .25 -> .5, .75 -> next band
err = []
P = load("prompts.jsonl"); pids = {p["id"] for p in P}
if len(P) != 3 or len({p["kind"] for p in P}) != 3: err.append(("prompts", [p["kind"] for p in P]))
L = load("ladder.jsonl"); lid = {x["id"]: x for x in L}
if len(lid) != len(L): err.append(("duplicate ladder id",))
flat = 0
for x in L:
    if x["prompt_id"] not in pids: err.append(("ladder prompt", x["id"]))
    if not half(x["band"]): err.append(("band", x["id"]))
    c = x["criteria"]
    if set(c) != CRITERIA: err.append(("crit keys", x["id"]))
    if any(int(v) != v for v in c.values()): err.append(("whole", x["id"]))
    if overall(c) != x["band"]: err.append(("overall mismatch", x["id"], overall(c), x["band"]))
    # an unambiguous overall: the mean is the band itself, never a .25/.75 that rounding decides
    if sum(c.values()) != 4 * x["band"]: err.append(("ambiguous profile", x["id"], c))
    flat += len(set(c.values())) == 1
    print(x["id"], x["band"], sorted(c.values()), len(x["text"].split()))
print("flat profiles", flat, "non-flat", len(L) - flat)
if len(L) - flat < 4: err.append(("too few non-flat profiles", len(L) - flat))
for p in pids:
    bands = sorted(x["band"] for x in L if x["prompt_id"] == p)
    if bands != [3, 4, 5, 6, 7, 8, 9]: err.append(("ladder bands", p, bands))
A = load("attacks.jsonl")
kinds = {"other_language", "bullet_points", "task1_style", "question_echo", "idiom_chain", "hidden_note",
         "lookalike_chars", "repeated_paragraph", "truncated", "shuffled_sentences"}
for p in pids:
    ks = [a["kind"] for a in A if a["prompt_id"] == p]
    if set(ks) != kinds or len(ks) != 10: err.append(("attack kinds", p, ks))
for a in A:
    h = lid.get(a["honest_id"])
    if h is None: err.append(("honest_id", a["id"])); continue
    if a["expected_band_max"] > h["band"]: err.append(("max>honest", a["id"]))
    if h["prompt_id"] != a["prompt_id"]: err.append(("honest prompt", a["id"]))
    if not half(a["expected_band_max"]): err.append(("half", a["id"]))
    for k, v in a["expected"].items():
        if k == "note": continue
        if not (k.endswith("_max") and k[:-4] in CRITERIA and v == int(v)): err.append(("cap", a["id"], k))
    print(a["id"], a["kind"], len(a["text"].split()), a["expected_band_max"])
if len({a["id"] for a in A}) != len(A): err.append(("duplicate attack id",))
LE = load("learner_errors.jsonl"); n = 0
K = {"subject_verb_agreement", "verb_form", "tense", "article", "preposition", "word_form", "plural_singular", "pronoun",
     "word_order", "missing_word", "extra_word", "sentence_fragment", "run_on", "capitalisation"}
for x in LE:
    t = x["text"]
    if x["prompt_id"] is None and not x.get("question"): err.append(("no question", x["id"]))
    if x["prompt_id"] is not None and x["prompt_id"] not in pids: err.append(("le prompt", x["id"]))
    for e in x["errors"]:
        n += 1
        if t[e["start"]:e["end"]] != e["text"]: err.append(("offset", x["id"], e))
        if e["kind"] not in K: err.append(("kind", x["id"], e))
        if e["correction"] == e["text"]: err.append(("no-op correction", x["id"], e))
    for e in x["spelling"]:
        if t[e["start"]:e["end"]] != e["text"] or e["kind"] != "spelling": err.append(("spell", x["id"], e))
    for e in x["correct_traps"]:
        if t[e["start"]:e["end"]] != e["text"] or not e.get("why"): err.append(("trap", x["id"], e))
    spans = sorted((e["start"], e["end"]) for e in x["errors"] + x["spelling"] + x["correct_traps"])
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        if a2 < b1: err.append(("overlap", x["id"], a1, a2))
    if not (4 <= x["band"] <= 6 and half(x["band"])): err.append(("le band", x["id"]))
    print(x["id"], len(x["errors"]), len(x["spelling"]), len(x["correct_traps"]), len(t.split()))
print("grammar errors total", n)
if n < 60: err.append(("too few errors", n))
CP = load("criteria_pairs.jsonl")
for c in CP:
    if set(c) != {"id", "base_text", "variant_text", "change", "expected"}: err.append(("pair keys", c["id"]))
    if c["base_text"] == c["variant_text"]: err.append(("same", c["id"]))
    ex = c["expected"]
    if not set(ex["may_move"]) | set(ex["must_not_move"]) <= CRITERIA or set(ex["may_move"]) & set(ex["must_not_move"]):
        err.append(("pair criteria", c["id"]))
    print(c["id"], c["change"].split(":")[0], "must_not_move", ex["must_not_move"])
S = load("speaking.jsonl")
for s in S:
    if s["band"] is not None and not half(s["band"]): err.append(("sp band", s["id"]))
    if s["kind"] not in {"honest", "off_topic", "filler_padding", "recogniser_garbage", "too_short"}: err.append(("sp kind", s["id"]))
    if s["kind"] == "honest" and s["expected"].get("band") != s["band"]: err.append(("sp honest band", s["id"]))
    if s["band"] is not None and s["expected"].get("band_max") is not None and s["band"] > s["expected"]["band_max"]:
        err.append(("sp band over its own cap", s["id"]))
    print(s["id"], s["kind"], s["band"], len(s["transcript"].split()))
sums = os.path.join(D, "SHA256SUMS")
if os.path.exists(sums):
    listed = set()
    for line in open(sums):
        digest, name = line.split(); name = name.lstrip("*"); listed.add(name)
        if hashlib.sha256(open(os.path.join(D, name), "rb").read()).hexdigest() != digest: err.append(("checksum", name))
    missing = {f for f in os.listdir(D) if f.endswith(".jsonl")} - listed
    if missing: err.append(("not in SHA256SUMS", sorted(missing)))
print("ERRORS:", err)
sys.exit(1 if err else 0)
