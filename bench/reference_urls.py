"""The site's URLs and the throughput scenario's reference page: a logged-in page that
runs one query of its own (besides the session and the user, as every page) and
renders its rows with a small template. The entry list is compared with it under the
same load, on the same gunicorn."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns
from crm.models import Salesperson

PAGE = engines["django"].from_string(
    "<!doctype html><html><head><title>One query</title></head><body><table>"
    "{% for code, name in rows %}<tr><td>{{ code }}</td><td>{{ name }}</td></tr>"
    "{% endfor %}</table></body></html>"
)


def one_query(request):
    rows = Salesperson.objects.order_by("code").values_list("code", "name")[:25]
    return HttpResponse(PAGE.render({"rows": rows}, request))


urlpatterns = [
    *site_urlpatterns,
    path("bench/one-query/", one_query, name="bench_one_query"),
]

__all__ = ["handler500", "urlpatterns"]
