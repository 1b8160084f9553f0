"""When a promise falls due: time expressions in English, read in the customer's calendar.

`resolve_due(text, said_at, calendar)` applies the table of shared/design/promises.md
(and the rules of docs/promise-time.md where it is silent) to one clause. Pure:
standard library and `holidays` only, no clock, no network.
"""

from keepword.audit.timeexpr.calendar import BusinessCalendar
from keepword.audit.timeexpr.resolve import Due, resolve_due

__all__ = ["BusinessCalendar", "Due", "resolve_due"]
