"""Gives existing settings the host authority their postcode suggests, and existing evidence its
content hash (issue 10).

A setting passed the tender with no host authority, so the forum's figures by area did not add
up. Where the setting's postcode district is known and an authority's offices are within
HOST_AUTHORITY_RADIUS_MILES, that authority becomes its host, exactly as a new setting's is
worked out (providers.postcodes.likely_host_authority_id); the provider may correct it on the
setting's page. Each change is written to the audit log with the reason. A setting whose
postcode suggests no authority keeps none. Areas of need cannot be guessed: the application's
submit check now asks for them.

Evidence uploaded before the hash existed gets it from its stored file (a missing file is left
without one), so the duplicate check also knows older uploads.
"""

import hashlib
import math

from django.db import migrations

RADIUS_MILES = 20.0  # providers.postcodes.HOST_AUTHORITY_RADIUS_MILES when this was written
EARTH_RADIUS_MILES = 3958.8


def _miles(lat1, lon1, lat2, lon2):
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def backfill_host_authority(apps, schema_editor):
    Setting = apps.get_model("providers", "Setting")
    PostcodeDistrict = apps.get_model("providers", "PostcodeDistrict")
    AuthorityLocation = apps.get_model("providers", "AuthorityLocation")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    offices = list(AuthorityLocation.objects.values_list("authority_id", "latitude", "longitude"))
    centroids = {
        d: (lat, lon)
        for d, lat, lon in PostcodeDistrict.objects.values_list("district", "latitude", "longitude")
    }
    for setting in Setting.objects.filter(host_authority__isnull=True).order_by("pk"):
        district = setting.postcode_district or (setting.postcode or "").upper().split(" ")[0]
        where = centroids.get(district)
        if where is None:
            continue
        near = sorted(
            (_miles(where[0], where[1], lat, lon), authority_id)
            for authority_id, lat, lon in offices
        )
        if not near or near[0][0] > RADIUS_MILES:
            continue
        authority_id = near[0][1]
        Setting.objects.filter(pk=setting.pk).update(host_authority_id=authority_id)
        AuditEvent.objects.create(
            verb="updated",
            object_type="providers.setting",
            object_id=str(setting.pk),
            object_repr=setting.name[:200],
            before={"host_authority_id": None},
            after={"host_authority_id": authority_id},
            reason="Host authority worked out from the postcode district (migration "
            "providers.0011); the provider may correct it.",
        )


def backfill_evidence_hash(apps, schema_editor):
    Evidence = apps.get_model("providers", "Evidence")
    for item in Evidence.objects.filter(content_sha256="").order_by("pk"):
        digest = hashlib.sha256()
        try:
            with item.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(65536), b""):
                    digest.update(chunk)
        except (OSError, ValueError):
            continue  # the stored file is gone: nothing to compare it with
        Evidence.objects.filter(pk=item.pk).update(content_sha256=digest.hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0010_setting_withdrawal_and_evidence_hash"),
        ("audit", "0005_audit_verbs_deleted_and_switched_organisation"),
    ]
    operations = [
        migrations.RunPython(backfill_host_authority, migrations.RunPython.noop),
        migrations.RunPython(backfill_evidence_hash, migrations.RunPython.noop),
    ]
