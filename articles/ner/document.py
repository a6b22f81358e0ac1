"""Document-level rules: label votes, acronyms, the editors' lexicon, surnames."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from articles.ner.forms import (
    _TOKEN_RE,
    Lexicon,
    Span,
    _Cand,
    _sanitize,
    normalize_form,
    token_keys,
)
from articles.ner.institutions import (
    PLACES_LIKE_INSTITUTIONS,
    SEATS,
    find_institutions,
    seats,
)
from articles.ner.rules import (
    PLACE_ACRONYMS,
    compound_bounds,
    is_acronym,
    is_common_acronym,
    is_common_word,
    is_corporate,
    is_disease,
    is_event,
)
from articles.ner.spans import _clean_one, _is_sentence_start

# Systematic label errors of the model: jihadist groups come out as LOC.
_LABEL_FIXES = {
    normalize_form(k): "ORG"
    for k in (
        "État islamique", "EI", "Daech", "Daesh", "ISIS", "Al-Qaïda", "Al-Qaida", "Boko Haram",
        "Front al-Nosra", "Hezbollah", "Hamas", "Shebab", "Talibans",
    )
}  # fmt: skip
# Common nouns capitalised by convention ("L'État a décidé", "coup d'État").
_BUILTIN_REJECTED = frozenset({"etat"})
# A span headed by an institution noun is an organisation ("ministère russe de la Défense").
_INSTITUTION_HEADS = frozenset({
    "ministère", "gouvernement", "parlement", "sénat", "assemblée", "commission",
    "conseil", "cour", "tribunal", "parti", "agence", "banque", "université", "comité",
    "confédération", "fédération", "fondation", "institut", "observatoire",
})  # fmt: skip
_ACRONYM_DEF = re.compile(r"\(\s*([A-ZÀ-Ý][A-ZÀ-Ýa-zß-ÿ0-9&]{1,9})\s*\)")  # (EI), (Crif)


def _fix_label(surface: str, label: str) -> str:
    """Correct labels the model gets systematically wrong."""
    if (key := normalize_form(surface)) in _LABEL_FIXES:
        return _LABEL_FIXES[key]
    words = surface.split()
    if surface.lower() in PLACES_LIKE_INSTITUTIONS:
        return "LOC"
    if words[0].lower() in _INSTITUTION_HEADS:
        return "ORG"
    if is_corporate(words):
        return "ORG"
    # Wire bylines write surnames in capitals: "Rouba HUSSEINI", "Karam AL MASRI".
    if (
        label != "ORG"
        and len(words) >= 2
        and words[0].istitle()
        and all(w.isupper() and len(w) >= 2 for w in words[1:])
        and len(words[-1]) >= 4
    ):
        return "PER"
    return label


def _expands(acronym: str, phrase: str) -> bool:
    """Tell whether phrase's word initials start with the acronym's and contain the rest."""
    letters = normalize_form(acronym).replace(" ", "")
    initials = "".join(w[0] for w in re.findall(r"\w+", normalize_form(phrase)))
    rest = iter(initials[1:])
    return initials[:1] == letters[:1] and all(c in rest for c in letters[1:])


class _Occupied:
    """Sorted, non-overlapping intervals with O(log n) overlap tests (texts can be long)."""

    def __init__(self, spans: Iterable[_Cand]) -> None:
        pairs = sorted((sp.start, sp.end) for sp in spans)
        self.starts, self.ends = [p[0] for p in pairs], [p[1] for p in pairs]

    def free(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, e)  # intervals before i start before e
        return i == 0 or self.ends[i - 1] <= s

    def add(self, s: int, e: int) -> None:
        i = bisect.bisect_left(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)


def _long_form(
    t: str, paren: int, by_end: Mapping[int, _Cand]
) -> tuple[int, int, str | None] | None:
    """Find the full name right before an acronym's opening parenthesis."""
    acronym = _ACRONYM_DEF.match(t, paren)[1]
    end = paren
    while end > 0 and t[end - 1].isspace():
        end -= 1
    if sp := by_end.get(end):
        return (sp.start, sp.end, sp.label) if _expands(acronym, t[sp.start : end]) else None
    # The model missed it: take the nearest capitalised word that starts a matching phrase.
    window = max(0, paren - 200)  # bounded look-back: texts can be megabytes long
    clause = max(window, *(t.rfind(c, window, paren) + 1 for c in "\n.;:,«»()"))
    words = list(re.finditer(r"[^\W_][\w'’ʼ-]*", t[clause:paren]))[-12:]
    for w in reversed(words):
        start = clause + w.start()
        if w[0][0].isupper() and _expands(acronym, t[start:end]):
            return start, end, None
    return None


