"""Forms of the authority administrator's pages: people and API clients. Rules the services
check (the roles an authority may give, the last administrator) are left to them."""

from __future__ import annotations

from django import forms

from fps_portal.accounts.models import (
    API_CLIENT_ROLES,
    AUTHORITY_STAFF_ROLES,
    Organisation,
    Role,
    SeniorPosition,
)
from fps_portal.accounts.services.api_clients import DEFAULT_LIFETIME_DAYS, LIFETIMES
from fps_portal.once import OnceOnlyForm
from fps_portal.text import too_long
from fps_portal.web.reasons import reason_field

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com."
POSITION_HINT = "Only for senior managers: rating alerts and sign-offs go to named posts."


def role_choices(
    organisation: Organisation | None, roles: tuple[str, ...]
) -> list[tuple[str, str]]:
    """The roles this authority can hold: lead evaluators only in the lead authority."""
    lead = organisation is not None and organisation.is_lead
    return [(r, Role(r).label) for r in roles if r != Role.LEAD_EVALUATOR or lead]


def _position_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Senior position",
        required=False,
        choices=[("", "None"), *SeniorPosition.choices],
        help_text=POSITION_HINT,
    )


class RoleFormMixin(forms.Form):
    def __init__(self, *args: object, organisation: Organisation | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = role_choices(organisation, AUTHORITY_STAFF_ROLES)


class InviteColleagueForm(RoleFormMixin):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter your colleague's full name.",
            **too_long("Full name", 200),
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your colleague's email address.",
            "invalid": EMAIL_FORMAT,
            **too_long("Email address", 254),
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role."}
    )
    senior_position = _position_field()


class GiveRoleForm(RoleFormMixin):
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role."}
    )
    senior_position = _position_field()
    reason = reason_field("Why they need this role")


class SeniorPositionForm(forms.Form):
    senior_position = forms.ChoiceField(
        label="Senior position",
        choices=SeniorPosition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the senior manager's position."},
    )


class ApiClientForm(OnceOnlyForm):
    name = forms.CharField(
        label="Name of the system",
        max_length=100,
        help_text="So you and the audit log can tell it apart, like 'Sefton case management'.",
        error_messages={
            "required": "Enter a name for the system.",
            **too_long("Name of the system", 100),
        },
    )
    role = forms.ChoiceField(
        label="Role it acts in",
        widget=forms.RadioSelect,
        help_text="The system can do what a person in this role can, and nothing else.",
        error_messages={"required": "Select the role the system acts in."},
    )
    lifetime_days = forms.TypedChoiceField(
        label="Credential lasts",
        coerce=int,
        choices=list(LIFETIMES.items()),
        initial=DEFAULT_LIFETIME_DAYS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how long the credential lasts."},
    )

    def __init__(self, *args: object, organisation: Organisation | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = role_choices(organisation, API_CLIENT_ROLES)
