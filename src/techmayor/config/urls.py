from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from techmayor.accounts import views as accounts_views

admin.site.site_header = _("科技镇长团工作平台")
admin.site.site_title = _("科技镇长团工作平台")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", include("techmayor.web.urls")),
    path("accounts/", include("techmayor.accounts.urls")),
    path("notifications/", include("techmayor.notifications.urls")),
    path("enterprises/", include("techmayor.enterprises.urls")),
    path("ledger/", include("techmayor.ledger.urls")),
    path("needs/", include("techmayor.needs.urls")),
    path("intake/", include("techmayor.needs.intake_urls")),  # public, no login: per-town need intake
    path("files/", include("techmayor.core.urls")),  # attachments, served only after the scope check
    path("cooperation/", include("techmayor.cooperation.urls")),
    path("roster/", include("techmayor.roster.urls")),
    path("resources/", include("techmayor.resources.urls")),
    path("policies/", include("techmayor.policies.urls")),
    path("library/", include("techmayor.library.urls")),
    path("matching/", include("techmayor.matchmaking.urls")),
    path("imports/", include("techmayor.imports.urls")),
    path("scorecard/", include("techmayor.scorecard.urls")),
    path("dashboard/", include("techmayor.dashboards.urls")),
    path("targets/", include("techmayor.targets.urls")),
    path("api/", include("techmayor.api.urls")),
    # Django's language switch, which also sets a signed-in person's e-mail language.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
