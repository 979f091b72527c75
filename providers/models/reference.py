"""Reference data of the directory: postcode districts, GIAS rows, authority locations."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PostcodeDistrict(models.Model):
    """The centroid of one postcode district (outward code, e.g. "CW1"), from the ONS lookup.

    District level is precise enough to rank settings by distance for a placements officer; a
    full postcode is never stored here, so the table holds no address of anyone.
    """

    district = models.CharField(max_length=5, unique=True)
    area = models.CharField(max_length=2, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["district"]

    def __str__(self) -> str:
        return self.district


class AuthorityLocation(models.Model):
    """The fixed point an authority's "within N miles" search measures from.

    The district of the authority's main offices: a fixed point, so a search does not shift each
    time a provider opens or closes a setting (as a centroid of settings would).
    """

    authority = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="location",
        limit_choices_to={"kind": "authority"},
    )
    reference_district = models.CharField(max_length=5)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return f"{self.authority} ({self.reference_district})"


class GiasEstablishment(models.Model):
    """One row of a Get Information about Schools extract, kept to pre-fill a new setting.

    Only what describes the establishment is kept; GIAS no longer carries Ofsted ratings, which
    come from Ofsted's own files.
    """

    urn = models.CharField("URN", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    establishment_type = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=60, blank=True)
    la_code = models.CharField(max_length=3, blank=True)
    la_name = models.CharField(max_length=120, blank=True)
    gss_la_code = models.CharField(max_length=9, blank=True)
    establishment_number = models.CharField(max_length=4, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    age_low = models.PositiveSmallIntegerField(null=True, blank=True)
    age_high = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    boarders = models.CharField(max_length=60, blank=True)
    sen_provision = models.JSONField(default=list, help_text="SEN1 ... SEN13 as published.")
    website = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    source_file = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["urn"]
        verbose_name = "GIAS establishment"

    def __str__(self) -> str:
        return f"{self.urn} {self.name}"

    @property
    def address_lines(self) -> str:
        return "\n".join(p for p in (self.street, self.locality, self.address3, self.county) if p)

    @property
    def is_dfe_number_known(self) -> bool:
        return bool(self.la_code.isdigit() and self.establishment_number.isdigit())

    @property
    def dfe_number(self) -> str:
        return f"{self.la_code}{self.establishment_number}" if self.is_dfe_number_known else ""
