"""`manage.py evaluate_quotes`: the gold replayed with its mentions and with spaCy's tagger."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench import quotes as evaluation


def run(*args) -> str:
    out = StringIO()
    call_command("evaluate_quotes", *args, stdout=out)
    return out.getvalue()


def figures(text: str, label: str) -> list[str]:
    return re.search(rf"^  {label} +(.*)$", text, re.M).group(1).split()


def test_the_test_half_with_both_mentions_meets_the_targets():
    text = run("--split", "test")
    test = evaluation.half(evaluation.load_gold(), "test")
    expected = evaluation.evaluate(test)
    assert f"{expected['dispatches']} dépêches, {expected['gold_quotes']} citations" in text
    assert "mentions de l'or" in text and "étiqueteur réel" in text
    recall = figures(text, "rappel de détection")
    assert recall[0] == f"{expected['detection_recall']:.3f}".replace(".", ",")
    assert recall[2:] == ["≥", "0,90", "✓"]  # two modes, then the target, met
    assert figures(text, "exactitude d'attribution")[-1] == "✓"
    assert figures(text, "citations hors guillemets") == ["0", "0", "0", "✓"]
    assert "précision de détection" in text


def test_both_halves_without_the_tagger_and_the_errors(tmp_path):
    text = run("--split", "both", "--no-tagger", "--errors")
    assert "moitié de mise au point (dev)" in text and "moitié de contrôle (test)" in text
    assert "étiqueteur réel" not in text
    errors = [json.loads(line) for line in text.splitlines() if line.startswith("    {")]
    dev, test = (
        evaluation.evaluate(evaluation.half(evaluation.load_gold(), s)) for s in ("dev", "test")
    )
    assert len(errors) == len(dev["errors"]) + len(test["errors"])


def test_a_gold_of_ones_own(tmp_path):
    gold = evaluation.load_gold()
    one = next(f for f in gold["files"] if f["split"] == "test" and f["quotes"])
    path = tmp_path / "or.json"
    path.write_text(json.dumps({**gold, "files": [one]}), "utf-8")
    text = run("--gold", str(path), "--no-tagger")
    assert f"1 dépêches, {len(one['quotes'])} citations annotées" in text


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "Fichier introuvable"),
        ("{pas du json", "n'est pas un fichier d'or lisible"),
        ('{"files": 3}', "il lui faut une liste"),
        ('{"files": [{"split": "test", "file": "absent.txt", "dispatch": 0}]}', "ne se rejoue pas"),
        ('{"files": [{"split": "dev"}]}', "aucune dépêche de la moitié"),
    ],
)
def test_bad_gold_files_are_explained(tmp_path, content, message):
    path = tmp_path / "or.json"
    if content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(CommandError, match=message):
        run("--gold", str(path), "--no-tagger")
