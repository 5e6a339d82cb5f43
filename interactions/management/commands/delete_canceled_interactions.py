import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.models import Contact, Salesperson
from interactions.models import InteractionGroup, InteractionTemplate
from interactions.services import delete_canceled_entries


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a valid date. Use YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Delete canceled interaction log entries (NAV's 'Delete Canceled Interaction "
        "Log Entries'). Postponed and uncanceled entries are never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", help="Only entries dated before this day (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--after", help="Only entries dated after this day (YYYY-MM-DD)."
        )
        parser.add_argument("--contact", help="Only entries of this contact (its no.).")
        parser.add_argument(
            "--template", help="Only entries of this interaction template (its code)."
        )
        parser.add_argument(
            "--group", help="Only entries of this interaction group (its code)."
        )
        parser.add_argument(
            "--salesperson", help="Only entries of this salesperson (its code)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the entries that would be deleted; delete nothing.",
        )

    def handle(self, *args, **options):
        filters = {
            "before": iso_date(options["before"]) if options["before"] else None,
            "after": iso_date(options["after"]) if options["after"] else None,
            "contact": self.lookup(Contact, "no", options["contact"]),
            "template": self.lookup(InteractionTemplate, "code", options["template"]),
            "group": self.lookup(InteractionGroup, "code", options["group"]),
            "salesperson": self.lookup(Salesperson, "code", options["salesperson"]),
        }
        # No user runs a command: its audit record names none.
        count = delete_canceled_entries(**filters, dry_run=options["dry_run"])
        if options["dry_run"]:
            message = ngettext(
                "%(count)d interaction log entry would be deleted.",
                "%(count)d interaction log entries would be deleted.",
                count,
            )
        else:
            message = ngettext(
                "%(count)d interaction log entry deleted.",
                "%(count)d interaction log entries deleted.",
                count,
            )
        self.stdout.write(message % {"count": count})

    def lookup(self, model, field, value):
        if value is None:
            return None
        try:
            # A code that names nothing is an error, never "no filter": that would
            # delete far more than asked.
            return model.objects.get(**{field: value})
        except model.DoesNotExist:
            raise CommandError(
                _("%(model)s “%(value)s” does not exist.")
                % {"model": model._meta.verbose_name.capitalize(), "value": value}
            ) from None
