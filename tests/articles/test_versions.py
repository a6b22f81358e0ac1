"""Version markers read from real-looking wire headlines (pure, no database)."""

import pytest

from articles.versions import (
    ALERT,
    ANNULMENT,
    CORRECTION,
    LEAD,
    ORIGINAL,
    REWRITE,
    URGENT,
    read_markers,
)

# (headline as delivered, kind, lead number, title without its markers)
WIRE_LINES = [
    # URGENT, ALERTE, FLASH: in capitals they count even without a separator.
    ("URGENT France: mort de Thierry Roland", URGENT, None, "France: mort de Thierry Roland"),
    ("URGENT - Syrie: au moins 20 morts dans un attentat à Damas", URGENT, None,
     "Syrie: au moins 20 morts dans un attentat à Damas"),
    ("Urgent: la Bourse de Paris ouvre en forte baisse", URGENT, None,
     "la Bourse de Paris ouvre en forte baisse"),
    ("urgent - séisme de magnitude 6,2 au large du Japon", URGENT, None,
     "séisme de magnitude 6,2 au large du Japon"),
    ("URGENT — Mali : la junte dissout le gouvernement", URGENT, None,
     "Mali : la junte dissout le gouvernement"),
    ("URGENT\u00a0: Mali : la junte dissout le gouvernement", URGENT, None,
     "Mali : la junte dissout le gouvernement"),
    ("Syrie: au moins 20 morts - urgent", URGENT, None, "Syrie: au moins 20 morts"),
    ("Syrie: au moins 20 morts (urgent)", URGENT, None, "Syrie: au moins 20 morts"),
    ("ALERTE - Explosion dans une usine chimique près de Lyon", ALERT, None,
     "Explosion dans une usine chimique près de Lyon"),
    ("Alerte: le président malien démissionne", ALERT, None, "le président malien démissionne"),
    ("Syrie : au moins 20 morts | ALERTE", ALERT, None, "Syrie : au moins 20 morts"),
    ("FLASH Le Premier ministre japonais démissionne", ALERT, None,
     "Le Premier ministre japonais démissionne"),
    ("Flash - Incendie à Notre-Dame de Paris", ALERT, None, "Incendie à Notre-Dame de Paris"),
    # Leads, numbered or not, before or after the title, in parentheses or brackets.
    ("France: mort de Thierry Roland (1er LEAD)", LEAD, 1, "France: mort de Thierry Roland"),
    ("(1er LEAD) France: mort de Thierry Roland", LEAD, 1, "France: mort de Thierry Roland"),
    ("1ER LEAD - Mali: des citoyens appellent à libérer le nord du pays", LEAD, 1,
     "Mali: des citoyens appellent à libérer le nord du pays"),
    ("Mali: des citoyens appellent à libérer le nord du pays - 2e LEAD", LEAD, 2,
     "Mali: des citoyens appellent à libérer le nord du pays"),
    ("2E LEAD Syrie: nouvelle avancée des rebelles", LEAD, 2,
     "Syrie: nouvelle avancée des rebelles"),
    ("Mali (2EME LEAD)", LEAD, 2, "Mali"),
    ("3ème lead - Ouragan Sandy: 39 morts aux Etats-Unis", LEAD, 3,
     "Ouragan Sandy: 39 morts aux Etats-Unis"),
    ("Ouragan Sandy: 39 morts aux Etats-Unis (3ème lead)", LEAD, 3,
     "Ouragan Sandy: 39 morts aux Etats-Unis"),
    ("LEAD 2 - Ouragan Sandy: le bilan s'alourdit", LEAD, 2, "Ouragan Sandy: le bilan s'alourdit"),
    ("12E LEAD - Présidentielle: les résultats", LEAD, 12, "Présidentielle: les résultats"),
    ("[2e LEAD] Grève à la SNCF", LEAD, 2, "Grève à la SNCF"),
    ("Mali\u00a0: la junte (1er\u00a0LEAD)", LEAD, 1, "Mali : la junte"),
    ("Lead - Mali : la junte annonce des élections", LEAD, None,
     "Mali : la junte annonce des élections"),
    # Rewrites.
    ("France: PSA va supprimer 8.000 emplois (PAPIER GENERAL)", REWRITE, None,
     "France: PSA va supprimer 8.000 emplois"),
    ("PAPIER GÉNÉRAL - Vendée Globe: Kito de Pavant abandonne", REWRITE, None,
     "Vendée Globe: Kito de Pavant abandonne"),
    ("ACTUALISATION - Vendée Globe: Kito de Pavant abandonne", REWRITE, None,
     "Vendée Globe: Kito de Pavant abandonne"),
    ("Vendée Globe: Kito de Pavant abandonne (actualisé)", REWRITE, None,
     "Vendée Globe: Kito de Pavant abandonne"),
    ("Mali: la junte [ACTUALISATION]", REWRITE, None, "Mali: la junte"),
    ("Mali: la junte dissout le gouvernement - RÉÉCRIT", REWRITE, None,
     "Mali: la junte dissout le gouvernement"),
    # Corrections.
    ("RECTIFICATIF - Tennis: victoire de Serena Williams à Wimbledon", CORRECTION, None,
     "Tennis: victoire de Serena Williams à Wimbledon"),
    ("Tennis: victoire de Serena Williams à Wimbledon (RECTIFICATIF)", CORRECTION, None,
     "Tennis: victoire de Serena Williams à Wimbledon"),
    ("CORRECTION - Crash du Rio-Paris: publication du rapport final", CORRECTION, None,
     "Crash du Rio-Paris: publication du rapport final"),
    ("Corrigé - Mali: la junte dissout le gouvernement", CORRECTION, None,
     "Mali: la junte dissout le gouvernement"),
    ("ANNULE ET REMPLACE - Mouss Diouf est mort", CORRECTION, None, "Mouss Diouf est mort"),
    # Annulments.
    ("ANNULATION - France: mort de Thierry Roland", ANNULMENT, None,
     "France: mort de Thierry Roland"),
    ("France: mort de Thierry Roland - ANNULE", ANNULMENT, None, "France: mort de Thierry Roland"),
    ("[ANNULATION] Mouss Diouf est mort", ANNULMENT, None, "Mouss Diouf est mort"),
    ("A NE PAS UTILISER - Mouss Diouf est mort", ANNULMENT, None, "Mouss Diouf est mort"),
    ("Annulation: Mouss Diouf est mort", ANNULMENT, None, "Mouss Diouf est mort"),
    # Several markers: the strongest wins.
    ("URGENT - 2e LEAD - Syrie: au moins 20 morts", LEAD, 2, "Syrie: au moins 20 morts"),
    ("RECTIFICATIF - URGENT - Syrie: au moins 20 morts", CORRECTION, None,
     "Syrie: au moins 20 morts"),
    # Titles that are only markers.
    ("URGENT", URGENT, None, ""),
    ("ALERTE", ALERT, None, ""),
    ("(1er LEAD)", LEAD, 1, ""),
    ("RECTIFICATIF", CORRECTION, None, ""),
    ("ANNULATION", ANNULMENT, None, ""),
    # Headlines whose words only look like markers.
    ("Correction des copies du bac", ORIGINAL, None, "Correction des copies du bac"),
    ("Alerte aux orages en Bretagne", ORIGINAL, None, "Alerte aux orages en Bretagne"),
    ("Le lead du PS", ORIGINAL, None, "Le lead du PS"),
    ("Urgent besoin de sang dans les hôpitaux", ORIGINAL, None,
     "Urgent besoin de sang dans les hôpitaux"),
    ("Alerte enlèvement : la fillette retrouvée", ORIGINAL, None,
     "Alerte enlèvement : la fillette retrouvée"),
    ("Asie de l'Est : alerte au typhon", ORIGINAL, None, "Asie de l'Est : alerte au typhon"),
    ("Un lead imprévu pour le Tour de France", ORIGINAL, None,
     "Un lead imprévu pour le Tour de France"),
    ("La correction de la Bourse se poursuit", ORIGINAL, None,
     "La correction de la Bourse se poursuit"),
    ("L'annulation du match PSG-OM confirmée", ORIGINAL, None,
     "L'annulation du match PSG-OM confirmée"),
    ("Le PS en tête, l'UMP annule son meeting", ORIGINAL, None,
     "Le PS en tête, l'UMP annule son meeting"),
    ("Mali : ANNULATION des élections", ORIGINAL, None, "Mali : ANNULATION des élections"),
    ("Mali : 20 morts (bilan rectifié)", ORIGINAL, None, "Mali : 20 morts (bilan rectifié)"),
    ("Flash-ball : la police mise en cause", ORIGINAL, None,
     "Flash-ball : la police mise en cause"),
    ("Alerte-enlèvement : la fillette retrouvée", ORIGINAL, None,
     "Alerte-enlèvement : la fillette retrouvée"),
    ("1ère LEAD - Mali : la junte dissout le gouvernement", LEAD, 1,
     "Mali : la junte dissout le gouvernement"),
    ("Mali : la junte dissout le gouvernement (1ERE LEAD)", LEAD, 1,
     "Mali : la junte dissout le gouvernement"),
    ("URGENT- Séisme au Japon", URGENT, None, "Séisme au Japon"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "kind", "number", "title"), WIRE_LINES)
