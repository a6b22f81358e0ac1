"""A rejected file's reason, written in English by the pure readers, shown in the page's
language on the batch page and in its live report."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from articles.importing import import_files
from articles.models import ImportBatch, Source
from articles.reasons import _PLACEHOLDER, TEMPLATES, translated_reason
from tests.test_languages import FRENCH_LETTERS, visible

# file name -> (its bytes, the French reason the page shows)
BAD_FILES = {
    "empty.txt": (b"", "le fichier est vide : il n'y a rien à importer"),
    "photo.txt": (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8,
        "ceci ressemble à un fichier binaire, pas à du texte (il contient des octets NUL) : "
        "n'importez que des dépêches en texte brut",
    ),
    "broken.txt": (
        "é\n".encode() + b"caf\xe9\n",
        "UTF-8 non valide à la ligne 2 (octet 6) dans un fichier par ailleurs en UTF-8 : "
        "corrigez cette ligne, ou imposez un encodage avec --encoding",
    ),
    "cut.xml": (
        b"<?xml version='1.0'?><NewsML><NewsItem>",
        "XML tronqué à la ligne 1, colonne 39 (no element found) : le fichier s'arrête avant "
        "la fin de son document ; récupérez ou réexportez le fichier à nouveau",
    ),
    "rss.xml": (
        b"<?xml version='1.0'?><rss xmlns='urn:x'><channel/></rss>",
        "document XML inconnu <rss> dans l'espace de noms urn:x : l'archive lit NewsML 1.2, "
        "NewsML-G2, NITF et IPTC 7901 (et le texte brut) ; convertissez le fichier dans l'un "
        "d'eux",
    ),
}


def nested_zip() -> bytes:
    inner, outer = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.txt", "Titre\n\nPARIS (AFP) - Un texte.\n")
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    return outer.getvalue()


@pytest.fixture
def rejected_batch(db, tmp_path):
    """A batch of real rejected files, their reasons written by the importer."""
    source = Source.objects.create(name="AFP")
    batch = ImportBatch.objects.create(source=source)
    paths = []
    for name, (data, _) in {**BAD_FILES, "bundle.zip": (nested_zip(), "")}.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    import_files(paths=paths, source=source, batch=batch)
    return batch


def test_the_batch_page_gives_the_reasons_in_french_and_english(client, archivist, rejected_batch):
    written = dict(rejected_batch.files.values_list("name", "reason"))
    assert not [reason for reason in written.values() if FRENCH_LETTERS.search(reason)]
    client.force_login(archivist)
    french = visible(client.get(rejected_batch.get_absolute_url()))
    for name, (_, reason) in BAD_FILES.items():
        assert reason in french, (name, french)
    assert "archive dans l'archive : décompressez-la et importez ses fichiers" in french
    url = rejected_batch.get_absolute_url()
    english = visible(client.get(url, headers={"accept-language": "en"}))
    for name, reason in written.items():
        assert reason in english, name
    assert not FRENCH_LETTERS.findall(english.replace("Français", "")), english


def test_the_live_report_gives_the_reasons_in_the_pages_language(client, archivist, rejected_batch):
    client.force_login(archivist)
    url = reverse("articles:batch-status", args=[rejected_batch.pk])
    french = {Path(f["name"]).name: f["reason"] for f in client.get(url).json()["files"]}
    answer = client.get(url, headers={"accept-language": "en"}).json()
    english = {Path(f["name"]).name: f["reason"] for f in answer["files"]}
    assert french["empty.txt"] == BAD_FILES["empty.txt"][1]
    assert english["empty.txt"] == "the file is empty: there is nothing to import"


def test_every_template_reads_back_its_own_reason_and_has_french():
    for template in TEMPLATES:
        names = _PLACEHOLDER.findall(template)
        written = template % {name: f"<{index}>" for index, name in enumerate(names)}
        with translation.override("en"):
            assert translated_reason(written) == written
        with translation.override("fr"):
            french = translated_reason(written)
        assert french != written, template
        assert all(f"<{index}>" in french for index in range(len(names))), template


def test_a_fragment_inside_a_reason_is_translated_and_an_unknown_reason_kept():
    written = (
        "IPTC 7901 message 3 (at byte 120) has no ETX (end of text): the stream is cut or "
        "corrupt; the stream was rejected whole, nothing was imported: fetch the stream again"
    )
    with translation.override("fr"):
        assert translated_reason(written) == (
            "le message IPTC 7901 3 (à l'octet 120) n'a pas d'ETX (fin de texte) : le flux est "
            "coupé ou corrompu ; le flux a été refusé en entier, rien n'a été importé : "
            "récupérez le flux à nouveau"
        )
        assert translated_reason("vide") == "vide"
        assert translated_reason("") == ""
        assert re.search("<script>", translated_reason("cannot be read from the archive: <script>"))
