"""A simulated corp kept in a JSON file: what `make run`'s simulator starts from, and what it
writes back as it runs, so a restart carries on with the customers it had."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from apps.wecom.simulator.corp import Contact, Corp, FollowInfo, Group, Member

SENT_KEPT = 500  # the app messages a restart still shows
_PLAIN = ("corp_id", "app_secret", "contact_secret", "token", "aes_key", "agent_id")


def corp_dump(corp: Corp) -> dict:
    with corp.lock:
        return {
            **{name: getattr(corp, name) for name in _PLAIN},
            "departments": list(corp.departments.values()),
            "members": [asdict(m) for m in corp.members.values()],
            "contacts": [asdict(c) for c in corp.contacts.values()],
            "follows": [asdict(f) for f in corp.follows.values()],
            "tags": {tag_id: list(names) for tag_id, names in corp.tags.items()},
            "groups": [asdict(g) for g in corp.groups.values()],
            "ways": list(corp.ways.values()),
            "sent": corp.sent[-SENT_KEPT:],
        }


def corp_load(data: dict) -> Corp:
    return Corp(
        **{name: data[name] for name in _PLAIN},
        departments={int(d["id"]): d for d in data["departments"]},
        members={m["userid"]: Member(**m) for m in data["members"]},
        contacts={c["external_userid"]: Contact(**c) for c in data["contacts"]},
        follows={(f["userid"], f["external_userid"]): FollowInfo(**f) for f in data["follows"]},
        tags={tag_id: (names[0], names[1]) for tag_id, names in data["tags"].items()},
        groups={g["chat_id"]: Group(**g) for g in data["groups"]},
        ways={w["config_id"]: w for w in data["ways"]},
        sent=data.get("sent", []),
    )


def corp_save(corp: Corp, path: Path) -> None:
    """Written whole to a temporary file, then moved over: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(corp_dump(corp), ensure_ascii=False))
    os.replace(partial, path)


def corp_read(path: Path) -> Corp:
    return corp_load(json.loads(path.read_text()))
