"""An import-linter contract the library does not have: an app reaches another app only through
that app's public modules (its models, services, selectors and the few others named in
.importlinter); everything else in an app is its own business. Shared packages (apps.common)
are public throughout."""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    containers = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    shared = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        public, shared = _names(self.public), _names(self.shared or [])
        broken = []
        for container in _names(self.containers):
            for imported in sorted(graph.modules):
                parts = imported.split(".")
                if not imported.startswith(container + ".") or len(parts) < 3:
                    continue
                app = ".".join(parts[:2])
                if app in shared or parts[2] in public:
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer.startswith(container + ".") and not importer.startswith(app + ".") and importer != app:
                        details = graph.get_import_details(importer=importer, imported=imported)
                        lines = ", ".join(str(d["line_number"]) for d in details)
                        broken.append(f"{importer} -> {imported} (l. {lines})")
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            f"Only these modules of an app are for other apps: {', '.join(sorted(_names(self.public)))}."
        )
        output.new_line()
        for line in check.metadata["broken"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()


def _names(field: Any) -> set[str]:
    """A contract's field holds the parsed list once the contract is built."""
    return {str(name) for name in field}
