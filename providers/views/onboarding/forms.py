"""Forms for onboarding pages: they parse and label; the services hold the rules.

Labels follow the GOV.UK Design System: a field that must be answered has no "(optional)"; a
field needed only in some cases says when in its hint. Error messages say what to do and name
what is at fault (the setting, the lot, the requirement), because one page can hold many fields
that look alike.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from fps_portal.dates import govuk_date
from fps_portal.errors import DomainError
from fps_portal.once import OnceOnlyForm
from fps_portal.text import possessive, too_long
from fps_portal.web.reasons import ReasonForm, reason_field
from providers.models import Evidence, EvidenceKind, InsuranceType, Lot, Setting
from providers.postcodes import PostcodeError, locate, normalise_postcode
from providers.services.evidence import COVER_PENCE, COVER_TOO_LARGE
from providers.services.outcomes import lots_in_words
from providers.services.registration import registration_problems
from providers.views.onboarding.form_fields import (
    ServiceCheckedCharField,
    ServiceCheckedChoiceField,
    ServiceCheckedDateField,
    ServiceCheckedDecimalField,
    ServiceCheckedFileField,
    ServiceCheckedModelChoiceField,
)

# The lead authority's forms live in their own module; the views import every form from here.
from providers.views.onboarding.lead_authority_forms import (  # noqa: F401
    ClarificationForm,
    EvaluationForm,
    LotForm,
    MembershipChangeForm,
    ModerationForm,
    PurchasingSystemForm,
    WindowCorrectionForm,
    WindowForm,
    WindowRescheduleForm,
)

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com."
INSURANCE_ONLY = "Needed for an insurance certificate."


def set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's message on the fields it names (or the form), so the error summary shows
    it."""
    placed = False
    for name, messages in error.fields.items():
        if name not in form.fields:
            continue
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(name, str(message))
        placed = True
    if not placed:
        form.add_error(None, error.message)


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name.", **too_long("Your full name", 200)},
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="You will use this to sign in.",
        error_messages={"required": "Enter your email address.", "invalid": EMAIL_FORMAT},
    )
    password = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Avoid common words.",
        error_messages={"required": "Enter a password of at least 12 characters."},
    )
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={
            "required": "Enter the organisation's name.",
            **too_long("The organisation's name", 200),
        },
    )
    legal_name = forms.CharField(
        label="Legal name",
        max_length=200,
        help_text="As registered, like 'Oakfield Learning Trust Limited'.",
        error_messages={
            "required": "Enter the organisation's legal name.",
            **too_long("The legal name", 200),
        },
    )
    # One of the two numbers is needed; the service decides, and the hints say so.
    companies_house_number = ServiceCheckedCharField(
        label="Companies House number",
        max_length=8,
        help_text="Enter this, a charity number, or both. 8 characters, like 08123456 or SC123456.",
        error_messages={"max_length": "Enter a Companies House number of 8 characters."},
    )
    charity_number = ServiceCheckedCharField(
        label="Charity number",
        max_length=8,
        help_text="Enter this, a Companies House number, or both. 6 to 8 digits, like 1154321.",
        error_messages={"max_length": "Enter a charity number of 6 to 8 digits, like 1154321."},
    )
    address = forms.CharField(
        label="Registered address",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the organisation's registered address."},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter the postcode of the registered address.",
            "max_length": "Enter a real postcode, like CW1 2AB.",
        },
    )
    contact_email = forms.EmailField(
        label="Organisation contact email",
        error_messages={
            "required": "Enter the organisation's contact email address.",
            "invalid": EMAIL_FORMAT,
        },
    )
    contact_phone = forms.CharField(
        label="Organisation contact phone",
        max_length=30,
        required=False,
        help_text="A UK number, or an international one starting with +.",
    )

    # Without this, each number would be announced as required, yet either one may be left out.
    use_required_attribute = False

    def clean(self) -> dict[str, Any]:
        """Adds the service's rules about whatever the form could read, so every error shows
        in one go rather than the form's first and the service's after they are put right."""
        super().clean()
        data = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        for name, message in registration_problems(**data).items():
            if name not in self.errors:
                self.add_error(name, message)
        return self.cleaned_data

    def clean_postcode(self) -> str:
        """The postcode as usually written, checked the way a setting's postcode is: a real
        format and a known district."""
        try:
            postcode = normalise_postcode(self.cleaned_data["postcode"])
            locate(postcode, allow_outward_only=False)
        except PostcodeError as error:
            raise forms.ValidationError(error.message) from error
        return postcode


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Colleague's full name",
        max_length=200,
        error_messages={
            "required": "Enter your colleague's full name.",
            **too_long("Your colleague's full name", 200),
        },
    )
    email = forms.EmailField(
        label="Colleague's email address",
        error_messages={
            "required": "Enter your colleague's email address.",
            "invalid": EMAIL_FORMAT,
        },
    )


