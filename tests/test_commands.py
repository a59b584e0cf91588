from sqlalchemy import func, select

from portal.demo.cli import seed_demo
from portal.extensions import db
from portal.referrals.cli import create_referral
from portal.referrals.codes import normalise
from portal.referrals.models import Referral
from portal.scheduling.models import Desk, DistrictCentre, Slot, Subject


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_builds_the_pilot_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(seed_demo)
    assert first.exit_code == 0, first.output
    assert (count(DistrictCentre), count(Desk)) == (4, 9)
    assert {s.code for s in db.session.scalars(select(Subject))} == {
        "contribuicoes",
        "protecao-juridica",
        "cesd",
    }
    assert all(subject.checklist for subject in db.session.scalars(select(Subject)))
    slots = count(Slot)
    assert slots > 9 * 15 * 6  # four weeks of half-hour slots at nine desks
    second = runner.invoke(seed_demo)
    assert second.exit_code == 0
    assert (count(DistrictCentre), count(Desk), count(Slot)) == (4, 9, slots)
    # Each run prints fresh codes that work.
    printed = [
        line.split()[0] for line in second.output.splitlines() if "NISS" in line or "NIPC" in line
    ]
    assert len(printed) >= 4
    for code in printed:
        assert db.session.scalar(select(Referral).where(Referral.code == normalise(code)))


def test_seed_demo_refuses_to_run_in_production(app):
    app.config["ENVIRONMENT"] = "production"
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code != 0 and "development" in result.output
    assert count(Desk) == 0


def test_referral_create_prints_the_code_last(app):
    runner = app.test_cli_runner()
    runner.invoke(seed_demo)
    before = count(Referral)
    result = runner.invoke(
        create_referral,
        ["--subject", "cesd", "--niss", "11234567892", "--email", "a@example.pt", "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    code = normalise(result.output.strip().splitlines()[-1])
    referral = db.session.scalar(select(Referral).where(Referral.code == code))
    assert referral.language == "en" and referral.subject.code == "cesd"
    assert count(Referral) == before + 1


def test_referral_create_for_a_company(app):
    runner = app.test_cli_runner()
    runner.invoke(seed_demo)
    result = runner.invoke(
        create_referral,
        [
            "--subject",
            "contribuicoes",
            "--niss",
            "20000000001",
            "--nipc",
            "501964843",
            "--email",
            "empresa@example.pt",
        ],
    )
    assert result.exit_code == 0, result.output
    referral = db.session.scalar(
        select(Referral).where(Referral.code == normalise(result.output.splitlines()[-1]))
    )
    assert referral.audience == "company" and referral.nipc == "501964843"


def test_invalid_referral_input_exits_non_zero_and_writes_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(seed_demo)
    before = count(Referral)
    cases = [
        (["--subject", "nope", "--niss", "11234567892", "--email", "a@example.pt"], "--subject"),
        (["--subject", "cesd", "--niss", "11234567891", "--email", "a@example.pt"], "--niss"),
        (["--subject", "cesd", "--niss", "11234567892", "--email", "not-an-email"], "--email"),
        (
            [
                "--subject",
                "cesd",
                "--niss",
                "20000000001",
                "--nipc",
                "501964843",
                "--email",
                "a@example.pt",
            ],
            "--subject",
        ),  # cesd is not for companies
        (
            [
                "--subject",
                "contribuicoes",
                "--niss",
                "20000000001",
                "--nipc",
                "123456789",
                "--email",
                "a@example.pt",
            ],
            "--nipc",
        ),  # a person's NIF
    ]
    for arguments, named in cases:
        result = runner.invoke(create_referral, arguments)
        assert result.exit_code == 2, (arguments, result.output)
        assert named in result.output
    assert count(Referral) == before
