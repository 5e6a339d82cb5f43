import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from interactions.models import InteractionDailyStatistics, InteractionTotalStatistics
from interactions.services import rebuild_statistics


class Command(BaseCommand):
    help = (
        "Compute the interaction statistics (the start page's charts, the statistics "
        "of templates, groups and salespeople) afresh from the interaction log "
        "entries: after entries were loaded past the services, or a restore."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rebuild_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Statistics rebuilt in %(seconds).1f s: %(daily)s daily rows, "
                    "%(totals)s total rows."
                )
                % {
                    "seconds": time.perf_counter() - started,
                    "daily": InteractionDailyStatistics.objects.count(),
                    "totals": InteractionTotalStatistics.objects.count(),
                }
            )
        )
