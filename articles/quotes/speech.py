"""Verbs of speech around a quotation: inverted, direct, « selon X »."""

from __future__ import annotations

from articles.quotes.document import (
    _Attribution,
    _Doc,
    _mentions_of,
    _np_backward,
    _np_forward,
    _oblique,
    _sentence_subject,
)
from articles.quotes.vocabulary import (
    _ADVERBS,
    _AUX,
    _BE,
    _CLITICS,
    _DETS,
    _INSTITUTIONS,
    _INVERTED,
    _LINKS,
    _PREPOSITIONS,
    _ROLES,
    _SPOKESPERSONS,
    _STOPS,
    _UNNAMED,
    _VERBS,
)

# --- verbs of speech ------------------------------------------------------------------


def _lemma(word: str) -> str:
    """Return a verb's lemma, guessed for verbs outside the list (« tente » -> « tenter »)."""
    word = word.casefold()
    if word in _VERBS:
        return _VERBS[word]
    for ending, replacement in (("ent", "er"), ("ait", "er"), ("e", "er"), ("a", "er")):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    return word


def _skip_complements(doc: _Doc, i: int, limit: int) -> int:
    """Skip adverbs and prepositional phrases after an inverted verb (« à l'AFP », « jeudi »)."""
    while i < limit:
        word = doc.w[i]
        if word in _ADVERBS:
            i += 1
        elif (
            word in ("ce", "cette")
            and i + 1 < limit
            and doc.w[i + 1] in _ADVERBS | {"semaine", "après-midi"}
        ):
            i += 2
        elif word in _PREPOSITIONS and word not in ("selon",):
            i += 1
            while i < limit and (doc.w[i] in _DETS or doc.w[i] in _LINKS):
                i += 1
            m = doc.tok_mention[i] if i < limit else -1
            if m >= 0:
                while i < limit and doc.tok_mention[i] == m:
                    i += 1
            else:
                while (
                    i < limit
                    and doc.raw[i][0].isalpha()
                    and not doc.capitalised(i)
                    and (doc.w[i] not in _DETS or doc.w[i - 1] in _LINKS | _PREPOSITIONS)
                    and doc.w[i] not in _STOPS - _LINKS
                ):
                    i += 1
        else:
            break
    return i


def _inverted(doc: _Doc, i: int, limit: int) -> _Attribution | None:
    """Read an inverted verb of speech and its subject from token i: « a dit M. X »."""
    while i < limit and doc.w[i] in ("lui", "leur", "l'", "s'", "se", "nous", "vous", "m'"):
        i += 1
    if i >= limit:
        return None
    pronominal = i > 0 and doc.w[i - 1] in ("s'", "se")
    inversion = _INVERTED.fullmatch(doc.raw[i])
    if inversion:
        base = inversion.group(1).casefold()
        verb = _lemma(base)
        if base in _AUX:
            k = _skip_complements(doc, i + 1, limit)
            if k >= limit or not doc.raw[k][0].isalpha():
                return None
            verb = _lemma(doc.w[k])
        start = doc.ts[i] + inversion.start(2)
        return _Attribution(start, start + len(inversion.group(2)), verb)
    word = doc.w[i]
    if word in _AUX and (word not in _BE or pronominal):
        k = i + 1
        while k < limit and (doc.w[k] in _ADVERBS or doc.w[k] == "lui"):
            k += 1
        if k >= limit or doc.w[k] not in _VERBS:
            return None
        verb, i = _VERBS[doc.w[k]], k
    elif word in _VERBS:
        verb = _VERBS[word]
    else:
        return None
    np = _np_forward(doc, _skip_complements(doc, i + 1, limit), limit)
    if np is None or doc.w[np[0]] in ("qu'", "que"):
        return None
    return _Attribution(doc.ts[np[0]], doc.te[np[1]], verb)


def _verb_group_start(doc: _Doc, v: int) -> int:
    """Return the first token of the verb group ending at token v (auxiliary, clitics)."""
    i = v - 1
    while i >= 0 and (doc.w[i] in _ADVERBS or doc.w[i] == "lui"):
        i -= 1
    if i >= 0 and (doc.w[i] in _AUX or doc.w[i] == "à"):
        v = i
        i -= 1
    while i >= 0 and doc.w[i] in _CLITICS:
        v = i
        i -= 1
    return v


