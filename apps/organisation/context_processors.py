from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.organisation.roles import ROLE_HOMES, Capability, Role, can

# Sections of the brand site's navigation and the capability each needs.
_SECTIONS = [
    (_("人员"), "organisation:people", Capability.ORG_VIEW),
    (_("团队"), "organisation:teams", Capability.ORG_VIEW),
    (_("API 密钥"), "organisation:api_keys", Capability.API_KEYS_MANAGE),
]


def navigation(request):
    """The brand site's menu: the homes of the roles one holds, then what one may manage."""
    user = getattr(request, "user", None)
    if connection.schema_name == "public" or user is None or not user.is_authenticated:
        return {}
    labels = dict(Role.choices)
    homes = [(labels[role], reverse(url)) for role, cap, url in ROLE_HOMES if can(user, cap) and role in user.roles]
    sections = [(label, reverse(url)) for label, url, cap in _SECTIONS if can(user, cap)]
    # caps.org_manage etc.: templates show an action only to those who may use it.
    caps = {capability.name.lower(): can(user, capability) for capability in Capability}
    return {
        "caps": caps,
        "nav_homes": homes,
        "nav_sections": sections,
        "nav_admin_site": can(user, Capability.BRAND_ADMIN_SITE),
        "nav_api_docs": can(user, Capability.ORG_VIEW),
    }
