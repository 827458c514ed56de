from apps.brand_data.services import deletion, exports
from config.celery import app


@app.task(acks_late=True)
def build_export(export_id: int) -> int:
    return exports.export_build(export_id=export_id).size


@app.task(acks_late=True)
def sweep() -> int:
    """Per brand (beat, via for_each_brand): exports a lost task left pending are built; old
    archives are removed."""
    return exports.exports_sweep()


@app.task(acks_late=True)
def purge_deleted_brands() -> list[str]:
    """Public (beat): brands whose grace period has ended are deleted, schema and files."""
    return deletion.brands_purge_due()
