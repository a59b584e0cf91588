"""Every model, imported once so metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import Account  # noqa: F401
from portal.audit.models import AuditEvent  # noqa: F401
from portal.booking.models import Booking  # noqa: F401
from portal.device_check.models import DeviceCheck  # noqa: F401
from portal.documents.models import Document  # noqa: F401
from portal.integrations.models import ApiClient, ApiToken  # noqa: F401
from portal.meetings.models import Meeting  # noqa: F401,E402
from portal.outbox.models import OutboxMessage  # noqa: F401,E402
from portal.referrals.companies import Representative  # noqa: F401
from portal.referrals.models import Referral  # noqa: F401
from portal.scheduling.models import (  # noqa: F401
    ChecklistItem,
    Closure,
    Desk,
    DistrictCentre,
    OpeningHours,
    Slot,
    Subject,
)
from portal.sessions.models import CitizenSession  # noqa: F401
from portal.throttling.models import SignInCounter  # noqa: F401
from portal.throttling.rate import RateCounter  # noqa: F401
from portal.waiting_list.models import WaitingListEntry, WaitingListOffer  # noqa: F401
