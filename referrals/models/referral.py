"""The referral: what the placing authority needs, by which route, and what providers are shown.

A referral is for one child, or for several places (a block or cohort purchase, which may name no
child). Its route is one of the three of seed 001 (no Order without one) or a spot purchase
outside the FPS, recorded so every placement is in the evidence base.

What an invited provider sees is the snapshot taken when the referral is published
(`shown_age_years`, `shown_gender`, `shown_postcode_district`, the needs, `provider_summary`
and the documents in `shared_documents`), never the child's record itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field


class ReferralKind(models.TextChoices):
    INDIVIDUAL = "individual", "One child"
    BLOCK = "block", "Block or cohort purchase"


class Route(models.TextChoices):
    OPEN_COMPETITION = "open_competition", "Open mini-competition"
    PRESELECTED_COMPETITION = "preselected_competition", "Preselected mini-competition"
    DIRECT_AWARD = "direct_award", "Direct award"
    SPOT_PURCHASE = "spot_purchase", "Spot purchase outside the FPS"


#: Routes that invite providers and take responses by a deadline.
COMPETITION_ROUTES = frozenset({Route.OPEN_COMPETITION, Route.PRESELECTED_COMPETITION})
#: Routes a head of service or director must authorise before the award.
AUTHORISED_ROUTES = frozenset({Route.DIRECT_AWARD, Route.SPOT_PURCHASE})


class ReferralState(models.TextChoices):
    """States of a referral.

    - draft: the authority is writing it; nothing is shown to any provider.
    - returned: sent back to the referrer for more information (with a reason); they edit it,
      and it is a draft again.
    - awaiting_authorisation: a direct award or spot purchase waits for a head of service or
      director; refused goes back to draft with the reason.
    - open: a competition's invitations are out; providers respond until the deadline.
    - closed: the deadline has passed (beat closes it once) or the authority closed it; the
      responses are evaluated.
    - awarded: an award is complete (with its reasons); the awarded provider sees the child.
    - no_suitable_provider: the authority found no suitable response; it may be re-run on
      another route (a new referral with `rerun_of`).
    - withdrawn: the authority no longer needs it; invitees are told.
    """

    DRAFT = "draft", "Draft"
    RETURNED = "returned", "Returned for more information"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Awaiting authorisation"
    OPEN = "open", "Open for responses"
    CLOSED = "closed", "Closed for evaluation"
    AWARDED = "awarded", "Awarded"
    NO_SUITABLE_PROVIDER = "no_suitable_provider", "No suitable provider"
    WITHDRAWN = "withdrawn", "Withdrawn"


REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralState.DRAFT: frozenset(
        {
            ReferralState.RETURNED,
            ReferralState.OPEN,
            ReferralState.AWAITING_AUTHORISATION,
            ReferralState.WITHDRAWN,
        }
    ),
    ReferralState.RETURNED: frozenset({ReferralState.DRAFT, ReferralState.WITHDRAWN}),
    ReferralState.AWAITING_AUTHORISATION: frozenset(
        {ReferralState.DRAFT, ReferralState.AWARDED, ReferralState.WITHDRAWN}
    ),
    ReferralState.OPEN: frozenset({ReferralState.CLOSED, ReferralState.WITHDRAWN}),
    ReferralState.CLOSED: frozenset(
        {ReferralState.AWARDED, ReferralState.NO_SUITABLE_PROVIDER, ReferralState.WITHDRAWN}
    ),
    ReferralState.AWARDED: frozenset(),
    ReferralState.NO_SUITABLE_PROVIDER: frozenset(),
    ReferralState.WITHDRAWN: frozenset(),
}


class PriceScoring(models.TextChoices):
    FORMULA = "formula", "By formula: lowest weekly price ÷ this price × the criterion's maximum"
    EVALUATORS = "evaluators", "By the evaluators"


class Referral(models.Model):
    """A placing authority's request for a place (or places), and its route to an award."""

    authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        limit_choices_to={"kind": "authority"},
    )
    purchasing_system = models.ForeignKey(
        "providers.PurchasingSystem", on_delete=models.PROTECT, related_name="referrals"
    )
    reference = models.CharField(
        max_length=30, help_text="Unique per authority, e.g. SEF-2026-0042; shown to providers."
    )
    kind = models.CharField(max_length=12, choices=ReferralKind.choices, default="individual")
    child = models.ForeignKey(
        "referrals.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="Required for one child; a block purchase may name none.",
    )
    places = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    price_per_place = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Block purchases."
    )
    route = models.CharField(max_length=24, choices=Route.choices)
    lot = models.ForeignKey("providers.Lot", on_delete=models.PROTECT, related_name="referrals")
    is_emergency = models.BooleanField(default=False)
    start_date = models.DateField()
    expected_end_date = models.DateField(null=True, blank=True)
    primary_need = models.ForeignKey(
        "providers.PrimaryNeed", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs = models.ManyToManyField("providers.PrimaryNeed", related_name="+", blank=True)
    specialisms = models.ManyToManyField("providers.Specialism", related_name="+", blank=True)
    outcomes_sought = models.TextField(blank=True)
    provider_summary = models.TextField(
        blank=True,
        help_text="A plain summary for providers, written by the authority. No names.",
    )
    shared_documents = models.ManyToManyField(
        "referrals.ChildDocument", related_name="shared_with_referrals", blank=True
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    # What providers are shown, snapshotted at publishing (never read from the child's record).
    shown_age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    shown_gender = models.CharField(max_length=8, blank=True)
    shown_postcode_district = models.CharField(max_length=5, blank=True)
    # Criteria (see Criterion) and how they are scored.
    scale_max = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    price_scoring = models.CharField(
        max_length=12, choices=PriceScoring.choices, default=PriceScoring.FORMULA
    )
    # The find-a-setting search the preselected shortlist was built from, kept with the referral.
    search_filters = models.JSONField(default=dict, blank=True)
    response_deadline = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=24, choices=ReferralState.choices, default="draft")
    rerun_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reruns"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Beat's reminder to providers yet to answer, sent once.
    deadline_reminded_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    no_suitable_provider_at = models.DateTimeField(null=True, blank=True)
    no_suitable_provider_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    no_suitable_provider_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"], name="referral_reference_unique_per_authority"
            ),
            submission_key_constraint("authority", name="referral_submission_once"),
            models.CheckConstraint(
                condition=Q(kind="block") | Q(child__isnull=False),
                name="referral_for_one_child_names_the_child",
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "state", "-created_at"]),
            models.Index(fields=["state", "response_deadline"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_competition(self) -> bool:
        return self.route in COMPETITION_ROUTES


class CriterionKind(models.TextChoices):
    PASS_FAIL = "pass_fail", "Pass or fail"
    SCORED = "scored", "Scored"


class CriterionCategory(models.TextChoices):
    LOCATION = "location", "Location"
    BEST_MATCH = "best_match", "Best match to the child's needs"
    COMPATIBILITY = "compatibility", "Compatibility with the peer group"
    QUALITY = "quality", "Quality"
    PRICE = "price", "Price"
    SERVICE_OFFER = "service_offer", "Service offer"
    OWN = "own", "The authority's own"


class Criterion(models.Model):
    """One criterion of a referral, fixed before invitations go out (A41-A46).

    Scored criteria carry weights that total 100 across the referral (checked before
    publishing); pass/fail criteria carry none. A price criterion is scored by the referral's
    `price_scoring`.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=10, choices=CriterionKind.choices)
    category = models.CharField(max_length=16, choices=CriterionCategory.choices)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What a provider's answer must show.")
    weight = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Scored criteria only."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="scored") | Q(weight=0), name="criterion_pass_fail_has_no_weight"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ScaleDescriptor(models.Model):
    """What a score on the referral's scale means (0 to `scale_max`)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="descriptors")
    score = models.PositiveSmallIntegerField()
    descriptor = models.CharField(max_length=300)

    class Meta:
        ordering = ["score"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "score"], name="one_descriptor_per_score")
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.descriptor}"


