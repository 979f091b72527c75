"""The child's record: the placing authority's alone (issue 11).

Special category data. Only the placing authority's commissioners and senior managers read it
(`referrals.scope_rules`); another authority, a provider before an award and a forum never do,
and every view of the record, its documents and its exports writes an audit row. What an invited
provider is told about the child is a snapshot on the referral (age in years, gender, needs,
postcode district, the authority's summary), never this record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fps_portal.once import submission_key_constraint, submission_key_field
from providers.models.evidence import private_storage


class LegalStatus(models.TextChoices):
    EHCP_ONLY = "ehcp_only", "EHC plan only"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    LOOKED_AFTER_S20 = "looked_after_s20", "Looked after (section 20)"
    LOOKED_AFTER_S31 = "looked_after_s31", "Looked after (section 31, care order)"
    CARE_LEAVER = "care_leaver", "Care leaver"


#: Legal statuses for which a social worker and an Independent Reviewing Officer are recorded.
LOOKED_AFTER = frozenset({LegalStatus.LOOKED_AFTER_S20, LegalStatus.LOOKED_AFTER_S31})


class ChildGender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other or not stated"


class Child(models.Model):
    """A child or young person (0-25) with an EHC plan, known to one placing authority."""

    authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"kind": "authority"},
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    case_number = models.CharField(
        max_length=40, help_text="The authority's own case or ICS number."
    )
    gender = models.CharField(max_length=8, choices=ChildGender.choices)
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices)
    caseworker_name = models.CharField("SEND caseworker", max_length=200)
    caseworker_email = models.EmailField("SEND caseworker's e-mail")
    # Looked-after children only (LOOKED_AFTER): the services require both when the status is one.
    social_worker_name = models.CharField(max_length=200, blank=True)
    social_worker_email = models.EmailField(blank=True)
    iro_name = models.CharField("Independent Reviewing Officer", max_length=200, blank=True)
    iro_email = models.EmailField("Independent Reviewing Officer's e-mail", blank=True)
    primary_need = models.ForeignKey(
        "providers.PrimaryNeed", on_delete=models.PROTECT, related_name="+"
    )
    other_needs = models.ManyToManyField("providers.PrimaryNeed", related_name="+", blank=True)
    home_postcode = models.CharField(max_length=8)
    current_setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_setting_name = models.CharField(
        max_length=200, blank=True, help_text="Where the child is now, when it is not on the FPS."
    )
    ehcp_issued_on = models.DateField("EHC plan issued", null=True, blank=True)
    ehcp_next_review_on = models.DateField("EHC plan's next annual review", null=True, blank=True)
    young_person_views = models.TextField("the young person's own views", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "case_number"], name="child_case_number_unique_per_authority"
            ),
            submission_key_constraint("authority", name="child_submission_once"),
        ]

    def __str__(self) -> str:
        # Never put this in anything a provider, another authority or a forum can reach.
        return f"{self.given_name} {self.family_name}"

    @property
    def is_looked_after(self) -> bool:
        return self.legal_status in LOOKED_AFTER


class EhcpOutcome(models.Model):
    """One outcome the EHC plan lists, against which the placement's effectiveness is judged."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ParentCarer(models.Model):
    """A parent or carer, with the setting they prefer and their views (never overridden)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parent_carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60, help_text="e.g. mother, foster carer")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    preferred_setting = models.ForeignKey(
        "providers.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred_setting_other = models.CharField(
        max_length=200, blank=True, help_text="A preferred setting that is not on the FPS."
    )
    views = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.relationship}"  # never the name: it identifies the child


class ChildDocumentKind(models.TextChoices):
    EHC_PLAN = "ehc_plan", "EHC plan"
    REDACTED_EHC_PLAN = "redacted_ehc_plan", "EHC plan, redacted for providers"
    CARE_PLAN = "care_plan", "Care plan"
    REPORT = "report", "Assessment or report"
    OTHER = "other", "Other"


def child_document_path(instance: ChildDocument, filename: str) -> str:
    # The stored name says nothing about the child: the original name is kept on the row.
    return f"children/{instance.child_id}/{timezone.now():%Y%m%d%H%M%S%f}.bin"


class ChildDocument(models.Model):
    """A file on the child's record. A referral may mark some as shareable with invitees
    (`Referral.shared_documents`): an invited provider may download those, and only those,
    before an award; the awarded provider may then read the full record's documents."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=ChildDocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(storage=private_storage, upload_to=child_document_path)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["-uploaded_at", "id"]
        constraints = [
            submission_key_constraint("child", name="child_document_submission_once"),
            models.UniqueConstraint(
                fields=["child", "sha256"],
                condition=Q(removed_at__isnull=True),
                name="child_document_not_twice",
            ),
        ]

    def __str__(self) -> str:
        return self.title
