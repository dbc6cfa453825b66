"""PageCacheDebt moved to core (core.caching): its rows are kept.

The table is renamed in place; the model's state leaves home here and enters
core in core/0001, which depends on this migration.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_image_credit_help_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("PageCacheDebt", "core_pagecachedebt"),
            ],
            state_operations=[
                migrations.DeleteModel("PageCacheDebt"),
            ],
        ),
    ]
