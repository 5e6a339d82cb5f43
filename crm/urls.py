from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from crm import accounts, views
from crm.exports import export_path
from interactions import views as interaction_views
from segments import views as segment_views

app_patterns = [
    path("contacts/", views.ContactListView.as_view(), name="contact_list"),
    path("contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    export_path("contacts/", views.ContactExportView, "contact_export"),
    path("contacts/import/", views.ContactImportView.as_view(), name="contact_import"),
    path(
        "contacts/import/confirm/",
        views.ContactImportConfirmView.as_view(),
        name="contact_import_confirm",
    ),
    path(
        "contacts/<int:pk>/", views.ContactDetailView.as_view(), name="contact_detail"
    ),
    path(
        "contacts/<int:pk>/edit/",
        views.ContactUpdateView.as_view(),
        name="contact_update",
    ),
    path(
        "contacts/<int:pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path("salespeople/", views.SalespersonListView.as_view(), name="salesperson_list"),
    path(
        "salespeople/new/",
        views.SalespersonCreateView.as_view(),
        name="salesperson_create",
    ),
    path(
        "salespeople/<int:pk>/",
        views.SalespersonDetailView.as_view(),
        name="salesperson_detail",
    ),
    path(
        "salespeople/<int:pk>/edit/",
        views.SalespersonUpdateView.as_view(),
        name="salesperson_update",
    ),
    path(
        "setup/marketing/",
        views.MarketingSetupUpdateView.as_view(),
        name="marketing_setup",
    ),
    path(
        "setup/number-series/",
        views.NumberSeriesListView.as_view(),
        name="numberseries_list",
    ),
    path(
        "setup/number-series/new/",
        views.NumberSeriesCreateView.as_view(),
        name="numberseries_create",
    ),
    path(
        "setup/number-series/<int:pk>/edit/",
        views.NumberSeriesUpdateView.as_view(),
        name="numberseries_update",
    ),
    path("setup/audit-trail/", views.AuditRecordListView.as_view(), name="audit_list"),
    export_path("setup/audit-trail/", views.AuditRecordExportView, "audit_export"),
]

# The JSON the lookup fields search (crm.lookups), one URL per model.
lookup_patterns = [
    path("contacts/", segment_views.ContactLookupView.as_view(), name="contacts"),
    path("salespeople/", views.SalespersonLookupView.as_view(), name="salespeople"),
    path(
        "templates/", interaction_views.TemplateLookupView.as_view(), name="templates"
    ),
    path("groups/", interaction_views.GroupLookupView.as_view(), name="groups"),
    path(
        "logged-segments/",
        segment_views.LoggedSegmentLookupView.as_view(),
        name="logged_segments",
    ),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.PageSearchView.as_view(), name="search"),
    path(
        "search/suggestions/",
        views.PageSearchSuggestionsView.as_view(),
        name="search_suggestions",
    ),
    path("", include((app_patterns, "crm"))),
    path("lookup/", include((lookup_patterns, "lookup"))),
    path("interactions/", include("interactions.urls")),
    path("segments/", include("segments.urls")),
    path("api/", include("api.urls")),
    # Before Django's own: the password pages with their limits (crm.accounts).
    path(
        "accounts/password_reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler500 = "crm.views.server_error"
