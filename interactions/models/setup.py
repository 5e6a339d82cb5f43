"""Setup: interaction groups, templates and the template setup of document types."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from crm.models import (
    CorrespondenceType,
    Language,
    correspondence_type_field,
)
from interactions.letters import PLACEHOLDERS
from interactions.models.fields import (
    DocumentType,
    InformationFlow,
    InitiatedBy,
    attachment_field,
    information_flow_field,
    initiated_by_field,
    minutes_field,
    money_field,
)
from web.db import UniqueMessagesModel, choices_constraint


class InteractionGroup(UniqueMessagesModel):
    # Codes are kept in capitals (interactions.services.templates), as NAV keeps
    # them, so a unique code is unique whatever the case typed.
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("interaction group")
        verbose_name_plural = _("interaction groups")

    def __str__(self):
        return f"{self.code} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("interactions:group_update", args=[self.pk])


class InteractionTemplateQuerySet(models.QuerySet):
    def active(self):
        """Not blocked: offered for new entries, segments and documents (NAV's Blocked
        keeps the template on the entries that already have it)."""
        return self.filter(blocked=False)


class InteractionTemplate(UniqueMessagesModel):
    InformationFlow = InformationFlow
    InitiatedBy = InitiatedBy
    CorrespondenceType = CorrespondenceType

    code = models.CharField(_("code"), max_length=20, unique=True)
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        related_name="templates",
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    unit_cost = money_field(_("unit cost"), _("The unit cost cannot be negative."))
    unit_duration = minutes_field(
        _("unit duration (min.)"), _("The unit duration cannot be negative.")
    )
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    correspondence_type = correspondence_type_field()
    ignore_contact_correspondence_type = models.BooleanField(
        _("ignore contact correspondence type"),
        default=False,
        help_text=_(
            "Use the template's correspondence type even when the contact has its own."
        ),
    )
    attachment = attachment_field()
    # A letter holds only the placeholders of interactions.letters, checked by the
    # template services: no template engine ever renders it.
    letter_text = models.TextField(
        _("letter and e-mail text"),
        blank=True,
        help_text=format_lazy(
            _(
                "The text of a letter printed or an e-mail sent to a contact; a "
                "language version's text replaces it in that language. "
                "Placeholders: {names}."
            ),
            names=", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS),
        ),
    )
    # A blocked template stays on the entries that used it; it is only no longer
    # offered, and the services refuse it for new ones.
    blocked = models.BooleanField(_("blocked"), default=False)

    objects = InteractionTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("interaction template")
        verbose_name_plural = _("interaction templates")
        constraints = [
            choices_constraint(
                "information_flow", InformationFlow, "template_information_flow_valid"
            ),
            choices_constraint(
                "initiated_by", InitiatedBy, "template_initiated_by_valid"
            ),
            choices_constraint(
                "correspondence_type",
                CorrespondenceType,
                "template_correspondence_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="template_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_duration__gte=0),
                name="template_unit_duration_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("interactions:template_update", args=[self.pk])

    def get_attachment_url(self):
        return reverse("interactions:template_attachment", args=[self.pk])


class InteractionTemplateLanguage(models.Model):
    """A template's text in one language (NAV's Interaction Template Language): what
    a contact writing in that language is sent. `body` holds the letter placeholders
    of interactions.letters."""

    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.CASCADE,
        related_name="languages",
    )
    language_code = models.CharField(_("language"), max_length=10, choices=Language)
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    body = models.TextField(_("text"), blank=True)
    attachment = attachment_field()

    class Meta:
        ordering = ["template", "language_code"]
        verbose_name = _("interaction template language")
        verbose_name_plural = _("interaction template languages")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language_code"],
                name="template_language_unique",
                violation_error_message=_(
                    "This template already has a version in this language."
                ),
            ),
            choices_constraint(
                "language_code", Language, "template_language_code_valid"
            ),
        ]

    def __str__(self):
        return f"{self.template.code} {self.language_code}"

    def get_attachment_url(self):
        return reverse(
            "interactions:template_language_attachment",
            args=[self.template_id, self.pk],
        )


class InteractionTemplateSetup(models.Model):
    """The template automatic recording uses for one document type (NAV table 5122).

    No row, or a row without a template: documents of that type are not logged.
    """

    document_type = models.CharField(
        _("document type"), max_length=30, unique=True, choices=DocumentType.choices[1:]
    )
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="setups",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("interaction template setup")
        verbose_name_plural = _("interaction template setup")
        constraints = [
            models.CheckConstraint(
                condition=Q(document_type__in=[v for v in DocumentType.values if v]),
                name="templatesetup_document_type_valid",
            )
        ]

    def __str__(self):
        return str(self.get_document_type_display())
