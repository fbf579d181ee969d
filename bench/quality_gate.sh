#!/usr/bin/env bash
# Quality gate (`make gate`): `newsdesk eval` with --min-* thresholds, exit 1 when a metric drops.
#
#  1. The bundled question set: corpus/questions.jsonl on corpus/articles (about a minute).
#  2. The held-back half of realtimeqa-dev (54 of its 103 questions, split by a hash of the
#     question id: qa.eval.quizset.half_of; nobody tunes on it), with the articles published
#     in the 7 days up to each question's date as the corpus (one store holding the union of
#     those windows, 688 articles, 5,285 chunks: about 105 s of embedding on 2 cores; the
#     whole gate takes about 2 minutes), each question asked "as of" its date. Skipped, with a
#     message, when the shared data is absent. The tune half is measured the same way with
#     `--half tune` and reported in the README, not gated.
#  3. The BBC set: corpus/questions-archive.jsonl over all of ../shared/data/bbc (about 2.5
#     minutes). Skipped, with a message, when the shared data is absent.
#
# Thresholds sit just under the values measured when they were last set (see the comments);
# latency is reported, never gated. After improving the answerer, re-measure and ratchet up:
#     bash bench/quality_gate.sh --suggest      # runs without thresholds, prints new ones
#
# Environment:
#   NEWSDESK_SHARED     folder holding data/realtimeqa-dev (default: ../shared from the repo root;
#                       a folder holding realtimeqa-dev directly also works)
#   NEWSDESK_EVAL_CACHE reuse the realtimeqa store here between runs (default: a fresh temp store)
#   NEWSDESK_GATE_OUT   where the JSON and HTML reports go (default: test-artifacts/gate)
#   PYTHON              the interpreter (default: .venv/bin/python, else python3)
set -uo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"  # ROOT (now the working folder), PY, RTQA
OUT="${NEWSDESK_GATE_OUT:-$ROOT/test-artifacts/gate}"
mkdir -p "$OUT"

SUGGEST=0
if [ "${1:-}" = "--suggest" ]; then SUGGEST=1; fi

# --- thresholds ------------------------------------------------------------------------------
# Bundled set (78 questions), measured with the extractive answerer of the working tree on
# 2026-11-29 (no LLM; sentences re-ranked with the desk's MiniLM, question dates soft; metrics
# of issue 13 point 0: numbers compared by value, a place's demonym supports it in a passage),
# after number and day questions must get a number or day of the asked shape (threshold 0.38):
#   hit@1 1.000, hit@5 1.000, MRR 1.000, accuracy 0.955, F1 0.420, citation precision 1.000,
#   citation recall 0.954, abstention precision 0.923, abstention recall 1.000
BUNDLED_MIN=(
  --min-hit-at-1 0.98 --min-hit-at-k 0.98 --min-mrr 0.98
  --min-accuracy 0.92 --min-f1 0.39
  --min-citation-precision 0.98 --min-citation-recall 0.92
  --min-abstention-precision 0.85 --min-abstention-recall 0.98
)
# realtimeqa-dev held-back half (54 questions, 7-day windows), measured on 2026-11-29 after the
# passage reranker (issue 13 point 2), relative-date fallback (point 4) and follow-ups (point 7):
#   hit@1 0.648, hit@5 0.926, MRR 0.763, accuracy 0.500, F1 0.345, citation precision 0.938,
#   citation recall 0.841 (no unanswerable questions: abstention is not gated here); since the
#   titles of untitled articles skip their dateline: hit@1 0.667, MRR 0.774, accuracy 0.481,
#   F1 0.340, citation recall 0.818 (one answer moved); after answer votes and headlines
#   (session of 13:30): hit@1 0.667, hit@5 0.926, MRR 0.774, accuracy 0.556, F1 0.356,
#   citation precision 0.969, citation recall 0.886; after the answer changes of the session
#   of 15:38 (durations, passive doers, acronyms, quoted titles, "how many" heads...): accuracy
#   0.593, F1 0.368 (the rest unchanged). One question is 0.019 here: these thresholds sit
#   about two questions under.
RTQA_HALF=held-back
RTQA_WINDOW=7
RTQA_MIN=(
  --min-hit-at-1 0.61 --min-hit-at-k 0.88 --min-mrr 0.72
  --min-accuracy 0.55 --min-f1 0.33
  --min-citation-precision 0.92 --min-citation-recall 0.84
)
# The BBC set (corpus/questions-archive.jsonl: 88 cases, 105 questions, a third unanswerable) over
# all of ../shared/data/bbc (2,225 articles, ~7,100 chunks: about 2 minutes of ingest here),
# same answerer, measured on 2026-11-29 (a yardstick written without running Newsdesk, never
# tuned on; issue 13 sets the targets it is to reach), after points 1-4 and 7 of issue 13
# (country names from countryinfo; number and day questions answered by a number or day of the
# asked shape, or not at all):
#   hit@1 0.833, hit@5 0.972, MRR 0.891, accuracy 0.694, F1 0.452 (72 answerable questions),
#   citation precision 0.915, citation recall 0.914, abstention precision 0.960, abstention
#   recall 0.727 (33 unanswerable questions); after answer votes, headlines and the check
#   that the answer's article names the question's names: accuracy 0.708, F1 0.460,
#   abstention precision 0.935, recall 0.879 (the rest unchanged); after the answer changes
#   of the session of 15:38: hit@5 0.986, MRR 0.896, accuracy 0.847, F1 0.606, citation
#   precision 0.964, recall 0.944, abstention precision 0.938, recall 0.909. One question is
#   0.014 (about 0.03 for abstention precision and recall): these thresholds sit about two
#   under.
BBC_MIN=(
  --min-hit-at-1 0.80 --min-hit-at-k 0.94 --min-mrr 0.86
  --min-accuracy 0.81 --min-f1 0.57
  --min-citation-precision 0.93 --min-citation-recall 0.91
  --min-abstention-precision 0.87 --min-abstention-recall 0.84
)
# ---------------------------------------------------------------------------------------------

