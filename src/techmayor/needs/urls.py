from django.urls import path

from . import policy_views, views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("export.xlsx", views.need_export, name="need_export"),
    path("<int:pk>/", views.need_detail, name="need_detail"),
    path("<int:pk>/do/<str:action>/", views.need_action, name="need_action"),
    path("<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("<int:pk>/withdraw/", views.need_withdraw, name="need_withdraw"),
    path("<int:pk>/restore/", views.need_restore, name="need_restore"),
    path("<int:pk>/complete/", views.need_complete, name="need_complete"),
    path("<int:pk>/merge/", views.need_merge, name="need_merge"),
    path("<int:pk>/progress/", views.need_progress, name="need_progress"),
    path("<int:pk>/policies/", policy_views.need_policy_link, name="need_policy_link"),
    path("<int:pk>/policies/<int:link_pk>/remove/", policy_views.need_policy_unlink, name="need_policy_unlink"),
    path("<int:pk>/collaborators/invite/", views.collaborator_invite, name="collaborator_invite"),
    path("<int:pk>/collaborators/request/", views.collaborator_request, name="collaborator_request"),
    path(
        "<int:pk>/collaborators/<int:link_pk>/accept/",
        views.collaborator_respond,
        {"decision": "accept"},
        name="collaborator_accept",
    ),
    path(
        "<int:pk>/collaborators/<int:link_pk>/decline/",
        views.collaborator_respond,
        {"decision": "decline"},
        name="collaborator_decline",
    ),
    path("<int:pk>/collaborators/<int:link_pk>/leave/", views.collaborator_leave, name="collaborator_leave"),
    path("<int:pk>/outcomes/new/", views.outcome_add, name="outcome_add"),
    path("<int:pk>/outcomes/<int:outcome_pk>/approve/", views.outcome_approve, name="outcome_approve"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("leads/<int:pk>/reject/", views.lead_reject, name="lead_reject"),
    path("leads/<int:pk>/withdraw/", views.lead_withdraw, name="lead_withdraw"),
    path("leads/<int:pk>/restore/", views.lead_restore, name="lead_restore"),
    path("intake-links/", views.intake_links, name="intake_links"),
    path("intake-links/<int:region_pk>/", views.intake_link, name="intake_link"),
    path("intake-links/<int:region_pk>/open/", views.intake_link_open, name="intake_link_open"),
    path("intake-links/<int:region_pk>/close/", views.intake_link_close, name="intake_link_close"),
    path("intake-links/<int:region_pk>/qr.png", views.intake_link_png, name="intake_link_png"),
]
