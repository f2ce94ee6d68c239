"""Benchmark of the grader on VGG16 (not a test): run with `make bench` or `.venv/bin/python bench/bench_grader.py`.

Goals (issue 3): the structure verdict for VGG16 within 0.5 s after `import torch`; the full check of VGG16,
the functional comparison included, within 3 s and 1.5 GB peak memory.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VGG = ROOT / "solutions" / "ch05_vgg" / "vgg.py"

STRUCTURE_IN_PROCESS = textwrap.dedent(f"""
    import json, time
    import torch
    from grader import reference
    from grader.chapters import get_chapter
    spec = get_chapter("ch05").models[0]
    reference.for_spec(spec)  # the reference's trace is data, cached once: not part of a verdict
    start = time.perf_counter()
    from grader.compare import align, first_divergence
    from grader.probe import _trace_model, import_path
    cls = import_path({str(VGG)!r}).VGG16
    traced = _trace_model(cls, spec, {str(VGG)!r})
    verdict = first_divergence(align(list(reference.for_spec(spec).rows), list(traced.rows)))
    print(json.dumps({{"seconds": time.perf_counter() - start, "passed": verdict is None}}))
""")

FULL_CHECK = textwrap.dedent(f"""
    import json, time
    import torch
    start = time.perf_counter()
    from grader.pipeline import grade
    cold = grade("ch05", {str(VGG)!r})
    cold_seconds = time.perf_counter() - start
    warm = []
    for _ in range(3):
        t = time.perf_counter()
        report = grade("ch05", {str(VGG)!r})
        warm.append(time.perf_counter() - t)
    import grader.isolate
    peaks = []
    original = grader.isolate.run_isolated
    def measured(*args, **kwargs):
        outcome = original(*args, **kwargs)
        peaks.append(outcome.peak_mb)
        return outcome
    grader.isolate.run_isolated = measured
    import grader.pipeline
    grader.pipeline.run_isolated = measured
    grade("ch05", {str(VGG)!r})
    print(json.dumps({{"cold": cold_seconds, "warm": warm, "passed": report.passed and cold.passed,
                       "peak_rss_mb": max(peaks)}}))
""")


def run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_from_the_shell(runs: int = 5) -> dict:
    """`python -m grader check ch01` as a learner runs it after each edit: a fresh process each time (its
    forkserver starts cold), on LeNet-5's solution, with the reference traces already cached; once more
    with an empty cache (the first run after a change to the zoo traces the references again). The same
    grading in a process whose forkserver is warm, for comparison."""
    import os
    import tempfile
    import time

    command = [sys.executable, "-m", "grader", "check", "ch01", "--path", str(ROOT / "solutions/ch01_lenet/lenet.py")]

    def timed(env: dict | None = None) -> float:
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=ROOT, timeout=300, env=env, check=True)
        return time.perf_counter() - start

    timed()  # the reference cache, and the files in the OS's page cache
    cold = [timed() for _ in range(runs)]
    with tempfile.TemporaryDirectory() as empty:
        uncached = timed({**os.environ, "CNN_DOJO_CACHE": empty})
    warm = run(textwrap.dedent(f"""
        import json, time
        from grader.pipeline import grade
        grade("ch01", {str(ROOT / "solutions/ch01_lenet/lenet.py")!r})
        times = []
        for _ in range({runs}):
            t = time.perf_counter()
            grade("ch01", {str(ROOT / "solutions/ch01_lenet/lenet.py")!r})
            times.append(time.perf_counter() - t)
        print(json.dumps({{"warm": times}}))
    """))["warm"]
    return {"cold": cold, "uncached": uncached, "warm": warm}


def main() -> None:
    import os

    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    shell = check_from_the_shell()
    print("python -m grader check ch01 (LeNet-5's solution), from the shell")
    print(f"  cold (a fresh process, its forkserver starting), median of {len(shell['cold'])}: "
          f"{statistics.median(shell['cold']):.2f} s (min {min(shell['cold']):.2f}; goal 2.5 s on an idle machine)")
    print(f"  cold, with the reference traces not cached yet  : {shell['uncached']:.2f} s")
    print(f"  the same grading with the forkserver warm, median: {statistics.median(shell['warm']):.2f} s")
    structure = [run(STRUCTURE_IN_PROCESS) for _ in range(3)]
    full = run(FULL_CHECK)
    best_structure = min(r["seconds"] for r in structure)
    warm = statistics.median(full["warm"])
    print("cnn-dojo grader benchmark, VGG16 (2 cores, CPU)")
    print(f"  structure verdict, fresh process, after import torch : {best_structure:.3f} s "
          f"(goal 0.5 s: {'met' if best_structure <= 0.5 else 'NOT met'})")
    print(f"  full check (isolated child, forkserver warm), median  : {warm:.2f} s (goal 3 s: {'met' if warm <= 3 else 'NOT met'})")
    print(f"  full check, first in a fresh process (forkserver cold): {full['cold']:.2f} s")
    print(f"  peak memory of the grading child (ru_maxrss)          : {full['peak_rss_mb']:.0f} MB "
          f"(goal 1536 MB: {'met' if full['peak_rss_mb'] <= 1536 else 'NOT met'})")
    print(f"  all verdicts passed: {full['passed'] and all(r['passed'] for r in structure)}")


if __name__ == "__main__":
    main()
