import pytest

from articles.formats.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("La Turquie appelle la Russie à des opérations conjointes contre l'EI", "fr"),
        ("Discours de politique générale de Jean-Marc Ayrault", "fr"),
        ("Mohammed bin Salman rencontre Emmanuel Macron à Paris", "fr"),
        ("Moqtada al-Sadr appelle ses partisans à manifester à Bagdad", "fr"),
        ("Abdelaziz Bouteflika ne briguera pas un cinquième mandat", "fr"),
        ("Turkey calls on Russia to launch joint operations against Islamic State", "en"),
        ("Hezbollah leader Hassan Nasrallah vows to retaliate", "en"),
        ("Las fuerzas de Bashar al Asad recuperaron los barrios del sur de Alepo", "es"),
        ("El gobierno retiró el polémico proyecto de ley laboral", "es"),
    ],
)
def test_short_news_text(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "12 03 2016", "Paris"])
def test_too_little_to_tell(text):
    assert detect_language(text) == ""


def test_deterministic():
    text = "Le Sénat a adopté à l'unanimité le nouveau projet de loi"
    assert {detect_language(text) for _ in range(5)} == {"fr"}
