"""A decision queue's page, for the lead authority's queues of things a provider sent that wait
on a yes or no (a judgement to check, a price change to decide): the form and the page's POST.

The service checks the decision (a reason is required for one of the outcomes), so one attempt
shows every problem; a decision taken meanwhile by someone else answers 409, as in the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fps_portal.errors import DomainError
from fps_portal.web.pages import put_on_form
from fps_portal.web.reasons import reason_field


class DecisionForm(forms.Form):
    """One of two outcomes and a reason; a subclass names the question and the outcomes."""

    outcome_label: ClassVar[str]
    outcome_choices: ClassVar[list[tuple[str, str]]]
    outcome_missing: ClassVar[str]  # no outcome, or one not offered
    reason_help: ClassVar[str]

    outcome = forms.ChoiceField(widget=forms.RadioSelect)
    reason = reason_field(required=None, max_length=2000, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.label = self.outcome_label
        outcome.choices = self.outcome_choices
        outcome.error_messages.update(
            required=self.outcome_missing, invalid_choice=self.outcome_missing
        )
        self.fields["reason"].help_text = self.reason_help


def decision_page(
    request: HttpRequest,
    *,
    form_class: type[DecisionForm],
    decide: Callable[[str, str], object],
    done: Callable[[], str],
    then: str,
    template: str,
    context: Callable[[], Mapping[str, Any]],
) -> HttpResponse:
    """On a valid POST, `decide(outcome, reason)`, then back to the queue (`then`) with the
    message `done()` makes; otherwise the page again (`context()`, made after any attempt), with
    the service's message on the form and its status (409 when decided meanwhile), or 400."""
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            decide(form.cleaned_data["outcome"], form.cleaned_data["reason"])
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status  # 409 when it was decided meanwhile, as in the API
        else:
            messages.success(request, done())
            return redirect(then)
    return render(
        request,
        template,
        {"form": form, **context()},
        status=status if status != 200 else (400 if form.errors else 200),
    )
