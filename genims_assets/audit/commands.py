"""`genims audit`, `genims compliance` and `genims backup`: command groups whose commands load on use.

Each command lives beside the code it drives; the groups import a module only
when its command runs (or when help lists it), so `genims setup` never pays for
importing Dagster or the audit machinery.
"""

from __future__ import annotations

import importlib

import click

# group -> command name -> (module, attribute)
COMMANDS: dict[str, dict[str, tuple[str, str]]] = {
    "audit": {
        "install": ("genims_assets.audit.capture", "install_command"),
        "status": ("genims_assets.audit.ship", "status_command"),
        "ship": ("genims_assets.audit.ship", "ship_command"),
        "verify": ("genims_assets.audit.verify", "verify_command"),
        "archive": ("genims_assets.audit.retention", "archive_command"),
    },
    "compliance": {
        "legal-hold": ("genims_assets.audit.legal_hold", "legal_hold_group"),
        "gdpr-request": ("genims_assets.audit.gdpr", "gdpr_group"),
        "report": ("genims_assets.audit.report", "report_command"),
    },
    "backup": {
        "run": ("genims_assets.audit.backup", "backup_run_command"),
        "list": ("genims_assets.audit.backup", "backup_list_command"),
        "restore": ("genims_assets.audit.backup", "backup_restore_command"),
    },
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported from COMMANDS[name] when first needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS[self.name])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS[self.name].get(cmd_name)
        if target is None:
            return None
        module, attribute = target
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module}.{attribute} is not a click command")
        return command


@click.group("audit", cls=LazyGroup)
def audit_group() -> None:
    """Audit capture and shipping: install triggers, ship, verify the audit store, archive."""


@click.group("compliance", cls=LazyGroup)
def compliance_group() -> None:
    """Legal holds, GDPR data subject requests and the daily compliance report."""


@click.group("backup", cls=LazyGroup)
def backup_group() -> None:
    """Backups of the reporting and audit databases to Azure Blob Storage, and restores."""


GROUPS = (audit_group, compliance_group, backup_group)
