"""A stand-in for WeCom that speaks its documented API over HTTP and pushes encrypted callbacks.

The demo brand and the tests build a corp with these names; the rest of the package is its own
business."""

from apps.wecom.simulator.corp import Contact, Corp, Group, Member
from apps.wecom.simulator.life import GIVEN, SURNAMES, TAGS
from apps.wecom.simulator.server import Simulator
from apps.wecom.simulator.state import corp_save

__all__ = ["GIVEN", "SURNAMES", "TAGS", "Contact", "Corp", "Group", "Member", "Simulator", "corp_save"]
