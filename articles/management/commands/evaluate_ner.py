"""Score the raw spaCy model and extract_entities on the hand-annotated NER gold."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.ner.evaluation import evaluate_taggers, format_confusion, format_scores, load_gold
from articles.ner.organisations import FIXTURE, curated_lexicon

GOLD = Path(settings.BASE_DIR) / "tests" / "data" / "ner_gold.json"


class Command(BaseCommand):
    help = (
        "Précision, rappel et F1 par type et micro-moyennés du modèle brut et "
        "d'extract_entities sur la référence annotée, et la table de confusion."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gold", type=Path, default=GOLD, help="fichier de référence JSON")
        parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
        parser.add_argument(
            "--organisations",
            type=Path,
            default=FIXTURE,
            help="liste d'organisations donnée au lexique (celle livrée par défaut)",
        )
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args, **options):
        try:
            sentences = load_gold(options["gold"], split=options["split"])
            lexicon = curated_lexicon(options["organisations"])
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"référence illisible : {error}") from error
        if not sentences:
            raise CommandError(f"aucune phrase dans la moitié « {options['split']} »")
        results = evaluate_taggers(sentences=sentences, lexicon=lexicon)
        if options["json"]:
            self.stdout.write(json.dumps({k: v.as_dict() for k, v in results.items()}, indent=2))
            return
        spans = sum(len(s["spans"]) for s in sentences)
        self.stdout.write(f"{len(sentences)} phrases, {spans} entités ({options['split']})\n")
        for name, scores in results.items():
            self.stdout.write(format_scores(name, scores) + "\n")
            self.stdout.write(format_confusion(scores) + "\n")
