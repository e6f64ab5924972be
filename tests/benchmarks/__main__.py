"""Measure quiz's speed goals and print one table (or --format json).

Each step makes its own data from a fixed seed, is run once to warm up and then several times;
the table gives the median and the spread (min-max) beside the goal from the issues.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEED = 20261123
TERMS = ["ACVR1", "BMP4", "SMAD1", "NOG", "GNAS", "RUNX2"]
DRUGS = ["indomethacin", "celecoxib", "etidronate", "naproxen"]


@dataclass
class Measure:
    step: str
    size: str
    times: list[float]
    goal: float  # seconds

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> dict[str, object]:
        return {"step": self.step, "size": self.size, "median_s": round(self.median, 4),
                "min_s": round(min(self.times), 4), "max_s": round(max(self.times), 4),
                "runs": len(self.times), "goal_s": self.goal, "met": self.median <= self.goal}


def generated_document(sections: int, seed: int = SEED) -> str:
    """A Markdown deck shaped like the bundled HO deck, scaled to the given number of sections.

    As in the HO deck: sections three levels deep, about two bullets each (0 to 4), a lead-in
    paragraph now and then, marked terms, figures, examples and references.
    """
    rng = random.Random(seed)
    lines = ["# Generated deck", ""]
    for i in range(sections):
        level = 2 + (i % 3)
        lines += [f"{'#' * level} Topic {i}", ""]
        if rng.random() < 0.15:
            lines += [f"Topic {i} can be divided into several kinds:", ""]
        for j in range(rng.randint(0, 4)):
            term, drug = rng.choice(TERMS), rng.choice(DRUGS)
            dose = rng.randint(5, 500)
            lines.append(rng.choice([
                f"- Fact {i}.{j}: mutations in {term} raise the risk by {dose}%",
                f"- Treatment {i}.{j} uses drugs such as {drug}",
                f"- Finding {i}.{j} is seen on **imaging** in most cases [{j + 1}]",
                f"- Observation {i}.{j} about a sign seen in patients",
            ]))
        lines.append("")
    return "\n".join(lines)


def time_runs(run: Callable[[], None], repeat: int, setup: Callable[[], None] | None = None) -> list[float]:
    if setup:
        setup()
    run()  # warm-up
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def bench_import(workdir: Path, repeat: int) -> Measure:
    from quiz.db import ensure_schema, make_engine, session_scope
    from quiz.services.importing import import_documents

    document = workdir / "generated.md"
    document.write_text(generated_document(5000), encoding="utf-8")
    state: dict[str, object] = {}

    def fresh_database() -> None:
        db = workdir / f"import-{len(list(workdir.glob('import-*.db')))}.db"
        engine = make_engine(f"sqlite:///{db}")
        ensure_schema(engine, lambda _m: None)
        state["engine"] = engine

    def run() -> None:
        with session_scope(state["engine"]) as session:  # type: ignore[arg-type]
            result = import_documents(session, [document])
        state["cards"] = result.decks[0].cards

    times = time_runs(run, repeat, fresh_database)
    kib = document.stat().st_size // 1024
    return Measure("import a 5,000-section document (parse, cards, write)",
                   f"5,000 sections, {state['cards']} cards, {kib} KiB", times, 2.0)


def bench_help(repeat: int) -> Measure:
    quiz = shutil.which("quiz")
    command = [quiz, "--help"] if quiz else [sys.executable, "-m", "quiz", "--help"]

    def run() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    return Measure("quiz --help (process start to exit)", "-", time_runs(run, repeat), 0.1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measures = [bench_import(Path(tmp), args.repeat), bench_help(max(args.repeat, 20))]
    rows = [m.row() for m in measures]
    if args.format == "json":
        print(json.dumps({"cores": _cores(), "results": rows}, indent=2))
        return
    print(f"quiz benchmarks on {_cores()} cores (median of runs after one warm-up)")
    print(f"{'step':56} {'size':40} {'median':>9} {'spread':>19} {'goal':>8}")
    for row in rows:
        mark = "ok" if row["met"] else "MISSED"
        spread = f"{row['min_s']:.3f}-{row['max_s']:.3f} s"
        print(f"{row['step']:56} {row['size']:40} {row['median_s']:>7.3f} s {spread:>19} "
              f"{row['goal_s']:>6} s {mark}")


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
