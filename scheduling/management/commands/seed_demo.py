import json

from django.core.management.base import BaseCommand, CommandParser

from scheduling.services.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo application, accounts, calendars, events and rules. "
        "Prints fresh credentials: the admin password, the application's secret and access tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the credentials as JSON."
        )

    def handle(self, *args, as_json: bool = False, **options) -> None:
        data = demo_seed().as_json()
        if as_json:
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(f"admin: {data['admin']['username']} / {data['admin']['password']}")
        self.stdout.write(f"client_id: {data['application']['client_id']}")
        self.stdout.write(f"client_secret: {data['application']['client_secret']}")
        for account in data["accounts"]:
            self.stdout.write(f"{account['sub']} {account['name']}: {account['access_token']}")
