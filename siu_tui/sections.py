"""The sections of SIU Desk and the keys that open them, from anywhere in the app.

One scheme, so that typing never takes a clerk somewhere by accident: `g` then a section's
letter ("go to", as mail and code tools have it) opens the section from any screen; the
letter alone is a shortcut only where it is unambiguous: no text field has the focus and the
screen has no key of its own on that letter (the app checks both, see ``SIUApp.check_action``).
The palette (Ctrl+P) reaches every section by name.
"""

from __future__ import annotations

GO_KEY = "g"
"""The "go to" prefix: `g h` home, `g c` conferences, `g g` challenges …"""

SECTIONS: dict[str, tuple[str, str, str]] = {
    # mode: (key, title, what it is for)
    "home": ("h", "Home", "Today's and this week's conferences, and what needs attention"),
    "conferences": ("c", "Conferences", "Every conference: search, filter and open one"),
    "standdown": (
        "l",
        "Stood down and late",
        "The stood-down log with its reasons and re-bookings, and conferences held late",
    ),
    "challenges": (
        "g",
        "Challenges",
        "IRO challenges and escalations, open and closed, and figures",
    ),
    "advocacy": ("v", "Advocacy", "Children referred to the advocacy service, and the figures"),
    "outbox": ("b", "Outbox", "E-mails waiting to go, sent or failed; send them now"),
    "outstanding": (
        "u",
        "Reports outstanding",
        "Every report not yet received for the conferences to come, soonest deadline first",
    ),
    "week": (
        "w",
        "Minutes week",
        "One week's conferences and minutes tasks, overdue ones first; managers review each week",
    ),
    "reports": (
        "q",
        "Quarterly and annual reports",
        "The thematic report for a council year or a quarter: tables, charts and exports",
    ),
    "reference": ("o", "Staff, rooms and teams", "The people, rooms and teams forms pick from"),
    "audit": ("a", "Audit trail", "Every change, who made it and when"),
    "settings": ("s", "Settings", "The unit's timescales and rules, and where data is kept"),
}
