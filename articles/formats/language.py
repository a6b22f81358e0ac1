"""Tell the language of a dispatch whose feed does not say it."""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# The languages news agencies publish in. Fewer candidates make short headlines reliable:
# with all 140 languages a bare French date line reads as Catalan.
LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl", "ar", "ru", "zh", "ja", "tr", "pl", "el")
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 600  # a title and a first paragraph tell the language; more only costs time


@functools.cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the text's language, or "" when it cannot be told."""
    sample = text[:SAMPLE_CHARS]
    if sum(char.isalpha() for char in sample) < 3:
        return ""
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else ""
