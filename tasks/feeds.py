"""The iCalendar feed of a user's tasks and the page that makes and revokes its URL."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from tasks.models import CalendarFeed
from tasks.services import reminders


class CalendarFeedView(View):
    """The feed itself: no login (calendar programs have none), the secret token in
    the URL instead; an unknown or revoked token is a 404. The feed row and the
    stamp of its tasks (two queries) answer a poll that has the current document
    (If-None-Match: 304); a third reads the kept document, or the tasks are read
    and rendered again when the stamp moved (four queries)."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        feed = get_object_or_404(
            CalendarFeed.objects.select_related("user__salesperson").defer("body"),
            token=token,
        )
        # The program that reads it sends no language: the salesperson's is used.
        language = reminders.language_of(getattr(feed.user, "salesperson", None))
        with translation.override(language):
            response = self.feed_response(request, feed)
        response["Content-Language"] = language
        return response

    def feed_response(self, request, feed):
        user = feed.user
        name = _("Tasks of %(user)s") % {
            "user": user.get_full_name() or user.get_username()
        }
        stamp = reminders.feed_stamp(feed, name=name)
        if reminders.is_kept(feed, stamp):
            etag = reminders.feed_etag(feed)
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                return self.headers(HttpResponseNotModified(), etag)
        body = reminders.feed_document(feed, name=name, stamp=stamp)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="tasks.ics"'
        return self.headers(response, reminders.feed_etag(feed))

    @staticmethod
    def headers(response, etag):
        response["ETag"] = etag
        # A secret in the URL: keep it out of shared caches and referrers.
        response["Cache-Control"] = "private, max-age=300"
        response["Referrer-Policy"] = "no-referrer"
        return response


class CalendarFeedSettingsView(PermissionRequiredMixin, TemplateView):
    """Agenda-abonnement: the user's feed URL, a new one, or none."""

    permission_required = "tasks.view_task"
    template_name = "tasks/calendar_feed.html"

    def get_context_data(self, **kwargs):
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        url = self.request.build_absolute_uri(feed.get_absolute_url()) if feed else ""
        return super().get_context_data(feed=feed, feed_url=url, **kwargs)

    def post(self, request):
        if request.POST.get("action") == "revoke":
            reminders.revoke_feed(request.user)
            messages.success(request, _("The calendar link no longer works."))
        else:
            replaced = CalendarFeed.objects.filter(user=request.user).exists()
            reminders.create_feed(request.user)
            messages.success(
                request,
                _("Your calendar link is ready; an earlier one stopped working.")
                if replaced
                else _("Your calendar link is ready."),
            )
        return HttpResponseRedirect(reverse("tasks:calendar_settings"))
