"""The concerns' forms. The rules (what a concern must say, the timescale's limit, the outcome
needed to close) are the services', so one attempt shows every problem on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from contracts.models import Agreement
from fps_portal.accounts.models import Organisation
from fps_portal.once import OnceOnlyForm
from providers.models import Setting
from quality.models import MAX_STAGE_WORKING_DAYS, ConcernCategory, ConcernSource, EntryKind

TIMESCALE_HELP = (
    f"Agreed with those involved, driven by the outcome for the child: at most "
    f"{MAX_STAGE_WORKING_DAYS} working days (bank holidays do not count)."
)
YES_NO = [("no", "No"), ("yes", "Yes: tell the safeguarding lead now")]


def _timescale(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        initial=MAX_STAGE_WORKING_DAYS,
        help_text=TIMESCALE_HELP,
        error_messages={
            "invalid": f"Enter a whole number of working days, like {MAX_STAGE_WORKING_DAYS}."
        },
    )


class ConcernRaiseForm(OnceOnlyForm):
    use_required_attribute = False

    agreement = forms.ChoiceField(
        label="Placement",
        required=False,
        help_text="If the concern is about one child's placement (by its agreement).",
    )
    setting = forms.ChoiceField(
        label="Setting", required=False, help_text="If it is about one setting."
    )
    provider = forms.ChoiceField(
        label="Provider",
        required=False,
        help_text="If it is about the provider as a whole. Leave empty when you chose a "
        "placement or a setting.",
    )
    category = forms.ChoiceField(
        label="What is the concern about?",
        widget=forms.RadioSelect,
        choices=ConcernCategory.choices,
        required=False,
    )
    summary = forms.CharField(label="Summary", max_length=200, required=False)
    description = forms.CharField(
        label="What was raised",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What happened or was seen, when, and the evidence. Say what was tried to "
        "resolve it informally.",
    )
    immediate_safety = forms.ChoiceField(
        label="Is this an immediate concern for a child's safety?",
        widget=forms.RadioSelect,
        choices=YES_NO,
        initial="no",
        required=False,
    )
    source = forms.ChoiceField(
        label="Who raised it?",
        widget=forms.RadioSelect,
        choices=ConcernSource.choices,
        initial=ConcernSource.PRACTITIONER,
        required=False,
    )
    raised_by_name = forms.CharField(
        label="Name of the person who raised it",
        max_length=200,
        required=False,
        help_text="Only for a concern from outside the council.",
    )
    raised_by_role = forms.CharField(
        label="Who they are",
        max_length=200,
        required=False,
        help_text="Only from outside the council. For example, parent, social worker.",
    )
    raised_by_contact = forms.CharField(label="How to contact them", max_length=200, required=False)
    timescale_days = _timescale("Agreed timescale for stage 1, in working days")

    def __init__(
        self,
        *args: Any,
        placements: list[Agreement],
        settings: list[Setting],
        providers: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        none = [("", "None chosen")]
        if placements:
            self.fields["agreement"].choices = none + [  # type: ignore[attr-defined]
                (str(a.pk), f"{a.reference} at {a.setting}") for a in placements
            ]
        else:
            del self.fields["agreement"]
        self.fields["setting"].choices = none + [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.name} ({s.provider.name})") for s in settings
        ]
        self.fields["provider"].choices = none + [  # type: ignore[attr-defined]
            (str(p.pk), p.name) for p in providers
        ]


class ConcernRecordForm(forms.Form):
    use_required_attribute = False

    kind = forms.ChoiceField(
        label="What are you recording?",
        widget=forms.RadioSelect,
        required=False,
        choices=[
            (EntryKind.ANSWERED, "What the provider answered"),
            (EntryKind.DECIDED, "What was decided"),
            (EntryKind.INFORMED, "Who was informed outside the portal (for example the IRO)"),
            (EntryKind.CONSULTED, "What the safeguarding lead advised"),
        ],
    )
    text = forms.CharField(label="Record", widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, provider: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provider:
            del self.fields["kind"]
            self.fields["text"].label = "Your answer"


class ConcernEscalateForm(forms.Form):
    use_required_attribute = False

    reason = forms.CharField(
        label="Why is it escalated?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What remains unresolved, and what was tried.",
    )
    provider_contact = forms.CharField(
        label="The provider's equivalent contacted",
        max_length=200,
        required=False,
        help_text="Needed for stage 2: their name and role.",
    )
    informed = forms.CharField(
        label="Who at the Safeguarding Partnership was informed, and how",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed for stage 4.",
    )
    timescale_days = _timescale("Agreed timescale for the next stage, in working days")


class ConcernCloseForm(forms.Form):
    use_required_attribute = False

    outcome_for_child = forms.CharField(
        label="The outcome for the child",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="How the resolution improved outcomes for the child or family. It is recorded "
        "on the concern and told to the people concerned.",
    )
