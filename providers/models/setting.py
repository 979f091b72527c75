"""A provider's settings (schools and post-16 settings), what they offer, and at what price."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.inspections.bands import Band


class Specialism(models.Model):
    """One of the four SEND Code of Practice areas of need."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class PrimaryNeed(models.Model):
    """A finer primary need (ASD, SLD, PMLD, ...) within one specialism."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    specialism = models.ForeignKey(
        Specialism, on_delete=models.PROTECT, related_name="primary_needs"
    )

    class Meta:
        ordering = ["specialism__display_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Gender(models.TextChoices):
    MIXED = "mixed", "Mixed"
    BOYS = "boys", "Boys"
    GIRLS = "girls", "Girls"


class Setting(models.Model):
    """A school or post-16 setting run by a provider organisation.

    `current_band` and its companions are derived from the setting's judgements by the
    inspection service and stored here so that search can filter and sort on them cheaply.
    """

    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="settings",
        limit_choices_to={"kind": "provider"},
    )
    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=10, null=True, blank=True, unique=True)
    dfe_number = models.CharField(
        "DfE number", max_length=8, blank=True, help_text="LAESTAB, e.g. 8956001"
    )
    address = models.TextField(blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10)
    postcode_district = models.CharField(max_length=5, db_index=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    host_authority = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_settings",
        limit_choices_to={"kind": "authority"},
    )
    age_from = models.PositiveSmallIntegerField(validators=[MaxValueValidator(25)])
    age_to = models.PositiveSmallIntegerField(validators=[MaxValueValidator(25)])
    gender = models.CharField(max_length=8, choices=Gender.choices, default=Gender.MIXED)
    offers_day = models.BooleanField(default=True)
    offers_residential = models.BooleanField(default=False)
    specialisms = models.ManyToManyField(Specialism, related_name="settings", blank=True)
    primary_needs = models.ManyToManyField(PrimaryNeed, related_name="settings", blank=True)
    capacity = models.PositiveIntegerField(default=0)
    vacancies = models.PositiveIntegerField(default=0)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    public_summary = models.TextField(
        blank=True, help_text="Plain-language description shown to families and forums."
    )
    current_band = models.CharField(
        max_length=8, choices=Band.choices, default=Band.UNKNOWN, db_index=True
    )
    current_band_summary = models.CharField(max_length=200, blank=True)
    current_band_as_at = models.DateField(null=True, blank=True)
    # Set while a fail band waits for the lead authority's decision on the provider's membership
    # (the quality app's rating alerts keep it); search and the setting's page say "under review".
    under_review_since = models.DateTimeField(null=True, blank=True, editable=False)
    # What every search reads, kept by providers.services.search_fields whenever an offer, a
    # membership or the setting itself is saved (in the same transaction): "on the FPS" (the
    # provider's membership is active and the setting has an approved lot), and its cheapest
    # approved weekly price with that lot. Searching then needs no per-row subqueries.
    listed = models.BooleanField("on the FPS", default=False, editable=False)
    cheapest_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    cheapest_lot = models.ForeignKey(
        "providers.Lot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Kept by providers.services.price_changes in the proposal's transaction: some approved price
    # of this setting has a change waiting for the lead authority. Search, exports and the API
    # show it beside the approved price, which stands until the change is accepted.
    price_change_pending = models.BooleanField(default=False, editable=False)
    # An insurance item of the provider expired and no renewal has been accepted yet
    # (kept by quality.services.expiry): commissioners see "insurance expired".
    insurance_expired = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Withdrawn by its provider (closed, sold, no longer offered): kept for the record of past
    # applications and placements, but off the FPS (never `listed`) and no longer editable.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    submission_key = submission_key_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_to__gte=F("age_from")), name="setting_age_range_in_order"
            ),
            models.CheckConstraint(
                condition=Q(vacancies__lte=F("capacity")), name="setting_vacancies_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(offers_day=True) | Q(offers_residential=True),
                name="setting_offers_day_or_residential",
            ),
            submission_key_constraint("provider", name="setting_once_per_submission"),
        ]
        # Search: the bounding-box prefilter of a distance search, and the age-range filter.
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="setting_lat_lon_idx"),
            models.Index(fields=["age_from", "age_to"], name="setting_age_range_idx"),
            # The default order of the results (name, then id) over the settings on the FPS.
            models.Index(
                fields=["name", "id"], condition=Q(listed=True), name="setting_listed_name_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def age_range(self) -> str:
        return f"{self.age_from}–{self.age_to}"


class SettingLot(models.Model):
    """A setting offered on a lot, with its indicative weekly price for the core offer.

    `approved_at` is set when the lead authority passes the setting for this lot; only approved
    rows of providers with an active membership appear in search. `weekly_price` of an approved
    row is the approved price: a provider's change to it is a PriceChange until accepted.
    """

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="lot_offers")
    lot = models.ForeignKey(
        "providers.Lot", on_delete=models.PROTECT, related_name="setting_offers"
    )
    weekly_price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    price_effective_from = models.DateField(default=timezone.localdate)
    approved_at = models.DateTimeField(null=True, blank=True)
    # A change of this approved price waits for the lead authority (a pending PriceChange); kept
    # in the same transaction by providers.services.price_changes, so pages read it off the row.
    change_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["lot__display_order", "lot__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "lot"], name="one_offer_per_setting_and_lot"
            ),
            models.CheckConstraint(condition=Q(weekly_price__gt=0), name="weekly_price_positive"),
        ]
        indexes = [
            models.Index(fields=["lot", "weekly_price"]),
            # Search reads a setting's approved offers (its price on a lot, or its cheapest).
            models.Index(
                fields=["setting", "lot", "weekly_price"],
                condition=Q(approved_at__isnull=False),
                name="settinglot_approved_price_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.setting} on {self.lot.code}: £{self.weekly_price}/week"


class AdditionalService(models.Model):
    """A service priced outside the core offer, e.g. 1:1 support at an hourly rate."""

    setting = models.ForeignKey(
        Setting, on_delete=models.CASCADE, related_name="additional_services"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, help_text="e.g. hour, session, week")
    rate = models.DecimalField(max_digits=10, decimal_places=2)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gt=0), name="additional_service_rate_positive"
            ),
            submission_key_constraint("setting", name="additional_service_once_per_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: £{self.rate} per {self.unit}"
