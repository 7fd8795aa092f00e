from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from calendars_sync.models import Connection
from calendars_sync.services.sync import SyncReport, connection_sync


class Command(BaseCommand):
    help = (
        "Pull calendar connections now, in this process: every active one, or those of the "
        "given accounts (--account SUB) or connections (--connection CON_ID). Shows a progress "
        "bar of the events pulled and a summary per connection; exits non-zero when one failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--account", nargs="+", action="extend", default=[], metavar="SUB")
        parser.add_argument(
            "--connection", nargs="+", action="extend", default=[], metavar="CON_ID"
        )

    def handle(self, *args, account: list[str], connection: list[str], **options) -> None:
        connections = Connection.objects.filter(state=Connection.State.ACTIVE).select_related(
            "account"
        )
        if account:
            connections = connections.filter(account__sub__in=account)
        if connection:
            connections = connections.filter(connection_id__in=connection)
        connections = list(connections.order_by("id"))
        if not connections:
            self.stdout.write("No active connection matches.")
            return
        failed = sum(bool(self._sync(c).error) for c in connections)
        if failed:
            raise CommandError(f"{failed} of {len(connections)} connection(s) failed.")

    def _sync(self, connection: Connection) -> SyncReport:
        with tqdm(
            desc=connection.connection_id,
            unit=" events",
            file=self.stderr._out,
        ) as bar:
            report = connection_sync(connection=connection, progress=bar.update)
        summary = (
            f"{connection.connection_id} {connection.provider} {connection.external_account} "
            f"({connection.account.sub}): {report.calendars} calendar(s), "
            f"{report.created} created, {report.updated} updated, {report.deleted} deleted"
        )
        if report.reason:
            summary += f"; skipped: {report.reason}"
        if report.error:
            summary += f"; error: {report.error}"
        self.stdout.write(summary)
        return report
