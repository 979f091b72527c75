"""Concerns about providers and their four-stage challenge and escalation (seed 002,
"Challenge and Escalation Process Provider Concerns", l.307-336 and l.514-550; REQUIREMENTS
C12-C26).

A placing authority's practitioner (a commissioner, QA officer or senior manager) raises a
`Concern` about a provider, one of its settings or one of the authority's placements (an IPA in
`contracts`), or records one received from outside the council with who raised it. It climbs
four stages, one `ConcernStage` row each, never down:

1. the practitioner raises it verbally and in writing and tries to resolve it at once;
2. their line manager or the commissioning manager contacts the provider's equivalent (the
   provider sees the concern from here and answers it);
3. the commissioning manager sends the provider a letter of escalation (`ConcernLetter`, a PDF
   rendered from the record), and it goes formally through both organisations' hierarchies;
4. the Safeguarding Partnership is informed and reviews until it is resolved.

Each stage has an agreed timescale of at most 10 working days (England's bank holidays are not
working days); a stage not resolved by its due date escalates by itself (beat), and a stage 4
overdue is formally referred to the Partnership for an independent advisor (l.550). Every step
is a `ConcernEntry` (what was raised, answered, decided, who was informed, the safeguarding
lead's advice), never changed. Closing needs the outcome for the child (l.316).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.models.evidence import private_storage

#: No stage may take longer than this many working days (seed 002, l.335).
MAX_STAGE_WORKING_DAYS = 10
FIRST_STAGE = 1
LAST_STAGE = 4
#: The stage from which the provider's equivalent is engaged, so the provider sees the concern.
PROVIDER_SEES_FROM_STAGE = 2
LETTER_STAGE = 3


class ConcernCategory(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding and child protection"
    CARE = "care_welfare", "Care and welfare"
    EDUCATION = "education", "Education and meeting the EHC plan"
    HEALTH = "health", "Health and therapies"
    BEHAVIOUR = "behaviour", "Behaviour, restraint and exclusions"
    STAFFING = "staffing", "Staffing and leadership"
    PREMISES = "premises", "Premises and physical safety"
    CONTRACT = "contract", "Contract compliance and fees"
    COMMUNICATION = "communication", "Communication with the family or the authority"
    OTHER = "other", "Something else"


class ConcernSource(models.TextChoices):
    PRACTITIONER = "practitioner", "A practitioner of the authority"
    EXTERNAL = "external", "Someone outside the council (recorded by the authority)"


class ConcernState(models.TextChoices):
    """- open: on its current stage, with a due date.
    - closed: resolved, with the outcome for the child recorded."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


CONCERN_TRANSITIONS: dict[str, frozenset[str]] = {
    ConcernState.OPEN: frozenset({ConcernState.CLOSED}),
    ConcernState.CLOSED: frozenset(),
}

STAGE_NAMES = {
    1: "Stage 1: raised by the practitioner",
    2: "Stage 2: line manager and the provider's equivalent",
    3: "Stage 3: letter of escalation from the commissioning manager",
    4: "Stage 4: the Safeguarding Partnership informed",
}


class Concern(models.Model):
    """One concern of one placing authority about one provider (and, when it is about them, one
    of its settings or one of the authority's placements there)."""

    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="concerns_raised"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="concerns"
    )
    setting = models.ForeignKey(
        "providers.Setting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    agreement = models.ForeignKey(
        "contracts.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The placement the concern is about, if it is about one child's placement.",
    )
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    summary = models.CharField(max_length=200)
    description = models.TextField(help_text="What was raised, with the evidence for it.")
    immediate_safety = models.BooleanField(
        default=False, help_text="An immediate concern for a child's safety (seed 002, l.317)."
    )
    safety_flagged_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=16, choices=ConcernSource.choices, default=ConcernSource.PRACTITIONER
    )
    # Who raised it: the practitioner (a user), or for a concern from outside the council the
    # person's name, who they are and how to reach them, as recorded by `recorded_by`.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_name = models.CharField(max_length=200, blank=True)
    raised_by_role = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example, parent, social worker, member of staff.",
    )
    raised_by_contact = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=ConcernState.choices, default=ConcernState.OPEN)
    #: The current stage, 1 to 4 (the stage rows hold each one's record).
    stage = models.PositiveSmallIntegerField(default=FIRST_STAGE)
    # Stage 4 not resolved in time: formally referred to the Partnership (l.550), once.
    partnership_referred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_for_child = models.TextField(
        blank=True, help_text="How the resolution improved outcomes for the child (l.316)."
    )
    submission_key = submission_key_field()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            submission_key_constraint("authority", name="concern_once_per_form"),
            models.CheckConstraint(
                condition=Q(stage__gte=FIRST_STAGE, stage__lte=LAST_STAGE),
                name="concern_stage_1_to_4",
            ),
            # Closing needs the outcome for the child (seed 002, l.316).
            models.CheckConstraint(
                condition=Q(state="open") | ~Q(outcome_for_child=""),
                name="closed_concern_has_outcome",
            ),
            # A concern from outside the council says who raised it.
            models.CheckConstraint(
                condition=~Q(source="external") | ~Q(raised_by_name=""),
                name="external_concern_names_raiser",
            ),
        ]
        indexes = [
            # The list (an authority's open concerns) and the risk signal (per setting).
            models.Index(fields=["authority", "state", "-raised_at"], name="concern_authority"),
            models.Index(fields=["authority", "setting", "state"], name="concern_setting"),
            models.Index(fields=["provider", "stage"], name="concern_provider"),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}: {self.summary}"

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    @property
    def is_open(self) -> bool:
        return self.state == ConcernState.OPEN


