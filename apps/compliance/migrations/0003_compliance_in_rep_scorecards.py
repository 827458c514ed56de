"""Reps' scorecards count compliance: confirmed violations weigh 10 at every stage (fewer is better)."""

from django.db import migrations


def add(apps, schema_editor):
    StageWeight = apps.get_model("kpis", "StageWeight")
    for stage in ("startup", "growth", "steady"):
        StageWeight.objects.get_or_create(stage=stage, role="sales_rep", metric="violations", defaults={"weight": 10})


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_starter_rule_pack"), ("kpis", "0002_default_settings_and_weights")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
