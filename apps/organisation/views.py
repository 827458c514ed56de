from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.functional import cached_property
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from apps.organisation import selectors, services
from apps.organisation.forms import ApiKeyForm, PersonCreateForm, PersonForm, TeamForm
from apps.organisation.models import ApiKey, Team
from apps.organisation.permissions import CapabilityRequiredMixin, ServiceActionView, ServiceFormView
from apps.organisation.roles import Capability, Role

User = get_user_model()


# --- people ----------------------------------------------------------------------------


class PeopleListView(CapabilityRequiredMixin, ListView):
    required_capability = Capability.ORG_VIEW
    template_name = "organisation/people_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        params = self.request.GET
        active = {"": True, "inactive": False, "all": None}.get(params.get("status", ""), True)
        team_id = params.get("team")
        return selectors.people_list(
            search=params.get("q", "").strip(),
            team_id=int(team_id) if team_id and team_id.isdigit() else None,
            role=params.get("role", "") if params.get("role") in Role.values else "",
            active=active,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            teams=selectors.teams_tree(),
            roles=Role.choices,
            filters=self.request.GET,
            seats=selectors.seats(),
            **kwargs,
        )


def _invite_link(request, person) -> str:
    path = reverse(
        "accounts:set_password",
        args=[urlsafe_base64_encode(force_bytes(person.pk)), default_token_generator.make_token(person)],
    )
    return request.build_absolute_uri(path)


class PersonCreateView(ServiceFormView):
    required_capability = Capability.ORG_MANAGE
    template_name = "organisation/person_form.html"
    form_class = PersonCreateForm

    def perform(self, form):
        person = services.person_create(**form.cleaned_data)
        if form.cleaned_data["password"]:
            messages.success(self.request, _("已创建 %(name)s。") % {"name": person.full_name})
        else:
            messages.success(
                self.request,
                _("已邀请 %(name)s。请把这个链接发给本人设置密码（3 天内有效）：%(link)s")
                % {"name": person.full_name, "link": _invite_link(self.request, person)},
            )
        return redirect("organisation:people")


class PersonUpdateView(ServiceFormView):
    required_capability = Capability.ORG_MANAGE
    template_name = "organisation/person_form.html"
    form_class = PersonForm

    @cached_property
    def person(self):  # loaded after the permission check, so ids can't be probed
        return get_object_or_404(User.objects.select_related("membership__team"), pk=self.kwargs["pk"])

    def get_initial(self):
        p = self.person
        membership = getattr(p, "membership", None)
        return {
            "full_name": p.full_name,
            "email": p.email,
            "phone": p.phone,
            "employee_no": p.employee_no,
            "roles": p.roles,
            "team": membership.team if membership else None,
            "language": p.language,
        }

    def get_context_data(self, **kwargs):
        invite = None if self.person.has_usable_password() else _invite_link(self.request, self.person)
        return super().get_context_data(person=self.person, invite_link=invite, **kwargs)

    def perform(self, form):
        services.person_update(person=self.person, **form.cleaned_data)
        messages.success(self.request, _("已保存 %(name)s。") % {"name": self.person.full_name})
        return redirect("organisation:people")


class PersonActivationView(ServiceActionView):
    """Deactivate or reactivate a person (never delete)."""

    required_capability = Capability.ORG_MANAGE
    success_url = "organisation:people"
    activate = False

    def get_object(self):
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def perform(self, person):
        if self.activate:
            services.person_reactivate(person=person)
            return _("%(name)s 已恢复在职。") % {"name": person.full_name}
        services.person_deactivate(person=person, actor=self.request.user)
        return _("%(name)s 已停用，历史数据保留。") % {"name": person.full_name}


# --- teams -----------------------------------------------------------------------------


class TeamListView(CapabilityRequiredMixin, TemplateView):
    required_capability = Capability.ORG_VIEW
    template_name = "organisation/team_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tree=selectors.teams_tree(), **kwargs)


class TeamCreateView(ServiceFormView):
    required_capability = Capability.ORG_MANAGE
    template_name = "organisation/team_form.html"
    form_class = TeamForm

    def perform(self, form):
        team = services.team_create(**form.cleaned_data)
        messages.success(self.request, _("已创建团队 %(name)s。") % {"name": team.name})
        return redirect("organisation:teams")


class TeamUpdateView(ServiceFormView):
    required_capability = Capability.ORG_MANAGE
    template_name = "organisation/team_form.html"
    form_class = TeamForm

    @cached_property
    def team(self):
        return get_object_or_404(Team, pk=self.kwargs["pk"])

    def get_initial(self):
        t = self.team
        return {"name": t.name, "kind": t.kind, "parent": t.parent, "leader": t.leader}

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=self.team, **kwargs)

    def perform(self, form):
        services.team_update(team=self.team, **form.cleaned_data)
        messages.success(self.request, _("已保存团队 %(name)s。") % {"name": self.team.name})
        return redirect("organisation:teams")


class TeamDeleteView(ServiceActionView):
    required_capability = Capability.ORG_MANAGE
    success_url = "organisation:teams"

    def get_object(self):
        return get_object_or_404(Team, pk=self.kwargs["pk"])

    def perform(self, team):
        services.team_delete(team=team)
        return _("已删除团队 %(name)s。") % {"name": team.name}


# --- API keys --------------------------------------------------------------------------


class ApiKeyListView(ServiceFormView):
    required_capability = Capability.API_KEYS_MANAGE
    template_name = "organisation/api_keys.html"
    form_class = ApiKeyForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(api_keys=selectors.api_keys_list(), **kwargs)

    def perform(self, form):
        api_key, secret = services.api_key_create(created_by=self.request.user, **form.cleaned_data)
        # Rendered once, never stored in clear: the page after this one cannot show it again.
        return self.render_to_response(self.get_context_data(form=ApiKeyForm(), new_key=api_key, secret=secret))


class ApiKeyRevokeView(ServiceActionView):
    required_capability = Capability.API_KEYS_MANAGE
    success_url = "organisation:api_keys"

    def get_object(self):
        return get_object_or_404(ApiKey, prefix=self.kwargs["prefix"], revoked=False)

    def perform(self, api_key):
        services.api_key_revoke(api_key=api_key)
        return _("已吊销密钥 %(name)s。") % {"name": api_key.name}
