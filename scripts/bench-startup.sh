#!/usr/bin/env bash
# Startup to the first rendered frame, and peak RSS, of the release kiosk shell in a 1080×1920 window.
# Runs the binary RUNS times under Xvfb and prints a table. Needs xvfb (apt-get install xvfb).
# Usage: scripts/bench-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
[ -n "${KIOSK_BIN:-}" ] || cargo build --release --quiet
# The binary is where cargo put it (CARGO_TARGET_DIR when set); KIOSK_BIN measures another build instead.
bin=${KIOSK_BIN:-${CARGO_TARGET_DIR:-target}/release/kiosk}
out=$(mktemp)
# Only standard output is read: the log and the backend's own messages go to stderr.
xvfb-run -a -s "-screen 0 1080x1920x24" bash -c '
    for i in $(seq '"$runs"'); do
        start=$(date +%s%N)
        line=$('"$bin"' --exit-after-first-frame 2>/dev/null)
        end=$(date +%s%N)
        echo "$line process_ms=$(( (end - start) / 1000000 ))"
    done' > "$out"
python3 - "$out" <<'PY'
import statistics, sys
lines = [line for line in open(sys.argv[1]) if line.strip()]
bad = [line for line in lines if "first_frame_ms=" not in line]
if bad:
    sys.exit("a run did not reach its first frame:\n" + "".join(bad[:3]))
rows = [dict(kv.split("=") for kv in line.split()) for line in lines]
def stats(key, scale=1.0):
    values = sorted(float(r[key]) * scale for r in rows)
    return values[0], statistics.median(values), values[-1]
print(f"{'measure':<34}{'min':>10}{'median':>10}{'max':>10}")
for label, key, scale in [("first frame, in process (ms)", "first_frame_ms", 1),
                          ("whole process, spawn to exit (ms)", "process_ms", 1),
                          ("peak RSS (MB)", "peak_rss_kb", 1 / 1024)]:
    lo, mid, hi = stats(key, scale)
    print(f"{label:<34}{lo:>10.1f}{mid:>10.1f}{hi:>10.1f}")
print(f"runs: {len(rows)}; all rendered: {all(r['rendered'] == 'true' for r in rows)}")
PY
