"""Measure quotation detection and attribution on the hand-annotated gold (bench.quotes)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench import quotes as evaluation

SPLITS = {"dev": ("dev",), "test": ("test",), "both": ("dev", "test")}
SPLIT_NAMES = {"dev": "moitié de mise au point (dev)", "test": "moitié de contrôle (test)"}
MODES = {False: "mentions de l'or", True: "étiqueteur réel"}
# (figure, label, target, met)
ROWS = (
    ("detection_recall", "rappel de détection", "≥ 0,90", lambda v: v >= 0.9),
    ("detection_precision", "précision de détection", "", None),
    ("attribution_accuracy", "exactitude d'attribution", "≥ 0,85", lambda v: v >= 0.85),
    ("outside_marks", "citations hors guillemets", "0", lambda v: v == 0),
)


class Command(BaseCommand):
    help = (
        "Replay the hand-annotated quotations (tests/data/quotes_gold.json) through the "
        "extractor, with the gold's mentions and with spaCy's tagger, and print detection "
        "recall and precision, attribution accuracy and the quotes found outside marks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gold", type=Path, default=evaluation.GOLD, help="gold file")
        parser.add_argument("--split", choices=sorted(SPLITS), default="test", help="half")
        parser.add_argument(
            "--no-tagger", action="store_true", help="only the gold's mentions (no spaCy)"
        )
        parser.add_argument("--errors", action="store_true", help="list every error")

    def handle(self, *args, **options):
        gold = _read_gold(options["gold"])
        modes = (False,) if options["no_tagger"] else (False, True)
        for split in SPLITS[options["split"]]:
            try:
                part = evaluation.half(gold, split)
                if not part["files"]:
                    raise CommandError(f"L'or n'a aucune dépêche de la moitié « {split} ».")
                results = {mode: evaluation.evaluate(part, real_tagger=mode) for mode in modes}
            except (OSError, LookupError, TypeError, ValueError) as error:
                raise CommandError(f"L'or ne se rejoue pas : {error!r}") from error
            self._print(split, results, errors=options["errors"])

    def _print(self, split: str, results: dict, *, errors: bool) -> None:
        first = next(iter(results.values()))
        self.stdout.write(
            f"\n{SPLIT_NAMES[split]} : {first['dispatches']} dépêches, "
            f"{first['gold_quotes']} citations annotées"
        )
        header = f"  {'':28}" + "".join(f"{MODES[mode]:>18}" for mode in results)
        self.stdout.write(header + f"{'objectif':>10}")
        for key, label, target, met in ROWS:
            cells = "".join(f"{_shown(result[key]):>18}" for result in results.values())
            verdict = ""
            if met is not None:
                verdict = " ✓" if all(met(r[key]) for r in results.values()) else " ✗"
            self.stdout.write(f"  {label:28}{cells}{target:>10}{verdict}")
        for mode, result in results.items():
            found = result["found_quotes"]
            self.stdout.write(f"  {MODES[mode]} : {found} citations trouvées")
            for error in result["errors"] if errors else ():
                self.stdout.write("    " + json.dumps(error, ensure_ascii=False))


def _read_gold(path: Path) -> dict:
    try:
        gold = evaluation.load_gold(path)
    except FileNotFoundError:
        raise CommandError(f"Fichier introuvable : {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{path} n'est pas un fichier d'or lisible : {error}") from error
    if not isinstance(gold, dict) or not isinstance(gold.get("files"), list):
        raise CommandError(f"{path} n'est pas un fichier d'or : il lui faut une liste « files ».")
    return gold


def _shown(value) -> str:
    return f"{value:.3f}".replace(".", ",") if isinstance(value, float) else str(value)
