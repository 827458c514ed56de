"""The brand's one ReportSettings row exists from the start (new brands get it by cloning the template),
so pages and tasks that read the settings never have to create them."""

from django.db import migrations


def create_settings(apps, schema_editor):
    apps.get_model("reports", "ReportSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
