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

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class MentionLike(Protocol):
    """An entity mention: offsets into the text, a label and a canonical name."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def canonical(self) -> str: ...


@dataclass(frozen=True)
class Quotation:
    """Quoted words (offsets inside the marks) and who they are attributed to."""

    start: int
    end: int
    speaker: int | None  # index into the mentions passed in
    speaker_text: str  # the attribution as written ("" if none), maybe an earlier quotation's
    speaker_start: int | None
    speaker_end: int | None
    verb: str | None  # "dire", "ajouter"... or "selon", "pour", "d'après"
    partial: bool  # quoted words inside the narrator's own sentence


# --- vocabulary -----------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ER_ENDINGS = _words("e es ent é ée és ées ait aient a èrent ant ai era eront erait eraient")
_ER_VERBS = """
accuser:accus affirmer:affirm ajouter:ajout alerter:alert annoncer:annonc,annonç
appeler:appel,appell assurer:assur avancer:avanc,avanç avouer:avou commenter:comment
condamner:condamn confier:confi confirmer:confirm considérer:considér,considèr
critiquer:critiqu déclarer:déclar demander:demand dénoncer:dénonc,dénonç déplorer:déplor
détailler:détaill estimer:estim évoquer:évoqu exclamer:exclam expliquer:expliqu
exhorter:exhort féliciter:félicit fustiger:fustig,fustige indiquer:indiqu indigner:indign
inquiéter:inquiét,inquièt insister:insist insurger:insurg,insurge interroger:interrog,interroge
ironiser:ironis juger:jug,juge justifier:justifi lâcher:lâch lancer:lanc,lanç
marteler:martel,martèl menacer:menac,menaç nier:ni noter:not observer:observ parler:parl
penser:pens plaider:plaid préciser:précis protester:protest prôner:prôn qualifier:qualifi
raconter:racont rappeler:rappel,rappell réclamer:réclam réfuter:réfut regretter:regrett
répéter:répét,répèt répliquer:répliqu résumer:résum rétorquer:rétorqu révéler:révél,révèl
scander:scand signaler:signal souligner:soulign témoigner:témoign tonner:tonn
"""
_IRREGULAR_VERBS = {
    "dire": "dit dits dite dites disent disait disaient dirent disant dira",
    "écrire": "écrit écrite écrits écrivent écrivait écrivaient écrivit écrivirent écrivant",
    "décrire": "décrit décrite décrivent décrivait décrivit décrivant",
    "prévenir": "prévient préviennent prévenu prévenait prévenaient prévint prévenant",
    "poursuivre": "poursuit poursuivent poursuivi poursuivait poursuivit poursuivant",
    "répondre": "répond répondent répondu répondait répondit répondirent répondant",
    "reconnaître": "reconnaît reconnait reconnaissent reconnu reconnaissait reconnut",
    "conclure": "conclut concluent conclu concluait conclurent concluant",
    "avertir": "avertit avertissent averti avertissait avertissant",
    "promettre": "promet promettent promis promettait promit promettant",
    "admettre": "admet admettent admis admettait admit admettant",
    "souvenir": "souvient souviennent souvenu souvenait",
    "réagir": "réagit réagissent réagi réagissait réagissant",
    "réjouir": "réjouit réjouissent réjoui réjouie réjouis réjouissait",
    "renchérir": "renchérit renchéri renchérissait",
    "soutenir": "soutient soutiennent soutenu soutenait soutint soutenant",
    "démentir": "dément démentent démenti démentait",
    "reprendre": "reprend reprennent repris reprenait reprit",
    "intervenir": "intervient interviennent intervenu intervenait intervint intervenant",
    "défendre": "défend défendent défendu défendait défendit défendant",
    "plaindre": "plaint plaignent plaignait plaignant",
    "croire": "croit croient croyait",
    "apprendre": "apprend apprennent appris apprenait",
}


def _verb_forms() -> dict[str, str]:
    forms = {}
    for entry in _ER_VERBS.split():  # lemma:stem,stem
        lemma, _, stems = entry.partition(":")
        for stem in filter(None, stems.split(",")):
            forms.update((stem + ending, lemma) for ending in _ER_ENDINGS)
    for lemma, words in _IRREGULAR_VERBS.items():
        forms.update((word, lemma) for word in words.split())
    return forms


_VERBS = _verb_forms()
_AUX = _words("a ont avait avaient aurait auraient eut est sont était étaient")
_BE = _words("est sont était étaient")
_INVERTIBLE = frozenset(_VERBS) | _AUX  # « ajoute-t-il », « a-t-il »
_CLITICS = _words("ne n' lui leur se s' l' y en nous vous me m' te t'")
_ADVERBS = _words("""
encore aussi également alors ainsi enfin ensuite notamment déjà pourtant toutefois cependant
ailleurs simplement tout aussitôt immédiatement récemment clairement fermement longuement
plus tard pas jamais bien lui-même elle-même hier lundi mardi mercredi jeudi vendredi samedi
dimanche matin soir aujourd' hui demain vivement sobrement volontiers même finalement
""")
_DETS = _words("le la l' les un une des du au aux son sa ses leur leurs ce cet cette ces")
_INDEFINITE = _words("un une des plusieurs certains certaines quelques deux trois")
_POSSESSIVE = _words("son sa ses leur leurs")
_LINKS = _words("de d' du des")
_ARTICLES = _words("le la l' les un une son sa ses leur leurs ce cet cette ces")
_ADJECTIVES = _words("ancien ancienne nouveau nouvelle jeune ex premier première haut")
_PREPOSITIONS = _words("""
à au aux avec par pour sur sous dans chez contre vers entre envers lors après avant depuis
pendant devant derrière auprès face selon malgré sans parmi en
""")
_STOPS = (
    _words("""
