"""The need funnel's inputs kept on the records: how far each need got, how long each step lasted.

Filled from each need's timeline; the scorecard's cells are then rebuilt on the next read, as they
now also hold the funnels (``scorecard.metrics.FUNNEL_METRICS``).
"""

from django.db import migrations, models

MAIN_PATH = ("pending", "verified", "published", "claimed", "completion_submitted", "completed")


def _rank(state):
    return MAIN_PATH.index(state) if state in MAIN_PATH else 0


def fill(apps, schema_editor):
    Need = apps.get_model("needs", "Need")
    NeedTransition = apps.get_model("needs", "NeedTransition")
    needs = {
        pk: [created, _rank(state)] for pk, created, state in Need.objects.values_list("pk", "created_at", "state")
    }
    entered: dict = {}
    changed = []
    for step in NeedTransition.objects.order_by("need_id", "at", "id").iterator(chunk_size=5000):
        created, reached = needs[step.need_id]
        start = entered.get(step.need_id, created)
        step.stay_tenths = round(max((step.at - start).total_seconds(), 0) / 8640)
        entered[step.need_id] = step.at
        needs[step.need_id][1] = max(reached, _rank(step.from_state), _rank(step.to_state))
        changed.append(step)
        if len(changed) >= 5000:
            NeedTransition.objects.bulk_update(changed, ["stay_tenths"])
            changed = []
    NeedTransition.objects.bulk_update(changed, ["stay_tenths"])
    by_rank: dict = {}
    for pk, (_, reached) in needs.items():
        by_rank.setdefault(reached, []).append(pk)
    for reached, pks in by_rank.items():
        for start in range(0, len(pks), 5000):
            Need.objects.filter(pk__in=pks[start : start + 5000]).update(reached=reached)
    apps.get_model("scorecard", "RollupState").objects.all().delete()
    apps.get_model("scorecard", "FigureCell").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0004_figures_in_sane_range"),
        ("scorecard", "0001_figure_cells"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="reached",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="曾到达的最远环节"),
        ),
        migrations.AddField(
            model_name="needtransition",
            name="stay_tenths",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="停留时长（0.1天）"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
