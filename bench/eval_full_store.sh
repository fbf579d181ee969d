#!/usr/bin/env bash
# Benchmark: `newsdesk eval` on the whole realtimeqa-dev set (103 questions, 2,001 articles,
# about 27.5k chunks: ~20 min of embedding on 2 cores the first time). The store is cached,
# so later runs re-use it and take a few minutes. Prints the command, the metrics and the time.
#
# Usage: bash bench/eval_full_store.sh [extra eval options, e.g. --window-days 7 --limit 30]
#
# Environment:
#   NEWSDESK_SHARED     folder holding data/realtimeqa-dev (default: ../shared from the repo root)
#   NEWSDESK_EVAL_CACHE store cache (default: ~/.cache/newsdesk/eval); one store per selection
#   NEWSDESK_BENCH_OUT  where realtimeqa-full.{json,html} go (default: test-artifacts/bench)
#   PYTHON              the interpreter (default: .venv/bin/python, else python3)
set -uo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"  # ROOT (now the working folder), PY, RTQA

if [ -z "$RTQA" ]; then
  echo "skipped: no realtimeqa-dev under $SHARED/data (set NEWSDESK_SHARED)"
  exit 0
fi

CACHE="${NEWSDESK_EVAL_CACHE:-$HOME/.cache/newsdesk/eval}"
OUT="${NEWSDESK_BENCH_OUT:-$ROOT/test-artifacts/bench}"
mkdir -p "$OUT" "$CACHE"
cmd=("$PY" -m qa.cli eval "$RTQA" --format realtimeqa --store-cache "$CACHE"
     --out "$OUT/realtimeqa-full.json" --report "$OUT/realtimeqa-full.html" "$@")
echo "command: HF_HUB_OFFLINE=1 ${cmd[*]}"
t0=$SECONDS
"${cmd[@]}"
rc=$?
echo "wall time: $((SECONDS - t0)) s (exit $rc); store cached under $CACHE"
"$PY" - "$OUT/realtimeqa-full.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
m, meta = d["metrics"], d["meta"]
print(f"questions {d['counts']['questions']}, articles {meta.get('n_articles')}, "
      f"window {meta.get('window_days')}, answerer {meta.get('answerer')} (llm {meta.get('llm')})")
print(" ".join(f"{k}={v}" for k, v in m.items()))
EOF
exit "$rc"
