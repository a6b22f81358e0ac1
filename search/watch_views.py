"""The journalist's watch: save a search, « Mes recherches », its Atom feed, unsubscribing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db import IntegrityError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from search import services, watch
from search.models import SavedSearch, _feed_token

FEED_SIZE = 50


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "frequency", "query_string"]
        labels = {
            "name": _("Name"),
            "frequency": _("Email alerts"),
            "query_string": _("Search"),
        }
        help_texts = {
            "query_string": _("The results page's parameters (words, filters, dates, sort).")
        }
        widgets = {"query_string": forms.TextInput(attrs={"size": 60})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_query_string(self) -> str:
        text = self.cleaned_data["query_string"].lstrip("?").strip()
        parts = [p for p in text.split("&") if p and not p.startswith("page=")]
        text = "&".join(parts)
        try:
            watch.saved_request(text)
        except watch.BrokenSearch as error:
            raise forms.ValidationError(
                gettext("This search does not read: %(error)s") % {"error": error}
            ) from error
        return text

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = SavedSearch.objects.filter(user=self.user, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(gettext("You already have a search of this name."))
        return name


def _owned(request: HttpRequest, pk: int) -> SavedSearch:
    """The user's own saved search; anybody else's is a 404, as if it did not exist."""
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


@require_POST
def save_search(request: HttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST, user=request.user)
    if form.is_valid():
        search = form.save(commit=False)
        search.user = request.user
        try:
            search.save()
        except IntegrityError:
            form.add_error("name", gettext("You already have a search of this name."))
        else:
            messages.success(request, gettext("Search « %(name)s » saved.") % {"name": search.name})
            return redirect("search:saved")
    return render(request, "search/saved_edit.html", {"form": form, "search": None}, status=400)


def saved_list(request: HttpRequest) -> HttpResponse:
    searches = SavedSearch.objects.filter(user=request.user).annotate(
        new=Count("matches", filter=Q(matches__matched_at__gt=F("last_seen_at")))
    )
    searches = list(searches)
    for search in searches:
        search.feed_url = request.build_absolute_uri(
            reverse("search:feed", args=[search.feed_token])
        )
    return render(request, "search/saved_list.html", {"searches": searches})


def open_saved(request: HttpRequest, pk: int) -> HttpResponse:
    search = _owned(request, pk)
    SavedSearch.objects.filter(pk=search.pk).update(last_seen_at=timezone.now())
    return redirect(reverse("search:search") + "?" + search.query_string)


@require_http_methods(["GET", "POST"])
def edit_saved(request: HttpRequest, pk: int) -> HttpResponse:
    search = _owned(request, pk)
    form = SavedSearchForm(request.POST or None, instance=search, user=request.user)
    if request.method == "POST" and form.is_valid():
        search = form.save(commit=False)
        search.broken = ""  # a query that reads again works again
        search.save()
        messages.success(request, gettext("Search « %(name)s » changed.") % {"name": search.name})
        return redirect("search:saved")
    return render(request, "search/saved_edit.html", {"form": form, "search": search})


@require_POST
def delete_saved(request: HttpRequest, pk: int) -> HttpResponse:
    search = _owned(request, pk)
    search.delete()
    messages.success(request, gettext("Search « %(name)s » deleted.") % {"name": search.name})
    return redirect("search:saved")


@require_POST
def new_feed_token(request: HttpRequest, pk: int) -> HttpResponse:
    search = _owned(request, pk)
    SavedSearch.objects.filter(pk=search.pk).update(feed_token=_feed_token())
    messages.success(request, gettext("New feed address: the old one no longer works."))
    return redirect("search:saved")


@login_not_required
@csrf_exempt  # RFC 8058 one-click: the mail client posts without a session or a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    search = watch.search_for_token(token)
    if search is None:
        return render(request, "search/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        SavedSearch.objects.filter(pk=search.pk).update(frequency=SavedSearch.Frequency.OFF)
        return render(request, "search/unsubscribe.html", {"search": search, "done": True})
    return render(request, "search/unsubscribe.html", {"search": search, "token": token})


class SavedSearchFeed(Feed):
    """The latest matches of a saved search, for feed readers, at a secret address."""

    feed_type = Atom1Feed

    def get_object(self, request, token: str):
        search = SavedSearch.objects.filter(feed_token=token).first()
        if search is None:
            raise Http404
        return search

    def title(self, search: SavedSearch) -> str:
        return f"{search.name} · Newsroom archive"

    def subtitle(self, search: SavedSearch) -> str:
        if search.broken:
            return gettext("Broken search: %(reason)s") % {"reason": search.broken}
        return gettext("The latest dispatches of this saved search.")

    def link(self, search: SavedSearch) -> str:
        return reverse("search:search") + "?" + search.query_string

    def items(self, search: SavedSearch) -> list[Article]:
        if search.broken:
            return []
        try:
            request = watch.saved_request(search.query_string, limit=FEED_SIZE)
        except watch.BrokenSearch:
            return []
        newest = services.SearchRequest(
            **{**request.__dict__, "sort": "newest", "with_facets": False, "collapse": False}
        )
        try:
            ids = services.run(newest).ids
        except (services.QuerySyntaxError, services.IndexUnavailable, services.EngineUnavailable):
            return []
        found = Article.objects.select_related("source").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def item_title(self, article: Article) -> str:
        return article.title

    def item_description(self, article: Article) -> str:
        from django.utils.text import Truncator

        return Truncator(article.body).words(60)

    def item_link(self, article: Article) -> str:
        return article.get_absolute_url()

    def item_pubdate(self, article: Article):
        return article.published_at or article.imported_at

    def item_updateddate(self, article: Article):
        return article.imported_at

    def item_author_name(self, article: Article) -> str:
        return article.source.name


feed = login_not_required(SavedSearchFeed())