def _apply_acronyms(text: str, t: str, spans: list[_Cand]) -> None:
    """Link acronyms defined in parentheses to their full name, adding missed mentions."""
    occupied, by_end = _Occupied(spans), {sp.end: sp for sp in spans}
    defined: dict[str, tuple[str, str]] = {}  # acronym -> (label, full name); first one wins
    for m in _ACRONYM_DEF.finditer(t):
        if not (found := _long_form(t, m.start(), by_end)):
            continue
        s, e, label = found
        if m[1] not in defined:
            if label is None:  # take the acronym's own label, if the model tagged it
                votes = Counter(sp.label for sp in spans if t[sp.start : sp.end] == m[1])
                label = _fix_label(t[s:e], votes.most_common(1)[0][0] if votes else "ORG")
            defined[m[1]] = (label, text[s:e])
        if found[2] is None and occupied.free(s, e):
            spans.append(sp := _Cand(s, e, defined[m[1]][0], text[s:e], "rule"))
            occupied.add(s, e)
            by_end[e] = sp
    for acronym, (label, _) in defined.items():
        for mention in re.finditer(rf"(?<!\w){re.escape(acronym)}(?!\w)", t):
            if occupied.free(*mention.span()):
                spans.append(_Cand(*mention.span(), label, acronym, "rule"))
                occupied.add(*mention.span())
    for sp in spans:
        if found := defined.get(t[sp.start : sp.end]):
            sp.label, sp.canonical = found


def _apply_lexicon(t: str, spans: list[_Cand], lexicon: Lexicon) -> list[_Cand]:
    """Add curated aliases found in t (whole words); they override overlapping spans."""
    index, longest = lexicon._phrases
    if not index:
        return spans
    tokens = [(key, m.start(), m.end()) for m in _TOKEN_RE.finditer(t) for key in token_keys(m[0])]
    keys = [key for key, _, _ in tokens]
    hits: list[_Cand] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest.get(keys[i], 0), len(tokens) - i), 0, -1):  # leftmost-longest
            hit = index.get(tuple(keys[i : i + n]))
            s, e = tokens[i][1], tokens[i + n - 1][2]
            # All-lowercase text is the common word, not the alias ("orange" vs "Orange").
            if hit and any(c.isupper() for c in t[s:e]):
                hits.append(_Cand(s, e, hit[0], hit[1], "rule"))
                i += n - 1
                break
        i += 1
    # A longer name the model found wins over a curated alias inside it ("Bachar al-Assad"
    # stays whole when editors curated "Assad"), but only when what it adds is a name:
    # "Tupolev russe" is the curated "Tupolev" and a lowercase adjective.
    hits = [hit for hit in hits if not any(_extends_name(t, sp, hit) for sp in spans)]
    occupied, model = _Occupied(hits), {(sp.start, sp.end) for sp in spans if sp.origin == "model"}
    for hit in hits:
        if (hit.start, hit.end) in model:
            hit.origin = "model"  # the model found exactly this span; the editors named it
    return [sp for sp in spans if occupied.free(sp.start, sp.end)] + hits


def _extends_name(t: str, outer: _Cand, inner: _Cand) -> bool:
    """Whether outer strictly contains inner and adds a capitalised word to it."""
    if not (outer.start <= inner.start and inner.end <= outer.end):
        return False
    extra = t[outer.start : inner.start] + " " + t[inner.end : outer.end]
    return any(word[0].isupper() for word in _TOKEN_RE.findall(extra))


def _replace(spans: list[_Cand], new: _Cand) -> list[_Cand]:
    """Put new in place of the spans it overlaps; it is the model's if one had its bounds."""
    kept = []
    for sp in spans:
        if sp.start < new.end and new.start < sp.end:
            if (sp.start, sp.end) == (new.start, new.end) and sp.origin == "model":
                new.origin = "model"
        else:
            kept.append(sp)
    return [*kept, new]


def _apply_institutions(text: str, t: str, spans: list[_Cand]) -> list[_Cand]:
    """Take organisations headed by an institution noun whole, with their complements."""
    reach = 0
    for found in find_institutions(t, sentence_start=_is_sentence_start):
        if found.start < reach:
            continue  # a head inside the complements of the one before ("Mission de la Ligue")
        s, e = found.start, found.end
        for sp in spans:
            if sp.start < e and s < sp.end and sp.label in ("ORG", "MISC") and sp.start < s:
                s = sp.start  # "Haut Conseil", "Al-Qaïda au Maghreb islamique"
        spans = _replace(spans, _Cand(s, e, "ORG", text[s:e], "rule"))
        reach = e
    return spans


def _apply_seats(text: str, t: str, spans: list[_Cand]) -> list[_Cand]:
    """Label each seat of power ORG where it speaks or decides, LOC where it is a place."""
    for s, e, label in seats(t):
        canonical = SEATS.get(normalize_form(t[s:e]), text[s:e])
        spans = _replace(spans, _Cand(s, e, label, canonical, "rule"))
    return spans


_DATELINE_END = re.compile(r"\s*(?:,\s*(?:\d|[^\W\d]+\s+\d)|\((?:AFP|Reuters|AP)\))")


def _is_dateline(t: str, s: int, e: int) -> bool:
    """Tell whether t[s:e] opens a dispatch's dateline ("BAGDAD, 30 juin 2016 (AFP)")."""
    opens_line = s == 0 or t[s - 1] == "\n"
    return opens_line and bool(_DATELINE_END.match(t, e, e + 40))


