"""Every form page of ours answers a form with errors as BadInputMixin does: the
page again with the messages, as a 400 (the client's error). The views' own tests
post bad input and read the 400 and the message back; this one finds a new form
page that would answer 200."""

from django.urls import get_resolver
from django.views.generic.edit import FormMixin

from web.views import BadInputMixin


def view_classes(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from view_classes(pattern)
        elif (view := getattr(pattern.callback, "view_class", None)) is not None:
            yield str(pattern.pattern), view


def test_every_form_page_of_ours_answers_bad_input_with_400():
    # Django's own login and password reset confirmation keep Django's answer.
    ours = [
        (route, view)
        for route, view in view_classes()
        if issubclass(view, FormMixin)
        and not view.__module__.startswith(("django.", "rest_framework."))
    ]
    assert len(ours) > 40
    assert [
        f"{route} {view.__module__}.{view.__name__}"
        for route, view in ours
        if not issubclass(view, BadInputMixin)
    ] == []
