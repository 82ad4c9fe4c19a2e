from datetime import timedelta

from django import forms
from django.utils import timezone

MAX_DAYS = 366


class PeriodForm(forms.Form):
    """The dashboard's period: UTC days, both included, at most a year (so every chart stays one query)."""

    since = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    @staticmethod
    def default_initial() -> dict:
        today = timezone.now().date()
        return {"since": today - timedelta(days=29), "until": today}

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if until < since:
                raise forms.ValidationError("The period must end on or after its first day.")
            if (until - since).days >= MAX_DAYS:
                raise forms.ValidationError(f"Choose a period of at most {MAX_DAYS} days.")
        return data
