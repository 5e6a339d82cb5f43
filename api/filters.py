from django.utils.translation import gettext_lazy as _

from crm.filters import AmountFilter
from interactions.filters import InteractionLogEntryFilter


class EntryApiFilter(InteractionLogEntryFilter):
    """The entry list's filters, with amounts read as programs write them
    (`cost_from=1250.50`) whatever language the request asks for: a program's
    `1.250` is 1.25, never 1250 because it sent Accept-Language nl."""

    cost_from = AmountFilter(
        label=_("Cost from"), field_name="cost", lookup_expr="gte", localize=False
    )
    cost_to = AmountFilter(
        label=_("Cost to"), field_name="cost", lookup_expr="lte", localize=False
    )
