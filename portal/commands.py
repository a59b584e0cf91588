"""Every operational task is a flask command; this registers them."""


def register_commands(app) -> None:
    from portal.accounts.cli import staff_cli
    from portal.booking.cli import bookings_cli
    from portal.demo.cli import seed_demo
    from portal.documents.cli import purge_documents
    from portal.health.cli import doctor
    from portal.integrations.cli import api_client_cli
    from portal.meetings.cli import meetings_cli
    from portal.outbox.cli import outbox_cli
    from portal.privacy.cli import purge_personal_data
    from portal.referrals.cli import referral_cli
    from portal.scheduling.cli import slots_cli

    app.cli.add_command(seed_demo)
    app.cli.add_command(referral_cli)
    app.cli.add_command(slots_cli)
    app.cli.add_command(bookings_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(meetings_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(api_client_cli)
    app.cli.add_command(purge_documents)
    app.cli.add_command(purge_personal_data)
    app.cli.add_command(doctor)
