from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = _("Segments")

    def ready(self):
        from audit.models import show_detail_values
        from jobs import registry
        from segments.forms import options_in_words
        from segments.services.criteria_sources import recorded_criteria_in_words

        show_detail_values("criteria", recorded_criteria_in_words)
        show_detail_values(
            "options", lambda options: ", ".join(options_in_words(options)) or "—"
        )

        registry.register(
            "segments.deliver",
            "segments.services.delivery.deliver_job",
            label=_("Segment delivery"),
            on_stale="segments.services.recovery.delivery_went_stale",
        )
        registry.register(
            "segments.log",
            "segments.services.log.log_segment_job",
            label=_("Segment logging"),
        )
