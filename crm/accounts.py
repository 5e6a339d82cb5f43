"""The password pages of django.contrib.auth, with limits: a password reset is
throttled per address and per client, and a wrong current password on the password
change page counts like a failed login."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm import services
from web.middleware import client_ip
from web.views import BadInputMixin

HOUR = 60 * 60
DAY = 24 * HOUR


def lifetime(seconds):
    """A link's lifetime in words: whole days, otherwise whole hours (at least one;
    rounded down, so the mail never promises more than the link keeps)."""
    if seconds >= DAY and seconds % DAY == 0:
        days = seconds // DAY
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    hours = max(1, seconds // HOUR)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def too_many(request, message):
    return render(
        request,
        "registration/throttled.html",
        {"message": message},
        status=429,
    )


class PasswordResetView(BadInputMixin, auth_views.PasswordResetView):
    """Django's password reset, at most PASSWORD_RESET_CLIENT_LIMIT requests an hour
    from one client and PASSWORD_RESET_ADDRESS_LIMIT mails an hour to one address.

    Past the address's limit the page answers as if the mail was sent, as it does
    for an unknown address: the answer never tells whether an address exists.
    The mail (registration/password_reset_*) is the CRM's own, in the page's language.
    """

    @property
    def extra_email_context(self):
        return {"valid_for": lifetime(settings.PASSWORD_RESET_TIMEOUT)}

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW
        # The client first: one machine trying many addresses is stopped before any
        # address's count grows.
        client = services.throttle_key("reset-client", client_ip(self.request))
        if services.over_limit(
            client, limit=settings.PASSWORD_RESET_CLIENT_LIMIT, window=window
        ):
            return too_many(
                self.request,
                _(
                    "Too many password reset requests from your address. Try again "
                    "in an hour."
                ),
            )
        services.count_attempt(client)
        address = services.throttle_key("reset-address", form.cleaned_data["email"])
        if services.over_limit(
            address, limit=settings.PASSWORD_RESET_ADDRESS_LIMIT, window=window
        ):
            # As if sent: a refusal here would tell that the address exists.
            return HttpResponseRedirect(self.get_success_url())
        services.count_attempt(address)
        return super().form_valid(form)


class PasswordChangeView(BadInputMixin, auth_views.PasswordChangeView):
    """Django's password change, where a wrong current password counts like a failed
    login: DJANGO_LOGIN_FAILURE_LIMIT of them lock the page for the cool-off time."""

    def key(self):
        # Per user, not per client: a stolen session tries from anywhere.
        return services.throttle_key("password-change", self.request.user.pk)

    def locked(self):
        return services.over_limit(
            self.key(),
            limit=settings.AXES_FAILURE_LIMIT,
            window=settings.AXES_COOLOFF_TIME,
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.locked():
            return too_many(
                request,
                _(
                    "Too many wrong passwords. Changing your password is blocked for "
                    "%(minutes)s minutes."
                )
                % {"minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)},
            )
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        # Only a wrong current password counts; a weak new one is no attack.
        if form.has_error("old_password"):
            services.count_attempt(self.key())
        return super().form_invalid(form)
