"""Contacts and salespeople, with the languages and correspondence types they
are written in."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.countries import country_name, stored_country
from web.db import UniqueMessagesModel, choices_constraint
from web.search import among, matches


# The languages a contact is written to in, and template versions are kept in
# (NAV's Language Code): wider than the languages the pages are shown in.
class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    FRENCH = "fr", _("French")


class CorrespondenceType(models.TextChoices):
    """How a document reaches the contact; shared by contacts, templates and entries."""

    BLANK = "", "—"
    HARD_COPY = "hard_copy", _("Hard copy")
    EMAIL = "email", _("E-mail")


def correspondence_type_field(verbose_name=None):
    """The optional correspondence type field every model with one declares alike."""
    return models.CharField(
        verbose_name or _("correspondence type"),
        max_length=10,
        blank=True,
        choices=CorrespondenceType,
        default=CorrespondenceType.BLANK,
    )


class SalespersonQuerySet(models.QuerySet):
    def active(self):
        """Not blocked: offered for new contacts, entries and segments (NAV's Blocked
        keeps the salesperson on what it already has)."""
        return self.filter(blocked=False)


class Salesperson(UniqueMessagesModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salesperson",
    )
    blocked = models.BooleanField(_("blocked"), default=False)
    # The language of what is sent to the salesperson (the daily task digest).
    language_code = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=Language,
        help_text=_("Of the daily task e-mail; blank: the site's language."),
    )

    objects = SalespersonQuerySet.as_manager()

    unique_messages = {
        "user": _(
            "%(field_label)s %(value)s is already linked to salesperson %(holder)s."
        )
    }

    class Meta:
        ordering = ["code"]
        verbose_name = _("salesperson")
        verbose_name_plural = _("salespeople")

    def __str__(self):
        return f"{self.code} \N{EN DASH} {self.name}"

    def get_absolute_url(self):
        return reverse("crm:salesperson_detail", args=[self.pk])


class ContactQuerySet(models.QuerySet):
    # A company is a contact of type company, as in NAV: one table for both, so
    # that entries, segments and letters treat them alike.
    def companies(self):
        return self.filter(type=Contact.Type.COMPANY)

    def with_related(self):
        # What every contact row shows: one join instead of a query per row.
        return self.select_related("company", "salesperson")

    def privacy_blocked(self):
        """Marked "Privacy blocked": nothing new is recorded for them."""
        return self.filter(privacy_blocked=True)

    def not_privacy_blocked(self):
        """The contacts new interactions, lines, tasks and deliveries may name."""
        return self.filter(privacy_blocked=False)

    def search(self, text):
        """The contact list's, the API's and the admin's search (web.search): the
        contacts whose number, name, e-mail or city matches `text`, and the persons
        of the companies whose name does. On PostgreSQL each searched column has a
        trigram index (migration 0008), and the companies are searched first,
        their keys going to the company index (web.search.among)."""
        companies = Contact.objects.companies().filter(matches(["name"], text))
        return self.filter(
            matches(CONTACT_SEARCH_FIELDS, text) | among("company", companies)
        )


class ContactType(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")


class Contact(UniqueMessagesModel):
    # Also defined at module level so Meta.constraints can name it.
    Type = ContactType

    no = models.CharField(
        _("no."),
        max_length=20,
        unique=True,
        blank=True,
        help_text=_(
            "Leave blank to take the next number of the contact number series."
        ),
    )
    type = models.CharField(
        _("type"), max_length=10, choices=Type, default=Type.COMPANY
    )
    name = models.CharField(_("name"), max_length=100)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        # Field validation checks the limit, so its message is the one users see.
        limit_choices_to={"type": ContactType.COMPANY},
        error_messages={
            "invalid": _("The company must be a contact of type company."),
        },
    )
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    language_code = models.CharField(
        _("language"), max_length=10, blank=True, choices=Language
    )
    correspondence_type = correspondence_type_field()
    exclude_from_segment = models.BooleanField(_("exclude from segment"), default=False)
    # Business Central's "Privacy Blocked": no new interactions, segment lines, tasks
    # or deliveries; the history stays (privacy app, docs/privacy.md).
    privacy_blocked = models.BooleanField(_("privacy blocked"), default=False)
    # Set by privacy.services.erase_contact, never by a form: the one sure sign that
    # the contact was anonymised (its placeholder name can be edited, its audit
    # record pruned by retention), which refuses a second erasure.
    erased_at = models.DateTimeField(
        _("anonymised at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["no"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [("import_contact", _("Can import contacts"))]
        indexes = [
            # Numbers are looked up in any case ("ct00012"): filters use iexact.
            models.Index(Upper("no"), name="contact_no_upper_idx"),
            models.Index(fields=["name"]),
            models.Index(fields=["city"]),
            models.Index(fields=["country"]),
            models.Index(fields=["type", "name"]),
        ]
        constraints = [
            choices_constraint("type", ContactType, "contact_type_valid"),
            choices_constraint(
                "correspondence_type",
                CorrespondenceType,
                "contact_correspondence_type_valid",
            ),
            # A company never belongs to another company.
            models.CheckConstraint(
                condition=Q(type="person") | Q(company__isnull=True),
                name="contact_company_has_no_company",
            ),
        ]

    def __str__(self):
        return f"{self.no} {self.name}"

    def get_absolute_url(self):
        return reverse("crm:contact_detail", args=[self.pk])

    def clean(self):
        # Stored as its code, however typed: "Nederland" is NL.
        self.country = stored_country(self.country)
        if self.type == self.Type.COMPANY and self.company_id:
            raise ValidationError(
                {"company": _("A company cannot belong to another company.")}
            )
        # A person's company must be a company: the field's limit_choices_to, checked by
        # clean_fields(). That also rules out a person as its own company.
        if self.pk and self.type == self.Type.PERSON and self.persons.exists():
            raise ValidationError(
                {"type": _("This company has persons; it cannot become a person.")}
            )

    def address_lines(self, home_country):
        """The postal address as printed on a letter: the company, the contact, the
        street, post code and city, then the country in capitals unless it is
        `home_country` (Marketing setup's own country)."""
        city = " ".join(part for part in (self.post_code, self.city) if part)
        country = self.country if self.country != home_country else ""
        lines = [
            self.company.name if self.company_id else "",
            self.name,
            self.address,
            city,
            country_name(country).upper(),
        ]
        return [line for line in lines if line]

    @property
    def contact_company_id(self):
        """The company the contact's history is filed under: itself for a company."""
        return self.pk if self.type == self.Type.COMPANY else self.company_id

    @property
    def contact_company(self):
        return self if self.contact_company_id == self.pk else self.company


# The contact's field lists, each declared once: a field added to Contact is added
# here, and the form, the admin, the import/export columns, the API and the letter
# placeholders follow.
CONTACT_IDENTITY_FIELDS = ("no", "type", "name", "company", "salesperson")
CONTACT_COMMUNICATION_FIELDS = (
    "email",
    "phone",
    "address",
    "post_code",
    "city",
    "country",
    "language_code",
    "correspondence_type",
    "exclude_from_segment",
)
# Changed through crm.services.set_privacy_blocked (audited), never by an import.
CONTACT_PRIVACY_FIELDS = ("privacy_blocked",)
# Editable, in form order.
CONTACT_FIELDS = (
    *CONTACT_IDENTITY_FIELDS,
    *CONTACT_COMMUNICATION_FIELDS,
    *CONTACT_PRIVACY_FIELDS,
)
# The columns of an export and an import, companies by number and salespeople by
# code: an exported codes file imports back unchanged. Without the privacy flag:
# an import would set it past its audit record.
CONTACT_EXPORT_FIELDS = (*CONTACT_IDENTITY_FIELDS, *CONTACT_COMMUNICATION_FIELDS)
# What the API shows of a contact (the flag read-only: the API lists contacts; when
# it was anonymised, null for a contact that was not).
CONTACT_API_FIELDS = (
    *CONTACT_EXPORT_FIELDS,
    *CONTACT_PRIVACY_FIELDS,
    "erased_at",
    "created_at",
    "updated_at",
)
# What a letter may name as {{ contact.<field> }} (the company by its name).
CONTACT_PLACEHOLDER_FIELDS = (
    "no",
    "name",
    "company",
    "address",
    "post_code",
    "city",
    "country",
    "email",
    "phone",
)
# What the list's and the admin's search box look in; each has a trigram index.
CONTACT_SEARCH_FIELDS = ("no", "name", "email", "city")
