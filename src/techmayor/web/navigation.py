"""The main navigation: one list, shown as the top bar on wide screens and a tab bar on phones."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles, has_role
from techmayor.roster.selectors import can_write

# (url name, label, icon, shown in the phone tab bar)
NAV = [
    ("web:home", _("首页"), "bi-house", True),
    ("ledger:visit_list", _("走访"), "bi-geo-alt", True),
    ("needs:need_list", _("需求"), "bi-lightbulb", True),
    ("enterprises:enterprise_list", _("企业"), "bi-buildings", True),
    ("ledger:record_index", _("台账"), "bi-journal-text", False),
    ("roster:group_list", _("支团"), "bi-people", True),
    ("scorecard:overview", _("成绩单"), "bi-bar-chart", False),
    ("dashboards:dashboard", _("看板"), "bi-graph-up", False),
    ("targets:target_list", _("目标"), "bi-bullseye", False),
    ("matchmaking:search", _("资源池"), "bi-search", False),
    ("library:expert_list", _("专家库"), "bi-mortarboard", False),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items = []
    for name, label, icon, in_tabs in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a page not built yet
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "active": active, "in_tabs": in_tabs})
    roles = _("、").join(sorted({str(a.get_role_display()) for a in active_roles(request.user)}))
    return {
        "nav_items": items,
        "tab_items": [i for i in items if i["in_tabs"]][:5],
        "user_roles": roles or (str(_("超级管理员")) if request.user.is_superuser else ""),
        "can_manage_matching": has_role(request.user, Role.CITY_ADMIN),
        # who may import something: writers of records, town staff (their needs and enterprises), admins
        "can_import": has_role(request.user, Role.CITY_ADMIN, Role.TOWN_STAFF) or can_write(request.user),
    }
