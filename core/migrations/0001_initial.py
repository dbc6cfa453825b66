"""PageCacheDebt, moved here from home: the table home/0004 renamed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("home", "0004_move_pagecachedebt_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PageCacheDebt",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "recorded_at",
                            models.DateTimeField(
                                auto_now_add=True, verbose_name="recorded at"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "owed page-cache clear",
                        "verbose_name_plural": "owed page-cache clears",
                    },
                ),
            ],
        ),
    ]
