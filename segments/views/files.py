"""A segment's and its lines' attachments as downloads (interactions.views.files)."""

from django.shortcuts import get_object_or_404

from interactions.views import AttachmentDownloadView
from segments.models import Segment, SegmentLine


class SegmentAttachmentView(AttachmentDownloadView):
    permission_required = "segments.view_segment"

    def get_object(self, queryset=None):
        return get_object_or_404(Segment, no=self.kwargs["no"])


class SegmentLineAttachmentView(AttachmentDownloadView):
    permission_required = "segments.view_segment"

    def get_object(self, queryset=None):
        return get_object_or_404(
            SegmentLine, pk=self.kwargs["pk"], segment__no=self.kwargs["no"]
        )