def _direct(doc: _Doc, v: int, lemma: str, floor: int, quote_close: int) -> _Attribution | None:
    """Find the subject of the verb of speech at token v, in the sentence from token floor."""
    g = _verb_group_start(doc, v)
    before = doc.w[g - 1] if g > floor else ""
    if before in ("»", "”", '"') or (before == "," and g - 2 >= floor and doc.w[g - 2] in '»”"'):
        return _inverted(doc, g, doc.token(doc.sentence_end(doc.ts[v])))
    if doc.w[v].endswith("ant") or before in ("en", "an"):
        finite = next(
            (k for k in range(g - 1, floor - 1, -1)
             if doc.verb_at(k) and not doc.w[k].endswith("ant")), None
        )  # fmt: skip
        if finite is not None:  # « X a réfuté l'idée…, affirmant : «…» »
            return _direct(doc, finite, _VERBS[doc.w[finite]], floor, quote_close)
        if g == floor:  # « Estimant que «…», il vota contre »: the subject follows
            i = doc.token(quote_close + 1)
            i += i < len(doc.w) and doc.w[i] == ","
            np = _np_forward(doc, i, len(doc.w))
        elif before.isalpha() and before not in _STOPS and before not in ("en", "an", "tout"):
            np = _np_backward(doc, g - 1, floor)
            if np and (
                (np[0] > floor and doc.w[np[0] - 1] in _PREPOSITIONS)
                or any(_oblique(doc, m) for m in _mentions_of(doc, *np))
            ):
                np = None
        else:
            np = None
        if np is None:
            np = _sentence_subject(doc, doc.ts[floor], g)
        return _span(doc, np, lemma)
    if before == "et":
        return _span(doc, _sentence_subject(doc, doc.ts[floor], g), lemma)
    i, relative = g - 1, False
    if i >= floor and doc.w[i] == "qui":
        i -= 1 + (i - 1 >= floor and doc.w[i - 1] == ",")
        relative = True
    if i >= floor and doc.w[i] == ",":  # an incise: « Nock Ag Attia, député touareg, a dit »
        comma = next((k for k in range(i - 1, max(floor, i - 14) - 1, -1) if doc.w[k] == ","), None)
        if comma is None:
            return None
        head = _np_backward(doc, comma - 1, floor)
        if head is None:
            return None
        adverbial = doc.w[comma + 1] in _PREPOSITIONS or doc.w[comma + 1] in _ADVERBS
        return _span(doc, (head[0], head[1] if adverbial else i - 1), lemma)
    if i < floor:
        return None
    return _span(doc, _np_backward(doc, i, floor, relative=relative), lemma)


def _span(doc: _Doc, np: tuple[int, int] | None, verb: str | None) -> _Attribution | None:
    return None if np is None else _Attribution(doc.ts[np[0]], doc.te[np[1]], verb)


def _source(doc: _Doc, i: int, limit: int, floor: int) -> tuple[_Attribution, int] | None:
    """Read « selon X », « d'après X » or « pour X » at token i; return it and its end."""
    word = doc.w[i]
    if word == "d'" and i + 1 < limit and doc.w[i + 1] == "après":
        verb, k = "d'après", i + 1
    elif word in ("selon", "pour"):
        verb, k = word, i
    else:
        return None
    np = _np_forward(doc, k + 1, limit)
    if np is None:
        return None
    if verb == "pour":
        words = {doc.w[j] for j in range(np[0], np[1] + 1)}
        plausible = (
            doc.w[np[0]] in ("lui", "elle", "eux", "elles") or _mentions_of(doc, *np)
            or words & (_ROLES | _INSTITUTIONS | _SPOKESPERSONS | _UNNAMED)
            or (doc.w[np[0]] in ("les", "des") and np[1] > np[0])
        )  # fmt: skip
        if not plausible or (i > floor and doc.w[i - 1] not in (",", "et", "mais")):
            return None
    return _Attribution(doc.ts[np[0]], doc.te[np[1]], verb), np[1]
