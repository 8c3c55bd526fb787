"""`maillage createadmin`: create a staff member with a verified e-mail address."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from maillage.accounts.models import User
from maillage.accounts.services import member_create_verified
from maillage.profiles.services import profile_ensure


class Command(BaseCommand):
    help = (
        "Create an administrator (staff and superuser) whose e-mail is verified. "
        "The password comes from MAILLAGE_ADMIN_PASSWORD or is asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="Admin")
        parser.add_argument("--last-name", default="Maillage")

    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Invalid e-mail address: {email}") from exc
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A member with the address {email} already exists.")
        password = os.environ.get("MAILLAGE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = member_create_verified(
            email=email,
            password=password,
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_staff=True,
            is_superuser=True,
        )
        profile_ensure(member=user)
        self.stdout.write(self.style.SUCCESS(f"Administrator {email} created."))
