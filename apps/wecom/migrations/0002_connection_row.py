"""The brand's one Connection row exists from the start (new brands get it by cloning the
template), so pages, callbacks and tasks that read it never have to create it."""

from django.db import migrations


def create_connection(apps, schema_editor):
    apps.get_model("wecom", "Connection").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("wecom", "0001_initial")]
    operations = [migrations.RunPython(create_connection, migrations.RunPython.noop)]
