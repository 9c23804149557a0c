"""``techmayor migrate``: Django's migrate, with a fresh install in one step.

On an empty database (no table at all) with every migration to apply, replaying the migrations one
by one spends most of its time re-rendering historical model states (16 s of a 90 s ``make run``).
Instead the schema is created in one transaction from the models as the migrations leave them
(rendered once), every migration of the plan is recorded as applied, and the data step a fresh
database needs is run; the signals (content types, permissions) are sent as ``migrate`` sends them.
``make lint`` checks that the models and the migrations agree (``makemigrations --check``) and
``tests/core/test_migrate_fresh.py`` that both ways give the same tables, columns, constraints,
indexes and migration records (decision 0011, "A fresh database in one step").

Anything else (a database with tables, an app or migration named, ``--fake``, ``--plan`` …) is
Django's migrate unchanged, as is ``--from-migrations`` on an empty database. So is a plan holding
a data migration this fast path does not know: it would be skipped, so the plan is replayed.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.commands import migrate
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython, RunSQL
from django.utils.module_loading import module_has_submodule

# Data steps that are not elidable, and what they mean on an empty database: nothing to correct
# (Django's and django-axes' own), or the cache table, created below.
DATA_STEPS_ON_EMPTY = {
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0011_update_proxy_permissions"),
    ("axes", "0007_alter_accessattempt_unique_together"),
    ("core", "0004_cache_table"),
}
# Options under which the command is Django's, whatever the database holds.
DJANGO_OPTIONS = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune")


def unknown_data_steps(plan) -> list[str]:
    """The migrations of ``plan`` holding a data step (not elidable) that creating the schema from the
    models would skip."""
    return [
        f"{m.app_label}.{m.name}"
        for m, _ in plan
        if (m.app_label, m.name) not in DATA_STEPS_ON_EMPTY
        and any(isinstance(op, RunPython | RunSQL) and not op.elidable for op in m.operations)
    ]


class Command(migrate.Command):
    help = migrate.Command.help + " An empty database gets its schema in one step."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--from-migrations",
            action="store_true",
            help="Replay every migration one by one even on an empty database.",
        )

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if options["from_migrations"] or any(options.get(name) for name in DJANGO_OPTIONS):
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            empty = not connection.introspection.table_names(cursor)
        if not empty:
            return super().handle(*args, **options)
        executor = MigrationExecutor(connection)
        if executor.loader.detect_conflicts():
            return super().handle(*args, **options)  # Django explains the conflict
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        unknown = unknown_data_steps(plan)
        if unknown:
            if options["verbosity"] >= 1:
                self.stdout.write(f"Data migrations to run ({', '.join(unknown)}): applying migrations one by one.")
            return super().handle(*args, **options)
        self.install(connection, executor, plan, options)

    def install(self, connection, executor, plan, options):
        verbosity, interactive = options["verbosity"], options["interactive"]
        for app_config in apps.get_app_configs():  # their signal receivers, as migrate registers them
            if module_has_submodule(app_config.module, "management"):
                import_module(".management", app_config.name)
        connection.prepare_database()
        emit_pre_migrate_signal(verbosity, interactive, connection.alias, stdout=self.stdout, apps=apps, plan=plan)
        # The models as the migrations leave them (rendered once), not the live ones: the two differ where
        # Django's historical models do, such as auth's many-to-many tables, whose ids the migrations make
        # big integers. Auto-created many-to-many tables come with the model that declares them.
        final = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
        models = [m for m in final.get_models() if m._meta.managed and not m._meta.proxy and not m._meta.swapped]
        with connection.schema_editor() as editor:  # one transaction: all of it or nothing
            for model in [*models, executor.recorder.Migration]:
                editor.create_model(model)
            for migration, _ in plan:
                executor.record_migration(migration)
            executor.check_replacements()
            call_command("createcachetable", database=connection.alias, verbosity=0)
        if verbosity >= 1:
            self.stdout.write(
                f"Empty database: created the tables of {len(models)} models as the migrations leave them and recorded "
                f"{len(plan)} migrations as applied (--from-migrations replays them)."
            )
        emit_post_migrate_signal(verbosity, interactive, connection.alias, stdout=self.stdout, apps=apps, plan=plan)