def test_markers_of_a_wire_headline(line, kind, number, title):
    markers = read_markers(line)
    assert (markers.kind, markers.number, markers.title) == (kind, number, title)


@pytest.mark.parametrize(
    ("line", "title", "note"),
    [
        ("Crash du Rio-Paris: 228 morts (Rectifie : 228 et non 226, au 2e paragraphe)",
         "Crash du Rio-Paris: 228 morts", "Rectifie : 228 et non 226, au 2e paragraphe"),
        ("Chômage: 75 000 emplois menacés (corrige le chiffre au 1er paragraphe)",
         "Chômage: 75 000 emplois menacés", "corrige le chiffre au 1er paragraphe"),
        ("Moody's dégrade l'Italie (précise : Baa2 et non Baa3, au 1er paragraphe)",
         "Moody's dégrade l'Italie", "précise : Baa2 et non Baa3, au 1er paragraphe"),
        ("Mali: la junte (Rectifié : 12 et non 21, au 3e paragraphe)", "Mali: la junte",
         "Rectifié : 12 et non 21, au 3e paragraphe"),
        ("RECTIFICATIF - Mali : 20 morts [RECTIFIE au 2e paragraphe :  20 et non 12]",
         "Mali : 20 morts", "RECTIFIE au 2e paragraphe : 20 et non 12"),
    ],
)  # fmt: skip
def test_a_correction_notice_in_parentheses_is_kept_as_the_note(line, title, note):
    markers = read_markers(line)
    assert (markers.kind, markers.title, markers.note) == (CORRECTION, title, note)


