"""What the onboarding forms say: required fields are not labelled "(optional)", fields needed
only sometimes say when in their hint, and every error says what to do and names what is at
fault (the setting, the lot, the requirement), never Django's "This field is required."."""

from __future__ import annotations

import html
import inspect
import re

import pytest
from django import forms
from django.core import mail
from django.test import Client

from fps_portal.accounts.models import Organisation, Role
from providers.models import Requirement
from providers.views.onboarding import forms as onboarding_forms
from providers.views.onboarding import lead_authority_forms
from providers.views.onboarding.form_fields import EmptinessCheckedByService
from tests.factories import person
from tests.providers.onboarding.factories import evaluator
from tests.providers.onboarding.two_settings import (
    NORTH,
    SOUTH,
    draft_with_two_settings,
    result,
    under_evaluation_with_two_settings,
)

pytestmark = pytest.mark.django_db

DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
# A browser always sends the CSRF token, so a form sent with nothing filled in is still bound.
NOTHING_FILLED_IN = {"csrfmiddlewaretoken": "sent-by-every-browser"}


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def _summary(page: str) -> list[str]:
    """The error summary's lines, tags removed."""
    body = page[page.index("govuk-error-summary__list") :]
    body = body[: body.index("</ul>")]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", body)]


def _label_of(page: str, text: str) -> str:
    """The label or legend whose text starts with `text`, tags removed and spaces squeezed."""
    match = re.search(rf"<(label|legend)[^>]*>\s*{re.escape(text)}.*?</(label|legend)>", page, re.S)
    assert match, f"no label or legend '{text}'"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


# --- Labels -------------------------------------------------------------------------------


def test_the_scope_and_price_fields_are_not_labelled_optional(client: Client) -> None:
    built = draft_with_two_settings()
    client.force_login(built.ready.user)
    base = f"/onboarding/applications/{built.application.pk}/"
    scope = _text(client.get(base + "lots/"))
    assert "(optional)" not in _label_of(scope, "Which lots are you applying for?")
    assert "(optional)" not in _label_of(scope, "Which settings are included?")
    prices = _text(client.get(base + "prices/"))
    assert "(optional)" not in prices
    assert f"Leave empty if {SOUTH} does not offer lot 2." in prices


def test_evaluation_and_moderation_radios_are_not_labelled_optional(client: Client) -> None:
    built = under_evaluation_with_two_settings()
    lead = evaluator()
    client.force_login(lead)
    page = _text(client.get(f"/fps/applications/{built.application.pk}/evaluate/"))
    assert "(optional)" not in page
    assert "Needed if you choose fail." in page  # when a reason is needed, in the hint
    _disagree_on_souths_statement(built)
    moderation = _text(client.get(f"/fps/applications/{built.application.pk}/moderate/"))
    assert "(optional)" not in moderation


def test_evidence_fields_needed_for_some_kinds_say_when_instead_of_optional(
    client: Client,
) -> None:
    client.force_login(person(Role.PROVIDER_USER))
    page = _text(client.get("/onboarding/evidence/new/"))
    for label in ("Insurer", "Cover in pounds", "Valid until", "Setting", "Title"):
        assert "(optional)" not in _label_of(page, label)
    assert page.count("Needed for an insurance certificate.") >= 3
    assert "Needed for a registration certificate, DfE registration" in page
    assert "(optional)" in _label_of(page, "Reference or policy number")  # truly optional


# --- Error messages -----------------------------------------------------------------------


def _required_fields() -> list[tuple[str, str, forms.Field]]:
    found = []
    for module in (onboarding_forms, lead_authority_forms):
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                for field_name, field in form_class.base_fields.items():
                    if field.required and not isinstance(field, EmptinessCheckedByService):
                        found.append((name, field_name, field))
    return found


