#!/usr/bin/env bash
# The documentation's pictures, made from the bundled example:
#   docs/img/report.png           the HTML report of `objectmatch rank`, screenshot in headless chromium
#                                 (the README's and the docs home page's picture);
#   docs/img/stacking-plan.png    the tutorial's stacking plan;
#   docs/img/identity-network.png the tutorial's identity network.
#
# Usage: scripts/screenshot_report.sh   (from anywhere; PYTHON and CHROMIUM may name other binaries)
# Needs chromium (Debian: apt-get install chromium). The HTML report itself needs no browser.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
CHROMIUM=${CHROMIUM:-chromium}
DATA=objectmatch/data
OUT=docs/img
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The report, as a user would make it.
"$PYTHON" -m objectmatch rank "$DATA/example_building.json" "$DATA/example_candidates.json" \
    --profile "$DATA/example_neighbourhood.json" --participation "$DATA/example_participation.csv" \
    --top 3 --time-limit 2 --out "$work/report.html"

# 2. Its screenshot. --user-data-dir keeps chromium away from any existing profile; the other
#    flags stop it from reaching the network (the page needs nothing outside the file).
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$work/chromium" --screenshot="$OUT/report.png" --window-size=1400,1800 \
    "file://$work/report.html" >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log" >&2; exit 1; }
test -s "$OUT/report.png" || { echo "chromium wrote no screenshot" >&2; cat "$work/chromium.log" >&2; exit 1; }

# 3. The tutorial's pictures (the same request as docs/tutorial.md, step 3).
"$PYTHON" - "$OUT" <<'PY'
import sys
from pathlib import Path

import objectmatch as om
from objectmatch.culture import example_participation, example_profile
from objectmatch.report import FigureStyle, identity_network

out = Path(sys.argv[1])
building, pool = om.load_example()
cons = om.Constraints(min_occupancy=0.9, min_functions=4, max_function_share=0.5)
best = om.match(building, pool, k=1, constraints=cons, profile=example_profile(),
                participation=example_participation(), time_limit=2).best
assert best is not None, "the tutorial's request found no programme"
best.plot(building, pool, path=out / "stacking-plan.png", style=FigureStyle(dpi=120))
identity_network(best, pool, network=example_profile().network(pool), path=out / "identity-network.png",
                 style=FigureStyle(dpi=100))
PY

echo "wrote $OUT/report.png, $OUT/stacking-plan.png and $OUT/identity-network.png"
