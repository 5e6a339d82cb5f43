from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import criteria, privacy_endpoints, task_endpoints, views
from segments.urls import SegmentNoConverter

app_name = "api"


def api_view(view_class, **initkwargs):
    # DRF authenticates (token or session) and answers 401 itself; the site's
    # LoginRequiredMiddleware would send API clients to the login page instead.
    return login_not_required(view_class.as_view(**initkwargs))


urlpatterns = [
    path("v1/documents/", api_view(views.DocumentCreateView), name="document_create"),
    path("v1/contacts/", api_view(views.ContactListView), name="contact_list"),
    path(
        "v1/interactions/",
        api_view(views.InteractionLogEntryListCreateView),
        name="interaction_list",
    ),
    *(
        re_path(
            rf"^v1/segments/(?P<no>{SegmentNoConverter.regex})/{action}/$",
            api_view(view_class),
            name=name,
        )
        for action, view_class, name in [
            ("add-contacts", criteria.AddContactsView, "segment_add_contacts"),
            ("reduce", criteria.ReduceView, "segment_reduce"),
            ("refine", criteria.RefineView, "segment_refine"),
            ("go-back", criteria.GoBackView, "segment_go_back"),
        ]
    ),
    path("v1/tasks/", api_view(task_endpoints.TaskListCreateView), name="task_list"),
    path(
        "v1/tasks/<str:no>/",
        api_view(task_endpoints.TaskDetailView),
        name="task_detail",
    ),
    path(
        "v1/tasks/<str:no>/complete/",
        api_view(task_endpoints.TaskCompleteView),
        name="task_complete",
    ),
    path(
        "v1/contacts/<str:no>/export/",
        api_view(privacy_endpoints.ContactExportView),
        name="contact_export",
    ),
    path(
        "v1/contacts/<str:no>/erase/",
        api_view(privacy_endpoints.ContactEraseView),
        name="contact_erase",
    ),
    path("schema/", api_view(SpectacularAPIView), name="schema"),
    path("docs/", api_view(SpectacularSwaggerView, url_name="api:schema"), name="docs"),
]
