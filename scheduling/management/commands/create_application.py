import json

from django.core.management.base import BaseCommand, CommandParser

from scheduling.services.applications import application_create


class Command(BaseCommand):
    help = 'Create an API application and print {"client_id", "client_secret"} as JSON.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help="An OAuth redirect URI the application may use (repeatable).",
        )

    def handle(self, *args, name: str, redirect_uris: list[str], **options) -> None:
        created = application_create(name=name, redirect_uris=redirect_uris)
        self.stdout.write(
            json.dumps(
                {
                    "client_id": created.application.client_id,
                    "client_secret": created.client_secret,
                }
            )
        )
