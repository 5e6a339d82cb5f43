from django.core.management.base import BaseCommand

from crm.tasks import cleanup


class Command(BaseCommand):
    help = (
        "Remove what is only kept for a while: uploads waiting for a contact import "
        "that nobody confirmed within an hour (IMPORT_PREVIEW_MAX_AGE), and counted "
        "password attempts and one-time form tokens older than a day. The clock "
        "(`manage.py clock`) runs the same task every hour; this runs it now."
    )

    def handle(self, *args, **options):
        removed = cleanup.call()
        self.stdout.write(f"{removed['previews']} import preview(s) removed.")
        self.stdout.write(f"{removed['attempts']} counted attempt(s) removed.")
        self.stdout.write(f"{removed['tokens']} form token(s) removed.")
