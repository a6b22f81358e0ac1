"""Scoring against a gold (articles.ner.evaluation): exact span match, hand-made cases."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.ner.evaluation import NONE, Counts, load_gold, score


def test_a_perfect_prediction_scores_one():
    gold = [[(0, 5, "PER"), (10, 15, "ORG")]]
    scores = score(gold, gold)
    assert scores.micro == Counts(tp=2)
    assert (scores.micro.precision, scores.micro.recall, scores.micro.f1) == (1.0, 1.0, 1.0)
    assert scores.per_label["LOC"] == Counts()  # nothing to find, nothing found: 0, not an error


def test_a_span_cut_short_is_one_false_positive_and_one_miss():
    gold = [[(0, 38, "ORG")]]  # « Union des associations de parents, d'élèves »
    predicted = [[(0, 33, "ORG")]]  # stopped at the comma
    org = score(gold, predicted).per_label["ORG"]
    assert org == Counts(tp=0, fp=1, fn=1)
    assert org.f1 == 0.0


def test_precision_recall_and_f1_per_label_and_micro():
    gold = [[(0, 4, "PER"), (5, 9, "PER"), (10, 14, "LOC")], [(0, 3, "ORG")]]
    predicted = [[(0, 4, "PER"), (10, 14, "ORG"), (20, 22, "LOC")], [(0, 3, "ORG")]]
    scores = score(gold, predicted)
    assert scores.per_label["PER"] == Counts(tp=1, fp=0, fn=1)
    assert scores.per_label["LOC"] == Counts(tp=0, fp=1, fn=1)
    assert scores.per_label["ORG"] == Counts(tp=1, fp=1, fn=0)
    assert scores.micro == Counts(tp=2, fp=2, fn=2)
    assert scores.per_label["PER"].precision == 1.0 and scores.per_label["PER"].recall == 0.5
    assert scores.per_label["PER"].f1 == pytest.approx(2 / 3)
    assert scores.per_label["ORG"].f1 == pytest.approx(2 / 3)
    assert scores.micro.f1 == pytest.approx(0.5)


def test_confusion_pairs_same_offsets_by_kind_with_none_for_misses_and_spurious():
    gold = [[(0, 4, "PER"), (5, 9, "ORG"), (10, 14, "LOC")]]
    predicted = [[(0, 4, "PER"), (5, 9, "MISC"), (20, 24, "LOC")]]
    confusion = score(gold, predicted).confusion
    assert confusion == {
        ("PER", "PER"): 1,
        ("ORG", "MISC"): 1,  # « Fifa » as miscellaneous
        ("LOC", NONE): 1,  # missed
        (NONE, "LOC"): 1,  # spurious
    }


def test_labels_outside_the_gold_count_in_the_confusion_only():
    scores = score([[]], [[(0, 4, "MISC")]])
    assert scores.micro == Counts()
    assert scores.confusion == {(NONE, "MISC"): 1}


def test_duplicates_count_once_and_texts_stay_apart():
    gold = [[(0, 4, "PER")], [(0, 4, "PER")]]
    predicted = [[(0, 4, "PER"), (0, 4, "PER")], []]
    assert score(gold, predicted).per_label["PER"] == Counts(tp=1, fp=0, fn=1)


def test_gold_and_predictions_must_align():
    with pytest.raises(ValueError, match="2 gold texts but 1 predicted"):
        score([[], []], [[]])


def write_gold(tmp_path, sentences):
    path = tmp_path / "gold.json"
    path.write_text(
        json.dumps({"guide": "", "labels": ["PER", "LOC", "ORG"], "sentences": sentences})
    )
    return path


def test_load_gold_keeps_one_half_and_checks_offsets(tmp_path):
    text = "Le Sénat a voté."
    good = {"id": "a", "source": "s", "split": "dev", "text": text,
            "spans": [{"start": 3, "end": 8, "label": "ORG", "text": "Sénat"}]}  # fmt: skip
    other = dict(good, id="b", split="test")
    path = write_gold(tmp_path, [good, other])
    assert [s["id"] for s in load_gold(path, split="dev")] == ["a"]
    assert len(load_gold(path, split="all")) == 2
    bad = dict(good, spans=[{"start": 2, "end": 8, "label": "ORG", "text": "Sénat"}])
    with pytest.raises(ValueError, match="do not give « Sénat »"):
        load_gold(write_gold(tmp_path, [bad]))


def test_evaluate_ner_prints_both_taggers_and_the_confusion(tmp_path, capsys):
    text = "Le Conseil constitutionnel a censuré la loi, a indiqué l'Élysée."
    spans = [
        {"start": 3, "end": 26, "label": "ORG", "text": "Conseil constitutionnel"},
        {"start": 57, "end": 63, "label": "ORG", "text": "Élysée"},
    ]
    path = write_gold(
        tmp_path, [{"id": "a", "source": "s", "split": "test", "text": text, "spans": spans}]
    )
    call_command("evaluate_ner", gold=path, split="test")
    out = capsys.readouterr().out
    assert "1 phrases, 2 entités (test)" in out
    assert "model" in out and "extract_entities" in out
    assert "ORG     1.000  1.000  1.000     2     0     0" in out  # the rules get both
    assert "gold \\ predicted" in out and "none" in out
    call_command("evaluate_ner", gold=path, split="test", json=True)
    figures = json.loads(capsys.readouterr().out)
    assert figures["extract_entities"]["per_label"]["ORG"]["f1"] == 1.0


def test_evaluate_ner_refuses_a_missing_gold_or_an_empty_half(tmp_path):
    with pytest.raises(CommandError, match="référence illisible"):
        call_command("evaluate_ner", gold=tmp_path / "absent.json")
    path = write_gold(tmp_path, [])
    with pytest.raises(CommandError, match="aucune phrase"):
        call_command("evaluate_ner", gold=path, split="dev")
