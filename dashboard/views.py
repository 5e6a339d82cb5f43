"""The start page (Rollencentrum) and the page search."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from crm.models import Salesperson
from crm.roles import CRM_ADMIN, SALES
from dashboard.forms import DashboardForm, PageSearchForm
from dashboard.search import DROPDOWN_PAGES, search
from dashboard.selectors import dashboard
from segments.selectors import active_segments
from tasks.models import Task
from web.views import BadInputMixin


class HomeView(TemplateView):
    """The start page: the user's postponed interactions to resume, the active
    segments, recent interactions and charts. Open to every logged-in user; each
    section needs the permission to view what it shows.

    "Mine" is the salesperson linked to the login. Who holds TEAM_PERMISSION sees the
    whole team, or one salesperson chosen in the form, instead.
    """

    template_name = "dashboard/home.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        # The page still answers, on the default periods, with the form's errors.
        status = 400 if context["form"].errors else 200
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # A blocked salesperson still sees their own history and drafts.
        own = Salesperson.objects.filter(user=user).first()
        team = user.has_perm(TEAM_PERMISSION)
        form = DashboardForm(self.request.GET or None, team=team)
        # A login in neither role (no group yet) may open none of the CRM's pages:
        # the page says who can give it one instead of showing nothing.
        has_role = any(user.has_module_perms(app) for app in ROLE_APPS)
        context.update(
            salesperson=own,
            team=team,
            form=form,
            has_role=has_role,
            role_names={"sales": SALES, "admin": CRM_ADMIN},
        )
        if own is not None and user.has_perm("tasks.view_task"):
            context["task_counts"] = Task.objects.for_salesperson(own).due_counts()
        if user.has_perm("segments.view_segment"):
            segments, more_segments = active_segments()
            context.update(active_segments=segments, more_segments=more_segments)
        if not user.has_perm("interactions.view_interactionlogentry"):
            return context
        chosen = None
        # Without the team permission the form's salesperson is ignored, not an
        # error: the field is not there for them.
        if team and form.is_bound and form.is_valid():
            chosen = form.cleaned_data["salesperson"]
        shown = chosen if team else own
        context.update(
            dashboard(
                user=user,
                own_salesperson=own,
                salesperson=shown,
                whole_team=team and chosen is None,
                period=form.period(),
            ),
            shown_salesperson=shown,
        )
        return context


class PageSearchView(BadInputMixin, TemplateView):
    """Zoeken naar pagina of rapport (search for page or report) as a page: the top
    bar's box sends its form here without JavaScript. No query lists every page the
    user may open. Open to every logged-in user; it offers only what they may open.
    """

    template_name = "dashboard/search.html"

    def get(self, request, *args, **kwargs):
        form = PageSearchForm(request.GET)
        if not form.is_valid():
            return self.form_invalid(form, groups=[])
        groups = search(form.cleaned_data["q"], user=request.user)
        return self.render_to_response(self.get_context_data(form=form, groups=groups))


class PageSearchSuggestionsView(View):
    """The top bar's dropdown as JSON: what PageSearchView lists, a few pages fewer
    (the dropdown links to the page for the rest), and a sentence that says how many
    were found for screen readers."""

    def get(self, request):
        form = PageSearchForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        query = form.cleaned_data["q"].strip()
        groups = search(query, user=request.user, page_limit=DROPDOWN_PAGES)
        count = sum(len(group["results"]) for group in groups)
        summary = ngettext("%(count)s result", "%(count)s results", count) % {
            "count": count
        }
        return JsonResponse(
            {
                "query": query,
                "groups": groups,
                "summary": summary if count else str(_("Nothing found")),
                "results_url": f"{reverse('search')}?{urlencode({'q': query})}",
            }
        )


# The apps whose pages the two roles open; a login with no permission in any of
# them has no role yet.
ROLE_APPS = ("crm", "interactions", "segments", "tasks")

# Who manages the salespeople sees the whole team on the start page (CRM admins).
TEAM_PERMISSION = "crm.change_salesperson"
