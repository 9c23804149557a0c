"""The database cache's table, so that a fresh ``techmayor migrate`` gives a working installation.

The cache holds the rate-limit counters (see ``CACHES`` in settings). ``createcachetable`` creates the
table of every configured ``DatabaseCache`` that does not exist yet and does nothing with Redis.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_job")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False)]
