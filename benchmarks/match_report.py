"""Renders ``results/match.json`` (written by ``bench_match.py``) as the Markdown report ``results/match.md``.

Every figure is stated against its target, with "met" or "**missed**"; a section that has not been
run says so instead of a figure.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from typing import Any

from bench_common import header_load
from match_cases import gap_percent

GIB = 1024**3
THRESHOLD = 2.5
Row = dict[str, Any]


def mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def num(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def pct(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:.2g}%" if 0 < abs(value) < 10**-digits else f"{value:.{digits}f}%"


def secs(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def section_head(title: str, data: Row) -> list[str]:
    return [f"## {title}", "", f"Run {data['date']} ({data.get('minutes', 0):.1f} min); "
            + header_load(data["load_before"], data["quiet"], THRESHOLD, data.get("load_after")) + ".", ""]


def status_gap(run: Row) -> str:
    """The engine's own proof gap (from its bound), as the status reports it."""
    if run["code"] == "optimal":
        return "0 (proven)"
    return "no bound" if run["gap"] is None else pct(100 * run["gap"])


# -- targets ---------------------------------------------------------------------------------------------


def quality_targets(q: Row) -> list[str]:
    best = q["best_known"]
    default = q["default"]
    gaps = [gap_percent(r["value"], best) for r in default]
    walls = [r["wall"] for r in default]
    by_limit = {r["options"]["time_limit"]: r for r in q["limited"]}
    ten = by_limit.get(10.0)
    ten_gap = gap_percent(ten["value"], best) if ten else None
    worse = worse_with_time(q)
    rows = [
        f"| 200 x 12, default `match(k=10)`: within 0.5% of the best known | gap {', '.join(pct(g) for g in gaps)} "
        f"| {mark(all(g is not None and g <= 0.5 for g in gaps))} |",
        f"| ... in under 1 s | wall {', '.join(secs(w) for w in walls)} | {mark(all(w < 1.0 for w in walls))} |",
        f"| 200 x 12, `time_limit=10`: within 0.2% | "
        f"{'not run' if ten is None else 'gap ' + pct(ten_gap)} | "
        f"{mark(None if ten is None else ten_gap is not None and ten_gap <= 0.2)} |",
        f"| more time never worse (default, {', '.join(f'{t:g}' for t in by_limit)} s) | "
        f"{'; '.join(worse) or 'never worse'} | {mark(not worse)} |",
    ]
    return rows


def worse_with_time(q: Row) -> list[str]:
    """Every limit whose value is below that of a shorter limit (the default budget counts as the shortest)."""
    seq = [("default", q["default"][0]["value"])] + [(f"{r['options']['time_limit']:g} s", r["value"])
                                                      for r in q["limited"]]
    out = []
    for k, (name, value) in enumerate(seq):
        for earlier, before in seq[:k]:
            if value is not None and before is not None and value < before - 1e-9:
                out.append(f"{name} gave {value:.4f} < {before:.4f} at {earlier}")
                break
    return out


def proof_targets(p: Row) -> list[str]:
    small = p["small"]
    k1 = [r for r in small if r["k1"]["code"] == "optimal" and r["k1"]["wall"] < 1.0]
    k10 = [r for r in small if r["k10"]["code"] == "optimal" and r["k10"]["wall"] < 5.0]
    ex = p["example"]["exact"]
    ex_ok = ex["code"] == "optimal" or (ex["gap"] is not None and ex["gap"] < 0.01)
    mid = p["mid"]["exact"]
    return [
        f"| pools of ≤ 25 usable candidates (1-12 floors), `k=1`: proven in under 1 s | {len(k1)} of {len(small)} "
        f"(walls {', '.join(secs(r['k1']['wall']) for r in small)}) | {mark(len(k1) == len(small))} |",
        f"| ... `k=10`: proven in under 5 s | {len(k10)} of {len(small)} "
        f"(walls {', '.join(secs(r['k10']['wall']) for r in small)}) | {mark(len(k10) == len(small))} |",
        f"| bundled example: proven, or gap < 1% after 10 s (`exact=True`) | {ex['code']}, gap {status_gap(ex)}, "
        f"{secs(ex['wall'])} | {mark(ex_ok)} |",
        f"| 50 x 12 proven within {p['mid_time']:g} s (`exact=True`)? | {mid['code']}, gap {status_gap(mid)}, "
        f"{secs(mid['wall'])} | {'yes' if mid['code'] == 'optimal' else 'no'} |",
    ]


