"""The authority administrator's pages for their own authority's people: the list, inviting a
colleague, a person's roles and senior position, and deactivating a leaver. Another authority's
person or membership is 404 through the scoping rules; anyone but an administrator gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.accounts.models import Membership, Role, User
from fps_portal.accounts.selectors import Person, people
from fps_portal.accounts.services.people import (
    colleague_invite,
    person_deactivate,
    role_give,
    role_remove,
    senior_position_change,
)
from fps_portal.actors import Actor, actor_of
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.people_forms import GiveRoleForm, InviteColleagueForm, SeniorPositionForm
from fps_portal.web.reasons import ReasonForm

FORM = "portal/people/form.html"
View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if actor is None or not actor.is_authority_admin or actor.api_client is not None:
            raise PermissionDenied
        return view(request, actor, *args, **kwargs)

    return wrapped


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST (even an empty one, which is then invalid), None on GET."""
    return request.POST if request.method == "POST" else None


def show_error(form: forms.BaseForm, error: DomainError) -> None:
    """The service's message on the fields it names, or on the form."""
    placed = False
    for name, field_messages in error.fields.items():
        if name in form.fields:
            for message in field_messages:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _people(actor: Actor, user: User | None = None) -> list[Person]:
    return people(actor, users=None if user is None else [user])


def _person(actor: Actor, pk: int) -> Person:
    user = get_scoped_or_404(User, actor, pk=pk)
    found = _people(actor, user)
    if not found:  # an API client's own user
        raise Http404
    return found[0]


def _membership(actor: Actor, pk: int) -> Membership:
    membership = get_scoped_or_404(Membership, actor, pk=pk, select_related=["user"])
    if hasattr(membership, "api_client"):
        raise Http404
    return membership


def _form_page(request: HttpRequest, form: forms.BaseForm, **context: Any) -> HttpResponse:
    return render(request, FORM, {"form": form, **context}, status=400 if form.errors else 200)


@admin_only
@require_http_methods(["GET"])
def people_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "portal/people/list.html", {"people": _people(actor)})


@admin_only
@require_http_methods(["GET", "POST"])
def people_invite(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = InviteColleagueForm(posted(request), organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = colleague_invite(actor=actor, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request, f"We sent {membership.user.email} a link to set their password."
            )
            return redirect("people-list")
    return _form_page(
        request,
        form,
        title="Invite a colleague",
        intro="We email them a link to set their password. It works once and expires; they "
        "then set up an authenticator app when they first sign in.",
        submit_label="Send invitation",
        back_url="/account/people/",
    )


@admin_only
@require_http_methods(["GET"])
def people_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    person = _person(actor, pk)
    return render(
        request,
        "portal/people/detail.html",
        {"person": person, "is_self": person.user.pk == actor.user.pk},
    )


@admin_only
@require_http_methods(["GET", "POST"])
def people_give_role(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    person = _person(actor, pk)
    form = GiveRoleForm(posted(request), organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = role_give(actor=actor, person=person.user, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request, f"{person.user} is now a {membership.get_role_display().lower()}."
            )
            return redirect("people-detail", pk=person.user.pk)
    return _form_page(
        request,
        form,
        title=f"Give {person.user} a role",
        submit_label="Give role",
        back_url=f"/account/people/{person.user.pk}/",
    )


@admin_only
@require_http_methods(["GET", "POST"])
def people_role_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    membership = _membership(actor, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            role_remove(actor=actor, membership=membership, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.user} is no longer a {membership.get_role_display().lower()}.",
            )
            return redirect("people-detail", pk=membership.user_id)
    return _form_page(
        request,
        form,
        title=f"Remove the role {membership.get_role_display().lower()} from {membership.user}",
        submit_label="Remove role",
        submit_class="govuk-button--warning",
        back_url=f"/account/people/{membership.user_id}/",
    )


@admin_only
@require_http_methods(["GET", "POST"])
def people_senior_position(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    membership = _membership(actor, pk)
    if membership.role != Role.SENIOR_MANAGER or not membership.is_active:
        raise Http404
    form = SeniorPositionForm(
        posted(request), initial={"senior_position": membership.senior_position}
    )
    if request.method == "POST" and form.is_valid():
        try:
            senior_position_change(
                actor=actor,
                membership=membership,
                senior_position=form.cleaned_data["senior_position"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{membership.user}'s senior position is changed.")
            return redirect("people-detail", pk=membership.user_id)
    return _form_page(
        request,
        form,
        title=f"Change {membership.user}'s senior position",
        submit_label="Save",
        back_url=f"/account/people/{membership.user_id}/",
    )


@admin_only
@require_http_methods(["GET", "POST"])
def people_deactivate(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    person = _person(actor, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person_deactivate(actor=actor, person=person.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{person.user} no longer has access to your authority.")
            return redirect("people-list")
    return _form_page(
        request,
        form,
        title=f"Deactivate {person.user}",
        intro="Every role they hold here ends now: their sign-in and API tokens no longer reach "
        "anything of your authority.",
        submit_label="Deactivate",
        submit_class="govuk-button--warning",
        back_url=f"/account/people/{person.user.pk}/",
    )