class EvidenceForm(OnceOnlyForm):
    """Every field the service checks is left to it, so one attempt shows every problem."""

    use_required_attribute = False  # several fields are needed only for some kinds of evidence

    kind = forms.ChoiceField(
        label="What is this evidence?",
        choices=EvidenceKind.choices,
        error_messages={"required": "Select what kind of evidence this is."},
    )
    setting = ServiceCheckedModelChoiceField(
        label="Setting",
        # Empty until __init__ sets it from the actor's scoped choices (set_queryset): a
        # field declared on the class has no actor yet, and an empty queryset reads nothing.
        queryset=Setting.objects.none(),
        empty_label="Whole organisation",
        help_text="Needed for a registration certificate, DfE registration, inspection report "
        "or Statement of Purpose. Choose 'Whole organisation' for insurance, policies, "
        "registrations and the financial check.",
        error_messages={"invalid_choice": "Select one of your own settings."},
    )
    title = ServiceCheckedCharField(
        label="Title",
        max_length=200,
        error_messages=too_long("The title", 200),
    )
    reference = forms.CharField(label="Reference or policy number", max_length=100, required=False)
    insurance_type = ServiceCheckedChoiceField(
        label="Type of insurance",
        choices=[("", "Not insurance"), *InsuranceType.choices],
        help_text=INSURANCE_ONLY,
    )
    insurer = ServiceCheckedCharField(label="Insurer", max_length=200, help_text=INSURANCE_ONLY)
    cover_amount = ServiceCheckedDecimalField(
        label="Cover in pounds",
        max_digits=14,
        decimal_places=2,
        help_text=f"{INSURANCE_ONLY} For example, 5000000.",
        # The column's own digit limits say what the service says of a cover too large, so a
        # person sees one message whichever check meets it first.
        error_messages={
            "invalid": "Enter the cover as a number of pounds, like 5000000.",
            "max_digits": COVER_TOO_LARGE,
            "max_whole_digits": COVER_TOO_LARGE,
            "max_decimal_places": COVER_PENCE,
        },
    )
    valid_until = ServiceCheckedDateField(
        label="Valid until",
        help_text="The expiry date. Needed for an insurance certificate, and for any other "
        "evidence that expires.",
        subject="the expiry date",
    )
    file = ServiceCheckedFileField(label="Upload a file", help_text="PDF, DOCX, PNG or JPEG.")

    def __init__(self, *args: Any, settings_qs: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "setting", settings_qs)


class OverviewForm(forms.Form):
    services_overview = forms.CharField(
        label="Overview of services",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the services the setting offers."},
    )
    working_with_parents = forms.CharField(
        label="How the setting works with parents and carers",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe how the setting works with parents and carers."},
    )
    learner_voice = forms.CharField(
        label="How the setting hears the learner's voice",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe how the setting hears the learner's voice."},
    )


class ScopeForm(forms.Form):
    lots = forms.ModelMultipleChoiceField(
        label="Which lots are you applying for?",
        # Set from the actor's scoped choices in __init__ (see the note above).
        queryset=Lot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one lot.",
            "invalid_choice": "Select lots of this purchasing system.",
        },
    )
    settings = forms.ModelMultipleChoiceField(
        label="Which settings are included?",
        # Set from the actor's scoped choices in __init__ (see the note above).
        queryset=Setting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one setting. Add your settings first if you have none.",
            "invalid_choice": "Select your own settings.",
        },
    )

    def __init__(
        self, *args: Any, lots_qs: QuerySet[Lot], settings_qs: QuerySet[Setting], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "lots", lots_qs)
        set_queryset(self, "settings", settings_qs)


class EvidenceChoiceField(forms.ModelMultipleChoiceField[Evidence]):
    def label_from_instance(self, obj: Evidence) -> str:
        where = f" ({obj.setting.name})" if obj.setting is not None else ""
        until = f", valid until {govuk_date(obj.valid_until)}" if obj.valid_until else ""
        return f"{obj.get_kind_display()}: {obj.title}{where}{until}"


