"""The evaluation page and its CSV as a manager reads them, in both languages."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.factories import (
    create_account,
    create_booking,
    create_centre,
    create_desk,
    create_referral,
    create_slot,
    create_subject,
)
from tests.staff.helpers import staff_sign_in

LONG = "Serviço de Atendimento Remoto do Centro Distrital da Segurança Social da Covilhã"
PERIOD = "from=2026-11-01&to=2026-11-30"


@pytest.fixture
def figures_page(app, client):
    """Waits of 3 days (the long-named desk), 12 and 13 days (Balcão Sul); a desk nobody booked."""
    subject = create_subject(name_pt="Contribuições")
    centre = create_centre(name="Centro Distrital da Guarda")
    covilha = create_desk(centre=centre, name=LONG)
    south = create_desk(centre=centre, name="Balcão Sul")
    empty = create_desk(centre=centre, name="Balcão Vazio")
    day = datetime(2026, 11, 2, 10, tzinfo=UTC)

    def session(desk, wait, minutes=0, **overrides):
        referral = create_referral(subject, day, **overrides)
        slot = create_slot(desk, day + timedelta(days=wait, minutes=minutes))
        return create_booking(referral, slot)

    session(covilha, 3, in_person_date=date(2026, 11, 25))  # 20 days sooner
    session(south, 12)
    session(south, 13)
    create_slot(empty, day + timedelta(days=5))
    create_referral(subject, day)  # never booked
    db.session.commit()
    staff_sign_in(client, create_account("manager"))
    db.session.commit()


def chart(page, name):
    return page.soup.select_one(f"svg[aria-labelledby^=chart-{name}]")


def bars(svg) -> dict[str, tuple[float, float] | None]:
    """Each bar's full label: (drawn width, value), or None where no bar is drawn."""
    found = {}
    for row in svg.select("g.chart__row"):
        label = row.find("title").get_text().rsplit(": ", 1)[0]
        rect = row.find("rect")
        found[label] = None if rect is None else (float(rect["width"]), float(rect["data-value"]))
    return found


def test_bars_are_proportional_and_zero_draws_none(figures_page, client):
    page = client.get(f"/staff/evaluation?{PERIOD}&lang=en")

    drawn = bars(chart(page, "desk"))
    assert drawn[LONG][1] == 3 and drawn["Balcão Sul"][1] == 12.5
    per_day = {width / value for width, value in drawn.values()}
    assert max(per_day) == pytest.approx(min(per_day))  # one scale for every bar
    reference = chart(page, "desk").find("line")
    assert float(reference["x1"]) == pytest.approx(230 + 9 * per_day.pop(), abs=0.01)

    usage = bars(chart(page, "utilisation"))
    assert usage["Balcão Vazio"] is None  # 0 % draws no bar at all
    assert usage["Balcão Sul"] == (pytest.approx(300), 100)
    texts = [t.get_text() for t in chart(page, "utilisation").select("text.chart__value")]
    assert texts == ["100%", "0%", "100%"]

    funnel = bars(chart(page, "funnel"))
    assert funnel["Codes issued"][1] == 4 and funnel["Booked"][1] == 3
    assert funnel["Attended"] is None


def test_long_labels_wrap_and_are_cut_with_the_full_name_in_the_title(figures_page, client):
    svg = chart(client.get(f"/staff/evaluation?{PERIOD}&lang=pt"), "desk")
    row = next(g for g in svg.select("g.chart__row") if g.find("title").get_text().startswith(LONG))
    lines = [tspan.get_text() for tspan in row.select("text.chart__label tspan")]
    assert len(lines) == 2 and all(len(line) <= 30 for line in lines)
    assert lines[0] == "Serviço de Atendimento Remoto" and lines[1].endswith("…")
    assert row.find("title").get_text() == f"{LONG}: 3,0 dias"


