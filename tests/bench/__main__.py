"""`make bench [BENCH=name]`: runs benchmark modules and prints their figures.

Each module in this package named in ``TARGETS`` exposes ``run() -> dict``;
its figures are printed one per line and written as JSON under
``tests/bench/results/`` (git-ignored). Benchmarks report ratios measured side
by side in one run; they never assert timings.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

TARGETS = ("seed", "pages", "search", "stack", "scale", "lighthouse")
RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str]) -> int:
    names = argv or list(TARGETS)
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        known = ", ".join(TARGETS)
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {known}")
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in names:
        print(f"== {name}")
        figures = importlib.import_module(f"tests.bench.{name}").run()
        for key, value in figures.items():
            print(f"{name}.{key}: {value}")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (RESULTS / f"{name}-{stamp}.json").write_text(
            json.dumps(figures, indent=2, ensure_ascii=False, default=str)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
