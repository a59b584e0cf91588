"""Fields shared by the staff forms."""

from wtforms import DateField

from portal.scheduling.calendar import reasonable_date


class ReasonableDateField(DateField):
    """A date of this century; any other is refused as not a valid date (a typo, or an
    attempt: day arithmetic on 9999-12-31 overflows)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if not reasonable_date(self.data):
            self.data = None
            raise ValueError(self.gettext("Not a valid date value."))
