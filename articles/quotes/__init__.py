"""Who said what: the quotations of a French dispatch and the speakers they are attributed to.

Pure Python (standard library and ``re``): a text and its entity mentions in, a list of
:class:`Quotation` out, with offsets into the text.

What is a quotation
    Words between paired marks: French guillemets « » (spaces, NBSP or narrow NBSP inside
    or not), curly “ ” (or „ “) and straight " (opening or closing told by the characters
    around it). A paragraph ends at a blank line, or, in a text without any, at a line end
    after a sentence. Marks are paired in one left-to-right pass
    with a small stack: a closing mark closes the nearest open mark of its kind, a closing
    mark with none open is ignored, nested quotations (« il m'a dit “non” ») stay inside
    the outer one, which is the quotation. A mark left open at the end of a paragraph is
    continued when the next paragraph reopens with the same mark (the French way of
    quoting several paragraphs), else it is dropped. Then a pair is *not* a quotation
    when it is empty, when a naming word introduces it (« baptisé », « intitulé », « la
    loi dite », « le film », « le thème »: a title, a nickname, a label), or when it has
    no attribution and either holds at most three words (scare quotes, a term, a
    name) or follows an article with at most five words (l'« abominable homme des
    neiges »). Longer unattributed quotations are kept, with the speaker of the reported
    speech they continue (see below) or none.

Attribution, from the words around the quotation (in this order)
    1. an inverted verb of speech right after it, possibly after a short interruption:
       «…», a dit M. X; «…», a-t-il ajouté; «…» préviennent-ils; «…», selon X.
       After a pronoun inversion any verb counts (« tente-t-il de corriger »).
    2. in the sentence before it, the nearest of: a verb of speech with its subject
       (X a déclaré : «…», X estime que «…», la Russie a affirmé que six Tupolev avaient
       «…»), « selon X, », « d'après X, », « pour X, » (X a plausible speaker), or the
       attribution of an earlier quotation of the same sentence.
    3. a colon right before it: the subject of the sentence (X a lui écrit : «…»).
    4. none: the quotation continues the nearest earlier reported speech of the same or
       the previous paragraph (an earlier quotation, or a clause such as « le ministère
       a indiqué que… »), and takes its attribution.

Resolution of the speaker to a mention (``speaker`` is an index into ``mentions``)
    - a PER mention in the attribution that is not a complement (« le successeur de
      Claude Erignac » is not Erignac), else the ORG/LOC mention that heads it (« la
      Russie », « l'armée russe », « Moscou a affirmé »), else the mention after a document
      or spokesperson word (« le communiqué du ministère de l'Intérieur »).
    - a pronoun (il, elle, lui; a-t-il dit): the nearest earlier fitting candidate, a PER
      mention outside quotations or an earlier quotation's speaker, preferring those that
      are not inside a prepositional phrase. Gender is rough: a PER is feminine after Mme,
      la, sa, une or with a common feminine first name, masculine after M. or le; ``elle``
      skips masculine PERs and may be an organisation, ``il`` skips feminine ones.
      ``ils``/``elles`` take the nearest earlier plural speaker (often a group: None).
    - a role (le ministre, le président turc, la chancelière, son complice): an earlier
      PER introduced with the same role word, else (definite article only) the PER most
      often mentioned so far, nearest first. An institution (le ministère, le quotidien)
      goes to an earlier ORG named with the same word (« le quotidien Le Figaro »), a bare
      one (« le parti ») else to the nearest ORG of its paragraph or the previous one; a
      qualified one without a mention of its own (« l'armée russe ») stays None.
    - a group or an unnamed speaker (les médecins, des habitants, un porte-parole de la
      police, le collectif): None, its words kept in ``speaker_text``.
"""

from __future__ import annotations

from collections.abc import Sequence

from articles.quotes.document import _NONE, _Attribution, _Doc, _sentence_subject
from articles.quotes.marks import _has_blank_lines, _pair_marks
from articles.quotes.records import MentionLike, Quotation
from articles.quotes.speakers import _resolve
from articles.quotes.speech import _direct, _inverted, _source
from articles.quotes.vocabulary import (
    _DETS,
    _INVERTED,
    _INVERTIBLE,
    _SPACE,
    _TITLE_CUE,
    _WINDOW,
    _WORD,
)

# --- quotations -----------------------------------------------------------------------


