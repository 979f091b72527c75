"""A form sent twice makes one record.

A double click, a slow network retried, or the browser's back button and "resend" all send the
same form again. Each create form carries a hidden `submission_key` (a random UUID made when the
form is shown, `OnceOnlyForm`); the service stores it on the row it creates, and the model holds it
unique per owner (a provider's evidence, a setting's services, an application's price lines).

Why a database constraint and not a one-time token in the session: a session check-and-clear is
a read then a write, so two requests racing (the usual double click) both read the token before
either clears it, and both create; and sessions are saved at the end of the response, after the
rows are committed. A unique index is checked by the database under the insert itself: the second
insert waits for the first transaction and then fails, whatever the timing, on every worker. The
service then answers with the record the first request made, so the second request shows the same
result instead of an error.

Pages that are never cached (every signed-in page is `no-store`) are fetched again when the person
goes Back, and the browser puts what they typed back into the fresh copy, which would carry a new
key: Save would then make a second record. So a create page keeps its key in its own address
(`?once=<key>`, `key_in_address` / `address_with_new_key`): a visit without one is redirected to
one with a fresh key, Back returns to that same address and key, and the second Save answers with
the first record. A new visit to the page (its link has no key) gets a new key.

The key is unique per owner (not globally), and the earlier record is looked up within the owner
only, so a key copied from someone else's page can neither reveal nor block their record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

M = TypeVar("M", bound=models.Model)

#: The query parameter holding a create page's submission key.
ADDRESS_KEY = "once"


def key_in_address(request: HttpRequest) -> uuid.UUID | None:
    """The submission key in the page's address, if it holds a well-formed one."""
    try:
        return uuid.UUID(request.GET.get(ADDRESS_KEY, ""))
    except ValueError:
        return None


def address_with_new_key(request: HttpRequest) -> str:
    """This page's address with a fresh submission key (other parameters kept)."""
    query = request.GET.copy()
    query[ADDRESS_KEY] = str(uuid.uuid4())
    return f"{request.path}?{query.urlencode()}"


def create_once(
    *, earlier: models.QuerySet[M], submission_key: uuid.UUID | None, create: Callable[[], M]
) -> tuple[M, bool]:
    """`create()` unless this submission already made its record; (record, created).

    `earlier` is the owner's rows (e.g. the provider's evidence), filtered here by the key. Call it
    inside the caller's transaction, after its permission checks. `create` runs in a savepoint,
    so a twin that committed first rolls back only the insert, not the caller's transaction.
    Without a key (an API client that sends none) every call creates, as before.
    """
    if submission_key is not None:
        found = earlier.filter(submission_key=submission_key).first()
        if found is not None:
            return found, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        # Another request with the same key committed between the look-up and the insert (or
        # the insert broke some other rule, in which case there is no twin and it re-raises).
        if submission_key is None:
            raise
        found = earlier.filter(submission_key=submission_key).first()
        if found is None:
            raise
        return found, False


def already_made(earlier: models.QuerySet[M], submission_key: uuid.UUID | None) -> M | None:
    """The record this submission already made, if any: for services that must answer a replay
    before their own checks (which the first request's change may now fail)."""
    if submission_key is None:
        return None
    return earlier.filter(submission_key=submission_key).first()


def submission_key_constraint(owner: str, *, name: str) -> models.UniqueConstraint:
    """The unique (owner, submission_key) constraint; rows without a key are not constrained."""
    return models.UniqueConstraint(
        fields=[owner, "submission_key"],
        condition=models.Q(submission_key__isnull=False),
        name=name,
    )


def submission_key_field() -> models.UUIDField:
    return models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The key of the form that created this row: the same form sent twice makes "
        "one row (fps_portal.once).",
    )


class OnceOnlyForm(forms.Form):
    """A create form with a hidden, fresh `submission_key` each time it is shown unbound."""

    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def sent_key(self) -> uuid.UUID | None:
        """The key sent, read before validation: a page whose checks the first sending's record
        would now fail (a URN taken by it) looks for that record first."""
        try:
            sent = self.data.get(self.add_prefix("submission_key"))
            value = self.fields["submission_key"].clean(sent)
        except forms.ValidationError:
            return None
        return value if isinstance(value, uuid.UUID) else None
