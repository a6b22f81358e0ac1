"""« Mon compte »: the user's API tokens, created (shown once) and revoked."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from newsroom.api import tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the token"),
        max_length=100,
        help_text=gettext_lazy("To find your way: « CMS », « Jupyter notebook »…"),
    )
    expires_days = forms.IntegerField(
        label=gettext_lazy("Expires in (days)"),
        required=False,
        min_value=1,
        max_value=tokens.MAX_EXPIRY_DAYS,
        help_text=gettext_lazy("Leave empty for a token that never expires."),
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
        raise Http404(gettext("No token of this number."))
    messages.success(request, gettext("Token revoked: it no longer works."))
    return redirect("account:account")
