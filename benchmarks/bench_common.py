"""What the benchmark scripts share: the machine, its load, waiting for quiet, child processes, files.

* :class:`LoadGate` waits, before each timed section, until the 1-minute load average is below a
  threshold (polling every minute, within one overall budget of waiting) and records the load;
* :func:`run_child` runs a command in a subprocess and returns its output, wall time and memory
  (``ru_maxrss`` of that child from ``os.wait4``, the figure ``getrusage(RUSAGE_CHILDREN)`` gives when
  it is the only child -- on Linux it includes the parent's resident size at fork -- and the largest
  resident size sampled while it ran), killing it if its resident memory passes a cap or the time runs out;
* :class:`Hogs` starts busy-looping processes, each bounded in time by itself, and stops them;
* :func:`write_atomically`, :func:`machine_lines`, :func:`load_text`.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import ortools

Load = tuple[float, float, float]


def load_text(load: Sequence[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in load)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as f:
        f.write(text)
    os.chmod(f.name, 0o644)  # a temporary file is private; the result is not
    os.replace(f.name, path)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return "threadpoolctl not installed"
    parts = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('threading_layer', '?')}, {i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return "; ".join(parts) or "no BLAS found by threadpoolctl"


def machine_lines() -> list[str]:
    return [
        f"- CPU: {cpu_model()}; {os.cpu_count()} logical cores, {len(os.sched_getaffinity(0))} usable",
        f"- Python {platform.python_version()}, numpy {np.__version__}, "
        f"OR-Tools {getattr(ortools, '__version__', '?')}",
        f"- BLAS: {blas_info()}",
    ]


@dataclass
class LoadGate:
    """Waits for a quiet machine before timed sections, within one overall budget of waiting.

    ``wait()`` polls ``os.getloadavg()[0]`` every ``poll`` seconds until it is below ``threshold``
    or the budget (``budget`` seconds from the gate's creation) is spent, and returns the load then
    and whether it was quiet. With ``enabled=False`` it only reads the load.
    """

    threshold: float = 2.5
    poll: float = 60.0
    budget: float = 3 * 3600.0
    enabled: bool = True
    started: float = field(default_factory=time.monotonic)

    def wait(self, what: str) -> tuple[Load, bool]:
        load = os.getloadavg()
        while self.enabled and load[0] >= self.threshold and time.monotonic() - self.started < self.budget:
            print(f"[{time.strftime('%H:%M:%S')}] load {load_text(load)}: waiting to measure {what}", flush=True)
            time.sleep(self.poll)
            load = os.getloadavg()
        return load, load[0] < self.threshold


def header_load(load: Sequence[float], quiet: bool, threshold: float, after: Sequence[float] | None = None) -> str:
    """The load line of a table header; says plainly when the section ran under load."""
    text = f"load average (1, 5, 15 min) before: {load_text(load)}"
    if after is not None:
        text += f"; after: {load_text(after)}"
    if not quiet:
        text = f"**measured under load {load[0]:.2f}** (1-minute load average not below {threshold}); " + text
    return text


@dataclass
class ChildRun:
    """A finished child process: its stdout, exit code, wall time, peak resident memory and why it stopped."""

    stdout: str
    stderr: str
    returncode: int
    wall: float
    max_rss_bytes: int
    killed: str = ""  # "", "memory cap" or "timeout"
    sampled_rss_bytes: int = 0  # the largest resident size seen while polling (every 50 ms)


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run_child(args: Sequence[str], *, memory_cap: int | None = None, timeout: float = 3600.0) -> ChildRun:
    """Run ``args``; kill the child if its resident memory passes ``memory_cap`` bytes or after ``timeout`` s."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(args), stdout=out, stderr=err, text=True)
        killed = ""
        sampled = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            sampled = max(sampled, _rss_bytes(proc.pid))
            if memory_cap is not None and sampled > memory_cap:
                killed = "memory cap"
            elif time.perf_counter() - start > timeout:
                killed = "timeout"
            if killed:
                os.kill(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; tell Popen
        out.seek(0)
        err.seek(0)
        rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
        return ChildRun(out.read(), err.read(), proc.returncode, wall, rss, killed, sampled)


@dataclass
class Hogs:
    """``count`` busy-looping processes, each ending by itself after ``seconds``; stopped by :meth:`stop`."""

    count: int
    seconds: float
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> None:
        code = f"import time\nend = time.monotonic() + {self.seconds!r}\nwhile time.monotonic() < end:\n    pass\n"
        self.procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(self.count)]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def __enter__(self) -> Hogs:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
