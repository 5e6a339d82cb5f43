from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.forms import RowsField
from crm.lookups import ContactField, SalespersonField
from crm.models import Salesperson
from interactions.lookups import TemplateField
from interactions.models import InteractionTemplate
from interactions.views.bulk import SelectionForm
from tasks.models import Task
from web.amounts import WholeNumberField, number_formfield
from web.versions import FIELD, VersionedFormMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TaskForm(VersionedFormMixin, forms.ModelForm):
    """ "Taak maken" and the task card's edit form; the service checks the rules."""

    contact = ContactField(label=_("Contact"), required=False)

    class Meta:
        model = Task
        fields = [
            "description",
            "type",
            "contact",
            "salesperson",
            "date",
            "start_time",
            "duration",
            "all_day",
            "location",
            "priority",
            "status",
            "template",
            "recurring",
            "recurring_date_interval",
            "calc_due_date_from",
        ]
        widgets = {"date": DATE_INPUT, "start_time": TIME_INPUT}
        field_classes = {
            "template": TemplateField,
            "salesperson": SalespersonField,
            # Minutes: a wrong one is told a duration, not 1,250, as its example.
            "duration": partial(WholeNumberField, example=30),
        }
        formfield_callback = number_formfield

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].required = False
        self.fields["template"].required = False
        self.fields["template"].queryset = InteractionTemplate.objects.active()
        self.fields["salesperson"].queryset = Salesperson.objects.active()
        self.fields["date"].required = False
        if creating:
            self.fields.pop("status", None)
        else:
            # Completed is reached with Voltooid, which logs the interaction.
            self.fields["status"].choices = [
                choice
                for choice in Task.Status.choices
                if choice[0] != Task.Status.COMPLETED
            ]

    def values(self):
        return {
            name: value for name, value in self.cleaned_data.items() if name != FIELD
        }


class SegmentTaskForm(TaskForm):
    """A task for every contact of a segment: no contact; a salesperson left blank
    is each line's."""

    contact = None

    class Meta(TaskForm.Meta):
        fields = [
            name for name in TaskForm.Meta.fields if name not in {"contact", "status"}
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].help_text = _(
            "Leave blank to give each task the salesperson of its line."
        )

    def values(self):
        values = dict(self.cleaned_data)
        if values["salesperson"] is None:
            del values["salesperson"]
        return values


class PostponeForm(forms.Form):
    to = forms.DateField(
        label=_("New date"),
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
        ),
    )


class TaskSelectionForm(SelectionForm):
    """Toewijzen aan verkoper: the ticked tasks, or all matching the filter, and the
    salesperson they go to."""

    action = forms.ChoiceField(choices=[("reassign", _("Assign to salesperson"))])
    selected = RowsField(queryset=Task.objects.all(), required=False)
    evaluation = None
    salesperson = SalespersonField(label=_("Salesperson"))

    def clean(self):
        cleaned = super().clean()
        if "salesperson" in self.errors:
            raise ValidationError(_("Choose the salesperson to assign the tasks to."))
        return cleaned