@pytest.mark.parametrize(
    "form_name,field_name,field", _required_fields(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_onboarding_field_says_this_field_is_required(
    form_name: str, field_name: str, field: forms.Field
) -> None:
    message = str(field.error_messages["required"])
    assert message != DJANGO_REQUIRED
    assert message.startswith(("Enter", "Select", "Describe", "Confirm", "Give"))


def test_an_empty_registration_says_what_to_enter_in_each_field() -> None:
    page = _text(Client().post("/onboarding/register/", NOTHING_FILLED_IN))
    assert DJANGO_REQUIRED not in page
    assert _summary(page) == [
        "Enter your full name.",
        "Enter your email address.",
        "Enter a password of at least 12 characters.",
        "Enter the organisation's name.",
        "Enter the organisation's legal name.",
        # The service's rule, in the same round as the form's own (issue 10).
        "Enter a Companies House number, a charity number, or both.",
        "Enter the organisation's registered address.",
        "Enter the postcode of the registered address.",
        "Enter the organisation's contact email address.",
    ]


@pytest.mark.parametrize(
    "postcode,message",
    [
        ("P", "Enter a real postcode, like CW1 2AB."),
        ("ZZ9 9ZZ", "We cannot find the postcode district ZZ9. Check the postcode."),
    ],
)
def test_the_registered_postcode_is_checked_like_a_settings_postcode(
    postcode: str, message: str
) -> None:
    response = Client().post("/onboarding/register/", _registration(postcode=postcode))
    assert response.status_code == 400
    assert message in _summary(_text(response))
    assert not Organisation.objects.filter(name="Harbour Schools").exists()


def test_the_registered_postcode_is_stored_as_usually_written() -> None:
    browser = Client()
    response = browser.post("/onboarding/register/", _registration(postcode="  wn11aa "))
    assert response.status_code == 302
    # The organisation is created once the e-mailed link is followed and the password entered.
    link = re.search(r"https?://[^/\s]+(/onboarding/register/confirm/\S+/)", mail.outbox[-1].body)
    assert link is not None
    browser.post(link.group(1), {"password": _registration()["password"]})
    assert Organisation.objects.get(name="Harbour Schools").postcode == "WN1 1AA"


def _registration(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Jo Hale",
        "email": "jo@harbour.example",
        "password": "a-long-unusual-passphrase-42",
        "name": "Harbour Schools",
        "legal_name": "Harbour Schools Ltd",
        "companies_house_number": "08765432",
        "address": "1 Quay Street, Wigan",
        "postcode": "WN1 1AA",
        "contact_email": "office@harbour.example",
        **overrides,
    }


def test_other_onboarding_forms_say_what_to_enter(client: Client) -> None:
    provider = person(Role.PROVIDER_USER)
    client.force_login(provider)
    assert _summary(_text(client.post("/onboarding/colleagues/", NOTHING_FILLED_IN))) == [
        "Enter your colleague's full name.",
        "Enter your colleague's email address.",
    ]
    window = onboarding_forms.WindowForm({})
    assert window.errors == {
        "name": ["Enter the window name, like Round 6 (2027)."],
        "opens_at": ["Enter the date and time the window opens."],
        "closes_at": ["Enter the date and time the window closes."],
        "evaluation_deadline": ["Enter the date and time of the evaluation deadline."],
    }
    late = onboarding_forms.WindowForm({"opens_at": "tomorrow"})
    assert late.errors["opens_at"] == ["The date the window opens must be a real date."]
    assert onboarding_forms.ClarificationForm({}).errors == {
        "question": ["Enter the question for the provider."],
        "due_at": ["Enter the date and time the answer is due."],
    }
    assert onboarding_forms.SignForm({}).errors == {
        "signatory_name": ["Enter the full name of the person signing."],
        "signatory_role": ["Enter the role of the person signing, like 'Director'."],
        "confirm": [
            "Confirm that you are authorised to sign the FPS agreement for the organisation."
        ],
    }


def test_the_services_page_says_what_to_enter(client: Client) -> None:
    built = draft_with_two_settings()
    client.force_login(built.ready.user)
    path = f"/onboarding/applications/{built.application.pk}/services/"
    page = _text(client.post(path, NOTHING_FILLED_IN))
    assert _summary(page) == [
        "Select the setting that offers this service.",
        "Enter the service, like '1:1 support'.",
        "Enter what the service is charged per, like 'hour'.",
        "Enter the rate in pounds and pence, like 25.00.",
    ]


def test_price_errors_name_the_setting_and_lot_of_each_box(client: Client) -> None:
    built = draft_with_two_settings()
    client.force_login(built.ready.user)
    cells = [(s, lot) for s in (built.north, built.south) for lot in (built.lot_one, built.lot_two)]
    response = client.post(
        f"/onboarding/applications/{built.application.pk}/prices/",
        {f"price_{s.pk}_{lot.pk}": "twelve" for s, lot in cells},
    )
    assert response.status_code == 400
    summary = _summary(_text(response))
    assert len(summary) == 4 and len(set(summary)) == 4
    assert f"Enter {SOUTH}'s weekly price for lot 2 in pounds and pence, like 3250.00." in summary
    assert f"Enter {NORTH}'s weekly price for lot 1 in pounds and pence, like 3250.00." in summary


def test_evaluation_errors_name_the_setting_keep_capitals_and_do_not_repeat(
    client: Client,
) -> None:
    built = under_evaluation_with_two_settings()
    client.force_login(evaluator())
    path = f"/fps/applications/{built.application.pk}/evaluate/"
    response = client.post(path, NOTHING_FILLED_IN)
    assert response.status_code == 400
    summary = _summary(_text(response))
    assert len(summary) == built.application.results.count()
    assert len(set(summary)) == len(summary)
    assert f"Select pass or fail for {NORTH}'s Statement of Purpose." in summary
    assert f"Select pass or fail for {SOUTH}'s DfE registration." in summary
    assert "Select pass or fail for employer's liability insurance." in summary
    assert not any("dfe registration" in line or "statement of purpose" in line for line in summary)
    # Every answer a fail with no reason: each reason is asked for by its setting's name.
    fails = {f"result_{r.pk}": "fail" for r in built.application.results.all()}
    reasons = _summary(_text(client.post(path, fails)))
    assert f"Give the reason for your decision on {SOUTH}'s Statement of Purpose." in reasons
    assert len(set(reasons)) == len(reasons)


def _disagree_on_souths_statement(built):  # type: ignore[no-untyped-def]
    from tests.providers.onboarding.two_settings import evaluate_failing

    statement = result(built.application, Requirement.STATEMENT_OF_PURPOSE, built.south)
    first = person(Role.LEAD_EVALUATOR, full_name="Ann Evans")
    second = person(Role.LEAD_EVALUATOR, full_name="Ben Ode")
    evaluate_failing(built.application, first, statement.pk, "No admissions section.")
    evaluate_failing(built.application, second, -1, "")
    return statement


def test_moderation_shows_each_evaluators_verdict_and_reason_and_asks_by_name(
    client: Client,
) -> None:
    built = under_evaluation_with_two_settings()
    statement = _disagree_on_souths_statement(built)
    client.force_login(evaluator())
    path = f"/fps/applications/{built.application.pk}/moderate/"
    page = _text(client.get(path))
    legend = _label_of(page, "Final result: Statement of Purpose")
    assert SOUTH in legend
    hint = page[page.index(f'id="id_resolve_{statement.pk}-hint"') :]
    hint = hint[: hint.index("</div>")]
    assert "Ann Evans: Fail – No admissions section." in hint
    assert "Ben Ode: Pass – Checked the evidence." in hint
    summary = _summary(_text(client.post(path, NOTHING_FILLED_IN)))
    assert summary == [
        "Give the reason for the outcome.",
        f"Select pass or fail for {SOUTH}'s Statement of Purpose.",
        f"Give the reason for the final result on {SOUTH}'s Statement of Purpose.",
    ]


def test_check_your_application_lists_every_problem_with_a_link_to_its_step(
    client: Client,
) -> None:
    built = draft_with_two_settings()  # no prices and no declarations yet
    client.force_login(built.ready.user)
    base = f"/onboarding/applications/{built.application.pk}/"
    assert "<title>Check and submit" in client.get(base + "submit/").content.decode()
    response = client.post(base + "submit/")
    assert response.status_code == 400
    page = _text(response)
    assert "<title>Error: Check and submit" in page
    summary = page[page.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    assert links == [
        (base + "prices/", "Enter at least one weekly price for every setting included."),
        (base + "declarations/", "Confirm all the declarations."),
    ]
