"""First paint as Lighthouse sees it: home, a section and articles on a phone.

The production settings as deployed (DEBUG off, WhiteNoise serving the
hashed, minified and compressed static files of ``collectstatic``, the page
cache on) in gunicorn on a loopback port, over a fresh PostgreSQL database
(``BENCH_DATABASE``, default ``bench_lighthouse``) holding the demo newspaper
and a private redis-server. Lighthouse (``make lighthouse``: npm, into
``.tools/lighthouse``) runs its default mobile preset (simulated slow 4G and
a 4× slower CPU) in Debian's Chromium against the Russian home page, the
newest Russian article's section, and the newest article in Russian and in
Kazakh, ``BENCH_LIGHTHOUSE_RUNS`` times each (default 3; the machine is
shared, so the best and the spread are reported), after one warm-up visit
that draws the renditions and fills the caches. Printed per page: the four
category scores (best run; performance as best/worst), and every audit below
1 that counts towards a category; every report is kept as
``tests/bench/results/lighthouse-<page>-<run>.json`` (git-ignored) to open in
Lighthouse's viewer. ``BENCH_LIGHTHOUSE_TREE=<dir>`` serves another checkout
of kmpress instead (e.g. ``git archive main | tar -x -C <dir>``), for a
before-and-after. Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from tests.bench.__main__ import RESULTS
from tests.bench.pages import Site, bench_env, probe_site, recreate_database
from tests.embedded import ROOT, RedisServer, manage

LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("home", "section", "article", "article_kk")
RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "3"))
DATABASE = os.environ.get("BENCH_DATABASE", "bench_lighthouse")
TREE = Path(os.environ.get("BENCH_LIGHTHOUSE_TREE") or ROOT).resolve()


def step(message: str) -> None:
    print(f"  lighthouse: {message}", file=sys.stderr, flush=True)


ATTEMPTS = 3


def audit(url: str, report: Path) -> dict:
    """One Lighthouse run; its report as parsed JSON. A run Lighthouse itself
    gives up on (a trace without navigation start happens on a loaded
    machine: "Please run Lighthouse again") is run again, twice at most."""
    for attempt in range(1, ATTEMPTS + 1):
        done = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROME_FLAGS}",
                "--quiet",
            ],
            env={**os.environ, "CHROME_PATH": CHROME},
            check=False,
            timeout=300,
        )
        if done.returncode == 0:
            return json.loads(report.read_text())
        step(f"Lighthouse failed (exit {done.returncode}), attempt {attempt}")
    raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")


def scores(report: dict) -> dict[str, float]:
    return {name: report["categories"][name]["score"] for name in CATEGORIES}


def failing(report: dict) -> list[str]:
    """Audits that cost a category points: id, score and Lighthouse's value."""
    found = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                value = result.get("displayValue", "")
                found.append(f"{name}/{ref['id']} {result['score']:.2f} {value}")
    return found


def run() -> dict:
    if not LIGHTHOUSE.exists():
        raise RuntimeError("Lighthouse is missing: `make lighthouse` installs it.")
    figures: dict = {"runs_per_page": RUNS, "tree": str(TREE)}
    redis = RedisServer()
    redis.start()
    try:
        with tempfile.TemporaryDirectory(prefix="kmpress-lighthouse-") as temporary:
            workdir = Path(temporary)
            env = bench_env(workdir, DATABASE) | {
                "DJANGO_SETTINGS_MODULE": "site_project.settings.production",
                "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            }
            step("database, migrations, static files, demo newspaper")
            recreate_database(DATABASE)
            manage(env, "migrate", "-v0", cwd=TREE)
            manage(env, "collectstatic", "--noinput", "-v0", cwd=TREE)
            manage(
                env,
                "compilemessages",
                "--ignore=.venv",
                "--ignore=.tools",
                "-v0",
                cwd=TREE,
            )
            manage(env, "seed_demo", capture_output=True, cwd=TREE)
            urls = probe_site(env, TREE)["urls"]
            with Site(env, root=TREE) as site:
                for page in PAGES:
                    figures.update(measure(site, page, urls[page]))
    finally:
        redis.stop()
    print("\n".join(table(figures)))
    return figures


def measure(site: Site, page: str, path: str) -> dict:
    url = f"http://localhost:{site.port}{path}"
    # The page cached under Lighthouse's host: what readers get (the probe
    # drew the renditions).
    urllib.request.urlopen(url, timeout=300).read()
    reports = []
    for number in range(RUNS):
        step(f"{page} run {number + 1} of {RUNS}: {url}")
        reports.append(audit(url, RESULTS / f"lighthouse-{page}-{number + 1}.json"))
    runs = [scores(report) for report in reports]
    best = max(range(RUNS), key=lambda n: tuple(runs[n][c] for c in CATEGORIES))
    figures = {f"{page}_url": path}
    for name in CATEGORIES:
        figures[f"{page}_{name}"] = runs[best][name]
    performance = [run["performance"] for run in runs]
    figures[f"{page}_performance_worst"] = min(performance)
    figures[f"{page}_performance_runs"] = performance
    figures[f"{page}_failing_audits"] = failing(reports[best])
    return figures


def table(figures: dict) -> list[str]:
    lines = [
        "| page | performance (best / worst) | accessibility | best practices | SEO |",
        "|---|---|---|---|---|",
    ]
    for page in PAGES:
        lines.append(
            f"| {page} | {figures[f'{page}_performance']:.2f} / "
            f"{figures[f'{page}_performance_worst']:.2f} | "
            f"{figures[f'{page}_accessibility']:.2f} | "
            f"{figures[f'{page}_best-practices']:.2f} | "
            f"{figures[f'{page}_seo']:.2f} |"
        )
    for page in PAGES:
        for line in figures[f"{page}_failing_audits"]:
            lines.append(f"  {page}: {line}")
    return lines
