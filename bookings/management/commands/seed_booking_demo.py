import json

from django.core.management.base import BaseCommand, CommandParser

from bookings.services.demo import booking_demo_seed


class Command(BaseCommand):
    help = (
        "Create fresh demo scheduling links (run after seed_demo); prints their tokens: the "
        "pages are /rts/<token>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, as_json: bool = False, **options) -> None:
        tokens = booking_demo_seed()
        if as_json:
            self.stdout.write(json.dumps(tokens))
        else:
            for kind in ("scheduling", "sequencing"):
                self.stdout.write(f"{kind}: /rts/{tokens[kind]}")
            for kind in ("project", "classes", "project_id", "widget_key"):
                self.stdout.write(f"{kind}: {tokens[kind]}")
