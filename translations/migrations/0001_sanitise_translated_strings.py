"""Cleans translated strings and overrides saved before the guard existed.

See translations/sanitiser.py: the same functions the pre_save guard uses.
Until the translations app existed this was newsroom's 0001; it is idempotent,
so a database where that one already ran runs it again harmlessly.
"""

from django.db import migrations

from translations.sanitiser import clean_translated_html, safe_override_json


def sanitise(apps, schema_editor):
    StringTranslation = apps.get_model("wagtail_localize", "StringTranslation")
    SegmentOverride = apps.get_model("wagtail_localize", "SegmentOverride")
    OverridableSegment = apps.get_model("wagtail_localize", "OverridableSegment")
    for row in StringTranslation.objects.filter(data__contains="<").iterator():
        cleaned = clean_translated_html(row.data)
        if cleaned != row.data:
            StringTranslation.objects.filter(pk=row.pk).update(data=cleaned)
    for row in SegmentOverride.objects.iterator():
        source = (
            OverridableSegment.objects.filter(context_id=row.context_id)
            .values_list("data_json", flat=True)
            .first()
        )
        cleaned = safe_override_json(row.data_json, source)
        if cleaned != row.data_json:
            SegmentOverride.objects.filter(pk=row.pk).update(data_json=cleaned)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(sanitise, migrations.RunPython.noop)]
