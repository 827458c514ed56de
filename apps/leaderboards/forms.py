import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import DATE
from apps.kpis.selectors.metrics import metric_choices
from apps.leaderboards.models import Competition, Prize, TieRule
from apps.leaderboards.services.competitions import PrizeSpec
from apps.organisation.models import Team
from apps.organisation.roles import Role

_RANKS = re.compile(r"^(\d+)\s*(?:[-–~至到]\s*(\d+))?$")
_LINE = re.compile(r"^(.+?)\s*[:：]\s*(.+)$")
DIRECTIONS = [("", _("按指标默认")), ("higher", _("越高越好")), ("lower", _("越低越好"))]


def _tier_words() -> dict[str, str]:
    words: dict[str, str] = {
        "达成": Prize.Tier.ACHIEVED,
        "超额": Prize.Tier.EXCEEDED,
        "achieved": Prize.Tier.ACHIEVED,
        "exceeded": Prize.Tier.EXCEEDED,
    }
    words.update({str(label).lower(): tier for tier, label in Prize.Tier.choices})  # as prizes_text writes them
    return words


def prizes_parse(text: str) -> tuple[list[PrizeSpec], list[str]]:
    """One prize a line: "1: ¥2,000", "2-3: ¥800", "达成: ¥200", "超额达成: ¥500"."""
    prizes, errors, tiers = [], [], _tier_words()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        line = _LINE.match(raw.strip())
        if line is None:
            errors.append(_("第 %(n)d 行：请写成“名次: 奖品”，例如 2-3: ¥800") % {"n": number})
            continue
        head, label = line.group(1).strip(), line.group(2).strip()
        ranks = _RANKS.match(head)
        if head.lower() in tiers:
            prizes.append(PrizeSpec(label=label, tier=tiers[head.lower()]))
        elif ranks:
            first = int(ranks.group(1))
            prizes.append(PrizeSpec(label=label, rank_from=first, rank_to=int(ranks.group(2) or first)))
        else:
            errors.append(
                _("第 %(n)d 行：“%(head)s”不是名次（如 1 或 2-3）也不是档位（达成、超额达成）")
                % {"n": number, "head": head}
            )
    return prizes, errors


def prizes_text(competition: Competition) -> str:
    return "\n".join(PrizeSpec.of(prize).describe() for prize in competition.prizes.all())


class CompetitionForm(forms.Form):
    name = forms.CharField(label=_("比赛名称"), max_length=100)
    metric = forms.ChoiceField(label=_("比赛指标"))
    direction = forms.ChoiceField(label=_("排名方向"), choices=DIRECTIONS, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, help_text=_("按品牌时区，含当天"))
    scope = forms.ChoiceField(
        label=_("范围"), choices=Competition.Scope.choices, widget=forms.RadioSelect, initial=Competition.Scope.BRAND
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("参赛团队"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("指定团队个人赛、团队对抗赛时选择；包含下级门店"),
    )
    participant_roles = forms.MultipleChoiceField(
        label=_("参赛角色"),
        choices=[c for c in Role.choices if c[0] != Role.BRAND_ADMIN],
        widget=forms.CheckboxSelectMultiple,
        initial=[Role.SALES_REP],
    )
    min_value = forms.DecimalField(
        label=_("资格线"),
        required=False,
        max_digits=20,
        decimal_places=4,
        help_text=_("达不到不排名、不获奖；不设则人人参与排名"),
    )
    tie_rule = forms.ChoiceField(label=_("并列规则"), choices=TieRule.choices, initial=TieRule.SHARED)
    per_capita = forms.BooleanField(label=_("团队按人均比较"), required=False)
    show_amounts = forms.BooleanField(
        label=_("公开数值"), required=False, initial=True, help_text=_("关闭后导购和大屏只看到名次，看不到他人的数值")
    )
    settle_minutes = forms.IntegerField(
        label=_("结算等待（分钟）"),
        min_value=0,
        max_value=24 * 60,
        initial=60,
        help_text=_("结束后再等这么久收齐迟到的数据，然后冻结成绩"),
    )
    prizes = forms.CharField(
        label=_("奖励"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "1: ¥2,000\n2-3: ¥800\n达成: ¥200"}),
        help_text=_("一行一个：名次（1、2-3）或档位（达成、超额达成），冒号后写奖品"),
    )
    description = forms.CharField(
        label=_("规则说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("开赛前向参赛者公布")
    )
    reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("比赛开始后修改规则必须填写，记入变更记录"),
    )

    def __init__(self, *args, reason: str = "", **kwargs):
        """`reason`: "required" (changing a started competition), "backdating" (an admin setting
        one up, who must explain a start in the past), or "" (no reason asked)."""
        super().__init__(*args, **kwargs)
        metric, teams = self.fields["metric"], self.fields["teams"]
        assert isinstance(metric, forms.ChoiceField) and isinstance(teams, forms.ModelMultipleChoiceField)
        metric.choices, metric.initial = metric_choices(), "gmv"
        teams.queryset = Team.objects.order_by("name")
        if reason == "required":
            self.fields["reason"].required = True
        elif reason == "backdating":
            self.fields["reason"].help_text = _("开始日期早于今天（补录已进行的比赛）时必填，记入变更记录")
        else:
            del self.fields["reason"]

    def clean_prizes(self):
        prizes, errors = prizes_parse(self.cleaned_data.get("prizes", ""))
        if errors:
            raise forms.ValidationError(errors)
        return prizes

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        teams, prizes, reason = list(data.pop("teams")), data.pop("prizes"), data.pop("reason", "")
        direction = data.pop("direction")
        if direction:
            data["lower_is_better"] = direction == "lower"
        return {"data": data, "teams": teams, "prizes": prizes, "reason": reason}

    @staticmethod
    def initial_for(competition: Competition) -> dict:
        initial = {
            name: getattr(competition, name)
            for name in (
                "name",
                "metric",
                "starts_on",
                "ends_on",
                "scope",
                "participant_roles",
                "min_value",
                "tie_rule",
                "per_capita",
                "show_amounts",
                "settle_minutes",
                "description",
            )
        }
        initial["direction"] = "lower" if competition.lower_is_better else "higher"
        initial["teams"] = list(competition.teams.all())
        initial["prizes"] = prizes_text(competition)
        return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class LeaderboardSettingsForm(forms.Form):
    metrics = forms.MultipleChoiceField(
        label=_("常设榜指标"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("每个指标都有今日、本周、本月三个榜"),
    )
    roles = forms.MultipleChoiceField(
        label=_("参与排名的角色"),
        choices=[c for c in Role.choices if c[0] != Role.BRAND_ADMIN],
        widget=forms.CheckboxSelectMultiple,
    )
    show_amounts = forms.BooleanField(label=_("公开数值"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metrics"].choices = metric_choices()


class WallLinkForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("例如：南京路店收银台大屏"))
