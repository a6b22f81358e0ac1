"""The Whoosh schema of the archive: French text fields and whole-name facet fields."""

from whoosh import analysis, columns, fields, formats
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from search.analysis import FRENCH, NameKeyAnalyzer, name_key

SEPARATOR = "\x1f"
# Haystack field types (search.search_indexes) that this schema treats specially.
NAMES_FIELD_TYPE = "names"
VERSION_FIELD_TYPE = "version"
# Tokens computed in Python (search.said), kept as they are: split on spaces, nothing else.
SAID_FIELD_TYPE = "said"


class NameListColumn(columns.ListColumn):
    """A column of each document's whole names, e.g. ["Bachar al-Assad", "Vladimir Poutine"]."""

    def __init__(self):
        self._child = columns.VarBytesColumn()

    class Writer(columns.WrappedColumnWriter):
        def add(self, docnum, names):
            self._child.add(docnum, SEPARATOR.join(names).encode("utf-8"))

    class Reader(columns.ListColumnReader, columns.WrappedColumnReader):
        def __getitem__(self, docnum):
            data = self._child[docnum]
            return data.decode("utf-8").split(SEPARATOR) if data else []


class NamesField(fields.FieldType):
    """Whole names: one term per name key (for `person:` queries and filters), display names
    in a column (for facets). Never tokenised, never stemmed."""

    def __init__(self):
        self.format = formats.Existence()
        self.analyzer = NameKeyAnalyzer()
        self.scorable = False
        self.stored = False
        self.unique = False
        self.vector = None
        self.column_type = NameListColumn()

    def index(self, value, **kwargs):
        names = [value] if isinstance(value, str) else value
        keys = sorted({name_key(name) for name in names} - {""})
        return [(key.encode("utf-8"), 1, 1.0, b"") for key in keys]

    def to_column_value(self, value):
        names = [value] if isinstance(value, str) else value
        return [clean_name(name) for name in names if clean_name(name)]

    def from_column_value(self, value):
        return value


def clean_name(name: str) -> str:
    """Collapse whitespace (and the column separator) in a display name."""
    return " ".join(name.replace(SEPARATOR, " ").split())


def build_whoosh_schema(search_fields: dict, *, id_fields: dict[str, str]) -> tuple[str, Schema]:
    """Map haystack's fields to Whoosh fields; return the document field's name and the schema."""
    schema_fields = {
        id_fields["id"]: ID(stored=True, unique=True),
        id_fields["django_ct"]: ID(stored=True),
        id_fields["django_id"]: ID(stored=True),
    }
    content_field_name = ""
    for field in search_fields.values():
        name = field.index_fieldname
        if field.field_type == NAMES_FIELD_TYPE:
            schema_fields[name] = NamesField()
        elif field.field_type == VERSION_FIELD_TYPE:
            schema_fields[name] = STORED()
        elif field.field_type == SAID_FIELD_TYPE:
            schema_fields[name] = TEXT(
                analyzer=analysis.SpaceSeparatedTokenizer(), phrase=True, stored=False
            )
        elif field.field_type == "integer":
            schema_fields[name] = NUMERIC(int, bits=64, stored=False, sortable=True)
        elif field.field_type in ("date", "datetime"):
            schema_fields[name] = DATETIME(stored=False, sortable=True)
        else:
            # A word the analyzer splits ("al-Assad", "aujourd'hui") is searched as a phrase.
            schema_fields[name] = TEXT(
                analyzer=FRENCH, phrase=True, stored=False, multitoken_query="phrase"
            )
        if field.document:
            content_field_name = name
    return content_field_name, Schema(**schema_fields)
