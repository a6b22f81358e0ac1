"""The French words attribution reads: verbs of speech, titles, roles, determiners."""

from __future__ import annotations

import re

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
