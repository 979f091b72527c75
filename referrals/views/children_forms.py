"""Forms of the children's pages: thin shells that turn posted text into service arguments.

The service (`referrals.services.children`) holds every rule; a form checks only what it must to
read the input (a real date, a choice from the list), and the service's messages are put on the
fields they name, so one submission shows every error in the error summary.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from fps_portal.actors import Actor
from fps_portal.date_input import DateInputField
from fps_portal.once import OnceOnlyForm
from fps_portal.scoping import scoped
from fps_portal.web.pages import add_problems
from providers.models import PrimaryNeed
from referrals.models import ChildDocumentKind, ChildGender, LegalStatus
from referrals.services.children import ChildDetails, ParentCarerDetails, child_problems

#: Parent or carer blocks on the form (the API takes up to MAX_PARENT_CARERS).
CARER_SLOTS = 3
CARER_PARTS = ("name", "relationship", "email", "phone", "preferred_setting_other", "views")


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST (even an empty one, which is then invalid), None on GET."""
    return request.POST if request.method == "POST" else None


def carer_field(index: int, part: str) -> str:
    return f"carer_{index}_{part}"


def field_for_problem(name: str) -> str:
    """The form field a service message is about ("parent_carers.1.name" -> "carer_1_name")."""
    if name.startswith("parent_carers."):
        _, index, part = ([*name.split("."), "", ""])[:3]
        return carer_field(int(index), part) if index.isdigit() else "carer_0_name"
    if name == "parent_carers":
        return "carer_0_name"
    return name


class NeedChoiceField(forms.ModelChoiceField[PrimaryNeed]):
    def label_from_instance(self, obj: PrimaryNeed) -> str:
        return f"{obj.name} ({obj.code})"


class NeedsChoiceField(forms.ModelMultipleChoiceField[PrimaryNeed]):
    def label_from_instance(self, obj: PrimaryNeed) -> str:
        return f"{obj.name} ({obj.code})"


