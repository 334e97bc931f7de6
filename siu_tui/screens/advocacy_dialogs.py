"""The two things a clerk records about advocacy, from the advocacy screen or a conference's
Advocacy tab: where a referral stands (contacted, the child's answer, support at the
conference), and a referral by hand for a child too young to be referred automatically."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from siu_tui.domain.codes import AdvocacyOutcome
from siu_tui.screens.record.actions import ChangeDialog, FieldError
from siu_tui.widgets.text import choices, plain, show

if TYPE_CHECKING:
    from siu_tui.services.advocacy import ReferableChild, ReferralRow

SUPPORTED = [("Yes: the advocate supported the child", "yes"), ("No", "no")]


class UpdateReferralDialog(ChangeDialog):
    """Contacted, the child's answer, and whether the advocate supported them."""

    TITLE_TEXT = "Advocacy referral"

    def __init__(self, row: ReferralRow) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.row = row

    def fields(self) -> ComposeResult:
        row = self.row
        yield Label(
            plain(
                f"{row.child_name} (age {row.age_label}) · {row.conference_type} conference "
                f"{show(row.conference_date)} · {row.how.lower()}"
                + (f": {row.reason}" if row.reason and not row.automatic else "")
            ),
            classes="hint",
        )
        yield Label("Where it stands (contact, then the child's answer)")
        yield Select(
            choices([(o.label, o.value) for o in AdvocacyOutcome]),
            allow_blank=False,
            value=row.outcome,
            id="outcome",
        )
        yield self.error_label("outcome")
        yield Label("Did the advocate support the child at the conference?")
        current = None if row.supported is None else ("yes" if row.supported else "no")
        yield Select(
            choices(SUPPORTED),
            prompt="Not recorded yet",
            value=current if current is not None else Select.NULL,
            id="supported",
        )
        yield self.error_label("supported")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        outcome = self.query_one("#outcome", Select).selection
        supported = self.query_one("#supported", Select).selection
        return {
            "outcome": str(outcome),
            "supported": None if supported is None else supported == "yes",
        }

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.advocacy import update_referral

        update_referral(desk, self.row.id, **values)
        label = AdvocacyOutcome(values["outcome"]).label
        return f"{self.row.child_name}: {label.lower()}"


class ReferByHandDialog(ChangeDialog):
    """Refer a child the age rule leaves out (a sibling aged 7–9, say), with the reason."""

    TITLE_TEXT = "Refer a child to the advocacy service by hand"

    def __init__(self, conference_id: str, children: list[ReferableChild], about: str) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.conference_id = conference_id
        self.choices = children
        self.about = about

    def fields(self) -> ComposeResult:
        yield Label(plain(self.about), classes="hint")
        yield Label("Child")
        yield Select(
            choices([(plain(f"{c.name} (age {c.age_label})"), c.id) for c in self.choices]),
            prompt="Choose the child",
            value=self.choices[0].id if len(self.choices) == 1 else Select.NULL,
            id="child",
        )
        yield self.error_label("child")
        yield Label("Why is this child referred?")
        yield Input(placeholder="For example: asked to have her say, like her brother", id="reason")
        yield self.error_label("reason")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        child = self.query_one("#child", Select).selection
        if child is None:
            raise FieldError("child", "Choose the child")
        return {"child_id": str(child), "reason": self.query_one("#reason", Input).value}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.advocacy import refer_by_hand

        refer_by_hand(desk, self.conference_id, values["child_id"], values["reason"])
        name = next((c.name for c in self.choices if c.id == values["child_id"]), "The child")
        return f"{name} referred; the advocacy service's e-mail is in the outbox"
