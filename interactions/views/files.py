"""Attachments as downloads. They are private: the media folder is not served, so
each row with a file (an entry, a template, a language version) has a view that
serves it to the users who may see that row, named after it."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
    attachment_name,
)


class AttachmentDownloadView(PermissionRequiredMixin, DetailView):
    """The `attachment` of the view's object, named after its description."""

    def render_to_response(self, context):
        attachment = self.object.attachment
        if not attachment or not attachment.storage.exists(attachment.name):
            raise Http404(_("There is no attachment."))
        return FileResponse(
            attachment.open("rb"),
            as_attachment=True,
            filename=attachment_name(attachment, self.object.description),
        )


class EntryAttachmentView(AttachmentDownloadView):
    permission_required = "interactions.view_interactionlogentry"

    def get_queryset(self):
        return InteractionLogEntry.objects.visible_to(self.request.user)


class TemplateAttachmentView(AttachmentDownloadView):
    permission_required = "interactions.view_interactiontemplate"
    model = InteractionTemplate


class TemplateLanguageAttachmentView(AttachmentDownloadView):
    permission_required = "interactions.view_interactiontemplate"

    def get_object(self, queryset=None):
        version = get_object_or_404(
            InteractionTemplateLanguage.objects.select_related("template"),
            pk=self.kwargs["language_pk"],
            template=self.kwargs["pk"],
        )
        # Named as it is sent: the version's own description, else the template's.
        version.description = version.description or version.template.description
        return version
