"""The curated list of organisations shipped in fixtures/organisations.json.

Each entry names an entity and the forms the tagger looks for:
``{"name": "Fédération internationale de football association", "kind": "ORG",
"aliases": ["Fifa", "FIFA"]}`` (kind defaults to ORG; the name is always a form too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from articles.ner.forms import Lexicon

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "organisations.json"
KINDS = ("PER", "LOC", "ORG", "MISC")


@dataclass(frozen=True)
class CuratedName:
    """One entry of the list: the entity's kind and name, and every form it goes by."""

    kind: str
    name: str
    forms: tuple[str, ...]


def read_curated(path: Path = FIXTURE) -> list[CuratedName]:
    """Read and check the curated list; ValueError names the first bad entry."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a list of entries was expected")
    names = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise ValueError(f"{path}, entry {n}: a name is required")
        kind = entry.get("kind", "ORG")
        if kind not in KINDS:
            raise ValueError(f"{path}, entry {n}: unknown kind {kind!r}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError(f"{path}, entry {n}: aliases must be a list of strings")
        name = entry["name"].strip()
        forms = tuple(dict.fromkeys([name, *(a.strip() for a in aliases if a.strip())]))
        names.append(CuratedName(kind=kind, name=name, forms=forms))
    return names


def curated_lexicon(path: Path = FIXTURE) -> Lexicon:
    """Build the lexicon the tagger gets once the list is loaded in an empty archive."""
    return Lexicon.build(
        (form, entry.kind, entry.name) for entry in read_curated(path) for form in entry.forms
    )