qui que qu' et ou mais car si quand lorsque lorsqu' où dont tandis comme puis
""")
    | _PREPOSITIONS
)
_TITLES = _words("m mm mme mmes mlle dr pr me mgr monsieur madame mademoiselle")
_FEMININE_TITLES = _words("mme mmes mlle madame mademoiselle")
_PRONOUNS = {"il": "il", "elle": "elle", "ils": "ils", "elles": "elles", "on": "on",
             "lui": "il", "eux": "ils"}  # fmt: skip
_ROLES = _words("""
ministre président présidente chef cheffe chancelier chancelière secrétaire
directeur directrice maire député députée sénateur sénatrice ambassadeur ambassadrice juge
procureur procureure général commandant dirigeant dirigeante leader patron patronne
entraîneur sélectionneur universitaire chercheur chercheuse expert experte scientifique
professeur analyste avocat avocate complice homologue successeur prédécesseur candidat
candidate présentateur présentatrice journaliste skipper joueur joueuse responsable élu élue
roi reine pape prince princesse émir gouverneur commissaire émissaire négociateur fondateur
fondatrice auteur réalisateur acteur actrice chanteur chanteuse écrivain opposant opposante
militant militante syndicaliste témoin victime père mère fils fille frère sœur épouse mari
veuve compagnon compagne ami amie collègue adjoint adjointe conseiller conseillère
""")
_FEMININE_ROLES = _words("""
présidente cheffe chancelière directrice députée sénatrice ambassadrice procureure
dirigeante patronne chercheuse experte avocate candidate présentatrice joueuse élue reine
princesse fondatrice actrice chanteuse opposante militante mère fille sœur épouse veuve
compagne amie adjointe conseillère
""")
_INSTITUTIONS = _words("""
ministère gouvernement armée parti quotidien journal hebdomadaire chaîne télévision radio
agence groupe société entreprise firme compagnie constructeur organisation commission conseil
comité fédération syndicat banque institut observatoire ong office régime présidence mairie
parquet tribunal cour coalition alliance ligue union club fondation université musée
laboratoire opérateur fabricant assemblée parlement
""")
_UNNAMED = _words("""
collectif association opposition majorité police gendarmerie fisc population famille foule
manifestants habitants témoins secours pompiers autorités
""")
_SPOKESPERSONS = _words("""
communiqué rapport lettre déclaration texte étude message document courrier tweet compte
blog porte-parole services service entourage bureau cabinet direction représentant
""")
_FEMININE_NAMES = _words("""
agnès amina ana angela anne annie aurélie brigitte catherine cécile christiane christine claire
claudia dilma élisabeth elisabeth elizabeth emmanuelle fatoumata florence françoise hélène
hillary isabelle jacqueline julia julie kamala laurence marie marine martine maría maria
michelle monique nadine najat nathalie nicole pauline rachida ségolène serena sonia sophie
sylvie theresa ursula valérie yulia
""")

_TITLE_CUE = re.compile(
    r"(?:\b(?:intitul|baptis|surnomm|nomm)ée?s?(?:\s+[\w'’-]+){0,2}"
    r"|\b(?:la|le|les|l['’])\s*[\w-]+\s+dit(?:es?|s)"
    r"|\b(?:film|livre|roman|ouvrage|album|chanson|titre|émission|série|spectacle|exposition|"
    r"sculpture|tableau|toile|vidéo|opération|thème|slogan|terme|expression|mot|logiciel|version|"
    r"rubrique|liens?|surnom|label|catégorie|vigilance|hashtag|mot-clé)"
    r"(?:\s+(?:de|du|des|d['’]|[\w.]+)){0,2})\s*$",
    re.IGNORECASE,
)
# A paragraph ends at a blank line or, in a text without blank lines, at a line end after
# a sentence (one paragraph a line); hard-wrapped lines stay in their paragraph.
_BLANK_LINE = r"\n[^\S\n]*\n\s*"
_LINE_END = r"(?<=[.!?…»”\"])[^\S\n]*\n\s*"
_MARKS = {
    True: re.compile(rf"[«»“”„\"]|{_BLANK_LINE}"),
    False: re.compile(rf"[«»“”„\"]|{_LINE_END}"),
}
_BOUNDARY = {
    blank: re.compile(rf"[.!?…]+(?=\s|$|[A-ZÀ-Ý«])|;|{_BLANK_LINE if blank else _LINE_END}")
    for blank in (True, False)
}
_KIND = {"«": "«", "»": "«", "“": "“", "„": "“", "”": "“", '"': '"'}
_OPENERS = {"«": "«", "“": "“„", '"': '"'}
_TOKEN = re.compile(r"[^\W\d_]+['’](?=[\w«“„\"])|\w+(?:[-‑.]\w+)*|[^\w\s]")
_INVERTED = re.compile(r"([^\W\d_]+)(?:-t)?-(il|elle|on|ils|elles)\b")
_SPACE = " \t\n\r\u00a0\u202f\u2009"
_WORD = re.compile(r"\w+")
_MAX_DEPTH = 4
_WINDOW = 400  # characters of a sentence looked at on each side of a quotation
_HISTORY = 3000  # characters back to look for an antecedent
_CANDIDATES = 12  # the nearest PER mentions a pronoun may refer to


# --- marks ----------------------------------------------------------------------------


def _looks_closing(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _has_blank_lines(text: str) -> bool:
    return re.search(_BLANK_LINE, text) is not None


def _pair_marks(text: str, blank_lines: bool) -> list[tuple[int, int]]:
    """Return the (opening, closing) mark positions of the outermost quotations, in order."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int, list]] = []  # (kind, opening position, nested pairs)
    skip = -1  # a mark reopening a continued quotation
    for match in _MARKS[blank_lines].finditer(text):
        i, mark = match.start(), match.group()
        if mark.isspace():
            after = match.end()
            if stack and after < len(text) and text[after] in _OPENERS[stack[0][0]]:
                del stack[1:]
                skip = after
            else:
                while stack:
                    nested = stack.pop()[2]
                    (stack[-1][2] if stack else pairs).extend(nested)
            continue
        if i == skip:
            continue
        kind = _KIND[mark]
        open_at = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == kind), None)
        if (
            mark in "»”"
            or (mark == '"' and open_at is not None and _looks_closing(text, i))
            or (mark == '"' and open_at is not None and not text[i + 1 : i + 2].isalnum())
        ):
            closing = True
        else:
            closing = mark == "“" and open_at is not None and _looks_closing(text, i)
        if closing:
            if open_at is None:
                continue  # a closing mark alone
            opening = stack[open_at][1]
            del stack[open_at:]
            (stack[-1][2] if stack else pairs).append((opening, i))
        elif len(stack) < _MAX_DEPTH:
            stack.append((kind, i, []))
    while stack:
        nested = stack.pop()[2]
        (stack[-1][2] if stack else pairs).extend(nested)
    return pairs


