"""Rejected files' reasons in the page's language.

The importer and the format readers (pure Python, no Django) write a rejected file's reason
in English. Each message they can write is listed here as a template, its variable parts as
placeholders; a reason read back from the database is matched against the templates and
given in the active language, its variable parts kept (a part that is itself a known
fragment, such as an IPTC 7901 message's problem, is translated too). A reason no template
matches is shown as it was written.
"""

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop

TEMPLATES = (
    # articles/importing.py
    gettext_noop("symbolic links are not imported: copy the file itself"),
    gettext_noop("damaged zip archive (%(error)s): create it again"),
    gettext_noop(
        "the archive holds %(count)s files, over the limit of %(limit)s: "
        "split it into several archives"
    ),
    gettext_noop("the archive unpacks to %(size)s MB, over the %(limit)s MB limit: split it"),
    gettext_noop("nested archive: unzip it and import its files"),
    gettext_noop("cannot be read from the archive: %(error)s"),
    gettext_noop("the archive unpacks past its size limit: split it"),
    gettext_noop("no such file or folder"),
    gettext_noop(
        "the file is %(size)s MB, over the %(limit)s MB limit: split it into smaller files"
    ),
    gettext_noop("unsafe path in the archive (absolute or with '..'): not extracted"),
    gettext_noop("symbolic link in the archive: not extracted"),
    gettext_noop("no dispatch found: a dispatch needs a body of text"),
    gettext_noop("the database was unreachable (%(error)s): import it again"),
    gettext_noop("could not be saved (%(error)s): import it again"),
    # articles/decoding.py
    gettext_noop(
        "not valid %(encoding)s at line %(line)s (byte %(byte)s): "
        "re-save the file as UTF-8 or pick the right encoding"
    ),
    gettext_noop("the file is empty: there is nothing to import"),
    gettext_noop(
        "NUL character at line %(line)s: this is not plain text; re-save it as UTF-8 text"
    ),
    gettext_noop(
        "this looks like a binary file, not text (%(count)s control characters): "
        "import plain-text dispatches only"
    ),
    gettext_noop(
        "this looks like a binary file, not text (it contains NUL bytes): "
        "import plain-text dispatches only"
    ),
    gettext_noop(
        "invalid UTF-8 at line %(line)s (byte %(byte)s) in a file that is "
        "otherwise UTF-8: fix that line, or force an encoding with --encoding"
    ),
    gettext_noop(
        "the text encoding cannot be detected (not UTF-8, UTF-16 or Windows-1252): "
        "re-save the file as UTF-8"
    ),
    # articles/formats/
    gettext_noop(
        "unknown XML document <%(name)s>%(where)s: the archive reads NewsML 1.2, NewsML-G2, "
        "NITF and IPTC 7901 (and plain text); convert the file to one of them"
    ),
    gettext_noop(" in namespace %(namespace)s"),
    gettext_noop("(without an id)"),
    gettext_noop(
        "%(what)s %(guid)s has no body text: the item carries no text paragraphs; ask the "
        "agency to send it again, or remove it from the file"
    ),
    gettext_noop(
        "unexpected bytes at byte %(byte)s of the IPTC 7901 stream, after message "
        "%(number)s: a message starts with SOH or STX; the stream was rejected whole, "
        "nothing was imported: fetch it again"
    ),
    gettext_noop(
        "unexpected control character %(control)s after message %(number)s of the IPTC 7901 "
        "stream: this is not a 7901 text stream; the stream was rejected whole, nothing was "
        "imported"
    ),
    gettext_noop("the IPTC 7901 stream holds no message: there is nothing to import"),
    gettext_noop(
        "IPTC 7901 message %(number)s (at byte %(byte)s) %(problem)s; the stream was "
        "rejected whole, nothing was imported: fetch the stream again"
    ),
    gettext_noop("has no STX (start of text) after its header"),
    gettext_noop("has no ETX (end of text): the stream is cut or corrupt"),
    gettext_noop(
        "holds the control character %(control)s at byte %(byte)s: this is not a 7901 text stream"
    ),
    gettext_noop("the IPTC 7901 stream holds no text: there is nothing to import"),
    gettext_noop(
        "IPTC 7901 message %(number)s (at byte %(byte)s) has an unreadable header "
        "%(header)s: expected a service id and number, a priority (1-5), a category and a "
        "word count; the stream was rejected whole"
    ),
    gettext_noop(
        "the NewsML file holds no NewsItem: there is nothing to import; ask the agency "
        "for the items themselves"
    ),
    gettext_noop(
        "the NewsML-G2 message holds no newsItem: there is nothing to import; ask the "
        "agency for the news items themselves"
    ),
    gettext_noop(
        "the XML file is %(size)s MB, over the %(limit)s MB limit: ask the agency for "
        "smaller files, or split the feed into several files"
    ),
    gettext_noop("unknown encoding %(name)s %(how)s for the XML file: re-export it as UTF-8"),
    gettext_noop("given"),
    gettext_noop("declared"),
    gettext_noop(
        "invalid UTF-8 at line %(line)s (byte %(byte)s) in an XML file that is otherwise "
        "UTF-8: fix that line or re-export the file"
    ),
    gettext_noop(
        "not valid %(encoding)s at line %(line)s (byte %(byte)s): re-export the file as UTF-8"
    ),
    gettext_noop(
        "XML external entities are refused (entity %(name)s points to %(target)s): the "
        "archive never reads files or addresses named inside a document; re-export the "
        "file without a DOCTYPE"
    ),
    gettext_noop(
        "XML entity declarations are refused (possible entity-expansion bomb, entity "
        "%(name)s): re-export the file without a DOCTYPE"
    ),
    gettext_noop(
        "XML external references are refused (%(target)s): re-export the file without a DOCTYPE"
    ),
    gettext_noop(
        "XML DTD declarations are refused (the file carries an internal DTD subset): "
        "re-export the file without a DOCTYPE"
    ),
    gettext_noop(
        "truncated XML at line %(line)s, column %(column)s (%(reason)s): the file ends "
        "before its document does; fetch or re-export the file again"
    ),
    gettext_noop(
        "malformed XML at line %(line)s, column %(column)s (%(reason)s): fix or re-export the file"
    ),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Each English template with the pattern of the reasons it writes."""
    patterns = []
    for template in TEMPLATES:
        pieces = _PLACEHOLDER.split(template)
        regex = "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.*?)"
            for index, piece in enumerate(pieces)
        )
        patterns.append((re.compile(rf"{regex}\Z", re.DOTALL), template))
    return tuple(patterns)


def translated_reason(reason: str) -> str:
    """Return a rejected file's reason in the active language (as written when unknown)."""
    for pattern, template in _patterns():
        if match := pattern.match(reason):
            parts = {name: translated_reason(value) for name, value in match.groupdict().items()}
            return gettext(template) % parts
    return reason
