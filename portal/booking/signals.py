"""Signals sent by booking changes, for features that follow them without touching them.

Both are sent inside the change's own transaction, after the change was flushed:
a receiver sees the database as the change left it, may add and flush rows of its
own (they commit or roll back with the change), and must not commit, sleep or
call outside services. The sender is the Flask application.

``seats_freed`` — ``slot_ids`` (list of int) and ``now``: seats became free in
those slots (a cancellation, a code withdrawn, a closure, a lapsed or replaced
hold, the old slot of a move; slot publishing sends it too). A seat may already
have been taken again by the same change (a hold that replaced a lapsed one), so
a receiver counts free seats itself. A waiting list connects here.

``booking_changed`` — ``action`` (one of ``portal.booking.transitions.Action``),
``booking`` and ``now``: sent once for every transition applied, never for one
refused. Metrics connect here.
"""

from blinker import Namespace

_signals = Namespace()

seats_freed = _signals.signal("seats-freed")
booking_changed = _signals.signal("booking-changed")
