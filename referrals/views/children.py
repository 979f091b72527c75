"""The children's pages of the placing authority: the list (search by name or case number), a
child's record, create and edit forms, and the record's export as CSV.

Each page is `page_access(PLACING)`: a provider, a forum, the lead authority's evaluators, a QA
officer and the authority's administrator get 403; another authority's child is 404. Every read
of personal data writes an audit row: the record page and the export one each, the list one
naming every child it showed.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.errors import DomainError
from fps_portal.once import address_with_new_key, key_in_address
from fps_portal.web.pages import add_problems
from providers.selectors.search.export import to_csv
from referrals.models import Child
from referrals.permissions import PLACING
from referrals.selectors.children import child_record, children_for
from referrals.services.children import (
    child_create,
    child_created_by,
    child_record_viewed,
    child_update,
    children_listed,
)
from referrals.views.children_forms import (
    CARER_PARTS,
    CARER_SLOTS,
    ChildForm,
    ChildSearchForm,
    carer_field,
    field_for_problem,
    posted,
)

PAGE_SIZE = 50
FORM = "referrals/children/form.html"


@page_access(PLACING)
@require_http_methods(["GET"])
def child_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    search = ChildSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    paginator = Paginator(children_for(actor, query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    children_listed(
        actor=actor,
        ids=[c.pk for c in rows],
        how=f"children list, page {page.number}",
        searched=bool(query),
    )
    return render(
        request,
        "referrals/children/list.html",
        {"search": search, "query": query, "page": page, "children": rows},
        status=400 if search.errors else 200,
    )


@page_access(PLACING)
@require_http_methods(["GET"])
def child_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    child = child_record(actor, pk)
    child_record_viewed(actor=actor, child=child, how="record page")
    return render(request, "referrals/children/detail.html", {"child": child})


def _form_page(request: HttpRequest, form: ChildForm, **context: object) -> HttpResponse:
    return render(request, FORM, {"form": form, **context}, status=400 if form.errors else 200)


def _saved(form: ChildForm, exc: DomainError) -> None:
    """The service's messages at the fields they name (a parent's at that parent's block)."""
    if exc.fields:
        add_problems(form, exc.fields, field_for=field_for_problem)
    else:
        form.add_error(None, exc.message)


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def child_create_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    key = key_in_address(request)
    if request.method == "GET" and key is None:
        # The key lives in the address, so Back then Save sends the same one (fps_portal.once).
        return redirect(address_with_new_key(request))
    form = ChildForm(posted(request), actor=actor, initial={"submission_key": key})
    if form.is_bound and (earlier := child_created_by(actor=actor, submission_key=form.sent_key())):
        return redirect("referrals:child-detail", pk=earlier.pk)
    if request.method == "POST" and form.is_valid():
        try:
            child = child_create(
                actor=actor,
                details=form.details(),
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except DomainError as exc:
            _saved(form, exc)
        else:
            messages.success(request, "The child's record is saved.")
            return redirect("referrals:child-detail", pk=child.pk)
    return _form_page(request, form, creating=True)


def _initial(child: Child) -> dict[str, object]:
    initial: dict[str, object] = {
        name: getattr(child, name)
        for name in (
            "given_name",
            "family_name",
            "date_of_birth",
            "case_number",
            "gender",
            "legal_status",
            "caseworker_name",
            "caseworker_email",
            "social_worker_name",
            "social_worker_email",
            "iro_name",
            "iro_email",
            "home_postcode",
            "current_setting_name",
            "ehcp_issued_on",
            "ehcp_next_review_on",
            "young_person_views",
        )
    }
    initial["primary_need"] = child.primary_need_id
    initial["other_needs"] = [n.pk for n in child.other_needs.all()]
    initial["outcomes"] = "\n".join(o.text for o in child.outcomes.all())
    for i, carer in enumerate(child.parent_carers.all()):
        for part in CARER_PARTS:
            initial[carer_field(i, part)] = getattr(carer, part)
    return initial


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    child = child_record(actor, pk)
    carers = len(child.parent_carers.all())
    form = ChildForm(
        posted(request),
        actor=actor,
        initial=_initial(child),
        carer_slots=max(CARER_SLOTS, carers + 1),
    )
    if request.method == "POST" and form.is_valid():
        try:
            child_update(actor=actor, child=child, details=form.details())
        except DomainError as exc:
            _saved(form, exc)
        else:
            messages.success(request, "The child's record is updated.")
            return redirect("referrals:child-detail", pk=child.pk)
    elif request.method == "GET":
        # The form shows the record: a view of it, as the record page is.
        child_record_viewed(actor=actor, child=child, how="edit form")
    return _form_page(request, form, creating=False, child=child)


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def export_rows(child: Child) -> list[list[object]]:
    """The record as (section, item, value) rows: one file a caseworker can read or file."""
    rows: list[list[object]] = [["Section", "Item", "Value"]]

    def add(section: str, item: str, value: object) -> None:
        rows.append([section, item, "" if value is None else value])

    add("Child", "Given name", child.given_name)
    add("Child", "Family name", child.family_name)
    add("Child", "Date of birth", _iso(child.date_of_birth))
    add("Child", "Case number", child.case_number)
    add("Child", "Gender", child.get_gender_display())
    add("Child", "Legal status", child.get_legal_status_display())
    add("Child", "Home postcode", child.home_postcode)
    add(
        "Child",
        "Current setting",
        child.current_setting.name if child.current_setting else child.current_setting_name,
    )
    add("Contacts", "SEND caseworker", child.caseworker_name)
    add("Contacts", "SEND caseworker's e-mail", child.caseworker_email)
    if child.is_looked_after:
        add("Contacts", "Social worker", child.social_worker_name)
        add("Contacts", "Social worker's e-mail", child.social_worker_email)
        add("Contacts", "Independent Reviewing Officer", child.iro_name)
        add("Contacts", "Independent Reviewing Officer's e-mail", child.iro_email)
    add("Needs", "Primary need", str(child.primary_need))
    for need in child.other_needs.all():
        add("Needs", "Other need", str(need))
    add("EHC plan", "Issued", _iso(child.ehcp_issued_on))
    add("EHC plan", "Next annual review", _iso(child.ehcp_next_review_on))
    for n, outcome in enumerate(child.outcomes.all(), start=1):
        add("EHC plan", f"Outcome {n}", outcome.text)
    add("Views", "The young person's own views", child.young_person_views)
    for n, carer in enumerate(child.parent_carers.all(), start=1):
        section = f"Parent or carer {n}"
        add(section, "Name", carer.name)
        add(section, "Relationship", carer.relationship)
        add(section, "E-mail", carer.email)
        add(section, "Phone", carer.phone)
        preferred = carer.preferred_setting.name if carer.preferred_setting else ""
        add(section, "Preferred setting", preferred or carer.preferred_setting_other)
        add(section, "Views", carer.views)
    for document in child.current_documents:  # type: ignore[attr-defined]
        add(
            "Documents",
            document.get_kind_display(),
            f"{document.title} ({document.original_filename}, uploaded "
            f"{document.uploaded_at.date().isoformat()})",
        )
    return rows


@page_access(PLACING)
@require_http_methods(["GET"])
def child_export(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    child = child_record(actor, pk)
    child_record_viewed(actor=actor, child=child, how="export as CSV")
    about = [
        ("What this is", "A child's record: special category personal data. Keep it secure."),
        ("Exported by", actor.label),
        ("Exported on", govuk_date(timezone.localdate())),
    ]
    response = HttpResponse(to_csv(export_rows(child), about), content_type="text/csv")
    # The file's name says nothing about the child: it may sit in a downloads folder.
    response["Content-Disposition"] = f'attachment; filename="child-record-{child.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
