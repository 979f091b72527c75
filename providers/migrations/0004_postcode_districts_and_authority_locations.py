"""Loads the postcode district centroids and each North West authority's reference district.

Both come from CSV files committed beside the app (providers/data/, with their attribution), so
the migration needs no network and gives every environment the same locations.
"""

import csv
import re
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
# A district is an outward code (letters, a digit, ...); the file also holds a few legacy
# pseudo-districts such as "NPT" that no postcode can be typed as, so they are left out.
OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def load(apps, schema_editor):
    PostcodeDistrict = apps.get_model("providers", "PostcodeDistrict")
    AuthorityLocation = apps.get_model("providers", "AuthorityLocation")
    Organisation = apps.get_model("accounts", "Organisation")

    with (DATA / "postcode_district_centroids.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(PostcodeDistrict.objects.values_list("district", flat=True))
    PostcodeDistrict.objects.bulk_create(
        [
            PostcodeDistrict(
                district=row["postcode_district"].strip().upper(),
                area=row["postcode_area"].strip().upper(),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in rows
            if row["postcode_district"].strip().upper() not in existing
            and OUTWARD.match(row["postcode_district"].strip().upper())
        ],
        batch_size=1000,
    )
    centroids = {d.district: d for d in PostcodeDistrict.objects.all()}
    with (DATA / "authority_reference_districts.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            authority = Organisation.objects.filter(
                kind="authority", ons_code=row["ons_code"]
            ).first()
            centroid = centroids.get(row["reference_district"])
            if authority is None or centroid is None:
                continue
            AuthorityLocation.objects.update_or_create(
                authority=authority,
                defaults={
                    "reference_district": centroid.district,
                    "latitude": centroid.latitude,
                    "longitude": centroid.longitude,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0003_directory_reference_and_search_indexes"),
        ("accounts", "0002_north_west_authorities"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
