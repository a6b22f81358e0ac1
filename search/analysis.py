"""French text analysis for the Whoosh index, shared by indexing, queries and snippets.

The pipeline, in order: split into runs of letters and digits (so apostrophes and hyphens
separate words: "l'Élysée" -> "l", "Élysée"), lowercase, fold accents, drop elided articles
and pronouns and French stop words, then Snowball French stemming. It runs fused in one
analyzer class because a chain of Whoosh filters costs a generator layer per token, and
indexing pushes tens of millions of tokens through it. Whoosh pickles analyzers into the
index's schema, so everything here is a module-level class or function.
"""

import functools
import re
import threading
import unicodedata

import Stemmer
from whoosh.analysis import Analyzer, Token

WORD = re.compile(r"[^\W_]+")

# Elided forms: "l'", "d'", "qu'", "jusqu'"... are separate tokens once split on apostrophes.
ELISIONS = frozenset("l d j m n s t c qu jusqu lorsqu puisqu quoiqu".split())  # noqa: SIM905

# Snowball's French stop list (the list Lucene's and Elasticsearch's `_french_` use).
SNOWBALL_FRENCH_STOP_WORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
    même mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous c d j l à m n s t y été étée étées étés étant étante
    étants étantes suis es est sommes êtes sont serai seras sera serons serez seront serais
    serait serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent
    sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante
    ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront
    aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes
    eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez eussent
    """.split()  # noqa: SIM905
)

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def fold(text: str) -> str:
    """Lowercase and strip accents: "État" -> "etat", "Œuvre" -> "oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Stop words are compared after folding, so "etait" typed without accents is dropped too.
STOP_WORDS = frozenset(fold(word) for word in SNOWBALL_FRENCH_STOP_WORDS | ELISIONS)

_local = threading.local()
_WORD_CACHE: dict[str, tuple[str, str] | None] = {}
_WORD_CACHE_LIMIT = 100_000


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer


def analyse_word(word: str) -> tuple[str, str] | None:
    """Return (folded, stem) for one word, or None for a stop word or a stray letter."""
    cached = _WORD_CACHE.get(word, False)
    if cached is not False:
        return cached
    folded = fold(word)
    if folded in STOP_WORDS or (len(folded) == 1 and not folded.isdigit()):
        result = None
    else:
        result = (folded, _stemmer().stemWord(folded))
    if len(_WORD_CACHE) >= _WORD_CACHE_LIMIT:
        _WORD_CACHE.clear()
    _WORD_CACHE[word] = result
    return result


class FrenchAnalyzer(Analyzer):
    """Tokenise, lowercase, fold accents, drop elisions and stop words, stem (French)."""

    is_morph = True

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        no_morph=False,
        nomorph=False,
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        unstemmed = no_morph or nomorph
        pos = start_pos
        matches = WORD.finditer(value) if tokenize else [_Whole(value)]
        for match in matches:
            word = match.group(0)
            analysed = analyse_word(word)
            if analysed is None:
                if removestops:
                    continue
                token.text = word.lower()
                token.stopped = True
            else:
                token.text = analysed[0] if unstemmed else analysed[1]
                token.stopped = False
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            if not token.stopped:
                pos += 1
            yield token


class _Whole:
    """A regex-match look-alike for analysing an untokenised value."""

    def __init__(self, value: str):
        self.value = value

    def group(self, _index: int) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


@functools.lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """Fold a whole name for exact, case- and accent-insensitive matching.

    "Bachar al-Assad", "bachar al assad" and "BACHAR AL-ASSAD" share one key. Cached: an
    archive names the same few thousand entities in every dispatch.
    """
    return " ".join(WORD.findall(fold(name)))


class NameKeyAnalyzer(Analyzer):
    """Turn a whole name (or a list of names) into one term each: its name key."""

    def __call__(self, value, positions=False, chars=False, removestops=True, mode="", **kw):
        token = Token(positions, chars, removestops=removestops, mode=mode)
        names = value if isinstance(value, list | tuple) else [value]
        for pos, name in enumerate(names):
            key = name_key(name)
            if not key:
                continue
            token.text = key
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = 0, len(name)
            yield token


FRENCH = FrenchAnalyzer()


def query_terms(text: str) -> list[str]:
    """Return the stems a text is indexed under (for highlighting and tests)."""
    return [token.text for token in FRENCH(text)]
