"""The operators' syntax in Whoosh's query parser (the one parser both engines use)."""

import re

from django.utils.translation import gettext
from whoosh import fields, query
from whoosh.qparser import syntax
from whoosh.qparser.plugins import OperatorsPlugin, PhrasePlugin, TaggingPlugin
from whoosh.qparser.taggers import RegexTagger

from search.analysis import analyse_word
from search.operators.limits import (
    ELISION,
    FUZZY,
    HELP,
    PATTERN,
    QuerySyntaxError,
    folded_pattern,
    fuzziness,
    has_word,
    parse_distance,
)
from search.operators.nodes import Fuzzy, Near, Pattern


def _text_field(parser, fieldname: str, typed: str) -> str:
    if not isinstance(parser.schema[fieldname], fields.TEXT):
        raise QuerySyntaxError(
            gettext(
                "« %(typed)s »: truncation and approximate search apply to the text and the "
                "title, not to the names (person:, place:…) %(help)s."
            )
            % {"typed": typed, "help": HELP}
        )
    return fieldname


class PatternPlugin(TaggingPlugin):
    """médec*, m?decin: a word pattern."""

    priority = -10
    expr = PATTERN.pattern

    class nodetype(syntax.TextNode):
        def query(self, parser):
            if not has_word(self.text):
                return None
            fieldname = _text_field(parser, self.fieldname or parser.fieldname, self.text)
            return syntax.attach(Pattern(fieldname, folded_pattern(self.text)), self)


class FuzzyPlugin(TaggingPlugin):
    """Poutin~, Poutin~2: an approximate word."""

    priority = -10
    expr = FUZZY.pattern

    class nodetype(syntax.TextNode):
        def __init__(self, text, distance):
            super().__init__(text)
            self.distance = fuzziness(distance, text)

        def query(self, parser):
            fieldname = _text_field(parser, self.fieldname or parser.fieldname, self.text)
            analysed = analyse_word(ELISION.sub("", self.text))
            if analysed is None or not re.fullmatch(r"[^\W_]+", analysed[0]):
                raise QuerySyntaxError(
                    gettext(
                        "« %(word)s~ »: an approximate search applies to one meaningful "
                        "word, for instance Poutin~ %(help)s."
                    )
                    % {"word": self.text, "help": HELP}
                )
            node = Fuzzy(fieldname, analysed[1], self.distance)
            return syntax.attach(node, self)


class SloppyPhrasePlugin(PhrasePlugin):
    """ "frappes russes"~5: the words in order, at most 5 words between each and the next."""

    class SloppyTagger(RegexTagger):
        def create(self, parser, match):
            raw = match.group("slop")
            distance = 0 if raw is None else parse_distance(raw, '"frappes russes"~5')
            return PhrasePlugin.PhraseNode(match.group("text"), match.start("text"), distance + 1)

    def __init__(self):
        super().__init__(expr=r'"(?P<text>.*?)"(~(?P<slop>\d+))?')

    def taggers(self, parser):
        return [(self.SloppyTagger(self.expr), 0)]


class NearGroup(syntax.GroupNode):
    merging = False

    def __init__(self, nodes=None, distance=0, **kwargs):
        super().__init__(nodes, **kwargs)
        self.distance = distance

    def query(self, parser):
        subs = [q for q in (node.query(parser) for node in self.nodes) if q is not None]
        for sub in subs:
            names = isinstance(sub, query.Term) and not isinstance(
                parser.schema[sub.fieldname], fields.TEXT
            )
            if names or not isinstance(sub, query.Term | Pattern | Fuzzy | Near):
                raise QuerySyntaxError(
                    gettext(
                        "NEAR/%(distance)d joins two words (or truncated words), not "
                        "phrases, groups or names %(help)s."
                    )
                    % {"distance": self.distance, "help": HELP}
                )
        if len({sub.field() if not isinstance(sub, Near) else None for sub in subs} - {None}) > 1:
            raise QuerySyntaxError(
                gettext("NEAR/%(distance)d joins two words of one field %(help)s.")
                % {"distance": self.distance, "help": HELP}
            )
        if len(subs) < 2:
            return subs[0] if subs else None
        return syntax.attach(Near(subs, slop=self.distance + 1), self)


class NearOperator(syntax.InfixOperator):
    def __init__(self, text, distance):
        super().__init__(text, NearGroup)
        self.distance = distance

    def replace_self(self, parser, group, position):
        if 0 < position < len(group) - 1:
            near = NearGroup([group[position - 1], group[position + 1]], distance=self.distance)
            group[position - 1 : position + 2] = [near]
            return position - 1
        del group[position]
        return position


class NearTagger(OperatorsPlugin.OpTagger):
    def __init__(self):
        super().__init__(r"(?<=\s)NEAR/(?P<distance>\d+)(?=\s)", NearGroup, memo="near")

    def create(self, parser, match):
        return NearOperator(match.group(0), parse_distance(match.group("distance"), "NEAR/5"))


def install(parser) -> None:
    """Add the operators to a query parser."""
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(SloppyPhrasePlugin())
    parser.add_plugin(PatternPlugin())
    parser.add_plugin(FuzzyPlugin())
    parser.replace_plugin(OperatorsPlugin(ops=[(NearTagger(), 0)]))
