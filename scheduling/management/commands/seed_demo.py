import json

from django.core.management.base import BaseCommand, CommandParser

from scheduling.services.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo application, accounts, calendars, events and rules. "
        "Prints fresh credentials: the application's secret, access tokens, and the admin "
        "password when the admin is created or --reset-admin-password is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the credentials as JSON."
        )
        parser.add_argument(
            "--reset-admin-password",
            action="store_true",
            help="Give the existing admin user a new random password (and print it).",
        )

    def handle(
        self, *args, as_json: bool = False, reset_admin_password: bool = False, **options
    ) -> None:
        data = demo_seed(reset_admin_password=reset_admin_password).as_json()
        if as_json:
            self.stdout.write(json.dumps(data))
            return
        password = data["admin"]["password"] or "(unchanged)"
        self.stdout.write(f"admin: {data['admin']['username']} / {password}")
        self.stdout.write(f"client_id: {data['application']['client_id']}")
        self.stdout.write(f"client_secret: {data['application']['client_secret']}")
        for account in data["accounts"]:
            self.stdout.write(f"{account['sub']} {account['name']}: {account['access_token']}")
