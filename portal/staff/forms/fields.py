"""Fields shared by the staff forms."""

from wtforms import DateField

from portal.scheduling.calendar import reasonable_date

# WTForms' own message for a malformed date, translated by WTForms' catalog (a name,
# not a literal, so our catalogs do not take it in).
NOT_A_DATE = "Not a valid date value."


class ReasonableDateField(DateField):
    """A date of this century; any other is refused as not a valid date (a typo, or an
    attempt: day arithmetic on 9999-12-31 overflows)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if not reasonable_date(self.data):
            self.data = None
            raise ValueError(self.gettext(NOT_A_DATE))
