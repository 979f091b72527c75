"""The four SEND Code of Practice areas of need and the primary needs within them."""

from django.db import migrations

SPECIALISMS = [
    ("cognition-and-learning", "Cognition and learning", [
        ("MLD", "Moderate learning difficulty"), ("SLD", "Severe learning difficulty"),
        ("PMLD", "Profound and multiple learning difficulty"), ("SpLD", "Specific learning difficulty"),
    ]),
    ("communication-and-interaction", "Communication and interaction", [
        ("ASD", "Autistic spectrum disorder"), ("SLCN", "Speech, language and communication needs"),
    ]),
    ("semh", "Social, emotional and mental health", [
        ("SEMH", "Social, emotional and mental health difficulties"),
    ]),
    ("sensory-and-physical", "Sensory and/or physical", [
        ("HI", "Hearing impairment"), ("VI", "Visual impairment"),
        ("MSI", "Multi-sensory impairment"), ("PD", "Physical disability"),
    ]),
]


def load(apps, schema_editor):
    Specialism = apps.get_model("providers", "Specialism")
    PrimaryNeed = apps.get_model("providers", "PrimaryNeed")
    for order, (code, name, needs) in enumerate(SPECIALISMS, start=1):
        specialism, _ = Specialism.objects.update_or_create(
            code=code, defaults={"name": name, "display_order": order}
        )
        for need_code, need_name in needs:
            PrimaryNeed.objects.update_or_create(
                code=need_code, defaults={"name": need_name, "specialism": specialism}
            )


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