class StageEnd(models.TextChoices):
    ESCALATED = "escalated", "Escalated"
    ESCALATED_AUTOMATICALLY = "escalated_automatically", "Escalated by itself: overdue"
    RESOLVED = "resolved", "Resolved: concern closed"


class ConcernStage(models.Model):
    """One stage of a concern: when it opened, its agreed timescale and due date, who at the
    provider was engaged, and how it ended. Its record is its entries."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField(
        default=False, help_text="Opened by the scheduler: the stage before was overdue."
    )
    timescale_days = models.PositiveSmallIntegerField(
        default=MAX_STAGE_WORKING_DAYS, help_text="The agreed timescale, in working days."
    )
    due_on = models.DateField()
    provider_contact = models.CharField(
        max_length=200, blank=True, help_text="The provider's equivalent engaged at this stage."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    ended = models.CharField(max_length=24, choices=StageEnd.choices, blank=True)

    class Meta:
        ordering = ["concern", "number"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "number"], name="one_row_per_concern_stage"),
            models.CheckConstraint(
                condition=Q(number__gte=FIRST_STAGE, number__lte=LAST_STAGE),
                name="concern_stage_number_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(timescale_days__gte=1, timescale_days__lte=MAX_STAGE_WORKING_DAYS),
                name="concern_stage_at_most_10_working_days",
            ),
        ]
        indexes = [
            # The escalation job: stages still open, by due date.
            models.Index(fields=["closed_at", "due_on"], name="concern_stage_due"),
        ]

    def __str__(self) -> str:
        return f"Stage {self.number} of concern {self.concern_id}"

    @property
    def name(self) -> str:
        return STAGE_NAMES[self.number]


class EntryKind(models.TextChoices):
    RAISED = "raised", "Raised"
    ANSWERED = "answered", "Answered"
    DECIDED = "decided", "Decided"
    INFORMED = "informed", "Informed"
    CONSULTED = "consulted", "Safeguarding lead consulted"
    SAFETY_FLAGGED = "safety_flagged", "Immediate safety concern flagged"
    ESCALATED = "escalated", "Escalated"
    ESCALATED_AUTOMATICALLY = "escalated_auto", "Escalated by itself: the stage was overdue"
    LETTER = "letter", "Letter of escalation issued"
    REFERRED = "referred", "Formally referred to the Safeguarding Partnership"
    CLOSED = "closed", "Closed"


#: What the provider never sees of the record: the authority's safeguarding advice and flags.
INTERNAL_ENTRY_KINDS = (EntryKind.CONSULTED, EntryKind.SAFETY_FLAGGED)
#: What a person records on a stage (the rest the services write).
RECORDED_KINDS = (EntryKind.ANSWERED, EntryKind.DECIDED, EntryKind.INFORMED, EntryKind.CONSULTED)


class ConcernEntry(models.Model):
    """One line of a stage's record, never changed (`by` empty: the scheduler)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="entries")
    stage = models.ForeignKey(ConcernStage, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    text = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_provider = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "concern entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on concern {self.concern_id}"


def letter_path(instance: ConcernLetter, filename: str) -> str:
    return f"quality/concern-letters/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class ConcernLetter(models.Model):
    """The stage 3 letter of escalation, rendered once from the record (Celery, WeasyPrint,
    PDF/UA-1) and stored privately with its SHA-256."""

    stage = models.OneToOneField(ConcernStage, on_delete=models.CASCADE, related_name="letter")
    file = models.FileField(storage=private_storage, upload_to=letter_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField()
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rendered_at", "-id"]

    def __str__(self) -> str:
        return f"Letter of escalation {self.sha256[:12]}"


#: A concern climbs one stage at a time and never comes down (transitions on `stage`).
STAGE_TRANSITIONS: dict[int, frozenset[int]] = {
    1: frozenset({2}),
    2: frozenset({3}),
    3: frozenset({4}),
    4: frozenset(),
}
