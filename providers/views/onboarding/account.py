"""Provider pages: register, invite colleagues, the evidence library, setting overviews,
downloads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fps_portal.access import ANY_ACTOR, PROVIDERS, organisation_of, page_access
from fps_portal.accounts.models import Membership, Role
from fps_portal.accounts.sign_in_limits import normalised_email, over_address_or_email_limit
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.forms import ConfirmRegistrationForm
from fps_portal.web.sign_in import too_many_requests
from providers.models import Evidence, Setting, SettingOverview
from providers.services.evidence import (
    evidence_add,
    evidence_record_download,
    setting_overview_save,
)
from providers.services.registration import (
    colleague_invite,
    pending_registration,
    provider_registration_confirm,
    provider_registration_request,
)
from providers.views.onboarding.forms import (
    EvidenceForm,
    InviteForm,
    OverviewForm,
    RegisterForm,
    apply_domain_error,
)

FORM = "providers/onboarding/form.html"
_REGISTERED_EMAIL_KEY = "fps_registered_email"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Registration answers every valid form with the same "check your email" page, so it never
    says whether an address has an account (see provider_registration_request)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = normalised_email(form.cleaned_data["email"])
        if over_address_or_email_limit(
            request,
            group="registration",
            email=email,
            per_address=settings.REGISTRATION_RATE_PER_ADDRESS,
            per_email=settings.REGISTRATION_RATE_PER_EMAIL,
        ):
            return too_many_requests(request, what="Registering", typed_email=email)
        try:
            provider_registration_request(**form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            request.session[_REGISTERED_EMAIL_KEY] = email
            return redirect("providers:register-sent")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Register your organisation",
            "caption": "Providers",
            "intro": "Register to apply to join the North West SEND Flexible Purchasing System. "
            "You can invite "
            "colleagues once you are registered.",
            "submit_label": "Register",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/register_check_email.html",
        {"email": request.session.get(_REGISTERED_EMAIL_KEY, "")},
    )


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    pending = pending_registration(token)
    if pending is None:
        return render(request, "registration/register_link_expired.html", status=404)
    form = ConfirmRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, organisation = provider_registration_confirm(
                token=token, password=form.cleaned_data["password"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"{organisation.name} is registered. Add your settings and evidence, then apply.",
            )
            return redirect("providers:application-list")
    return render(
        request,
        "registration/register_confirm.html",
        {
            "form": form,
            "organisation_name": pending.details.get("name", ""),
            "email": pending.email,
        },
        status=400 if form.errors else 200,
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def colleagues(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = colleague_invite(actor=actor, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request, f"We sent {membership.user.email} a link to set their password."
            )
            return redirect("providers:colleagues")
    people = (
        scoped(Membership, actor)
        .filter(role=Role.PROVIDER_USER, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return render(
        request,
        "providers/onboarding/colleagues.html",
        {"form": form, "people": people},
        status=400 if form.errors else 200,
    )


@page_access(PROVIDERS)
def evidence_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    evidence = (
        scoped(Evidence, actor)
        .select_related("setting")
        .order_by("setting__name", "kind", "-uploaded_at")
    )
    settings = list(
        scoped(Setting, actor).filter(provider_id=actor.organisation_id).order_by("name")
    )
    overviews = set(
        scoped(SettingOverview, actor)
        .filter(setting__in=settings)
        .values_list("setting_id", flat=True)
    )
    return render(
        request,
        "providers/onboarding/evidence_list.html",
        {
            "evidence": evidence,
            "settings": [(s, s.pk in overviews) for s in settings],
            "today": timezone.localdate(),
        },
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, actor: Actor) -> HttpResponse:
    settings_qs = scoped(Setting, actor).filter(provider_id=actor.organisation_id)
    replaces = None
    if request.GET.get("replaces"):
        replaces = get_scoped_or_404(Evidence, actor, pk=request.GET["replaces"])
    initial = {}
    if replaces is not None:
        initial = {
            "kind": replaces.kind,
            "setting": replaces.setting_id,
            "title": replaces.title,
            "insurance_type": replaces.insurance_type,
            "insurer": replaces.insurer,
            "cover_amount": replaces.cover_amount,
        }
    elif request.GET.get("setting"):
        initial = {"setting": request.GET["setting"]}
    form = EvidenceForm(
        request.POST or None, request.FILES or None, settings_qs=settings_qs, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_add(
                actor=actor,
                provider=organisation_of(actor),
                kind=data["kind"],
                title=data["title"],
                upload=data.get("file"),
                setting=data.get("setting"),
                reference=data.get("reference") or "",
                insurance_type=data.get("insurance_type") or "",
                insurer=data.get("insurer") or "",
                cover_amount=data.get("cover_amount"),
                valid_until=data.get("valid_until"),
                replaces=replaces,
                submission_key=data.get("submission_key"),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"'{data['title']}' was added to your evidence.")
            return redirect("providers:evidence-list")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Replace evidence" if replaces else "Add evidence",
            "caption": "Evidence library",
            "intro": "Upload it once: evidence that is still valid is offered to every "
            "application and every lot.",
            "submit_label": "Upload",
            "multipart": True,
        },
        status=400 if form.errors else 200,
    )


@page_access(ANY_ACTOR)
def evidence_download(request: HttpRequest, actor: Actor, pk: int) -> FileResponse:
    evidence = get_scoped_or_404(Evidence, actor, pk=pk)
    evidence_record_download(actor=actor, evidence=evidence)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_filename,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def setting_overview(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = get_scoped_or_404(Setting, actor, pk=pk, provider_id=actor.organisation_id)
    current = scoped(SettingOverview, actor).filter(setting=setting).first()
    initial = (
        {}
        if current is None
        else {
            "services_overview": current.services_overview,
            "working_with_parents": current.working_with_parents,
            "learner_voice": current.learner_voice,
        }
    )
    form = OverviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            setting_overview_save(actor=actor, setting=setting, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"The overview of {setting.name} is saved.")
            return redirect("providers:evidence-list")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": f"Overview of {setting.name}",
            "caption": "Evidence library",
            "intro": "Written once and offered to every application that includes this setting.",
            "submit_label": "Save overview",
        },
        status=400 if form.errors else 200,
    )
