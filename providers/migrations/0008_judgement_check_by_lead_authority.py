"""Judgements reported by a provider await a check by the lead authority before they count.

Every judgement already on file counts as checked: it was recorded before the check existed,
mostly by the Ofsted import or the lead authority, and dropping it from the band overnight would
turn settings grey for every council. Its check is dated when it was recorded, by whom recorded.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def confirm_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    judgement = apps.get_model("providers", "InspectionJudgement")
    judgement.objects.update(
        check_status="confirmed", checked_at=F("recorded_at"), checked_by=F("recorded_by")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0007_clarification_withdrawal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionjudgement",
            name="check_status",
            field=models.CharField(
                choices=[
                    ("awaiting_check", "Reported by the provider, awaiting check"),
                    ("confirmed", "Confirmed"),
                    ("rejected", "Rejected by the lead authority"),
                ],
                default="awaiting_check",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="inspectionjudgement",
            name="checked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="inspectionjudgement",
            name="checked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="inspectionjudgement",
            name="check_reason",
            field=models.TextField(
                blank=True, help_text="Why an evaluator rejected it (or a note on confirming it)."
            ),
        ),
        migrations.RunPython(confirm_existing, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="inspectionjudgement",
            index=models.Index(
                condition=models.Q(("check_status", "awaiting_check")),
                fields=["recorded_at"],
                name="judgement_awaiting_check",
            ),
        ),
    ]