def extract_quotes(text: str, mentions: Sequence[MentionLike]) -> list[Quotation]:
    """Return the quotations of text, in order, with the mentions of their speakers."""
    blank = _has_blank_lines(text)
    pairs = _pair_marks(text, blank)
    if not pairs:
        return []
    doc = _Doc(text, mentions, pairs, blank)
    history: list[_Attribution] = []
    quotes: list[Quotation] = []
    in_sentence: list[tuple[int, _Attribution]] = []  # (closing mark, attribution)
    previous = -1  # the closing mark of the last quotation kept
    for opening, closing in pairs:
        start, end = opening + 1, closing
        while start < end and (
            text[start] in _SPACE or (text[start] in '«“„"' and "\n" in text[opening:start])
        ):
            start += 1  # an empty first paragraph: the quotation starts on the reopened one
        while end > start and text[end - 1] in _SPACE:
            end -= 1
        if start == end:
            continue
        sentence = doc.sentence_start(opening)
        in_sentence = [(c, a) for c, a in in_sentence if c >= sentence]
        if _TITLE_CUE.search(doc.masked, sentence, opening):
            continue
        before = doc.masked[sentence:opening].rstrip(_SPACE)
        partial = bool(before) and (before[-1].isalnum() or before[-1] in "'’)")
        att = _attribute(doc, opening, closing, sentence, in_sentence)
        if att is None:
            words = len(_WORD.findall(text, start, end))
            i = doc.token(opening) - 1
            after_article = (
                i >= 0 and (doc.w[i] in _DETS or doc.w[i] == "d'") and doc.ts[i] >= sentence
            )
            if words <= 3 or (after_article and words <= 5):
                continue
            att = _continued(doc, opening, closing, previous, history)
        elif not att.resolved:
            att = _resolve(doc, att, history)
        history.append(att)
        previous = closing
        in_sentence.append((closing, att))
        speaker = doc.mentions[att.speaker][4] if att.speaker is not None else None
        quotes.append(
            Quotation(
                start=start,
                end=end,
                speaker=speaker,
                speaker_text=text[att.start : att.end] if att.start is not None else "",
                speaker_start=att.start,
                speaker_end=att.end,
                verb=att.verb,
                partial=partial,
            )
        )
    return quotes


def _attribute(
    doc: _Doc,
    opening: int,
    closing: int,
    sentence: int,
    in_sentence: list[tuple[int, _Attribution]],
) -> _Attribution | None:
    """Find the attribution of one quotation: after it, before it, or after a colon."""
    limit = doc.token(doc.sentence_end(closing + 1))
    i = doc.token(closing + 1)
    i += i < limit and doc.w[i] == ","
    for k in range(i, min(limit, i + 30)):
        if doc.w[k] in ("«", "“", '"'):
            break
        if k == i or doc.w[k - 1] == ",":
            found = _inverted(doc, k, limit)
            source = None if found else _source(doc, k, limit, k)
            if found or source:
                return found or source[0]
    floor, open_tok = doc.token(sentence), doc.token(opening)
    best: tuple[int, _Attribution] | None = None
    for close, att in in_sentence:
        best = (close, att)
    for v in range(floor, open_tok):
        found = None
        inversion = _INVERTED.fullmatch(doc.raw[v])
        if inversion and inversion.group(1).casefold() in _INVERTIBLE:
            found = _inverted(doc, v, open_tok)
        elif (lemma := doc.verb_at(v)) is not None:
            if in_sentence and doc.w[v].endswith("ant"):
                continue  # « …», a-t-il dit, ajoutant : «…» speaks for the same speaker
            found = _direct(doc, v, lemma, floor, closing)
        else:
            source = _source(doc, v, open_tok, floor)
            if source and doc.w[source[1] + 1 : source[1] + 2] in ([","], [":"], ["«"]):
                found = source[0]
        if found and (best is None or doc.ts[v] > best[0]):
            best = (doc.ts[v], found)
    if best is not None:
        return best[1]
    i = open_tok - 1
    if i >= floor and doc.w[i] == ":":
        subject = _sentence_subject(doc, sentence, i)
        if subject is not None:
            return _Attribution(doc.ts[subject[0]], doc.te[subject[1]], None)
    return None


def _continued(
    doc: _Doc, opening: int, closing: int, previous: int, history: list[_Attribution]
) -> _Attribution:
    """Return the attribution of the reported speech an unattributed quotation continues:
    the nearest clause with a verb of speech, or quotation, in this or the previous
    paragraph."""
    lo = max(doc.paragraphs[max(0, doc.paragraph(opening) - 1)], opening - 3 * _WINDOW)
    for v in range(doc.token(opening) - 1, doc.token(max(lo, previous)) - 1, -1):
        lemma = doc.verb_at(v)
        if lemma is not None:
            found = _direct(doc, v, lemma, doc.token(doc.sentence_start(doc.ts[v])), closing)
            if found is not None:
                return _resolve(doc, found, history)
    return history[-1] if history and previous >= lo else _NONE
