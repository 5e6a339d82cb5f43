"""Forms that act once: each rendering carries a one-time token, and the action of a
submit runs only for the first request that brings it. A second submit of the same
form (a double click, a browser resending) waits for the first to finish and is
answered with its result instead of doing the work again."""

import uuid
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from crm.models import FormSubmission

FIELD = "submission_token"


class AlreadySubmitted(Exception):
    """This form was sent before; `result_url` is where its first submit led."""

    def __init__(self, result_url):
        super().__init__(result_url)
        self.result_url = result_url


def new_token():
    return uuid.uuid4()


def read_token(data):
    """The token a form sent, or None when it sent none or not one of ours."""
    try:
        return uuid.UUID(str(data.get(FIELD, "")))
    except ValueError:
        return None


def check_not_sent(token):
    """Raise AlreadySubmitted when the form with `token` was sent and done before:
    checked first, so a resent form is not asked about again (a warning page)."""
    if token is not None:
        earlier = FormSubmission.objects.filter(token=token).first()
        if earlier is not None:
            raise AlreadySubmitted(earlier.result_url)


@contextmanager
def submitted_once(token, *, user):
    """Run the block once per `token`, in one transaction with the token's record.

    Yields the record, whose `result_url` the block sets. A second caller with the
    same token waits on the unique key until the first commits, then gets
    AlreadySubmitted; if the first failed (rolled back), the second runs. Without a
    token (an old page) the block simply runs.
    """
    if token is None:
        yield FormSubmission()
        return
    with transaction.atomic():
        try:
            # A savepoint: the failed INSERT must not break the outer transaction,
            # which still reads the earlier record.
            with transaction.atomic():
                submission = FormSubmission.objects.create(token=token, user=user)
        except IntegrityError:
            earlier = FormSubmission.objects.get(token=token)
            raise AlreadySubmitted(earlier.result_url) from None
        yield submission
        submission.save(update_fields=["result_url"])
