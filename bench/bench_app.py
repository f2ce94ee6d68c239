"""Benchmark: how long a learner waits for the app's chapter page and for a VGG16 verdict.

Run from the repository root:  .venv/bin/python bench/bench_app.py   (or: make bench)

It copies the course to a temporary folder with VGG16 solved (model and worksheet), starts
``streamlit run app.py`` on a free localhost port, and drives Debian's Chromium with Playwright. For each
page request to /ch05_vgg it records, from the moment of the request:
  * notes: the chapter page is on screen (the title, the tabs and the notes with their first formula);
  * verdict: the model check's verdict "Every check passes" is on the page (VGG16 graded);
  * idle: the page's script has finished (Streamlit's script state is "notRunning"): fully rendered.
Cold: the first request to a freshly started server (its grader forkserver not started, no cached
report). Warm: later requests in new browser sessions (the report cached on the file's modification
time), and "re-check": the "Run the check" button, which grades VGG16 again in a warm forkserver.
Cold is measured on --cold fresh servers; warm figures are medians of --runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
VERDICT = "text=Every check passes: 10/10 points."
WAIT_MS = 300_000


def _course(root: Path) -> Path:
    shutil.copytree(ROOT / "exercises", root / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("ch05_vgg/vgg.py", "ch05_vgg/worksheet.py"):
        shutil.copy(ROOT / "solutions" / file, root / "exercises" / file)
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _server(course: Path):
    port = _free_port()
    env = {**os.environ, "CNN_DOJO_ROOT": str(course), "CNN_DOJO_DATA": str(course / "data")}
    log = open(course / f"streamlit-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _request(browser, url: str) -> dict[str, float]:
    """One page request in a new browser session: seconds to the notes, the verdict, the idle page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    start = time.perf_counter()
    page.goto(f"{url}/ch05_vgg", wait_until="commit")
    page.wait_for_selector("h1:has-text('VGG16 (ILSVRC 2014)')", timeout=WAIT_MS)
    page.wait_for_selector(".katex", timeout=WAIT_MS)  # the notes' first formula, set by st.latex
    notes = time.perf_counter() - start
    page.wait_for_selector(VERDICT, state="attached", timeout=WAIT_MS)
    verdict = time.perf_counter() - start
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    idle = time.perf_counter() - start
    # re-check: the button grades the file again, in the warm forkserver
    page.get_by_role("tab", name="Model check").click()
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    button = page.get_by_role("button", name="Run the check")
    caption = page.locator("p", has_text="checked ").filter(has_text="exercises/ch05_vgg/vgg.py")
    before = caption.inner_text()  # "checked exercises/ch05_vgg/vgg.py in 4.1 s": a new grading, a new time
    start = time.perf_counter()
    button.click()
    page.wait_for_function("""([before]) => [...document.querySelectorAll('p')].some(
        p => p.innerText.startsWith('checked ') && p.innerText.includes('ch05_vgg/vgg.py') && p.innerText !== before)""",
                           arg=[before], timeout=WAIT_MS)
    recheck = time.perf_counter() - start
    page.close()
    return {"notes": notes, "verdict": verdict, "idle": idle, "recheck": recheck}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm requests per server (median reported)")
    parser.add_argument("--cold", type=int, default=2, help="fresh servers for the cold figures")
    args = parser.parse_args()
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="cnn-dojo-bench-app-") as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for index in range(args.cold):
            course = _course(Path(scratch) / f"course{index}")
            with _server(course) as url:
                cold.append(_request(browser, url))
                if index == 0:
                    warm = [_request(browser, url) for _ in range(args.runs)]
        browser.close()

    def show(name: str, runs: list[dict[str, float]]) -> None:
        cells = []
        for key in ("notes", "verdict", "idle", "recheck"):
            values = [run[key] for run in runs]
            cells.append(f"{statistics.median(values):6.2f} s (min {min(values):.2f}, max {max(values):.2f})")
        print(f"| {name:<5} | " + " | ".join(cells) + " |")

    print(f"VGG16 chapter page, {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print("| run   | notes on screen | VGG16 verdict | page idle (fully rendered) | re-check (button) |")
    print("|---|---|---|---|---|")
    show("cold", cold)
    show("warm", warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