def _relabel_acronyms(t: str, spans: list[_Cand]) -> None:
    """Call an acronym in capitals an organisation, unless it names a place."""
    for sp in spans:
        surface = t[sp.start : sp.end]
        if _is_dateline(t, sp.start, sp.end):
            sp.label = "LOC" if sp.label == "MISC" else sp.label
        elif sp.label in ("LOC", "MISC") and is_acronym(surface):
            sp.label = "ORG"
        elif surface in PLACE_ACRONYMS:
            sp.label = "LOC"


# Demonyms: « Libyens », « Polonaise », « Nigérian »; cities such as Tours or Orange keep
# their name although the common word is more frequent.
_DEMONYM = re.compile(r"(?:ais|ois|en|ain|an|in|ite|ol|and|ec|on|ique|al)(?:e|ne)?s?$")


def _is_common_word(t: str, sp: _Cand) -> bool:
    """A capitalised common word is no name: opening a sentence or a line (Directeur,
    Faites), or anywhere as a place when it is a demonym (Libyens, Polonaise)."""
    surface = t[sp.start : sp.end]
    if sp.origin != "model" or sp.label == "ORG" or not surface.isalpha() or surface.isupper():
        return False  # an organisation keeps its name: « Libération », Orange
    if sp.label == "LOC":
        return bool(_DEMONYM.search(surface)) and is_common_word(surface)
    return _is_sentence_start(t, sp.start) and is_common_word(surface)


def _without_overlaps(spans: list[_Cand]) -> list[_Cand]:
    """Keep the longest of overlapping spans (widened compounds may meet)."""
    kept: list[_Cand] = []
    for sp in sorted(spans, key=lambda sp: (sp.start - sp.end, sp.start)):
        if all(sp.end <= k.start or k.end <= sp.start for k in kept):
            kept.append(sp)
    return kept


def _resolve_surnames(text: str, spans: list[_Cand]) -> None:
    """Give a surname-only mention the full PER name used earlier in the text."""
    registry: dict[str, set[str]] = defaultdict(set)
    for sp in sorted(spans, key=lambda sp: sp.start):
        surface = text[sp.start : sp.end]
        names = registry.get(normalize_form(surface), set())
        # "Hollande" after "François Hollande" is the man, whatever the model said;
        # organisations keep their label ("Ford"), ambiguous surnames stay as they are.
        if sp.label != "ORG" and sp.canonical == surface and len(names) == 1:
            sp.label, sp.canonical = "PER", next(iter(names))
        if sp.label != "PER":
            continue
        words = sp.canonical.split()
        for i in range(1, len(words)):
            registry[normalize_form(" ".join(words[i:]))].add(sp.canonical)
        if len(words) > 1 and re.match(r"(?i)[ae]l-", words[-1]):  # "al-Assad" -> "Assad"
            registry[normalize_form(words[-1][3:])].add(sp.canonical)


def clean_spans(
    text: str,
    raw: Iterable[tuple[int, int, str]],
    *,
    lexicon: Lexicon | None = None,
    seat_rule: bool = True,
) -> list[Span]:
    """Turn raw (start, end, label) model spans over text into clean Spans."""
    t = _sanitize(text)
    spans = []
    for s, e, label in sorted(raw):
        for a, b, lab in _clean_one(t, s, e, label):
            a, b = compound_bounds(t, a, b)  # "Sars" in "Sars-CoV-2" is the whole compound
            spans.append(_Cand(a, b, _fix_label(t[a:b], lab), text[a:b], "model"))
    spans = _without_overlaps(spans)
    # One sense per discourse: a form the model labels inconsistently takes its majority.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for sp in spans:
        votes[normalize_form(t[sp.start : sp.end])][sp.label] += 1
    for sp in spans:
        ranked = votes[normalize_form(t[sp.start : sp.end])].most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            sp.label = ranked[0][0]
    spans = _apply_institutions(text, t, spans)
    if seat_rule:
        spans = _apply_seats(text, t, spans)
    _apply_acronyms(text, t, spans)
    _relabel_acronyms(t, spans)
    spans = [sp for sp in spans if sp.label == "PER" or not is_event(t, sp.start, sp.end)]
    # Editors' curated aliases come last: they win over every rule above.
    if lexicon is not None:
        spans = _apply_lexicon(t, spans, lexicon)
    rejected = _BUILTIN_REJECTED | (lexicon.rejected if lexicon else frozenset())
    spans = [
        sp
        for sp in spans
        if normalize_form(t[sp.start : sp.end]) not in rejected
        and "\n" not in t[sp.start : sp.end]
        and not is_disease(t[sp.start : sp.end])
        and not is_common_acronym(t[sp.start : sp.end])
        and not _is_common_word(t, sp)
    ]
    _resolve_surnames(text, spans)
    result: list[Span] = []
    for sp in sorted(spans, key=lambda sp: (sp.start, -sp.end)):
        if not result or sp.start >= result[-1].end:  # defensive: rules never overlap spans
            surface = text[sp.start : sp.end]
            result.append(Span(sp.start, sp.end, sp.label, surface, sp.canonical, sp.origin))
    return result
