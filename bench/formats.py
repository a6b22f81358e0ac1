"""Throughput of the wire-format readers: dispatches read per second, per format.

Each format reads the same AFP dispatch scaled up (one NewsML message of many items, a
7901 stream of many messages, the equivalent plain text) so the XML paths compare with
the plain-text path measured in the same run.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from articles.formats import read

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
ITEMS = 600


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.rindex(end) + len(end)]


def _newsml1(count: int) -> bytes:
    source = (FIXTURES / "afp-newsml1-fr.xml").read_text(encoding="utf-8")
    item = _between(source, "<NewsItem", "</NewsItem>")
    # Each item its own id and words (as the plain text below): no duplicates on import.
    items = "\n".join(
        re.sub(
            r"\bAyrault\b", f"Ayrault {n}", item.replace("TX-PAR-FRA84", f"TX-PAR-FRA{n}"), count=1
        )
        for n in range(count)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<NewsML Version="1.2">\n{items}\n</NewsML>\n'
    ).encode()


def _newsmlg2(count: int) -> bytes:
    source = (FIXTURES / "newsmlg2-message.xml").read_text(encoding="utf-8")
    item = _between(source, "<newsItem", "</newsItem>").split("</newsItem>")[0] + "</newsItem>"
    items = "\n".join(item.replace("TX-PAR-ECO12", f"TX-PAR-ECO{n}") for n in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">\n'
        f"<itemSet>\n{items}\n</itemSet>\n</newsMessage>\n"
    ).encode()


def _iptc7901(count: int) -> bytes:
    stream = (FIXTURES / "iptc7901-stream-cp1252.txt").read_bytes()
    return stream * (count // 3)


def _plaintext(count: int) -> bytes:
    """The AFP NewsML dispatch as a plain-text archive would hold it, repeated."""
    item = read((FIXTURES / "afp-newsml1-fr.xml").read_bytes()).items[0]
    dispatch = f"{item.title}\n\nPARIS, 12 mars 2016 (AFP) - {item.body}\n"
    return "\n".join(
        re.sub(r"\bAyrault\b", f"Ayrault {n}", dispatch, count=1) for n in range(count)
    ).encode()


def _best_rate(files: list[bytes], repeat: int) -> tuple[float, int]:
    best = float("inf")
    items = 0
    for _ in range(repeat):
        started = time.perf_counter()
        items = sum(len(read(data).items) for data in files)
        best = min(best, time.perf_counter() - started)
    return items / best, items


def measure(repeat: int = 3) -> dict:
    """Return dispatches read per second for each format, and each against plain text."""
    nitf = (FIXTURES / "nitf-fr.xml").read_bytes()
    inputs = {
        "plaintext": [_plaintext(ITEMS)],
        "newsml1": [_newsml1(ITEMS)],
        "newsmlg2": [_newsmlg2(ITEMS)],
        "nitf": [nitf] * ITEMS,
        "iptc7901": [_iptc7901(ITEMS)],
    }
    figures: dict[str, dict] = {}
    for kind, files in inputs.items():
        rate, items = _best_rate(files, repeat)
        figures[kind] = {
            "dispatches_per_s": round(rate, 1),
            "dispatches": items,
            "files": len(files),
            "bytes": sum(map(len, files)),
        }
    baseline = figures["plaintext"]["dispatches_per_s"]
    for figure in figures.values():
        figure["vs_plaintext"] = round(figure["dispatches_per_s"] / baseline, 2)
    return {"repeat": repeat, "formats": figures, "target": {"newsml1_vs_plaintext": 0.5}}


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))


def measure_import(folder: Path, count: int = ITEMS) -> dict:
    """The whole import path (read, parse, save) for NewsML 1.2 against plain text, on the
    same dispatches; the saved articles are deleted afterwards. Needs Django set up."""
    from articles.importing import import_files
    from articles.models import Article, Story

    folder.mkdir(parents=True, exist_ok=True)
    figures = {}
    for kind, data in (("plaintext", _plaintext(count)), ("newsml1", _newsml1(count))):
        path = folder / f"bench-{kind}.{'txt' if kind == 'plaintext' else 'xml'}"
        path.write_bytes(data)
        started = time.perf_counter()
        report = import_files(paths=[path])
        seconds = time.perf_counter() - started
        ids = [pk for f in report.files for pk in f.article_ids]
        stories = set(Article.objects.filter(pk__in=ids).values_list("story_id", flat=True))
        Article.objects.filter(pk__in=ids).delete()
        Story.objects.filter(pk__in=stories).delete()
        figures[kind] = {"dispatches": len(ids), "dispatches_per_s": round(len(ids) / seconds, 1)}
    figures["newsml1"]["vs_plaintext"] = round(
        figures["newsml1"]["dispatches_per_s"] / figures["plaintext"]["dispatches_per_s"], 2
    )
    return figures


def rows(figures: dict) -> list[dict]:
    from bench.report import at_least, row

    found = []
    baseline = figures["readers"]["plaintext"]["dispatches_per_s"]
    for kind, figure in figures["readers"].items():
        if kind == "plaintext":
            continue
        target = "≥ 0.5× plain text" if kind == "newsml1" else ""
        found.append(
            row(
                "formats",
                f"{kind} reader",
                unit="dispatches/s",
                measured=figure["dispatches_per_s"],
                baseline=baseline,
                baseline_name="plain-text reader, same dispatches",
                target=target,
                met=at_least(figure["vs_plaintext"], 0.5) if target else None,
                note=f"{figure['dispatches']} dispatches in {figure['files']} file(s)",
            )
        )
    imported = figures["import"]
    found.append(
        row(
            "formats",
            "NewsML 1.2 import (read, parse, save)",
            unit="dispatches/s",
            measured=imported["newsml1"]["dispatches_per_s"],
            baseline=imported["plaintext"]["dispatches_per_s"],
            baseline_name="plain-text import, same dispatches",
            target="≥ 0.5× plain text",
            met=at_least(imported["newsml1"]["vs_plaintext"], 0.5),
            note=f"{imported['newsml1']['dispatches']} dispatches",
        )
    )
    return found