def scale_targets(s: Row) -> list[str]:
    values = [(r["spec"]["n"], r.get("value")) for r in s["default"]]
    drops = [f"{n} gave {v:.4f} < {pv:.4f} at {pn}" for (pn, pv), (n, v) in itertools.pairwise(values)
             if v is not None and pv is not None and v < pv - 1e-9]
    limit = s["wall_target"]
    walls = [(r["spec"]["n"], r.get("wall")) for r in s["short"]]
    slow = [w for _, w in walls if w is None or w > limit]
    rows = [
        f"| value at the default budget rises or holds with the pool ({', '.join(f'{n:,}' for n, _ in values)}) | "
        f"{', '.join(num(v) for _, v in values)}{'; ' + '; '.join(drops) if drops else ''} | {mark(not drops)} |",
        f"| `time_limit=0.5`: wall ≤ {limit:.2f} s | "
        f"{', '.join(f'{n:,}: {secs(w)}' for n, w in walls)} | {mark(not slow)} |",
    ]
    for r in s["huge"]:
        ok = r["returncode"] == 0 and not r["killed"]
        rows.append(f"| {r['spec']['n']:,} candidates within {s['memory_cap'] / GIB:.0f} GiB | {huge_text(r)} "
                    f"| {mark(ok)} |")
    return rows


def huge_text(r: Row) -> str:
    if r["killed"]:
        return f"killed at the {r['killed']} after {r['process_wall']:.0f} s (peak {peak_text(r)})"
    if r["returncode"] != 0:
        return f"failed (exit {r['returncode']}): {' / '.join(r.get('error', []))}"
    return (f"works: match {secs(r['wall'])} (+ {r['generate_seconds']:.1f} s to generate the pool), "
            f"peak {peak_text(r)}, value {num(r['value'])}, not refused up front")


def determinism_target(d: Row) -> list[str]:
    a, b = d["alone"], d["loaded"]
    same = a.get("programmes") == b.get("programmes") and a.get("programmes") is not None
    stopped = a.get("clock_stopped") or b.get("clock_stopped")
    text = "same programmes and scores" if same else "**different answers**"
    if stopped:
        text += (f" (the wall-clock safety net fired: quiet run {a.get('clock_stopped')}, loaded run "
                 f"{b.get('clock_stopped')})")
    n = d["alone"]["spec"]["n"]
    return [f"| {n:,} candidates, seed 0: same answer quiet and beside {d['hogs']} CPU hogs | {text} "
            f"| {mark(same) if not stopped else 'safety net fired'} |"]


def targets(raw: Row) -> list[str]:
    lines = ["| target | measured | |", "| --- | --- | --- |"]
    parts = {"quality": quality_targets, "proofs": proof_targets, "scale": scale_targets,
             "determinism": determinism_target}
    for name, fn in parts.items():
        lines += fn(raw[name]) if name in raw else [f"| section `{name}` | not run | — |"]
    return lines


# -- sections ---------------------------------------------------------------------------------------------


def long_status(run: Row) -> str:
    """OPTIMAL only when the float optimum is certified; CP-SAT's OPTIMAL of the scaled integer model alone,
    with the rounding window not exhausted, is told apart."""
    integer_only = run["status"] == "OPTIMAL-INTEGER" or (
        run["status"] == "OPTIMAL" and run["value"] is not None and run["bound"] > run["value"])
    return "integer model optimal (rounding window not exhausted)" if integer_only else run["status"]