# --- the document as the attribution rules read it -----------------------------------


@dataclass(frozen=True)
class _Attribution:
    start: int | None
    end: int | None
    verb: str | None
    speaker: int | None = None  # position in _Doc.mentions, not yet the caller's index
    plural: bool = False
    gender: str = ""  # "f", "m" or "" (unknown)
    role: str = ""  # the role or institution word heading it
    resolved: bool = False


_NONE = _Attribution(None, None, None, resolved=True)


class _Doc:
    """The text with quotations blanked out, its tokens, sentences and usable mentions."""

    def __init__(
        self, text: str, mentions: Sequence[MentionLike], pairs: list[tuple[int, int]], blank: bool
    ):
        self.text = text
        pieces, last = [], 0
        for opening, closing in pairs:
            pieces += [text[last : opening + 1], " " * (closing - opening - 1)]
            last = closing
        self.masked = masked = "".join([*pieces, text[last:]])
        self.inner = [(opening + 1, closing) for opening, closing in pairs]
        self.inner_starts = [s for s, _ in self.inner]
        tokens = list(_TOKEN.finditer(masked))
        self.ts = [t.start() for t in tokens]
        self.te = [t.end() for t in tokens]
        self.raw = [t.group() for t in tokens]
        self.w = [t.casefold().replace("’", "'") for t in self.raw]
        self.bounds_start, self.bounds_end, self.paragraphs = [], [], [0]
        for b in _BOUNDARY[blank].finditer(masked):
            if b.group() == "." and self._abbreviation(b.start()):
                continue
            self.bounds_start.append(b.start())
            self.bounds_end.append(b.end())
            if "\n" in b.group():
                self.paragraphs.append(b.end())
        usable = [
            (m.start, m.end, m.label, m.canonical, i)
            for i, m in enumerate(mentions)
            if m.label in ("PER", "ORG", "LOC")
            and 0 <= m.start < m.end <= len(text)
            and not self.inside_quote(m.start)
        ]
        self.mentions = sorted(usable)
        self.m_starts = [m[0] for m in self.mentions]
        self.tok_mention = [-1] * len(tokens)
        j = 0
        for i, start in enumerate(self.ts):
            while j < len(self.mentions) and self.mentions[j][1] <= start:
                j += 1
            if j < len(self.mentions) and self.mentions[j][0] <= start:
                self.tok_mention[i] = j

    def _abbreviation(self, dot: int) -> bool:
        word = re.search(r"(\w+)$", self.masked[max(0, dot - 12) : dot])
        if word is None:
            return False
        word = word.group(1)
        return (len(word) == 1 and word.isupper()) or word.casefold() in _TITLES

    def inside_quote(self, pos: int) -> bool:
        k = bisect_right(self.inner_starts, pos) - 1
        return k >= 0 and pos < self.inner[k][1]

    def sentence_start(self, pos: int) -> int:
        k = bisect_right(self.bounds_end, pos) - 1
        return max(self.bounds_end[k] if k >= 0 else 0, pos - _WINDOW)

    def sentence_end(self, pos: int) -> int:
        k = bisect_left(self.bounds_start, pos)
        found = self.bounds_start[k] if k < len(self.bounds_start) else len(self.masked)
        return min(found, pos + _WINDOW)

    def paragraph(self, pos: int) -> int:
        return bisect_right(self.paragraphs, pos) - 1

    def token(self, pos: int) -> int:
        return bisect_left(self.ts, pos)

    def is_title(self, i: int) -> bool:
        return self.w[i] in _TITLES or (self.w[i] == "." and i > 0 and self.is_title(i - 1))

    def capitalised(self, i: int) -> bool:
        return self.raw[i][:1].isupper()

    def verb_at(self, i: int) -> str | None:
        """Return the lemma of a verb of speech used as a verb at token i (not as a noun)."""
        lemma = _VERBS.get(self.w[i])
        if lemma is None or (i and self.w[i - 1] in _DETS):
            return None
        j = i - 1
        while j >= 0 and self.w[j] in _ADVERBS:
            j -= 1
        if j < 0:
            return lemma
        passive = self.w[j] in _BE and self.w[j - 1] not in ("se", "s'") and lemma != "intervenir"
        if self.w[j] == "été" or passive:
            return None  # a passive: « sont appelés aux urnes »
        return lemma