def test_a_source_can_name_its_own_markers():
    overrides = {"urgent": ["PRIORITAIRE"]}
    assert read_markers("PRIORITAIRE - Le gouvernement démissionne").kind == ORIGINAL
    own = read_markers("PRIORITAIRE - Le gouvernement démissionne", overrides=overrides)
    assert (own.kind, own.title) == (URGENT, "Le gouvernement démissionne")
    # The source's phrases replace the defaults of that kind only.
    replaced = read_markers("URGENT - Le gouvernement démissionne", overrides=overrides)
    assert replaced.kind == ORIGINAL
    assert read_markers("2e LEAD - Le gouvernement", overrides=overrides).kind == LEAD


@pytest.mark.parametrize(
    "overrides",
    [{"breaking": ["BREAKING"]}, {"original": ["DEPECHE"]}, {"urgent": "PRIORITAIRE"}, ["URGENT"]],
)
def test_overrides_that_are_not_kinds_and_phrase_lists_are_refused(overrides):
    with pytest.raises(ValueError):
        read_markers("A Paris, la grève continue", overrides=overrides)


def test_a_slug_adds_its_markers_to_the_title():
    markers = read_markers("Le gouvernement démissionne", slug="URGENT-gouvernement")
    assert (markers.kind, markers.title) == (URGENT, "Le gouvernement démissionne")
