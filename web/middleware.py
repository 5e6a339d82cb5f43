"""The site's own middleware, and the hooks django-axes' middleware calls."""

import ipaddress

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


def policy_header(policy):
    """`{"default-src": ["'self'"], …}` as a header value: `default-src 'self'; …`."""
    return "; ".join(
        " ".join([directive, *sources]) for directive, sources in policy.items()
    )


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy of settings.SECURE_CSP, or the policy
    SECURE_CSP_VIEWS names for the view that answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Unset when no URL matched (a 404): those pages get the site's policy.
        match = request.resolver_match
        policy = settings.SECURE_CSP_VIEWS.get(match.view_name) if match else None
        response.headers.setdefault(
            "Content-Security-Policy", policy_header(policy or settings.SECURE_CSP)
        )
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over settings.MAX_REQUEST_BODY with 413
    before anything reads it: Django's own limits apply only once a form is parsed,
    and reading a 300 MB upload to find out costs the worker the time it takes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY:
            return HttpResponse(
                _("The request is too large: at most %(limit)s can be sent.")
                % {"limit": filesizeformat(settings.MAX_REQUEST_BODY)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers carry personal data: no browser or proxy may keep a copy
    (Cache-Control: no-store), unless the view chose its own caching. Static files are
    answered before this, by whitenoise, and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def login_locked_out(request, original_response=None, credentials=None):
    """The login page with the lockout message (axes' AXES_LOCKOUT_CALLABLE), for the
    site's login and the admin's."""
    minutes = round(get_cool_off(request).total_seconds() / 60)
    context = {
        "form": AuthenticationForm(request),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "locked_out_minutes": minutes,
    }
    return render(
        request,
        "registration/login.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def client_ip(request):
    """The client's address (AXES_CLIENT_IP_CALLABLE): the direct peer, unless that
    is one of settings.TRUSTED_PROXIES; then the right-most X-Forwarded-For hop that
    is not a trusted proxy. Hops further left were written by the client, who can
    put any address there, so they are never believed."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    hops = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    ]
    for hop in reversed([hop for hop in hops if hop]):
        if not is_trusted_proxy(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                # Not an address: a proxy we trust would not have written it.
                return peer
    return peer


def is_trusted_proxy(address):
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_username(request, credentials=None):
    """The user name a failed login is recorded under (AXES_USERNAME_CALLABLE): the one
    typed, cut to what axes' table holds. Django's login forms do not limit its
    length, and PostgreSQL refused a longer one with a server error."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
