"""Indexes of the placements list (issue 12): each party's placements by start date (the list's
order) and by end date (ending within N days), an agreement's variations by state and its fee
periods by start (the columns computed per row)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_orders_agreements_variations"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                fields=["authority", "-start_date", "-id"], name="agreement_authority_start"
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                fields=["provider", "-start_date", "-id"], name="agreement_provider_start"
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["authority", "end_date"], name="agreement_authority_end"),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["provider", "end_date"], name="agreement_provider_end"),
        ),
        migrations.AddIndex(
            model_name="feeperiod",
            index=models.Index(fields=["agreement", "starts"], name="feeperiod_agreement_starts"),
        ),
        migrations.AddIndex(
            model_name="variation",
            index=models.Index(fields=["agreement", "state"], name="variation_agreement_state"),
        ),
    ]
