from django import forms
from django.utils.translation import gettext_lazy as _


class DeletionRequestForm(forms.Form):
    confirm_slug = forms.CharField(label=_("输入品牌子域名以确认"), max_length=30)
