"""The dialer's own metrics. Labels carry outcomes and providers, never personal data."""

from __future__ import annotations

from prometheus_client import Counter

CALLS_PLACED = Counter(
    "sightsync_dialer_calls_placed_total",
    "Calls handed to the telephony provider.",
    ["provider"],
)
CALLS_ENDED = Counter(
    "sightsync_dialer_calls_ended_total",
    "Calls that reached a final state, by outcome (and failure reason for failed calls).",
    ["outcome", "reason"],
)
APPOINTMENTS_BOOKED = Counter(
    "sightsync_dialer_appointments_booked_total",
    "Appointments booked during calls.",
)
SLOT_CONFLICTS = Counter(
    "sightsync_dialer_slot_conflicts_total",
    "Bookings refused because another call had just taken the slot.",
)
