import os
from contextlib import ExitStack

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from crm.contact_import import (
    InvalidRowsReport,
    contact_rows,
    import_contacts,
)

FORMATS = ("csv", "xlsx")


class Command(BaseCommand):
    help = (
        "Import contacts from a CSV (UTF-8, comma or semicolon) or Excel .xlsx file, "
        "as Contacts → Import does: the same columns, checks and bounds, 1,000 rows "
        "per transaction. Rows with the no. of an existing contact are rejected "
        "unless --update is given. Progress goes to stderr, the summary and the "
        "rejected rows to stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and say what importing would do; write nothing.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Change the contacts whose no. is in the file (else such rows are "
            "rejected).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The user the import is done for (default: none).",
        )
        parser.add_argument(
            "--report",
            metavar="PATH",
            help="Write the rejected rows, with their row numbers and messages, to "
            "this CSV file.",
        )

    def handle(self, *args, file, dry_run, update, user, report, **options):
        file_format = os.path.splitext(file)[1].lower().lstrip(".")
        if file_format not in FORMATS:
            raise CommandError(f"{file} is not a .csv or .xlsx file.")
        try:
            size = os.path.getsize(file)
            if size > settings.IMPORT_MAX_UPLOAD_SIZE:
                raise CommandError(
                    f"{file} is {filesizeformat(size)}; a file to import may be at "
                    f"most {filesizeformat(settings.IMPORT_MAX_UPLOAD_SIZE)} "
                    "(DJANGO_IMPORT_MAX_UPLOAD_MB)."
                )
            with open(file, "rb") as source:
                content = source.read()
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from None
        actor = self.user(user)
        try:
            headers, rows = contact_rows(content, file_format)
            # A CSV is counted in a fraction of the import's time; a workbook
            # would be read twice, so its progress is shown without a total.
            total = sum(1 for _row in rows) if file_format == "csv" else None
            with ExitStack() as stack:
                invalid = None
                if report:
                    invalid = InvalidRowsReport(
                        stack.enter_context(self.open_report(report)), headers
                    )
                summary = import_contacts(
                    content,
                    file_format,
                    user=actor,
                    update=update,
                    dry_run=dry_run,
                    progress=lambda summary: self.progress(summary, total),
                    report=invalid,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            self.stderr.write("")
        for row in summary.rows:
            if not row.valid:
                messages = "; ".join(
                    f"{column}: {message}" if column else message
                    for column, message in row.errors
                )
                self.stdout.write(f"Row {row.line}: {messages}")
        prefix = "Dry run, nothing written: " if dry_run else "Import finished: "
        self.stdout.write(prefix + summary.text())

    def user(self, username):
        if username is None:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None

    def open_report(self, path):
        try:
            return open(path, "w", encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from None

    def progress(self, summary, total):
        """A one-line bar on stderr, redrawn after each batch."""
        if total:
            filled = 30 * summary.read // total
            percent = 100 * summary.read // total
            line = (
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d} % "
                f"{summary.read:,} / {total:,} rows"
            )
        else:
            line = f"\r{summary.read:,} rows"
        self.stderr.write(line, ending="")
        self.stderr.flush()
