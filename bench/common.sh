# Sourced by the benchmark scripts (eval_full_store.sh, quality_gate.sh): the repository root
# (made the working folder), the interpreter, the offline settings, and where realtimeqa-dev is.
#
# Sets ROOT, PY, SHARED and RTQA (empty when the shared data is absent).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False

SHARED="${NEWSDESK_SHARED:-$ROOT/../shared}"
RTQA=""
for d in "$SHARED/data/realtimeqa-dev" "$SHARED/realtimeqa-dev"; do
  if [ -f "$d/questions.jsonl" ] && [ -f "$d/articles.jsonl" ]; then RTQA="$d"; break; fi
done
