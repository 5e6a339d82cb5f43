"""Input validation and output shapes of the HTTP API; the services keep the rules."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.models import (
    CONTACT_API_FIELDS,
    Contact,
    CorrespondenceType,
    Language,
    Salesperson,
)
from interactions.models import (
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
    InteractionTemplate,
)

# The largest value the duration column holds on every database (PostgreSQL integer).
MAX_DURATION = 2_147_483_647


@extend_schema_field({"type": "string", "minLength": 1})
class CodeField(serializers.SlugRelatedField):
    """A related row given by its code or number; the message names the value."""

    def __init__(self, *, message, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["does_not_exist"] = message


class TimeField(serializers.TimeField):
    """A time of day as `HH:MM[:SS[.ffffff]]`, without a zone: the CRM's times are
    local. OpenAPI's `format: time` is RFC 3339's full-time, which requires an offset
    (`10:42:00Z`): neither what the API answers nor what it reads (issue 16,
    finding 16)."""

    # Python's fromisoformat also reads `1042`, `10` and `10:42+05:00`, dropping the
    # offset: a time given in another zone would be stored as if it were local.
    PATTERN = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?")

    def to_internal_value(self, value):
        if not isinstance(value, str) or not self.PATTERN.fullmatch(value):
            self.fail("invalid", format="hh:mm[:ss[.uuuuuu]]")
        return super().to_internal_value(value)


extend_schema_field(
    {
        "type": "string",
        "pattern": f"^{TimeField.PATTERN.pattern}$",
        "example": "10:42:00",
    }
)(TimeField)


@extend_schema_field(
    {"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]}
)
class OptionalEmailField(serializers.CharField):
    """An e-mail address shown as it is stored: blank when the contact has none."""


class CentsField(serializers.DecimalField):
    """An amount of 0 or more in cents: more decimal places are an error, which the
    schema states (`multipleOf: 0.01`) so that clients know before they send 0.125.
    A negative amount is the service's to refuse, with the form's message."""


extend_schema_field(
    {
        "type": "number",
        "multipleOf": 0.01,
        "minimum": 0,
        "exclusiveMaximum": True,
        "maximum": 10**10,
    }
)(CentsField)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_DURATION})
class MinutesField(serializers.IntegerField):
    """Whole minutes, 0 or more (a negative number is the service's to refuse)."""


def nullable_code(slug_field):
    """A nullable foreign key shown by its code or number: `null` when it is empty."""
    return serializers.SlugRelatedField(
        slug_field=slug_field, read_only=True, allow_null=True
    )


class ContactSerializer(serializers.ModelSerializer):
    # A person without a company, a contact without a salesperson: null.
    company = nullable_code("no")
    salesperson = nullable_code("code")
    email = OptionalEmailField(read_only=True)
    # Blank when not set; the enum the model's choices give lacks "".
    language_code = serializers.ChoiceField(
        choices=Language.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Contact
        fields = CONTACT_API_FIELDS
        read_only_fields = fields


class InteractionLogEntrySerializer(serializers.ModelSerializer):
    contact = serializers.SlugRelatedField(slug_field="no", read_only=True)
    contact_company = nullable_code("no")
    template = nullable_code("code")
    group = nullable_code("code")
    salesperson = nullable_code("code")
    time = TimeField(read_only=True, allow_null=True)
    # Blank when no language version was used / nothing was to be delivered.
    language_code = serializers.ChoiceField(
        choices=Language.choices, allow_blank=True, read_only=True
    )
    delivery_status = serializers.ChoiceField(
        choices=DeliveryStatus.choices[1:], allow_blank=True, read_only=True
    )

    class Meta:
        model = InteractionLogEntry
        fields = [
            "entry_no",
            "date",
            "time",
            "contact",
            "contact_company",
            "template",
            "group",
            "description",
            "subject",
            "document_type",
            "document_no",
            "salesperson",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "evaluation",
            "attempt_failed",
            "cost",
            "duration",
            "segment_no",
            "canceled",
            "created_at",
            "language_code",
            "delivery_status",
            "delivery_error",
        ]
        read_only_fields = fields


class DetailSerializer(serializers.Serializer):
    """The body of a 401, 403 or 404 answer."""

    detail = serializers.CharField(read_only=True)


class DocumentSerializer(serializers.Serializer):
    """A document sent to (or received from) a contact, to log automatically."""

    document_type = serializers.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices[1:]
    )
    # min_length: a blank one is refused, which the schema then says (minLength).
    document_no = serializers.CharField(
        label=_("Document no."), min_length=1, max_length=20
    )
    contact = serializers.CharField(
        label=_("Contact no."),
        min_length=1,
        max_length=20,
        required=False,
        help_text=_("The contact's number; or give contact_email instead."),
    )
    contact_email = serializers.EmailField(
        label=_("Contact e-mail"),
        required=False,
        help_text=_("The contact's e-mail address (any case); or give contact."),
    )
    salesperson = CodeField(
        label=_("Salesperson code"),
        slug_field="code",
        queryset=Salesperson.objects.all(),
        required=False,
        allow_null=True,
        message=_("There is no salesperson with the code {value}."),
        help_text=_("Left out: the contact's salesperson."),
    )
    description = serializers.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("Left out: the template's description."),
    )
    date = serializers.DateField(
        label=_("Date"),
        required=False,
        allow_null=True,
        help_text=_("Left out: today."),
    )

    def validate(self, attrs):
        if ("contact" in attrs) == ("contact_email" in attrs):
            raise serializers.ValidationError(
                _(
                    "Give either the contact's number (contact) or its e-mail address "
                    "(contact_email), not both."
                ),
                code="contact",
            )
        return attrs