# --- noun phrases ---------------------------------------------------------------------


def _np_forward(doc: _Doc, i: int, limit: int) -> tuple[int, int] | None:
    """Read a subject noun phrase from token i; return its first and last token."""
    if i >= limit:
        return None
    if doc.w[i] in _PRONOUNS:
        return i, i
    first = last = i
    has_person = False
    while i < limit and i - first < 16:
        word, inside = doc.w[i], doc.tok_mention[i] >= 0
        if inside:
            has_person |= doc.mentions[doc.tok_mention[i]][2] == "PER"
        elif word == "(":
            close = next((k for k in range(i, min(limit, i + 8)) if doc.w[k] == ")"), None)
            if close is None:
                break
            last = i = close
            i += 1
            continue
        elif word == ".":
            if not doc.is_title(i - 1):
                break
        elif word == ",":
            # an apposition that names the person: « le président de PSA, Philippe Varin »
            k = i + 1
            while k < limit and (doc.w[k] in _DETS or doc.is_title(k)):
                k += 1
            m = doc.tok_mention[k] if k < limit else -1
            if has_person or m < 0 or doc.mentions[m][2] != "PER" or k - i > 3:
                break
            while k + 1 < limit and doc.tok_mention[k + 1] == m:
                k += 1
            return first, k
        elif not doc.raw[i][0].isalnum() or (word in _STOPS and i > first):
            break
        elif i > first and doc.tok_mention[i - 1] >= 0 and word.isalpha() and word not in _LINKS:
            break  # « Un rapport de la Ligue arabe | apporte… »
        elif i > first and (
            word in _AUX
            or (word in _VERBS and doc.w[i - 1] not in _DETS)
            or (word.endswith("ant") and doc.w[i - 1] not in _DETS and not doc.capitalised(i))
        ):
            break
        last = i
        i += 1
    return (first, last) if last >= first and doc.raw[first][0].isalnum() else None


