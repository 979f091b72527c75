"""Loads the 24 current North West authorities from the GIAS codes file; Cheshire East leads."""

from django.db import migrations


def load(apps, schema_editor):
    from fps_portal.accounts.reference import LEAD_AUTHORITY_ONS_CODE, north_west_authority_rows

    Organisation = apps.get_model("accounts", "Organisation")
    for row in north_west_authority_rows():
        Organisation.objects.update_or_create(
            kind="authority",
            ons_code=row["ons_code"],
            defaults={
                "name": row["name"],
                "dfe_code": row["dfe_code"],
                "is_lead": row["ons_code"] == LEAD_AUTHORITY_ONS_CODE,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
