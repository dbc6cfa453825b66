"""Article authors and tags become translatable with wagtail-localize.

Author links: existing ones get their page's locale and a key of their own;
the next sync of a translation gives the Kazakh links their Russian links'
keys. Tags: only the field's class changes (no schema change).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import news.models


def fill_locale_and_key(apps, schema_editor):
    ArticleAuthor = apps.get_model("news", "ArticleAuthor")
    links = []
    for pk, locale_id in ArticleAuthor.objects.values_list("pk", "page__locale_id"):
        links.append(
            ArticleAuthor(pk=pk, locale_id=locale_id, translation_key=uuid.uuid4())
        )
    ArticleAuthor.objects.bulk_update(
        links, ["locale", "translation_key"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [
        migrations.AddField(
            model_name="articleauthor",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="articleauthor",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_locale_and_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="articleauthor",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="articleauthor",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="articleauthor",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AlterField(
            model_name="articlepage",
            name="tags",
            field=news.models.TranslatableTags(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="news.ArticlePageTag",
                to="taggit.Tag",
                verbose_name="tags",
            ),
        ),
    ]