def long_lines(data: Row) -> list[str]:
    lines = section_head("Long exact runs (the best known)", data)
    lines += [
        "CP-SAT on the engine's whole model (`objectmatch._engine.exact.solve`, 8 workers), hinted with the best "
        "answer of `match(k=1, time_limit=60)` over seeds 0-2 (0-1 for the small pools; fewer when one proved "
        "optimal). Value: the float "
        "score of its best answer; bound: CP-SAT's bound plus the model's largest rounding error. "
        "`stored` is what `results/best_known/<instance>.json` holds after this run (a run is replaced only by a "
        "better one). Re-scored: `objectmatch.score` of the stored placement; checked: `objectmatch.check`.",
        "",
        "| instance | usable | engine runs (seed: value, status, s) | long run: value | bound | gap to bound | "
        "status | s | load before | stored value | re-scored / violations |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in data["rows"]:
        run, kept = row["run"], row["kept"]
        engine = "; ".join(f"{e['seed']}: {num(e.get('value'))} {e['code']} {e['wall']:.0f}"
                           for e in run["engine_runs"])
        bound_gap = gap_percent(run["value"], run["bound"]) if run["bound"] not in (None, float("inf")) else None
        ver = kept.get("verified") or {}
        lines.append(
            f"| {row['instance']} | {row['usable']} | {engine} | {num(run['value'])} | {num(run['bound'])} | "
            f"{pct(bound_gap)} | {long_status(run)}{' (hint kept)' if run['source'] != 'CP-SAT' else ''} | "
            f"{run['seconds']:.0f} | {run['load_before'][0]:.2f} | {num(kept['value'])}"
            f"{' (new)' if row['replaced'] else ' (earlier run kept)'} | {num(ver.get('score'))} / "
            f"{len(ver.get('violations', [])) if ver else '—'} |"
        )
    return [*lines, ""]


def quality_lines(data: Row) -> list[str]:
    best = data["best_known"]
    lines = section_head("200 candidates, 12 floors: quality against time", data)
    lines += [f"Best known: {num(best)} (long exact run). Ours: `match(k=10)`, value of the best programme; wall "
              "time around the whole call. Plain CP-SAT: `exact.solve(..., ExactOptions(textbook=True, k=1))` "
              f"(one boolean per pair; model building, {secs(data.get('textbook_build'))} here, counts inside the "
              "limit but "
              "cannot be interrupted; its answers get the engine's exact areas). Ours: `clock stopped` when the "
              "wall-clock safety net cut the work short.",
              "", "| method | limit | value | gap to best known | wall | status |",
              "| --- | --- | --- | --- | --- | --- |"]
    for r in data["default"]:
        lines.append(f"| ours `match(k=10)` | default | {num(r['value'])} | {pct(gap_percent(r['value'], best))} | "
                     f"{secs(r['wall'])} | {r['code']}{', clock stopped' if r['clock_stopped'] else ''} |")
    for r in data["limited"]:
        lines.append(f"| ours `match(k=10)` | {r['options']['time_limit']:g} s | {num(r['value'])} | "
                     f"{pct(gap_percent(r['value'], best))} | {secs(r['wall'])} | {r['code']}"
                     f"{', clock stopped' if r['clock_stopped'] else ''} |")
    for r in data["textbook"]:
        lines.append(f"| plain CP-SAT, {r['workers']} worker{'s' if r['workers'] > 1 else ''} | {r['limit']:g} s | "
                     f"{num(r['value'])} | {pct(gap_percent(r['value'], best))} | {secs(r['wall'])} | "
                     f"{r['status']}{', bound ' + num(r['bound']) if r['bound'] is not None else ''} |")
    lines += ["", *head_to_head(data), ""]
    return lines


def head_to_head(data: Row) -> list[str]:
    ours = {r["options"]["time_limit"]: r["value"] for r in data["limited"]}
    out = ["| limit | ours | best plain CP-SAT | ours better? |", "| --- | --- | --- | --- |"]
    for limit, value in ours.items():
        rivals = [r["value"] for r in data["textbook"] if r["limit"] == limit and r["value"] is not None]
        rival = max(rivals) if rivals else None
        better = None if value is None else (rival is None or value >= rival)
        out.append(f"| {limit:g} s | {num(value)} | {num(rival)} | {'yes' if better else 'no'} |")
    return out


def proofs_lines(data: Row) -> list[str]:
    lines = section_head("Proofs", data)
    lines += ["`match` at its default budget (10 s of work for pools it solves exactly); `status.code`, the "
              "status gap (from the engine's bound), wall time around the call; gap to the best known.", "",
              "| pool | usable | k | code | status gap | wall | value | gap to best known |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in data["small"]:
        for k in ("k1", "k10"):
            r = row[k]
            lines.append(f"| {row['instance']} | {row['usable']} | {k[1:]} | {r['code']} | {status_gap(r)} | "
                         f"{secs(r['wall'])} | {num(r['value'])} | {pct(gap_percent(r['value'], row['best_known']))} |")
    ex, mid = data["example"], data["mid"]
    for name, block, keys in (("example", ex, ("default", "exact")), ("gen_f12_n50_s0", mid, ("exact",))):
        for key in keys:
            r = block[key]
            lines.append(f"| {name} ({key}, {r['options']['time_limit']:g} s) | {block['usable']} | 1 | {r['code']} | "
                         f"{status_gap(r)} | {secs(r['wall'])} | {num(r['value'])} | "
                         f"{pct(gap_percent(r['value'], block['best_known']))} |")
    return [*lines, ""]


def peak_text(r: Row) -> str:
    """The child's own peak (VmHWM) when it reported one, and ``ru_maxrss`` from ``wait4``."""
    own = r.get("peak_rss")
    wait4 = f"ru_maxrss {r['max_rss'] / GIB:.2f} GiB"
    if own is None:
        sampled = r.get("sampled_rss")
        return f"{sampled / GIB:.2f} GiB sampled ({wait4})" if sampled else wait4
    return f"{own / GIB:.2f} GiB ({wait4})"


def child_row(r: Row, target: float | None = None) -> str:
    opts = r["spec"].get("time_limit")
    wall = r.get("wall")
    flag = "" if target is None or wall is None else (" ok" if wall <= target else " **over**")
    return (f"| {r['spec']['n']:,} | {'default' if opts is None else f'{opts:g} s'} | {num(r.get('value'))} | "
            f"{secs(wall)}{flag} | {r.get('code', '—')}{', clock stopped' if r.get('clock_stopped') else ''} | "
            f"{peak_text(r)} | {(r.get('rss_after_generate') or 0) / GIB:.2f} GiB | "
            f"{num(r.get('generate_seconds'), 1)} s | {r['killed'] or ('ok' if r['returncode'] == 0 else 'failed')} |")


def scale_lines(data: Row) -> list[str]:
    lines = section_head("Scale", data)
    lines += [f"`generate_building(12, 0)`, `generate_pool(n, 0)`, `match(k=10)`; each run in its own process. "
              f"Wall: around the `match` call (pool generation apart). Peak memory: the child's own resident "
              f"high-water mark (`VmHWM`, imports and pool generation included; the next column is the same after "
              f"generating the pool, before `match`). In brackets the child's `ru_maxrss` from `wait4` (what "
              f"`getrusage(RUSAGE_CHILDREN)` reports): Linux carries the parent's resident size at fork into it, so "
              f"it is at least the benchmark process's own size and is not the child's figure. "
              f"Wall target for `time_limit=0.5`: 0.5 x 1.1 + 0.5 = {data['wall_target']:.2f} s. Runs above "
              f"{data['memory_cap'] / GIB:.0f} GiB resident are killed.", "",
              "| candidates | time limit | value | wall | code | peak memory | after generating | generate | run |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [child_row(r) for r in data["default"]]
    lines += [child_row(r, data["wall_target"]) for r in data["short"]]
    lines += [child_row(r) for r in data["huge"]]
    return [*lines, ""]


def determinism_lines(data: Row) -> list[str]:
    lines = section_head("Determinism under load", data)
    a, b = data["alone"], data["loaded"]
    lines += [f"{a['spec']['n']:,} candidates, seed 0, default budget, each in its own process: once alone, once "
              f"beside {data['hogs']} busy-looping processes (load then {data['load_with_hogs'][0]:.2f}).", "",
              "| run | value | wall | CPU s | work units | clock stopped | load at the end |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in (("alone", a), (f"beside {data['hogs']} hogs", b)):
        lines.append(f"| {name} | {num(r.get('value'))} | {secs(r.get('wall'))} | {secs(r.get('cpu'))} | "
                     f"{r.get('work')} | {r.get('clock_stopped')} | {r.get('load', [0])[0]:.2f} |")
    same = a.get("programmes") == b.get("programmes")
    pa, pb = a.get("programmes") or [], b.get("programmes") or []
    first = bool(pa and pb and pa[0] == pb[0])
    lines += ["", f"Same programmes (placements and scores, all of them): **{same}**; same best programme: "
              f"**{first}**; programmes returned: {len(pa)} and {len(pb)}.", ""]
    return lines


def render(raw: Row, cfg: Any, machine: Sequence[str]) -> str:
    lines = [
        "# Benchmark: matching (`bench_match.py`)",
        "",
        f"Rendered {datetime.date.today().isoformat()}"
        f"{' (QUICK smoke run: short limits, not the figures)' if cfg.quick else ''}. "
        "Best known = the best value of a long exact run stored in `results/best_known/` (never the engine's "
        "short answer). Gap % = 100 (best known - value) / best known; negative: above the best known. Raw "
        "figures: `match.json` beside this file.",
        "",
        "## Targets (DESIGN §5)",
        "",
        *targets(raw),
        "",
    ]
    renderers = {"long": long_lines, "quality": quality_lines, "proofs": proofs_lines, "scale": scale_lines,
                 "determinism": determinism_lines}
    for name, fn in renderers.items():
        lines += fn(raw[name]) if name in raw else [f"## {name}", "", "Not run.", ""]
    commands = sorted({raw[name].get("command", "") for name in renderers if name in raw})
    lines += ["Commands: " + "; ".join(f"`{c}`" for c in commands if c), "", "Machine:", "", *machine, ""]
    return "\n".join(lines)