def _np_backward(
    doc: _Doc, i: int, floor: int, apposition: bool = True, relative: bool = False
) -> tuple[int, int] | None:
    """Read a subject noun phrase ending at token i (leftwards, down to token floor); the
    antecedent of a relative « qui » may sit in a prepositional phrase."""
    last = first = i
    named = False
    while i >= floor and last - i < 16:
        word = doc.w[i]
        if doc.tok_mention[i] >= 0:
            named = True
        elif word == ")":
            opening = next(
                (k for k in range(i, max(floor, i - 8) - 1, -1) if doc.w[k] == "("), None
            )
            if opening is None:
                break
            i = opening
        elif word == "." and doc.is_title(i - 1):
            pass
        elif word in _PREPOSITIONS and not named and i > floor and first < last:
            pass  # « le candidat du Front de gauche à l'élection présidentielle »
        elif (
            not doc.raw[i][0].isalnum()
            or word in _STOPS
            or word in _AUX
            or (word in _VERBS and i > floor and doc.w[i - 1] not in _DETS)
        ):
            break
        elif doc.w[first] in _ARTICLES and first < last and word not in _PREPOSITIONS | _LINKS:
            break  # a noun phrase begins with its article
        first = i
        i -= 1
    if first > last or not (doc.raw[last][0].isalnum() or doc.w[last] == ")"):
        return None
    people = [
        m for m in _mentions_of(doc, first, last)
        if doc.mentions[m][2] == "PER" and not _complement(doc, m)
    ]  # fmt: skip
    pronoun = first == last and doc.w[first] in _PRONOUNS
    if apposition and not people and not pronoun and first - 2 >= floor and doc.w[first - 1] == ",":
        before = _np_backward(doc, first - 2, floor, apposition=False)
        free = relative or before is None or before[0] == floor
        if (
            before
            and (free or doc.w[before[0] - 1] not in _PREPOSITIONS)
            and any(doc.mentions[m][2] == "PER" for m in _mentions_of(doc, *before))
        ):
            return before[0], last  # « Jean-Luc Mélenchon, le candidat du Front de gauche »
    return first, last


