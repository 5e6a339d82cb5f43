"""crm's pages: contacts, salespeople, number series, marketing setup.

The contact and salesperson cards show interaction history, so they are
interactions' views; config.urls puts them in this namespace ("crm:contact_detail").
"""

from django.urls import path

from crm import views
from web.exports import export_path

urlpatterns = [
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
        "contacts/<int:pk>/edit/",
        views.ContactUpdateView.as_view(),
        name="contact_update",
    ),
    path(
        "contacts/<int:pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path(
        "contacts/<int:pk>/privacy-block/",
        views.ContactPrivacyBlockView.as_view(),
        name="contact_privacy_block",
    ),
    path("salespeople/", views.SalespersonListView.as_view(), name="salesperson_list"),
    path(
        "salespeople/new/",
        views.SalespersonCreateView.as_view(),
        name="salesperson_create",
    ),
    path(
        "salespeople/<int:pk>/edit/",
        views.SalespersonUpdateView.as_view(),
        name="salesperson_update",
    ),
    path(
        "salespeople/<int:pk>/delete/",
        views.SalespersonDeleteView.as_view(),
        name="salesperson_delete",
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
    path(
        "setup/number-series/<int:pk>/delete/",
        views.NumberSeriesDeleteView.as_view(),
        name="numberseries_delete",
    ),
]
