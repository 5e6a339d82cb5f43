"""The HTTP API: each view validates its input with a serializer and calls a service."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import (
    APIException,
    ErrorDetail,
    NotFound,
    ValidationError,
)
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.filters import ContactApiFilter, EntryApiFilter
from api.pagination import EntryCursorPagination
from api.permissions import HasPermission
from api.serializers import (
    ContactSerializer,
    DetailSerializer,
    DocumentLoggedSerializer,
    DocumentNotLoggedSerializer,
    DocumentSerializer,
    InteractionCreateSerializer,
    InteractionLogEntrySerializer,
)
from crm.models import Contact
from crm.services import record_privacy_refusal
from interactions import services
from interactions.models import DocumentType, InteractionLogEntry
from web.versions import STALE, row_version


def error_responses(example):
    """The 400, 401 and 403 answers of an endpoint, `example` showing its 400 body."""
    invalid = OpenApiResponse(
        {
            "type": "object",
            # A body that is not JSON at all gets DRF's parse error as `detail`.
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        description=(
            "Invalid input: the messages per field, `non_field_errors` for the "
            "request as a whole, `detail` for a body that is not JSON; in the "
            "request's language (Accept-Language)."
        ),
        examples=[OpenApiExample("Field errors", value=example)],
    )
    return {
        400: invalid,
        401: OpenApiResponse(DetailSerializer, description="No or an invalid token."),
        403: OpenApiResponse(
            DetailSerializer, description="The user lacks the permission."
        ),
    }


# A page past the last one (or `page=0`) is DRF's 404.
INVALID_PAGE = OpenApiResponse(DetailSerializer, description="No such page.")

NOT_LOGGED_REASON = _("No interaction template is set up for %(document_type)s.")


# The codes of a service's refusals because of the state of what it changes, not
# because of the request: the same request may succeed once that state changes (a
# task reopened, a delivery finished), so they are a 409 Conflict, not a 400.
CONFLICT_CODES = frozenset(
    {"closed", "conflict", "delivery_in_progress", "erased", "in_progress"}
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the object.")
    default_code = "conflict"


class PreconditionFailed(APIException):
    """If-Match named a version the object is no longer at (web.versions)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The object has changed since the version in If-Match, so nothing was "
        "changed: read it again (GET) and send its new ETag."
    )
    default_code = STALE


def tagged(response, obj):
    """`response` with the ETag of `obj` as stored: the version (web.versions) a
    change sent with it in If-Match is checked against."""
    response["ETag"] = f'"{row_version(obj)}"'
    return response


def if_match(request):
    """The version the request's If-Match names (its first ETag, quoted as `tagged`
    gives it), for a service's `seen_version`: None without the header or with `*`
    (no check). Anything else, a weak ETag too, is taken as it is: a version no
    object is at, so the check fails."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    first = header.split(",")[0].strip() or header
    if len(first) > 2 and first[0] == first[-1] == '"':
        return first[1:-1]
    return first


def stale_response(description):
    """The 412 answer of an endpoint that takes If-Match."""
    return OpenApiResponse(DetailSerializer, description=description)


def conflict_response(description):
    """The 409 answer of an endpoint whose service may refuse for a conflict code."""
    return OpenApiResponse(DetailSerializer, description=description)


def call_service(service, **kwargs):
    """Call a service; its ValidationError becomes a 400 with the errors per field,
    each keeping its code, or a 409 when every code is one of CONFLICT_CODES.

    A refusal because a contact is privacy blocked is also written to the audit
    trail (REFUSED), once the refused transaction has rolled back."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        record_privacy_refusal(
            error, user=kwargs.get("user"), action=getattr(service, "__name__", "")
        )
        codes = {item.code for item in _error_items(error)}
        if codes == {STALE}:
            raise PreconditionFailed() from error
        if codes and codes <= CONFLICT_CODES:
            raise Conflict(" ".join(error.messages), code=min(codes)) from error
        raise ValidationError(field_errors(error)) from error


def _error_items(error):
    """The single errors a Django ValidationError holds, per field or not."""
    if hasattr(error, "error_dict"):
        return [item for items in error.error_dict.values() for item in items]
    return error.error_list


def field_errors(error):
    """A Django ValidationError as DRF's `{field: [messages]}`, each message an
    ErrorDetail with the service's code (DRF's `get_codes()` reads them)."""
    if hasattr(error, "error_dict"):
        errors = {
            field: [_detail(item) for item in items]
            for field, items in error.error_dict.items()
        }
    else:
        errors = {NON_FIELD_ERRORS: [_detail(item) for item in error.error_list]}
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


def _detail(item):
    # Django keeps the params apart until the message is read.
    message = item.message % item.params if item.params else item.message
    return ErrorDetail(str(message), code=item.code or "invalid")