def _sentence_subject(doc: _Doc, start: int, limit: int) -> tuple[int, int] | None:
    """Return the subject at the start of the sentence, past leading adverbial phrases."""
    i = doc.token(start)
    for _ in range(4):
        if i >= limit:
            return None
        comma = next((k for k in range(i, min(limit, i + 20)) if doc.w[k] == ","), None)
        if comma is None or not _leading(doc, i, limit):
            break
        i = comma + 1
    return _np_forward(doc, i, limit)


def _leading(doc: _Doc, i: int, limit: int) -> bool:
    """Whether token i opens a phrase put before the subject: « Dans la lettre, »,
    « Le 27 février 2009, », « Surpris par la politique…, »."""
    word = doc.w[i]
    if word in _PREPOSITIONS or word in _ADVERBS or word in _STOPS:
        return True
    if word in ("le", "la") and i + 1 < limit and doc.w[i + 1][:1].isdigit():
        return True
    return (
        doc.capitalised(i) and doc.tok_mention[i] < 0 and word not in _DETS
        and word not in _PRONOUNS and not doc.is_title(i)
        and word.endswith(("ant", "é", "ée", "és", "ées", "e"))
    )  # fmt: skip


def _complement(doc: _Doc, m: int) -> bool:
    """Whether mention m completes a noun: « le successeur de Claude Erignac »."""
    i = doc.token(doc.mentions[m][0]) - 1
    while i >= 0 and (
        doc.w[i] in ("le", "la", "l'", "les") or doc.is_title(i) or doc.w[i] in _ROLES
    ):
        i -= 1
    return i >= 0 and doc.w[i] in _LINKS and not doc.capitalised(i)  # « De Pavant » is a name


def _oblique(doc: _Doc, m: int) -> bool:
    """Whether mention m sits in a prepositional phrase (« associé à Jean-Michel Larqué »)."""
    i, commas = doc.token(doc.mentions[m][0]) - 1, 0
    after = doc.token(doc.mentions[m][1])
    closed = after >= len(doc.w) or doc.w[after] in (",", ")", ".")
    for _ in range(10):
        if i < 0:
            return False
        word = doc.w[i]
        if word in _PREPOSITIONS:
            return True
        if word == ",":
            commas += 1
            if not closed:
                return False
        elif (
            word in _AUX
            or word in _VERBS
            or word in _STOPS
            or commas > 1
            or not (word.isalpha() or word == "." or word in _DETS or word in _LINKS)
            or (doc.capitalised(i) and doc.tok_mention[i] < 0 and not doc.is_title(i) and i)
        ):
            return False
        i -= 1
    return False