class PreselectionGround(models.TextChoices):
    LOCATION = "location", "Location"
    SIZE = "size", "Provider size"
    CAPACITY = "capacity", "Capacity"
    GENDER = "gender", "Gender"
    NEEDS = "needs", "Educational needs"
    EMERGENCY = "emergency", "Emergency placement"
    OTHER = "other", "Other (in your own words)"


class ShortlistEntry(models.Model):
    """A setting chosen for a preselected competition, with the grounds for choosing it (A30)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="shortlist")
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    grounds = models.JSONField(default=list, help_text="PreselectionGround values.")
    grounds_note = models.TextField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "setting"], name="shortlisted_once")
        ]

    def __str__(self) -> str:
        return f"Setting {self.setting_id} on the shortlist of referral {self.referral_id}"


class DirectAwardGround(models.TextChoices):
    EXTREME_URGENCY = "extreme_urgency", "Extreme urgency or very short notice"
    BEST_INTERESTS = "best_interests", "The child's best interests (e.g. a specialist offer)"


class AuthorisationState(models.TextChoices):
    AWAITING = "awaiting", "Awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"
    REFUSED = "refused", "Refused"


AUTHORISATION_TRANSITIONS: dict[str, frozenset[str]] = {
    AuthorisationState.AWAITING: frozenset(
        {AuthorisationState.AUTHORISED, AuthorisationState.REFUSED}
    ),
    AuthorisationState.REFUSED: frozenset({AuthorisationState.AWAITING}),
    AuthorisationState.AUTHORISED: frozenset(),
}


class DirectAwardReview(models.TextChoices):
    KEPT = "kept", "Kept with the provider, subject to review"
    REOPENED = "reopened", "Opened to competition"


class RouteCase(models.Model):
    """The case for a direct award or a spot purchase outside the FPS, and its authorisation.

    A direct award records its grounds, a written justification, a head of service's or
    director's authorisation in the portal, and a review date at which the order may be opened
    to competition (beat reminds once). A spot purchase records the provider (which may not be on
    the FPS), why the usual procedures do not apply, and the same written authorisation (seed
    002, "Spot Purchasing"). A purchasing system of the DPS kind refuses direct award.
    """

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="route_case")
    ground = models.CharField(max_length=20, choices=DirectAwardGround.choices, blank=True)
    justification = models.TextField()
    provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "provider"},
    )
    setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A spot purchase's provider outside the portal.
    outside_provider_name = models.CharField(max_length=200, blank=True)
    outside_setting_name = models.CharField(max_length=200, blank=True)
    weekly_price = models.DecimalField(max_digits=10, decimal_places=2)
    review_on = models.DateField(null=True, blank=True, help_text="Direct awards.")
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=DirectAwardReview.choices, blank=True)
    state = models.CharField(
        max_length=12, choices=AuthorisationState.choices, default=AuthorisationState.AWAITING
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | ~Q(outside_provider_name=""),
                name="route_case_names_a_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"Route case for referral {self.referral_id} ({self.get_state_display()})"


class AuthorityPlacementRules(models.Model):
    """A placing authority's own rules for its referrals (A4, A37-A38): its defaults, set by its
    administrator."""

    authority = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="placement_rules"
    )
    planned_response_working_days = models.PositiveSmallIntegerField(default=10)
    emergency_response_hours = models.PositiveSmallIntegerField(default=48)
    reminder_hours_before_deadline = models.PositiveSmallIntegerField(default=24)
    # An award whose annual value (agreed weekly price × the lot's weeks, × places) is above
    # this needs a named approver before it completes. Null: no threshold.
    award_approval_threshold = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    reference_prefix = models.CharField(max_length=6, help_text="e.g. SEF")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "authority placement rules"

    def __str__(self) -> str:
        return f"Placement rules of authority {self.authority_id}"
