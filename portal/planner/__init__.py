"""The expansion planner ("E se…?"): recorded demand replayed against a timetable.

- ``demand``: the referrals issued in a period, and the figures recorded for them;
- ``timetable``: today's desks as plain values, and the changes a manager tries;
- ``replay``: the portal's earliest-first allocation, run in time order;
- ``results``: days from referral to session and utilisation, as the page shows them.

Plain functions over plain values: the page, the tests and the benchmark call them
alike, and nothing here writes to the database.
"""
