"""The API's data-subject endpoints: a contact's export (zip) and its erasure."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from api.permissions import HasPermission
from api.serializers import ContactSerializer, DetailSerializer
from api.views import call_service, conflict_response, error_responses
from crm.models import Contact
from privacy import services


class ContactLookupMixin:
    permission_classes = [HasPermission]

    def get_contact(self, no):
        # Numbers are looked up in any case, as the pages do ("ct00012").
        return get_object_or_404(Contact, no__iexact=no)


@extend_schema(
    summary="Export a contact's data",
    description=(
        "Everything the CRM holds on the contact, as a zip: a readable summary "
        "(HTML, in the request's language) and JSON and CSV of its fields, entries "
        "(with attachments), segment lines, logged segments, tasks, delivery status "
        "and audit records. Audited. CRM admins."
    ),
    responses={
        (200, "application/zip"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The zip."
        ),
        403: OpenApiResponse(DetailSerializer, description="Not a CRM admin."),
        404: OpenApiResponse(DetailSerializer, description="Unknown contact."),
    },
)
class ContactExportView(ContactLookupMixin, generics.GenericAPIView):
    permission_required = {"GET": "privacy.export_contact_data"}

    def get(self, request, no):
        contact = self.get_contact(no)
        content = services.export_contact_data(contact, user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{services.export_filename(contact)}"'
        )
        return response


@extend_schema(
    summary="Anonymise a contact",
    description=(
        "Erases the contact's personal data for good (the name becomes "
        '"Anonymised contact CT00042"); counts, costs and durations stay. Refused '
        "(409) while a delivery to the contact is in progress, and when it has "
        "been anonymised already. Audited. CRM admins."
    ),
    request=None,
    responses={
        200: OpenApiResponse(ContactSerializer, description="The erased contact."),
        # No body is read, so there is no invalid input (400) to answer.
        **{code: answer for code, answer in error_responses({}).items() if code != 400},
        404: OpenApiResponse(DetailSerializer, description="Unknown contact."),
        409: conflict_response(
            "A delivery to the contact is in progress, or it has been anonymised "
            "already."
        ),
    },
)
class ContactEraseView(ContactLookupMixin, generics.GenericAPIView):
    permission_required = {"POST": "privacy.erase_contact"}
    serializer_class = ContactSerializer

    def post(self, request, no):
        contact = self.get_contact(no)
        erased = call_service(
            services.erase_contact, contact=contact, user=request.user
        )
        return Response(ContactSerializer(erased).data)
