"""Every brand starts with the default tier thresholds and DOMAIN.md's staged scorecards:
start-up weighs adds, deletions and interaction; growth weighs sales and tag data; steady state
weighs efficiency and per-capita output. New brands get these rows by cloning the template."""

from django.db import migrations

ALL_STAGES = ("startup", "growth", "steady")
WEIGHTS = {
    ("startup", "sales_rep"): {"fans_added": 40, "deletion_rate": 30, "interaction_rate": 30},
    ("growth", "sales_rep"): {"gmv": 50, "conversion_rate": 20, "data_completeness": 15, "fans_added": 15},
    ("steady", "sales_rep"): {"gmv": 40, "repurchase_rate": 30, "task_execution_rate": 30},
    ("startup", "ops_manager"): {"fans_total": 40, "deletion_rate": 30, "interaction_rate": 30},
    ("growth", "ops_manager"): {"gmv": 40, "roi": 30, "retention_rate": 30},
    ("steady", "ops_manager"): {"per_capita_output": 40, "roi_long": 30, "retention_rate": 30},
    **{(stage, "activity_planner"): {"gmv": 50, "roi": 30, "new_customers": 20} for stage in ALL_STAGES},
    **{(stage, "copywriter"): {"reads": 40, "shares": 30, "follows": 30} for stage in ALL_STAGES},
    **{(stage, "product_ops"): {"data_completeness": 40, "task_execution_rate": 30, "report_timeliness": 30}
       for stage in ALL_STAGES},
    **{(stage, "designer"): {"assets_produced": 40, "on_time_delivery": 30, "clicks_per_asset": 30}
       for stage in ALL_STAGES},
}


def create_defaults(apps, schema_editor):
    KpiSettings = apps.get_model("kpis", "KpiSettings")
    StageWeight = apps.get_model("kpis", "StageWeight")
    KpiSettings.objects.get_or_create(pk=1)
    for (stage, role), weights in WEIGHTS.items():
        for metric, weight in weights.items():
            StageWeight.objects.get_or_create(stage=stage, role=role, metric=metric, defaults={"weight": weight})


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
