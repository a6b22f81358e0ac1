"""« Mon compte »: the user's API tokens, created (shown once) and revoked."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newsroom.api import tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour vous y retrouver : « CMS », « carnet Jupyter »…",
    )
    expires_days = forms.IntegerField(
        label="Expire dans (jours)",
        required=False,
        min_value=1,
        max_value=tokens.MAX_EXPIRY_DAYS,
        help_text="Laissez vide pour un jeton sans expiration.",
    )


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = tokens.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_days=form.cleaned_data["expires_days"],
            )
            form = TokenForm()
        else:
            status = 400
    context = {
        "form": form,
        "created": created,
        "api_tokens": tokens.user_tokens(user=request.user),
        "roles": sorted(request.user.groups.values_list("name", flat=True)),
    }
    response = render(request, "api/account.html", context, status=status)
    if created:
        response["Cache-Control"] = "no-store"  # the page holds the token's only copy
    return response


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not tokens.revoke_token(user=request.user, token_id=pk):
        raise Http404("Aucun jeton de ce numéro.")
    messages.success(request, "Jeton révoqué : il ne fonctionne plus.")
    return redirect("account:account")