def _gender(doc: _Doc, m: int) -> str:
    """Guess a PER mention's gender from a title, an article or a common first name."""
    start, _, _, canonical, _ = doc.mentions[m]
    first = canonical.split()[0].casefold() if canonical.split() else ""
    i = doc.token(start) - 1
    before = [doc.w[k] for k in range(max(0, i - 3), i + 1) if doc.w[k] != "."]
    if first in _FEMININE_NAMES or any(
        w in _FEMININE_TITLES or w in _FEMININE_ROLES for w in before
    ):
        return "f"
    if before and before[-1] in ("m", "mm", "monsieur"):
        return "m"
    article = before[-1] if before else ""
    if len(before) > 1 and before[-1] in _ROLES:
        article = before[-2]
    if article in ("la", "sa", "une", "cette"):
        return "f"
    if article in ("le", "son", "un", "ce", "du", "au"):
        return "m"
    return ""


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


def _mentions_of(doc: _Doc, first: int, last: int) -> list[int]:
    """Return the mentions starting within tokens first..last."""
    if first > last:
        return []
    lo = bisect_left(doc.m_starts, doc.ts[first])
    hi = bisect_left(doc.m_starts, doc.te[last])
    return list(range(lo, hi))


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


# --- speakers -------------------------------------------------------------------------


def _head(doc: _Doc, first: int, last: int) -> tuple[str, str]:
    """Return the determiner and the head word of the noun phrase first..last."""
    det, i = "", first
    while i <= last and (doc.w[i] in _DETS or doc.is_title(i)):
        det = det or doc.w[i]
        i += 1
    if det in ("un", "une", "l'") and i <= last and doc.w[i] in ("un", "une"):
        return "un", doc.w[i + 2] if i + 2 <= last else ""  # « l'un des responsables »
    while i < last and doc.w[i] in _ADJECTIVES:
        i += 1
    return det, doc.w[i] if i <= last else ""


def _role_word(head: str) -> str:
    parts = head.split("-")
    return next((p for p in parts if p in _ROLES), "") if head not in _ROLES else head


def _resolve(doc: _Doc, att: _Attribution, history: list[_Attribution]) -> _Attribution:
    """Attach the speaker mention (or None), number, gender and role to an attribution."""
    written = doc.text[att.start : att.end].casefold()
    if written in _PRONOUNS:
        return _resolve_pronoun(doc, att, _PRONOUNS[written], history)
    first, last = doc.token(att.start), doc.token(att.end) - 1
    det, head = _head(doc, first, last)
    role = _role_word(head) or (head if head in _INSTITUTIONS else "")
    gender = "f" if det in ("la", "une", "cette") or head in _FEMININE_ROLES else ""
    gender = gender or ("m" if det in ("le", "un", "ce", "du") else "")
    found = _mentions_of(doc, first, last)
    named = [m for m in found if not _complement(doc, m)]
    for label in ("PER", "ORG", "LOC"):
        for m in named:
            if doc.mentions[m][2] == label:
                gender = _gender(doc, m) if label == "PER" else gender
                return _Attribution(att.start, att.end, att.verb, m, False, gender, role, True)
    plural = det in ("les", "des", "ses", "leurs", "ces", "plusieurs", "certains", "certaines")
    unresolved = _Attribution(att.start, att.end, att.verb, None, plural, gender, role, True)
    if head in _SPOKESPERSONS:
        return _with_speaker(unresolved, found[0] if found else None)
    if plural or det in _INDEFINITE or not role:
        return unresolved
    if head in _INSTITUTIONS and not _role_word(head):
        bare = last - first == (det != "")  # « le parti », not « l'armée russe »
        return _with_speaker(unresolved, _institution(doc, att.start, head, bare))
    return _with_speaker(unresolved, _antecedent(doc, att.start, role, det, gender, history))


def _with_speaker(att: _Attribution, speaker: int | None) -> _Attribution:
    return _Attribution(
        att.start, att.end, att.verb, speaker, att.plural, att.gender, att.role, True
    )


def _earlier(doc: _Doc, pos: int, span: int = _HISTORY) -> range:
    """Return the mentions starting in the span before pos, nearest last."""
    return range(bisect_left(doc.m_starts, pos - span), bisect_left(doc.m_starts, pos))


