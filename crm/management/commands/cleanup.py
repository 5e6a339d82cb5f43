from django.core.management.base import BaseCommand

from crm.resources import remove_stale_import_previews


class Command(BaseCommand):
    help = (
        "Remove what is only kept for a while: uploads waiting for a contact import "
        "that nobody confirmed within an hour (IMPORT_PREVIEW_MAX_AGE). Run it from "
        "cron or a systemd timer (deploy/systemd/crm-cleanup.timer)."
    )

    def handle(self, *args, **options):
        removed = remove_stale_import_previews()
        self.stdout.write(f"{removed} import preview(s) removed.")
