"""The lead authority's form to publish a version of the agreement."""

from __future__ import annotations

from django import forms

from fps_portal.once import OnceOnlyForm
from fps_portal.text import too_long
from providers.views.onboarding.form_fields import (
    ServiceCheckedCharField,
    ServiceCheckedFileField,
)


class AgreementDocumentForm(OnceOnlyForm):
    """Emptiness and the file's type are checked by the service, so one attempt shows every
    problem."""

    use_required_attribute = False

    title = ServiceCheckedCharField(
        label="Title",
        max_length=200,
        help_text="For example, North West SEND FPS agreement 2026.",
        error_messages=too_long("The title", 200),
    )
    summary_of_changes = forms.CharField(
        label="What changed since the last version (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=too_long("What changed", 2000),
    )
    file = ServiceCheckedFileField(label="Upload the agreement", help_text="A PDF.")
