"""Prepare the test provider's database: tables, a signing key, a client, and people.

python -m tests.oidc_op.setup <redirect-uri> <client-id> <client-secret> username:password:email ...
"""

import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    redirect_uri, client_id, client_secret, *people = sys.argv[1:]
    call_command("migrate", verbosity=0)
    call_command("creatersakey", verbosity=0)
    client = Client.objects.create(
        name="MedEd",
        client_type="confidential",
        client_id=client_id,
        client_secret=client_secret,
        require_consent=False,
        reuse_consent=True,
        _redirect_uris=redirect_uri,
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    for person in people:
        username, password, email = person.split(":")
        first, _, last = username.partition("-")
        User.objects.create_user(
            username, email, password, first_name=first.title(), last_name=last.title()
        )


if __name__ == "__main__":
    main()