suggest() {  # print thresholds 0.02 under the measured values of a JSON report
  "$PY" - "$1" <<'EOF'
import json, math, sys
m = json.load(open(sys.argv[1]))["metrics"]
for name in ("hit_at_1", "hit_at_k", "mrr", "accuracy", "f1", "citation_precision",
             "citation_recall", "abstention_precision", "abstention_recall"):
    v = m.get(name)
    if v is not None:
        print(f"  --min-{name.replace('_', '-')} {max(0.0, math.floor((v - 0.02) * 100) / 100):.2f}"
              f"   # measured {v:.3f}")
EOF
}

status=0
run() {  # run NAME ARGS...: one eval, its reports under $OUT/NAME.{json,html}
  local name="$1"; shift
  local cmd=("$PY" -m qa.cli eval "$@" --json "$OUT/$name.json" --report "$OUT/$name.html")
  echo "== $name: ${cmd[*]}"
  local t0=$SECONDS
  "${cmd[@]}"
  local rc=$?
  echo "== $name: exit $rc in $((SECONDS - t0)) s; reports in $OUT/$name.{json,html}"
  if [ "$SUGGEST" = 1 ] && [ -f "$OUT/$name.json" ]; then
    echo "suggested thresholds for $name:"; suggest "$OUT/$name.json"
  fi
  if [ "$rc" != 0 ]; then status=1; fi
}

if [ "$SUGGEST" = 1 ]; then BUNDLED_MIN=(); RTQA_MIN=(); BBC_MIN=(); fi

run bundled corpus/questions.jsonl --corpus corpus/articles "${BUNDLED_MIN[@]}"

if [ -z "$RTQA" ]; then
  echo "== realtimeqa: skipped: no realtimeqa-dev under $SHARED/data (set NEWSDESK_SHARED)"
else
  CACHE=()
  if [ -n "${NEWSDESK_EVAL_CACHE:-}" ]; then CACHE=(--store-cache "$NEWSDESK_EVAL_CACHE"); fi
  run realtimeqa "$RTQA" --format realtimeqa --half "$RTQA_HALF" --window-days "$RTQA_WINDOW" \
    "${CACHE[@]}" "${RTQA_MIN[@]}"
fi

BBC="$SHARED/data/bbc"
if [ ! -d "$BBC/business" ]; then
  echo "== bbc: skipped: no BBC articles under $BBC (set NEWSDESK_SHARED)"
else
  run bbc corpus/questions-archive.jsonl --corpus "$BBC" "${BBC_MIN[@]}"
fi

if [ "$status" = 0 ]; then echo "quality gate: passed"; else echo "quality gate: FAILED"; fi
exit "$status"
