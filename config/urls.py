"""The root URLs: every app's pages, the lookups, the API, accounts and admin."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from crm import accounts
from crm import urls as crm_urls
from crm import views as crm_views
from dashboard import views as dashboard_views
from interactions import views as interaction_views
from interactions.views import cards
from segments import views as segment_views

# The JSON the lookup fields search (web.lookups), one URL per model.
lookup_patterns = [
    path("contacts/", segment_views.ContactLookupView.as_view(), name="contacts"),
    path("salespeople/", crm_views.SalespersonLookupView.as_view(), name="salespeople"),
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

# crm's pages and the two cards with their history (interactions.views.cards).
crm_patterns = [
    *crm_urls.urlpatterns,
    path(
        "contacts/<int:pk>/", cards.ContactDetailView.as_view(), name="contact_detail"
    ),
    path(
        "salespeople/<int:pk>/",
        cards.SalespersonDetailView.as_view(),
        name="salesperson_detail",
    ),
]

urlpatterns = [
    path("", dashboard_views.HomeView.as_view(), name="home"),
    path("search/", dashboard_views.PageSearchView.as_view(), name="search"),
    path(
        "search/suggestions/",
        dashboard_views.PageSearchSuggestionsView.as_view(),
        name="search_suggestions",
    ),
    path("", include((crm_patterns, "crm"))),
    path("", include("audit.urls")),
    path("jobs/", include("jobs.urls")),
    path("lookup/", include((lookup_patterns, "lookup"))),
    path("interactions/", include("interactions.urls")),
    path("segments/", include("segments.urls")),
    path("tasks/", include("tasks.urls")),
    path("privacy/", include("privacy.urls")),
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
    # The admin's link to change one's password leads to the page above: one page,
    # with its limit, for everyone.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="password_change"),
    ),
    path("admin/", admin.site.urls),
]

handler404 = "web.views.page_not_found"
handler500 = "web.views.server_error"
