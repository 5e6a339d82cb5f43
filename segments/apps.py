from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = _("Segments")

    def ready(self):
        from jobs import registry

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
