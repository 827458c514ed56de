"""What a connected source says about customers beyond their events: the name it calls them and
the tags it has put on them since (tags its events carried are merged as they arrive)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from apps.kpis.models import Customer

_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Profile:
    name: str
    tags: list[str] = field(default_factory=list)


def customer_profiles_set(profiles: dict[str, Profile]) -> int:
    """Name the customers with these refs and add the tags given (customers not in the pool are
    skipped); returns how many customers changed."""
    if not profiles:
        return 0
    refs = sorted(profiles)
    names = [profiles[ref].name[:100] for ref in refs]
    tags = [_SEPARATOR.join(tag[:50] for tag in profiles[ref].tags if tag) for ref in refs]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Customer._meta.db_table} c
                SET name = t.name,
                    tags = CASE WHEN t.tags = '' THEN c.tags ELSE ARRAY(
                        SELECT DISTINCT tag FROM unnest(c.tags || string_to_array(t.tags, %s)::varchar[]) tag
                        ORDER BY tag) END
                FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(ref, name, tags)
                WHERE c.ref = t.ref AND (c.name IS DISTINCT FROM t.name
                      OR NOT (c.tags @> string_to_array(t.tags, %s)::varchar[]))""",  # noqa: S608 (table is ours)
            [_SEPARATOR, refs, names, tags, _SEPARATOR],
        )
        return cursor.rowcount
