"""Invitations to providers, their responses (costed proposals) or declines, and questions.

An invited provider sees the referral's snapshot only (see `referral.py`), until its response
wins the award. Responses are per setting: a provider with two suitable settings may propose
both. A response is drafted, submitted, withdrawn and resubmitted until the deadline; after it
the service refuses any change with a clear message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.models.evidence import private_storage


class InvitationState(models.TextChoices):
    """- invited: told of the referral, not yet answered (reminded before the deadline).
    - responded: at least one of its responses is submitted.
    - declined: answered no, with a structured reason.
    - lapsed: the deadline passed without an answer.
    - withdrawn: the referral was withdrawn."""

    INVITED = "invited", "Invited"
    RESPONDED = "responded", "Responded"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "No answer by the deadline"
    WITHDRAWN = "withdrawn", "Referral withdrawn"


INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    InvitationState.INVITED: frozenset(
        {
            InvitationState.RESPONDED,
            InvitationState.DECLINED,
            InvitationState.LAPSED,
            InvitationState.WITHDRAWN,
        }
    ),
    # Withdrawing its last submitted response before the deadline makes it invited again.
    InvitationState.RESPONDED: frozenset({InvitationState.INVITED, InvitationState.WITHDRAWN}),
    # A provider may change its mind and respond before the deadline.
    InvitationState.DECLINED: frozenset({InvitationState.INVITED, InvitationState.WITHDRAWN}),
    InvitationState.LAPSED: frozenset(),
    InvitationState.WITHDRAWN: frozenset(),
}


class DeclineReason(models.TextChoices):
    NO_VACANCY = "no_vacancy", "No vacancy"
    NEEDS_NOT_MET = "needs_not_met", "We cannot meet the needs"
    PEER_GROUP = "peer_group", "Compatibility with the peer group"
    LOCATION = "location", "Location"
    PRICE = "price", "Price"
    OTHER = "other", "Other (in your own words)"


class Outcome(models.TextChoices):
    NONE = "", "Not decided"
    AWARDED = "awarded", "Awarded"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class Invitation(models.Model):
    """One provider invited to one referral (every member on the lot, or the shortlist)."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="invitations"
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referral_invitations",
        limit_choices_to={"kind": "provider"},
    )
    state = models.CharField(
        max_length=12, choices=InvitationState.choices, default=InvitationState.INVITED
    )
    invited_at = models.DateTimeField(default=timezone.now)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    # The outcome letter (its own scores, the winning scores, the reasons) is sent once.
    outcome_notified_at = models.DateTimeField(null=True, blank=True)
    # What the letter told the provider (its own scores, the winning scores, the reasons), as
    # sent: its outcome page shows this, and it is the record of what was said.
    outcome_feedback = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "provider"], name="invited_once"),
        ]
        indexes = [models.Index(fields=["provider", "state", "-invited_at"])]

    def __str__(self) -> str:
        return f"Invitation to referral {self.referral_id} ({self.get_state_display()})"


class ResponseState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


RESPONSE_TRANSITIONS: dict[str, frozenset[str]] = {
    ResponseState.DRAFT: frozenset({ResponseState.SUBMITTED}),
    ResponseState.SUBMITTED: frozenset({ResponseState.WITHDRAWN}),
    # Resubmitting starts from the withdrawn response's answers, as a draft again.
    ResponseState.WITHDRAWN: frozenset({ResponseState.DRAFT}),
}


class Response(models.Model):
    """A provider's costed proposal for one of its settings (A47-A55)."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="responses")
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=10, choices=ResponseState.choices, default=ResponseState.DRAFT
    )
    weekly_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # The setting's approved indicative price for the referral's lot when the response was
    # submitted; a different weekly price needs `price_difference_reason`.
    indicative_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_difference_reason = models.TextField(blank=True)
    proposed_start_date = models.DateField(null=True, blank=True)
    how_needs_met = models.TextField(blank=True)
    how_outcomes_met = models.TextField(blank=True)
    # Every request asks for the current inspection judgement and its date (A20): pre-filled from
    # the setting's record, confirmed by the provider.
    inspection_judgement = models.CharField(max_length=200, blank=True)
    inspection_date = models.DateField(null=True, blank=True)
    inspection_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["invitation", "setting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "setting"], name="one_response_per_setting"
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"Response {self.pk} ({self.get_state_display()})"


class ResponseService(models.Model):
    """An additional service in a response: from the setting's price list, or new."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="services")
    price_list_item = models.ForeignKey(
        "providers.AdditionalService",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40)
    rate = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="Units a week, e.g. 2 hours."
    )
    submission_key = submission_key_field()

    class Meta:
        ordering = ["id"]
        constraints = [
            submission_key_constraint("response", name="response_service_submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate} per {self.unit})"


class CriterionAnswer(models.Model):
    """The provider's answer to one of the referral's criteria."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(
        "referrals.Criterion", on_delete=models.CASCADE, related_name="answers"
    )
    answer = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "criterion"], name="one_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"Answer to criterion {self.criterion_id}"


def response_attachment_path(instance: ResponseAttachment, filename: str) -> str:
    return f"responses/{instance.response_id}/{timezone.now():%Y%m%d%H%M%S%f}.bin"


class ResponseAttachment(models.Model):
    """A file attached to a response (the upload rules of onboarding: `providers.uploads`)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(storage=private_storage, upload_to=response_attachment_path)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = submission_key_field()

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            submission_key_constraint("response", name="response_attachment_submission_once"),
            models.UniqueConstraint(fields=["response", "sha256"], name="attachment_not_twice"),
        ]

    def __str__(self) -> str:
        return self.title


class ReferralQuestion(models.Model):
    """A clarification question from an invitee. The answer goes to every invitee, and nobody
    but the authority learns who asked (`asked_by_invitation` is never shown to providers)."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="questions"
    )
    asked_by_invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="questions"
    )
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = submission_key_field()

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            submission_key_constraint(
                "asked_by_invitation", name="referral_question_submission_once"
            ),
        ]
        indexes = [models.Index(fields=["referral", "answered_at"])]

    def __str__(self) -> str:
        return self.question[:60]
