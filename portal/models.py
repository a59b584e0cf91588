"""Every model, imported once so metadata (and Alembic) sees the whole schema."""

from portal.booking.models import Booking  # noqa: F401
from portal.device_check.models import DeviceCheck  # noqa: F401
from portal.documents.models import Document  # noqa: F401
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
from portal.throttling.models import SignInFailure, SignInLock  # noqa: F401
from portal.throttling.rate import RateCounter  # noqa: F401
