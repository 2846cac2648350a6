#!/bin/sh
# Instructions per request (valgrind callgrind), app vs raw, independent of the machine's load:
# the difference between a run of N requests and a run of none, divided by N.
#   bench/web/instructions.sh bench/.data/10k.json availability 20 [--raw]
set -eu
data=$1 endpoint=$2 n=$3
shift 3
out=$(mktemp -d)
for count in 0 "$n"; do
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$count" \
        .venv/bin/python bench/web/inproc.py --data "$data" "$endpoint" -n "$count" "$@" \
        >/dev/null 2>"$out/log.$count"
done
total() { grep -m1 '^summary:\|^totals:' "$1" | awk '{print $2}'; }
zero=$(total "$out/cg.0")
many=$(total "$out/cg.$n")
echo "$endpoint $*: $(( (many - zero) / n )) instructions per request (n=$n)"
rm -rf "$out"
