"""The results of a run: a Markdown table and a JSON file under bench/results/."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench._common import Row

RESULTS = Path(__file__).resolve().parent / "results"


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def markdown(rows: list[Row], header: str, not_done: list[str]) -> str:
    lines = [
        header,
        "",
        "| scenario | target | metric | value | ratio | note |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r.ratio:.2f}× {r.peer}" if r.ratio is not None else ""
        lines.append(f"| {r.scenario} | {r.target} | {r.metric} | {_number(r.value)} {r.unit} | {ratio} | {r.note} |")
    if not_done:
        lines += ["", "Not measured yet: " + "; ".join(not_done) + "."]
    return "\n".join(lines)


def write(rows: list[Row], settings: dict[str, object], table: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}.json"
    body = {
        "when": stamp,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
        "settings": settings,
        "rows": [asdict(r) for r in rows],
    }
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    path.with_suffix(".md").write_text(table + "\n", encoding="utf-8")
    return path


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