def _text(label: str, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    # Lengths are the service's rules (with GOV.UK's wording), so the form takes any length.
    return forms.CharField(label=label, required=required, **kwargs)


class ChildForm(OnceOnlyForm):
    given_name = _text("Given name", error_messages={"required": "Enter the child's given name."})
    family_name = _text(
        "Family name", error_messages={"required": "Enter the child's family name."}
    )
    date_of_birth = DateInputField(label="Date of birth", subject="the child's date of birth")
    case_number = _text(
        "Case number",
        help_text="Your authority's own case or ICS number.",
        error_messages={"required": "Enter the authority's case number for the child."},
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=ChildGender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's gender."},
    )
    legal_status = forms.ChoiceField(
        label="Legal status",
        choices=LegalStatus.choices,
        widget=forms.RadioSelect,
        help_text="For a looked-after child, also give the social worker and the Independent "
        "Reviewing Officer below.",
        error_messages={"required": "Select the child's legal status."},
    )
    caseworker_name = _text("SEND caseworker's name")
    caseworker_email = _text("SEND caseworker's e-mail")
    social_worker_name = _text("Social worker's name", help_text="Looked-after children only.")
    social_worker_email = _text("Social worker's e-mail", help_text="Looked-after children only.")
    iro_name = _text(
        "Independent Reviewing Officer's name", help_text="Looked-after children only."
    )
    iro_email = _text(
        "Independent Reviewing Officer's e-mail", help_text="Looked-after children only."
    )
    primary_need = NeedChoiceField(
        label="Primary need",
        queryset=PrimaryNeed.objects.none(),
        empty_label="Select the primary need",
        error_messages={"required": "Select the child's primary need."},
    )
    other_needs = NeedsChoiceField(
        label="Other needs",
        queryset=PrimaryNeed.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    home_postcode = _text("Home postcode", help_text="Providers are shown only its district.")
    current_setting_name = _text(
        "Current setting", help_text="Where the child is now (school, college or home)."
    )
    ehcp_issued_on = DateInputField(
        label="EHC plan issued", subject="the date the EHC plan was issued", required=False
    )
    ehcp_next_review_on = DateInputField(
        label="EHC plan's next annual review",
        subject="the date of the next annual review",
        required=False,
    )
    outcomes = _text(
        "Outcomes in the EHC plan",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One outcome a line, as the plan words them.",
    )
    young_person_views = _text(
        "The child or young person's own views", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, actor: Actor, carer_slots: int = CARER_SLOTS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        needs = scoped(PrimaryNeed, actor).select_related("specialism")
        self.fields["primary_need"].queryset = needs  # type: ignore[attr-defined]
        self.fields["other_needs"].queryset = needs  # type: ignore[attr-defined]
        self.carer_slots = carer_slots
        for i in range(carer_slots):
            self.fields[carer_field(i, "name")] = _text("Name")
            self.fields[carer_field(i, "relationship")] = _text(
                "Relationship to the child", help_text="For example, mother or foster carer."
            )
            self.fields[carer_field(i, "email")] = _text("E-mail")
            self.fields[carer_field(i, "phone")] = _text("Phone number")
            self.fields[carer_field(i, "preferred_setting_other")] = _text(
                "Setting they prefer", help_text="The school or college they would like."
            )
            self.fields[carer_field(i, "views")] = _text(
                "Their views", widget=forms.Textarea(attrs={"rows": 3})
            )

    def carers(self) -> list[list[forms.BoundField]]:
        """The bound fields of each parent or carer block, for the template."""
        return [
            [self[carer_field(i, part)] for part in CARER_PARTS] for i in range(self.carer_slots)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The service's rules too, so one submission shows every error (a field already at
        # fault keeps its own message).
        add_problems(self, child_problems(self.details()), field_for=field_for_problem)
        return data

    def details(self) -> ChildDetails:
        data = self.cleaned_data
        carers = []
        for i in range(self.carer_slots):
            values = {part: str(data.get(carer_field(i, part)) or "") for part in CARER_PARTS}
            if any(v.strip() for v in values.values()):
                carers.append(
                    ParentCarerDetails(
                        name=values["name"],
                        relationship=values["relationship"],
                        email=values["email"],
                        phone=values["phone"],
                        preferred_setting_other=values["preferred_setting_other"],
                        views=values["views"],
                    )
                )
        return ChildDetails(
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            date_of_birth=data.get("date_of_birth"),
            case_number=data.get("case_number") or "",
            gender=data.get("gender") or "",
            legal_status=data.get("legal_status") or "",
            caseworker_name=data.get("caseworker_name") or "",
            caseworker_email=data.get("caseworker_email") or "",
            social_worker_name=data.get("social_worker_name") or "",
            social_worker_email=data.get("social_worker_email") or "",
            iro_name=data.get("iro_name") or "",
            iro_email=data.get("iro_email") or "",
            primary_need=data.get("primary_need"),
            other_needs=list(data.get("other_needs") or []),
            home_postcode=data.get("home_postcode") or "",
            current_setting_name=data.get("current_setting_name") or "",
            ehcp_issued_on=data.get("ehcp_issued_on"),
            ehcp_next_review_on=data.get("ehcp_next_review_on"),
            outcomes=[line for line in (data.get("outcomes") or "").splitlines() if line.strip()],
            young_person_views=data.get("young_person_views") or "",
            parent_carers=carers,
        )


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or case number",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search must be 100 characters or fewer."},
    )


class ChildDocumentForm(OnceOnlyForm):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=ChildDocumentKind.choices,
        widget=forms.RadioSelect,
        help_text="A redacted EHC plan is the one a referral may share with invited providers.",
        error_messages={"required": "Select what kind of document this is."},
    )
    title = _text("Title", help_text="For example, EHC plan, final, March 2026.")
    file = forms.FileField(
        label="File",
        required=False,
        help_text="A PDF, DOCX, PNG or JPEG.",
    )


class RemoveDocumentForm(forms.Form):
    """A confirmation: nothing to fill in."""


class PlacementRulesForm(forms.Form):
    planned_response_working_days = forms.IntegerField(
        label="Working days providers have to respond to a planned referral",
        error_messages={
            "required": "Enter a number of working days.",
            "invalid": "Enter the working days as a whole number, like 10.",
        },
    )
    emergency_response_hours = forms.IntegerField(
        label="Hours providers have to respond to an emergency referral",
        error_messages={
            "required": "Enter a number of hours.",
            "invalid": "Enter the hours as a whole number, like 48.",
        },
    )
    reminder_hours_before_deadline = forms.IntegerField(
        label="Hours before the deadline that invitees who have not answered are reminded",
        error_messages={
            "required": "Enter a number of hours.",
            "invalid": "Enter the hours as a whole number, like 24.",
        },
    )
    award_approval_threshold = forms.DecimalField(
        label="Annual award value above which a named approver must approve (£)",
        required=False,
        help_text="Leave empty for no threshold.",
        error_messages={"invalid": "Enter the threshold in pounds, like 250000."},
    )
    reference_prefix = _text(
        "Referral reference prefix",
        help_text="2 to 6 letters that start your referral numbers, like SEF in SEF-2026-0042.",
    )
