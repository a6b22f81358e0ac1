from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.api import tokens


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--name", default="Ligne de commande")

    def handle(self, *args, username, expires_days, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Aucun utilisateur « {username} ».")
        try:
            created = tokens.create_token(user=user, name=name, expires_days=expires_days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        expiry = (
            f"expire le {created.token.expires_at:%Y-%m-%d %H:%M} UTC"
            if created.token.expires_at
            else "sans expiration"
        )
        self.stderr.write(f"Jeton « {created.token.name} » pour {username}, {expiry}.")
        self.stderr.write("Il ne sera plus affiché : gardez-le maintenant.")
        self.stdout.write(created.raw)
