"""``/api/v1/…`` (the API), ``/api/schema/`` (OpenAPI 3) and ``/api/docs/`` (Swagger UI, served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .views import enterprises, figures, needs, records, roster

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
records.register(router)
router.register("enterprises", enterprises.EnterpriseViewSet, basename="enterprise")
router.register("needs", needs.NeedViewSet, basename="need")
router.register("leads", needs.LeadViewSet, basename="lead")
router.register("groups", roster.GroupViewSet, basename="group")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/scorecard/", figures.ScorecardView.as_view(), name="scorecard"),
    path("v1/dashboard/", figures.DashboardView.as_view(), name="dashboard"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
