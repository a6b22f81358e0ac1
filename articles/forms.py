from django import forms
from django.utils.translation import gettext_lazy as _

from articles.decoding import ENCODINGS
from articles.models import Source


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if not data:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(
            attrs={
                "accept": ".txt,.xml,.nml,.newsml,.nitf,.zip,text/plain,text/xml,"
                "application/xml,application/zip"
            }
        ),
        label=_("Files"),
        help_text=_(
            "Dispatches in plain text, NewsML 1.2, NewsML-G2, NITF or IPTC 7901, or a zip of them."
        ),
    )
    source = forms.CharField(
        max_length=100,
        initial="AFP",
        label=_("Source"),
        help_text=_("The agency or paper the dispatches come from (AFP, Reuters, …)."),
    )
    encoding = forms.ChoiceField(
        choices=[(e, e) for e in ENCODINGS],
        initial="auto",
        label=_("Encoding"),
        help_text=_("Leave on auto unless a file is reported in the wrong encoding."),
    )

    def clean_source(self) -> Source:
        name = " ".join(self.cleaned_data["source"].split())
        if not name:
            raise forms.ValidationError(_("Name the source of these dispatches."))
        source = Source.objects.filter(name__iexact=name).first()
        return source or Source(name=name)
