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
    items = "\n".join(item.replace("TX-PAR-FRA84", f"TX-PAR-FRA{n}") for n in range(count))
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
