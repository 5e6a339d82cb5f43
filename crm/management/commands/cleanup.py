from datetime import timedelta

from django.core.management.base import BaseCommand

from crm.imports import remove_stale_import_previews
from crm.services import forget_attempts, forget_submissions


class Command(BaseCommand):
    help = (
        "Remove what is only kept for a while: uploads waiting for a contact import "
        "that nobody confirmed within an hour (IMPORT_PREVIEW_MAX_AGE), and counted "
        "password attempts and one-time form tokens older than a day. Run it from "
        "cron or a systemd timer (deploy/systemd/crm-cleanup.timer)."
    )

    def handle(self, *args, **options):
        removed = remove_stale_import_previews()
        self.stdout.write(f"{removed} import preview(s) removed.")
        forgotten = forget_attempts(older_than=timedelta(days=1))
        self.stdout.write(f"{forgotten} counted attempt(s) removed.")
        tokens = forget_submissions(older_than=timedelta(days=1))
        self.stdout.write(f"{tokens} form token(s) removed.")
