"""One price list per setting (issue 10): a draft's price lines move to its settings' own list.

Until now an application kept its own copy of prices and services, typed again beside the
setting's, and the two could differ. From now on a draft shows and edits the settings' list
(`SettingLot`, `AdditionalService`), and the application's lines (`ApplicationPrice`,
`ApplicationServicePrice`) are the copy frozen at submission.

- Submitted applications (submitted, under evaluation, passed, failed, and withdrawn ones that
  had been submitted) keep their lines as they are: they are the tender record evaluators saw
  and decided on, and no later price may rewrite them.
- A draft's lines (and those of a draft withdrawn before it was ever submitted, which nobody
  evaluated) are merged into the settings' list and then removed from the draft, which shows
  the settings' list from now on. A price is added for a setting and lot the setting has no
  price for (unapproved, as any new offer is); where the setting already has one, the setting's
  price stands (an approved price is only changed through the lead authority, and an unapproved
  one is what the setting's page showed). Where two drafts priced the same setting and lot, the
  most recently changed draft's price is the one added. A service is added where the setting has
  none of that name.

Reversing re-creates nothing: the drafts then show no lines, and their providers re-enter them
(the settings' list keeps every price moved to it).
"""

from django.db import migrations
from django.utils import timezone


def move_draft_lines_to_settings(apps, schema_editor):
    Application = apps.get_model("providers", "Application")
    ApplicationPrice = apps.get_model("providers", "ApplicationPrice")
    ApplicationServicePrice = apps.get_model("providers", "ApplicationServicePrice")
    SettingLot = apps.get_model("providers", "SettingLot")
    AdditionalService = apps.get_model("providers", "AdditionalService")
    never_submitted = Application.objects.filter(
        state__in=["draft", "withdrawn"], submitted_at__isnull=True
    )
    today = timezone.localdate()
    for line in ApplicationPrice.objects.filter(application__in=never_submitted).order_by(
        "-application__updated_at", "-application_id", "pk"
    ):
        SettingLot.objects.get_or_create(
            setting_id=line.setting_id,
            lot_id=line.lot_id,
            defaults={"weekly_price": line.weekly_price, "price_effective_from": today},
        )
    for line in ApplicationServicePrice.objects.filter(
        application__in=never_submitted
    ).order_by("-application__updated_at", "-application_id", "pk"):
        if not AdditionalService.objects.filter(
            setting_id=line.setting_id, name=line.name
        ).exists():
            AdditionalService.objects.create(
                setting_id=line.setting_id, name=line.name, unit=line.unit, rate=line.rate
            )
    ApplicationPrice.objects.filter(application__in=never_submitted).delete()
    ApplicationServicePrice.objects.filter(application__in=never_submitted).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0013_price_change_proposals"),
    ]

    operations = [
        migrations.RunPython(move_draft_lines_to_settings, migrations.RunPython.noop),
    ]