def test_numbers_in_the_pages_language_with_singular_and_plural(figures_page, client):
    def table(page, name):
        found = page.soup.find("table", attrs={"aria-labelledby": name})
        return " ".join(found.get_text(" ").split())

    portuguese = client.get(f"/staff/evaluation?{PERIOD}&lang=pt")
    assert "Balcão Sul 2 12,5 12,5 12,9 +3,5" in table(portuguese, "waits-desk")
    assert "3,0 −6,0 20,0 (1 atendimento)" in table(portuguese, "waits-desk").replace("-", "−")
    assert "em 3 atendimentos" in portuguese.soup.select_one("p.lead").get_text()
    assert "4 códigos" in chart(portuguese, "funnel").find("desc").get_text()

    english = client.get(f"/staff/evaluation?{PERIOD}&lang=en")
    assert "Balcão Sul 2 12.5 12.5 12.9 +3.5" in table(english, "waits-desk")
    assert "(1 appointment)" in table(english, "waits-desk")
    assert "1 code" not in chart(english, "funnel").find("desc").get_text()
    assert "Codes issued: 4 codes." in chart(english, "funnel").find("desc").get_text()
    assert "Week of" in table(english, "funnel-week")


UNITS = {
    "pt": {"número": "count", "dias": "days", "dias (diferença)": "any", "percentagem": "percent"},
    "en": {"number": "count", "days": "days", "days (difference)": "any", "percent": "percent"},
}
HEADERS = {
    "pt": ["tabela", "agrupamento", "grupo", "medida", "unidade", "valor"],
    "en": ["table", "grouping", "group", "measure", "unit", "value"],
}


@pytest.mark.parametrize("language", ["pt", "en"])
def test_the_csv_reads_back_with_its_types_and_ranges(figures_page, client, language):
    response = client.client.get(f"/staff/evaluation.csv?{PERIOD}&lang={language}")
    assert response.mimetype == "text/csv" and response.is_streamed
    raw = response.get_data()
    portuguese = language == "pt"
    assert raw.startswith(b"\xef\xbb\xbf") == portuguese  # the BOM Excel looks for
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if portuguese else ","))

    assert rows[0] == HEADERS[language]
    assert {len(row) for row in rows} == {6}
    for table, _grouping, _group, _measure, unit, value in rows[1:]:
        kind = UNITS[language][unit]
        if kind == "count":
            assert value.isdigit(), (table, value)
            continue
        assert ("." in value) != portuguese or "," not in value and "." not in value
        number = float(value.replace(",", ".") if portuguese else value)
        if kind == "days":
            assert number >= 0
        if kind == "percent":
            assert 0 <= number <= 100

    def find(measure, group):
        return next(row[5] for row in rows if row[3] == measure and row[2] == group)

    if portuguese:
        assert find("Média de dias", "Balcão Sul") == "12,5"
        assert find("Códigos emitidos", "Todos") == "4"
        assert find("Taxa de ocupação", "Balcão Vazio") == "0,0"
    else:
        assert find("Mean days", "Balcão Sul") == "12.5"
        assert find("Codes issued", "All") == "4"
        assert find("Mean days", "2026-11-09") == "12.5"  # the week of the sessions


def test_downloading_the_csv_is_audited_with_its_period(figures_page, client):
    client.client.get(f"/staff/evaluation.csv?{PERIOD}").get_data()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "downloaded")).one()
    assert (event.object_type, event.object_id, event.detail) == ("evaluation", None, "period")
    assert event.detail_values == {"first": "2026-11-01", "last": "2026-11-30"}


def test_a_new_funnel_stage_is_one_line(figures_page, client, monkeypatch):
    from portal.booking.models import Booking
    from portal.evaluation.figures import FUNNEL, Stage

    sooner = Stage("sooner", "Early slots", lambda _joined: Booking.slot_id < 3)
    monkeypatch.setattr("portal.evaluation.figures.FUNNEL", [*FUNNEL, sooner])

    page = client.get(f"/staff/evaluation?{PERIOD}&lang=en")
    table = page.soup.find("table", attrs={"aria-labelledby": "funnel"})
    assert "Early slots 2" in " ".join(table.get_text(" ").split())
    assert "Early slots: 2 codes." in chart(page, "funnel").find("desc").get_text()
    lines = client.client.get(f"/staff/evaluation.csv?{PERIOD}&lang=en").get_data(as_text=True)
    assert "From code to appointment,All,All,Early slots,number,2" in lines.splitlines()