@extend_schema(
    summary="Log a document",
    description=(
        "Records that a document (an invoice, a quote, an e-mail…) went to a contact, "
        "with the interaction template set up for its type. The same document type "
        "and number logged for the contact again within 10 minutes is not logged "
        "twice: the answer is then 200 with the entry logged before and "
        "`duplicate: true`. A contact marked privacy blocked is refused (400, "
        "`non_field_errors`), and the refusal is written to the audit trail."
    ),
    request=DocumentSerializer,
    responses={
        201: OpenApiResponse(
            DocumentLoggedSerializer, description="Logged: the new entry."
        ),
        200: OpenApiResponse(
            PolymorphicProxySerializer(
                component_name="DocumentResult",
                serializers=[DocumentLoggedSerializer, DocumentNotLoggedSerializer],
                resource_type_field_name=None,
            ),
            description=(
                "Not logged again: the entry logged for the same document within "
                "10 minutes (`duplicate: true`); or not logged at all because no "
                "interaction template is set up for the document type "
                "(`logged: false` and the `reason`)."
            ),
            examples=[
                OpenApiExample(
                    "No template set up",
                    value={
                        "logged": False,
                        "reason": (
                            "No interaction template is set up for Sales invoice."
                        ),
                    },
                )
            ],
        ),
        **error_responses({"document_type": ['"letter" is not a valid choice.']}),
        404: OpenApiResponse(DetailSerializer, description="Unknown contact."),
    },
)
class DocumentCreateView(generics.GenericAPIView):
    """POST a document sent to a contact → log it (NAV's automatic recording)."""

    permission_classes = [HasPermission]
    permission_required = {"POST": "interactions.add_interactionlogentry"}
    serializer_class = DocumentSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        contact = self.get_contact(
            no=values.pop("contact", None), email=values.pop("contact_email", None)
        )
        started = timezone.now()
        entry = call_service(
            services.log_document, contact=contact, user=request.user, **values
        )
        if entry is None:
            reason = NOT_LOGGED_REASON % {
                "document_type": DocumentType(values["document_type"]).label
            }
            return Response(
                DocumentNotLoggedSerializer({"logged": False, "reason": reason}).data
            )
        # log_document hands back the entry already written for a repeated document;
        # an entry created before this request is that one.
        duplicate = entry.created_at < started
        return Response(
            DocumentLoggedSerializer(entry, context={"duplicate": duplicate}).data,
            status=status.HTTP_200_OK if duplicate else status.HTTP_201_CREATED,
        )

    def get_contact(self, *, no, email):
        """The contact with number `no`, or the only one with e-mail `email`."""
        contacts = Contact.objects.select_related("salesperson")
        if no is not None:
            contact = contacts.filter(no=no).first()
            if contact is None:
                raise NotFound(
                    _("There is no contact with the number %(no)s.") % {"no": no}
                )
            return contact
        found = list(contacts.filter(email__iexact=email)[:2])
        if not found:
            raise NotFound(
                _("There is no contact with the e-mail address %(email)s.")
                % {"email": email}
            )
        if len(found) > 1:
            raise ValidationError(
                {
                    "contact_email": [
                        _(
                            "Several contacts have the e-mail address %(email)s; "
                            "give the contact's number (contact) instead."
                        )
                        % {"email": email}
                    ]
                }
            )
        return found[0]


@extend_schema_view(
    get=extend_schema(
        summary="List contacts",
        description="The contacts, with the filters of the contact list page.",
        responses={
            200: ContactSerializer(many=True),
            **error_responses({"type": ["Select a valid choice."]}),
            404: INVALID_PAGE,
        },
    )
)
class ContactListView(generics.ListAPIView):
    permission_classes = [HasPermission]
    permission_required = {"GET": "crm.view_contact"}
    queryset = Contact.objects.with_related()
    serializer_class = ContactSerializer
    filterset_class = ContactApiFilter


@extend_schema_view(
    get=extend_schema(
        summary="List interaction log entries",
        description=(
            "The interaction log entries (never postponed ones), with the filters of "
            "the Interaction log entries page, newest first (`ordering=date`: oldest "
            "first). Paged by cursor: follow `next` and `previous`; `count` is the "
            "number of entries when asked with `count=true`, else null."
        ),
        responses={
            200: InteractionLogEntrySerializer(many=True),
            **error_responses({"date_from": ["Enter a valid date."]}),
        },
    ),
    post=extend_schema(
        summary="Create interaction",
        description=(
            "Logs an interaction with the rules of the Create interaction page. "
            "Values left out or blank come from the template (description, cost, "
            "duration, information flow, initiated by, correspondence type), your own "
            "salesperson or else the contact's, today and now. An unknown contact, "
            "template or salesperson is a field error (400). Unlike the page, which "
            "asks before logging a template the contact already had that day, the "
            "API logs it: an integration has no one to ask. A contact marked "
            "privacy blocked is refused (400, `non_field_errors`), and the refusal "
            "is written to the audit trail."
        ),
        request=InteractionCreateSerializer,
        responses={
            201: OpenApiResponse(
                InteractionLogEntrySerializer, description="The new entry."
            ),
            **error_responses({"description": ["You must fill in a description."]}),
        },
    ),
)
class InteractionLogEntryListCreateView(generics.ListCreateAPIView):
    permission_classes = [HasPermission]
    permission_required = {
        "GET": "interactions.view_interactionlogentry",
        "POST": "interactions.add_interactionlogentry",
    }
    # What the serializer shows; with_related()'s logged segment is a join too many.
    queryset = (
        InteractionLogEntry.objects.visible()
        .for_rows()
        .select_related("contact_company", "group")
    )
    serializer_class = InteractionLogEntrySerializer
    filterset_class = EntryApiFilter
    pagination_class = EntryCursorPagination

    def post(self, request):
        serializer = InteractionCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        entry = call_service(
            services.create_interaction,
            contact=serializer.validated_data["contact"],
            template=serializer.validated_data["template"],
            user=request.user,
            **serializer.service_values(),
        )
        return Response(
            InteractionLogEntrySerializer(entry).data, status=status.HTTP_201_CREATED
        )
