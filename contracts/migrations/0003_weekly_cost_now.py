"""The weekly cost in force today on each agreement's row (issue 12, the placements list at
regional scale): the cost of a place (`weekly_cost_per_place_now`) and of every place of the
Order (`weekly_cost_now`), and the days they are right for
(`weekly_cost_from`, `weekly_cost_until`), with an index for the beat's rows due again (and one
of the proposed variations, which the totals count in the same query); filled
for the agreements there are, from their fee history, as `contracts.weekly_cost` works it out on
the day the migration runs (the rule is copied here, so this migration keeps its meaning).
Reversible: going back drops the columns."""

import datetime

from django.db import migrations, models
from django.utils import timezone

BATCH = 2000
DAY = datetime.timedelta(days=1)


def fill(apps, schema_editor):
    Agreement = apps.get_model("contracts", "Agreement")
    FeePeriod = apps.get_model("contracts", "FeePeriod")
    today = timezone.localdate()
    periods = {}
    for agreement_id, starts, fee, services in FeePeriod.objects.order_by(
        "agreement_id", "starts", "pk"
    ).values_list("agreement_id", "starts", "weekly_fee", "weekly_services"):
        periods.setdefault(agreement_id, []).append((starts, fee + services))
    changed = []
    rows = Agreement.objects.select_related("order").only(
        "pk", "weekly_fee", "weekly_services", "order__places"
    )
    for agreement in rows.iterator(chunk_size=BATCH):
        history = periods.get(agreement.pk, [])
        if not history:
            cost, valid_from, valid_until = (
                agreement.weekly_fee + agreement.weekly_services,
                None,
                None,
            )
        else:
            index = max((i for i, (starts, _) in enumerate(history) if starts <= today), default=0)
            cost = history[index][1]
            valid_from = history[index][0] if index > 0 else None
            following = history[index + 1][0] if index + 1 < len(history) else None
            valid_until = following - DAY if following is not None else None
        agreement.weekly_cost_per_place_now = cost
        agreement.weekly_cost_now = cost * agreement.order.places
        agreement.weekly_cost_from = valid_from
        agreement.weekly_cost_until = valid_until
        changed.append(agreement)
        if len(changed) >= BATCH:
            _save(Agreement, changed)
    _save(Agreement, changed)
    if schema_editor.connection.vendor == "postgresql":
        # Every row was rewritten: the planner's figures for the table are out of date.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ANALYZE contracts_agreement")


def _save(Agreement, agreements):
    Agreement.objects.bulk_update(
        agreements,
        ["weekly_cost_per_place_now", "weekly_cost_now", "weekly_cost_from", "weekly_cost_until"],
        batch_size=BATCH,
    )
    agreements.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_placements_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="weekly_cost_from",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agreement",
            name="weekly_cost_per_place_now",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name="agreement",
            name="weekly_cost_now",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="agreement",
            name="weekly_cost_until",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["weekly_cost_until"], name="agreement_weekly_cost_until"),
        ),
        migrations.AddIndex(
            model_name="variation",
            index=models.Index(
                condition=models.Q(("state", "proposed")),
                fields=["agreement"],
                name="variation_proposed",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
