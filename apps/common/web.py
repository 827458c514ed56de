"""What other apps' pages use of the KPI app: the period a page shows, from its query string."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.common.periods import KINDS, Period, PeriodError, brand_today
from apps.common.schemas import brand_of

PERIOD_LABELS = {"day": _("日"), "week": _("周"), "month": _("月"), "quarter": _("季度"), "custom": _("自定义")}


class PeriodMixin:
    """The period a page shows, from ?period=…&date=… (brand-local today by default)."""

    default_period = "month"
    request: HttpRequest

    @cached_property
    def today(self):
        return brand_today(brand_of(self.request).time_zone)

    @cached_property
    def period(self) -> Period:
        try:
            return Period.from_params(self.request.GET, self.today, self.default_period)
        except PeriodError as error:
            messages.error(self.request, str(error))
            return Period.of(self.default_period, self.today)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            period=self.period,
            previous_period=self.period.shifted(-1),
            next_period=self.period.shifted(1),
            period_kinds=[(kind, str(PERIOD_LABELS[kind])) for kind in KINDS if kind != "custom"],
            today=self.today,
            time_elapsed=self.period.elapsed_days(self.today) * 100 // self.period.days,
            currency=brand_of(self.request).currency,
            **kwargs,
        )
