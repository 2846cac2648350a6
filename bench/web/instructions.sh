#!/bin/sh
# Instructions per request (valgrind callgrind), app or raw, independent of the machine's load.
#   bench/web/instructions.sh bench/.data/10k.json booking [blocks] [n] [--raw]
# One process runs `blocks` blocks of `n` requests after its warm-up; callgrind cuts its counts
# at a getppid() call around each block (--dump-before=getppid), so each block's count is its
# requests' alone (no start-up, no warm-up). Prints each block's instructions per request and
# their median; blocks of the same build agree to ~0.3 %. (Subtracting a run of no requests
# from a run of N, as this script did before, varied by up to 15 %.)
set -eu
data=$1 endpoint=$2
shift 2
blocks=3 n=20
case "${1:-}" in [0-9]*) blocks=$1; shift ;; esac
case "${1:-}" in [0-9]*) n=$1; shift ;; esac
out=$(mktemp -d)
PYTHONHASHSEED=0 valgrind --tool=callgrind --dump-before=getppid \
    --callgrind-out-file="$out/cg" \
    .venv/bin/python bench/web/inproc.py --data "$data" "$endpoint" -n "$n" --blocks "$blocks" "$@" \
    >/dev/null 2>"$out/log"
.venv/bin/python - "$out" "$blocks" "$n" "$endpoint $*" <<'PY'
import pathlib, statistics, sys
out, blocks, n, what = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def total(path):
    for line in path.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {path}")
parts = sorted(out.glob("cg.*"), key=lambda p: int(p.suffix[1:]))
# Part 1 ends at the first mark (start-up, warm-up); then block, gap, block, gap, ...
per_request = [total(p) / n for p in parts[1::2][:blocks]]
print(f"{what}: " + ", ".join(f"{x / 1e6:.3f}" for x in per_request)
      + f" -> median {statistics.median(per_request) / 1e6:.3f} M instructions per request"
      + f" ({blocks} blocks of {n})")
PY
rm -rf "$out"
