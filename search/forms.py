"""The search form: a GET form, so every result page is a permalink."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from search.query import (
    FILTER_FIELDS,
    MAX_QUERY_LENGTH,
    SORTS,
    QuerySyntaxError,
    SearchRequest,
    check_operators,
)

MAX_FILTERS = 20
MAX_FILTER_LENGTH = 300
SORT_CHOICES = list(zip(SORTS, (_("Relevance"), _("Newest"), _("Oldest")), strict=True))


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": (
                _(
                    "Your search is too long (%(show_value)d characters): "
                    "%(limit_value)d characters at most."
                )
            )
        },
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "size": 50}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)
    # Results are collapsed by story unless ?versions=toutes.
    versions = forms.ChoiceField(
        label=_("Versions"),
        choices=[("", _("One per story")), ("toutes", _("Every version"))],
        required=False,
    )
    # The results as dispatches (default) or as their quotations (?vue=citations).
    vue = forms.ChoiceField(
        label=pgettext_lazy("search results", "View"),
        choices=[("", _("Dispatches")), ("citations", _("Quotes"))],
        required=False,
    )
    # The Citations view's speaker filter: an entity's slug.
    auteur = forms.CharField(label=_("Speaker"), required=False, max_length=320)
    # The export leaves annulled dispatches out unless ?annulees=1.
    annulees = forms.BooleanField(label=_("With the annulled dispatches"), required=False)

    def clean_q(self) -> str:
        """Refuse the operators no engine would run (a*, NEAR/999…), with the reason."""
        q = self.cleaned_data.get("q") or ""
        try:
            check_operators(q)
        except QuerySyntaxError as error:
            raise forms.ValidationError(str(error)) from error
        return q

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> tuple[tuple[str, str], ...]:
        """Return the active facet filters (?person=…&place=…), deduplicated, bounded."""
        found: list[tuple[str, str]] = []
        for name in FILTER_FIELDS:
            for value in self.data.getlist(name):
                value = " ".join(value.split())[:MAX_FILTER_LENGTH]
                if value and (name, value) not in found:
                    found.append((name, value))
        return tuple(found[:MAX_FILTERS])

    def search_request(self, *, page: int, per_page: int) -> SearchRequest:
        """Build the engine request from a valid form."""
        data = self.cleaned_data
        q = data.get("q") or ""
        sort = data.get("sort") or ("relevance" if q else "newest")
        return SearchRequest(
            q=q,
            filters=self.filters(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=sort,
            offset=(page - 1) * per_page,
            limit=per_page,
            collapse=data.get("versions") != "toutes",
        )