class ApplicationEvidenceForm(forms.Form):
    evidence = EvidenceChoiceField(
        label="Evidence to include",
        # Set from the actor's scoped choices in __init__ (see the note above).
        queryset=Evidence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Evidence you already hold and that is still valid.",
    )

    def __init__(self, *args: Any, evidence_qs: QuerySet[Evidence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "evidence", evidence_qs)


class PricesForm(forms.Form):
    """One text field per (setting, lot): kept as text so the service gives the money message.

    A box may be left empty where the setting does not offer the lot, but every setting and
    every lot needs a price somewhere, so no box is "(optional)": each hint says when to leave
    it empty.
    """

    use_required_attribute = False  # a box may be left empty (see above)

    def __init__(
        self,
        *args: Any,
        cells: Sequence[tuple[Setting, Lot]],
        initial_prices: Mapping[tuple[int, int], Decimal],
        approved: Collection[tuple[int, int]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        for setting, lot in cells:
            name = f"price_{setting.pk}_{lot.pk}"
            # An approved price is shown, not asked: it changes only as a proposal to the lead
            # authority, from the setting's own prices page.
            fixed = (setting.pk, lot.pk) in approved
            self.fields[name] = ServiceCheckedCharField(
                label=f"{setting.name} – {lots_in_words([lot])}, weekly price in pounds",
                help_text=(
                    f"Approved on the FPS. To change it, go to {possessive(setting.name)} "
                    "prices and services."
                    if fixed
                    else f"Leave empty if {setting.name} does not offer lot {lot.code}."
                ),
                initial=initial_prices.get((setting.pk, lot.pk), ""),
                disabled=fixed,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            )

    def prices(self) -> dict[tuple[int, int], object]:
        return {
            (s.pk, lot.pk): self.cleaned_data.get(f"price_{s.pk}_{lot.pk}", "")
            for s, lot in self.cells
        }


class ServicePriceForm(OnceOnlyForm):
    setting = forms.ModelChoiceField(
        label="Setting",
        # Set from the actor's scoped choices in __init__ (see the note above).
        queryset=Setting.objects.none(),
        error_messages={
            "required": "Select the setting that offers this service.",
            "invalid_choice": "Select a setting included in this application.",
        },
    )
    name = forms.CharField(
        label="Additional service",
        max_length=200,
        help_text="For example, 1:1 support or speech and language therapy.",
        error_messages={
            "required": "Enter the service, like '1:1 support'.",
            **too_long("The service", 200),
        },
    )
    unit = forms.CharField(
        label="Charged per",
        max_length=40,
        help_text="For example, hour, session or week.",
        error_messages={
            "required": "Enter what the service is charged per, like 'hour'.",
            **too_long("What the service is charged per", 40),
        },
    )
    rate = forms.CharField(
        label="Rate in pounds",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the rate in pounds and pence, like 25.00.",
            "max_length": "Enter the rate in pounds and pence, like 25.00.",
        },
    )

    def __init__(self, *args: Any, settings_qs: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "setting", settings_qs)


class DeclarationsForm(forms.Form):
    accurate = forms.BooleanField(
        label="The information in this application is true and complete", required=False
    )
    no_exclusion_grounds = forms.BooleanField(
        label="None of the grounds for exclusion in the Procurement Act apply to our organisation",
        required=False,
    )
    safeguarding = forms.BooleanField(
        label="We will keep to the safeguarding requirements of the FPS agreement", required=False
    )


class WithdrawForm(ReasonForm):
    reason = reason_field("Why are you withdrawing?", required=None, max_length=None)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your answer to the question."},
    )


class SignForm(forms.Form):
    # The version to read is shown above the fields (context: agreement_document).
    context_template = "providers/onboarding/_agreement_to_read.html"

    signatory_name = forms.CharField(
        label="Full name of the person signing",
        max_length=200,
        error_messages={
            "required": "Enter the full name of the person signing.",
            **too_long("The full name of the person signing", 200),
        },
    )
    signatory_role = forms.CharField(
        label="Their role in the organisation",
        max_length=200,
        help_text="For example, Director or Chief Executive.",
        error_messages={
            "required": "Enter the role of the person signing, like 'Director'.",
            **too_long("The role of the person signing", 200),
        },
    )
    confirm = forms.BooleanField(
        label="I am authorised to sign the FPS agreement for the organisation",
        error_messages={
            "required": "Confirm that you are authorised to sign the FPS agreement for the "
            "organisation."
        },
    )