def _near(doc: _Doc, m: int, word: str) -> bool:
    """Whether word is close to mention m in its sentence (« le quotidien Le Figaro »)."""
    start, end = doc.mentions[m][:2]
    lo = max(doc.token(doc.sentence_start(start)), doc.token(start) - 6)
    hi = min(doc.token(doc.sentence_end(end)), doc.token(end) + 6)
    return word in doc.w[lo:hi]


def _institution(doc: _Doc, pos: int, word: str, bare: bool) -> int | None:
    """Return the earlier ORG named by an institution word; a bare « le parti » may also be
    the nearest ORG of the paragraph or the previous one."""
    orgs = [m for m in reversed(_earlier(doc, pos)) if doc.mentions[m][2] == "ORG"]
    for m in orgs:
        start, end = doc.mentions[m][:2]
        if word in doc.text[start:end].casefold() or _near(doc, m, word):
            return m
    paragraph = doc.paragraphs[max(0, doc.paragraph(pos) - 1)]
    return next((m for m in orgs if bare and doc.mentions[m][0] >= paragraph), None)


def _antecedent(
    doc: _Doc, pos: int, role: str, det: str, gender: str, history: list[_Attribution]
) -> int | None:
    """Return the earlier PER a role refers to: one introduced with that role word, else
    (after a definite article) the PER mentioned most so far."""
    people = [
        m for m in reversed(_earlier(doc, pos))
        if doc.mentions[m][2] == "PER" and _fits(_gender(doc, m), gender)
    ][:3 * _CANDIDATES]  # fmt: skip
    if gender and any(_gender(doc, m) == gender for m in people):
        people = [m for m in people if _gender(doc, m) == gender]
    by_role = next((m for m in people if _near(doc, m, role)), None)
    spoken = next((a for a in reversed(history) if a.role == role and a.start is not None), None)
    if spoken and (by_role is None or spoken.start > doc.mentions[by_role][0]):
        return spoken.speaker
    if by_role is not None or det in _POSSESSIVE:
        return by_role
    counts = Counter(doc.mentions[m][3] for m in people)
    if not counts:
        return None
    top = max(counts.values())
    return next(m for m in people if counts[doc.mentions[m][3]] == top)


def _fits(candidate: str, wanted: str) -> bool:
    return not candidate or not wanted or candidate == wanted


def _resolve_pronoun(
    doc: _Doc, att: _Attribution, pronoun: str, history: list[_Attribution]
) -> _Attribution:
    """Resolve il/elle to the nearest fitting earlier speaker or PER, ils/elles to a group."""
    if pronoun in ("ils", "elles"):
        group = next((a for a in reversed(history) if a.plural), None)
        speaker = group.speaker if group else None
        return _Attribution(att.start, att.end, att.verb, speaker, True, "", "", True)
    wanted = {"il": "m", "elle": "f"}.get(pronoun, "")
    if not wanted:
        return _Attribution(att.start, att.end, att.verb, resolved=True)
    people = [m for m in _earlier(doc, att.start) if doc.mentions[m][2] == "PER"][-_CANDIDATES:]
    # (position, oblique, speaker, gender)
    candidates = [(doc.mentions[m][0], _oblique(doc, m), m, _gender(doc, m)) for m in people]
    for a in history[-8:]:
        if a.start is not None and a.start < att.start and not a.plural:
            label = doc.mentions[a.speaker][2] if a.speaker is not None else ""
            gender = a.gender if label in ("PER", "") else ""
            candidates.append((a.start, False, a.speaker, gender))
    candidates.sort(key=lambda c: c[0], reverse=True)
    for allow_oblique in (False, True):
        for _, oblique, speaker, gender in candidates:
            if (allow_oblique or not oblique) and _fits(gender, wanted):
                return _Attribution(att.start, att.end, att.verb, speaker, False, wanted, "", True)
    return _Attribution(att.start, att.end, att.verb, None, False, wanted, "", True)


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
