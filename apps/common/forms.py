"""Form pieces every app's pages share."""

from django import forms

# The browser's own date picker; the value round-trips as ISO (what the views parse).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
