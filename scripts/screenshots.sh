#!/usr/bin/env bash
# Screenshots of the dashboard for the README (docs/*.png), from a real run
# on a throwaway home: `ielts-rq up`, a few hundred jobs over several
# minutes, some failures, then headless Chromium. Takes about six minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export IELTS_RQ_HOME="$(mktemp -d)"
BIN=.venv/bin
port=5057
$BIN/ielts-rq up --port "$port" >/dev/null 2>&1 &
up=$!
trap 'kill -INT $up; wait $up; rm -rf "$IELTS_RQ_HOME"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 1; done

# Five minutes of growing traffic: essays to score, health checks, failures, queue-depth samples.
$BIN/python - <<'PY'
import time
from ielts_rq import enqueue, store

ESSAY = ("Many people believe that working from home is better for employees. In my opinion, it saves time and "
         "money, although some workers feel isolated. Firstly, commuting takes hours every week. Secondly, a quiet "
         "room helps people to concentrate. However, teams need to meet in person to share ideas. In conclusion, "
         "a mix of home and office work is the best choice for most companies.")
for minute in range(1, 6):
    for n in range(20 * minute):
        submission = store.create_submission(f"learner-{n % 7}", "writing_task_2", f"{ESSAY} Answer {minute}-{n}.",
                                             "Is working from home a good idea?")
        enqueue("score_submission", submission)
    enqueue("score_submission", f"sub_missing_{minute}")  # fails: no such submission
    for _ in range(3):
        enqueue("health_check")
    enqueue("monitor_queue_depth")
    time.sleep(60)
PY

shoot() {  # PAGE FILE
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$IELTS_RQ_HOME/chromium" --hide-scrollbars \
    --window-size=1280,1500 --virtual-time-budget=3000 --screenshot="$2" "http://127.0.0.1:$port$1" 2>/dev/null
}
shoot /overview docs/overview.png
shoot "/search?q=learner-3" docs/search.png
echo "wrote docs/overview.png and docs/search.png"
