"""``flask staff create-account`` and the demo accounts of ``seed-demo``."""

from sqlalchemy import select

from portal.accounts.cli import create_account_command
from portal.accounts.models import Account
from portal.accounts.operations import authenticate
from portal.demo.cli import seed_demo
from portal.extensions import db
from tests.factories import create_desk


def test_create_account_prints_a_password_that_works(app):
    desk = create_desk()
    db.session.commit()
    result = app.test_cli_runner().invoke(
        create_account_command,
        ["--email", "Rita@Seg-Social.pt", "--role", "desk", "--desk", desk.code],
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    account = authenticate("rita@seg-social.pt", password)
    assert account is not None and account.desk_id == desk.id and account.role == "desk"
    assert password not in account.password_hash


def test_desk_staff_need_a_desk_and_addresses_are_unique(app):
    runner = app.test_cli_runner()
    no_desk = runner.invoke(create_account_command, ["--email", "a@x.pt", "--role", "desk"])
    assert no_desk.exit_code == 2 and "--desk" in no_desk.output
    assert (
        runner.invoke(create_account_command, ["--email", "a@x.pt", "--role", "manager"]).exit_code
        == 0
    )
    again = runner.invoke(create_account_command, ["--email", "A@x.pt", "--role", "manager"])
    assert again.exit_code == 2 and "taken" in again.output
    assert len(db.session.scalars(select(Account)).all()) == 1


def test_seed_demo_prints_one_working_account_per_role(app):
    app.config["ENVIRONMENT"] = "development"
    runner = app.test_cli_runner()
    runner.invoke(seed_demo)
    result = runner.invoke(seed_demo)  # a second run prints fresh passwords that work
    lines = [line.split() for line in result.output.splitlines() if "password" in line]
    assert sorted(line[0] for line in lines) == ["desk", "manager", "phone_line"]
    for role, email, _word, password in lines:
        assert authenticate(email, password).role == role
