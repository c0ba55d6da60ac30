#!/usr/bin/env bash
# Fresh runs of the README's test command, verbatim: each in a new clone of this repository's HEAD with a new
# venv, under the local (random) hypothesis profile. Usage: scripts/fresh_runs.sh [runs] [parallel]
# (default 10 runs, 2 at a time). One line per run: exit code, seconds, pytest's summary, commit.
set -u
runs=${1:-10}
parallel=${2:-2}
repo=$(cd "$(dirname "$0")/.." && pwd)
cmd=$(grep -m1 'pip install ".\[test\]" && python -m pytest -q' "$repo/README.md")
logs=$(mktemp -d)
echo "command: $cmd"
echo "logs: $logs"
one() {
  local i=$1 dir
  dir=$(mktemp -d)
  git clone -q "$repo" "$dir/objectmatch"
  cd "$dir/objectmatch" || return
  local start
  start=$(date +%s)
  env -u HYPOTHESIS_PROFILE bash -c "$cmd" > "$logs/run$i.log" 2>&1
  local rc=$?
  echo "run $i: rc $rc, $(($(date +%s) - start)) s, $(grep -E '[0-9]+ (passed|failed)' "$logs/run$i.log" | tail -1)," \
       "commit $(git rev-parse --short HEAD), $(date -u +%H:%M)"
  cd / && rm -rf "$dir"
}
i=1
while [ "$i" -le "$runs" ]; do
  for _ in $(seq 1 "$parallel"); do
    [ "$i" -le "$runs" ] && { one "$i" & }
    i=$((i + 1))
  done
  wait
done