class DocumentLoggedSerializer(InteractionLogEntrySerializer):
    """The entry a document was logged as; `duplicate` when it had been already."""

    logged = serializers.SerializerMethodField()
    duplicate = serializers.SerializerMethodField()

    class Meta(InteractionLogEntrySerializer.Meta):
        fields = [*InteractionLogEntrySerializer.Meta.fields, "logged", "duplicate"]
        read_only_fields = fields

    def get_logged(self, entry) -> bool:
        return True

    def get_duplicate(self, entry) -> bool:
        return self.context["duplicate"]


class DocumentNotLoggedSerializer(serializers.Serializer):
    """Nothing logged: no interaction template is set up for the document type."""

    logged = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(read_only=True)


class InteractionCreateSerializer(serializers.Serializer):
    """The fields of the "Create interaction" form; blank ones take the template's."""

    # Left out or blank, these take their value from the template, the user's
    # salesperson, today or now in the service (as in InteractionForm.service_values).
    optional_fields = (
        "description",
        "salesperson",
        "date",
        "time",
        "correspondence_type",
        "information_flow",
        "initiated_by",
        "cost",
        "duration",
    )

    contact = CodeField(
        label=_("Contact no."),
        slug_field="no",
        queryset=Contact.objects.select_related("company", "salesperson"),
        message=_("There is no contact with the number {value}."),
    )
    template = CodeField(
        label=_("Interaction template code"),
        slug_field="code",
        queryset=InteractionTemplate.objects.select_related("group"),
        message=_("There is no interaction template with the code {value}."),
    )
    description = serializers.CharField(
        label=_("Description"), max_length=100, required=False, allow_blank=True
    )
    salesperson = CodeField(
        label=_("Salesperson code"),
        slug_field="code",
        queryset=Salesperson.objects.all(),
        required=False,
        allow_null=True,
        message=_("There is no salesperson with the code {value}."),
        help_text=_("Left out: your own salesperson, else the contact's."),
    )
    date = serializers.DateField(
        label=_("Date"),
        required=False,
        allow_null=True,
        help_text=_("Left out: today."),
    )
    time = TimeField(
        label=_("Time"), required=False, allow_null=True, help_text=_("Left out: now.")
    )
    correspondence_type = serializers.ChoiceField(
        label=_("Correspondence type"),
        choices=CorrespondenceType.choices,
        required=False,
        allow_blank=True,
    )
    information_flow = serializers.ChoiceField(
        label=_("Information flow"),
        choices=InformationFlow.choices,
        required=False,
        allow_blank=True,
    )
    initiated_by = serializers.ChoiceField(
        label=_("Initiated by"),
        choices=InitiatedBy.choices,
        required=False,
        allow_blank=True,
    )
    evaluation = serializers.ChoiceField(
        label=_("Evaluation"),
        choices=Evaluation.choices,
        required=False,
        allow_blank=True,
    )
    # Negative values are the service's to refuse, with the messages the form shows.
    cost = CentsField(
        label=_("Cost"),
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
    )
    duration = MinutesField(
        label=_("Duration (min.)"),
        required=False,
        allow_null=True,
        max_value=MAX_DURATION,
    )
    subject = serializers.CharField(
        label=_("Subject"), max_length=100, required=False, allow_blank=True
    )
    interaction_successful = serializers.BooleanField(
        label=_("Interaction successful"), required=False, default=True
    )

    def service_values(self):
        """The validated values as keyword arguments for create_interaction."""
        values = dict(self.validated_data)
        del values["contact"], values["template"]
        values["attempt_failed"] = not values.pop("interaction_successful")
        for name in self.optional_fields:
            if values.get(name) in (None, ""):
                values.pop(name, None)
        return values
