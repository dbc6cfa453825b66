from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question

MIN_TEXT = 20


class QuestionForm(forms.ModelForm):
    """The reader's form; ``website`` is the honeypot (hidden from people)."""

    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data"),
        error_messages={
            "required": _("Please agree to the processing of personal data.")
        },
    )

    class Meta:
        model = Question
        fields = ["text", "name", "contact", "consent"]
        labels = {
            "text": _("Your question or problem"),
            "name": _("Name (optional)"),
            "contact": _("E-mail or phone (optional, never published)"),
        }
        error_messages = {
            "text": {"required": _("Please describe the problem.")},
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": 4000})}

    def __init__(self, *args, **kwargs):
        # The same ids on the section page and the form page.
        kwargs.setdefault("auto_id", "question_%s")
        super().__init__(*args, **kwargs)

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        if len(text) < MIN_TEXT:
            raise forms.ValidationError(
                _("Please describe the problem in at least %(count)d characters."),
                params={"count": MIN_TEXT},
            )
        if len(text) > 4000:
            raise forms.ValidationError(
                _("Please keep the question under 4000 characters.")
            )
        return self.cleaned_data["text"].strip()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_contact(self):
        return self.cleaned_data["contact"].strip()
