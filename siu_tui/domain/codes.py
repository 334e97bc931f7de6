"""The unit's code lists: what the store keeps (the code) and what a clerk reads (the label).

Codes are stable strings because they are written to the database, to imports and to
national returns; labels may be reworded freely.
"""

from __future__ import annotations

from enum import StrEnum


class Coded(StrEnum):
    """A StrEnum whose members carry a human label as well as their stored code."""

    label: str

    def __new__(cls, code: str, label: str = "") -> Coded:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label or code.replace("_", " ").capitalize()
        return member

    @classmethod
    def label_of(cls, code: str | None) -> str:
        """What a clerk reads for a stored code: a code no longer on the list is shown as it
        is, so an old row still reads rather than failing (and no code reads as "")."""
        if code is None:
            return ""
        member = cls._value2member_map_.get(code)
        return member.label if isinstance(member, Coded) else code

    @classmethod
    def parse(cls, code: str) -> Coded:
        """The member for a stored or typed code; ValueError names the choices otherwise."""
        try:
            return cls(code.strip())
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise ValueError(f"{code!r} is not one of: {choices}") from None


class ConferenceType(Coded):
    INITIAL = "initial", "Initial"
    INITIAL_PRE_BIRTH = "initial_pre_birth", "Initial pre-birth"
    INITIAL_TRANSFER_IN = "initial_transfer_in", "Initial transfer-in"
    INITIAL_RECONVENED = "initial_reconvened", "Initial re-convened"
    FIRST_REVIEW = "first_review", "1st review"
    SUBSEQUENT_REVIEW = "subsequent_review", "Subsequent review"

    @property
    def short_label(self) -> str:
        """For narrow list columns, where the full label would push the deadline off screen."""
        return {
            "initial": "Initial",
            "initial_pre_birth": "Pre-birth",
            "initial_transfer_in": "Transfer-in",
            "initial_reconvened": "Re-convened",
            "first_review": "1st review",
            "subsequent_review": "Review",
        }[self.value]

    @property
    def is_initial(self) -> bool:
        return self.value.startswith("initial")

    @property
    def is_review(self) -> bool:
        return not self.is_initial

    @property
    def trigger_label(self) -> str:
        """What the clerk is asked for: the date this type's deadline runs from."""
        if self is ConferenceType.INITIAL_TRANSFER_IN:
            return "Notification from transferring authority"
        if self.is_review:
            return "Previous held conference"
        return "Strategy discussion (s47 start)"


class ConferenceStatus(Coded):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    STOOD_DOWN = "stood_down", "Stood down"
    CANCELLED = "cancelled", "Cancelled"


class Decision(Coded):
    PLAN = "plan", "Plan"
    NO_PLAN = "no_plan", "No plan"
    CONTINUE = "continue", "Plan continues"
    END = "end", "Plan ends"


class AbuseCategory(Coded):
    """Categories of abuse; the census codes are NEG PHY EMO SAB, and MUL for two or more."""

    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical"
    EMOTIONAL = "emotional", "Emotional"
    SEXUAL = "sexual", "Sexual"

    @property
    def census_code(self) -> str:
        return {"neglect": "NEG", "physical": "PHY", "emotional": "EMO", "sexual": "SAB"}[
            self.value
        ]


MULTIPLE = "multiple"
"""The reporting category for a plan with two or more categories (census code MUL)."""


class Sex(Coded):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown / unborn"


class Role(Coded):
    CLERK = "clerk", "Clerk"
    IRO = "iro", "IRO (chair)"
    MANAGER = "manager", "SIU manager"
    ADMIN = "admin", "Administrator"


class Agency(Coded):
    """Who an invitee represents; only some count towards quoracy (see domain.quoracy)."""

    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    MIDWIFE = "midwife", "Midwife"
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital / paediatrics"
    CAMHS = "camhs", "Child & adolescent mental health"
    ADULT_MENTAL_HEALTH = "adult_mental_health", "Adult mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    EDUCATION = "education", "School / education"
    EARLY_YEARS = "early_years", "Early years"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    FAMILY = "family", "Parent / carer / family"
    CHILD = "child", "The child"
    ADVOCATE = "advocate", "Advocate"
    INTERPRETER = "interpreter", "Interpreter"
    CLERK = "clerk", "Clerk"
    CHAIR = "chair", "Chair (IRO)"
    OTHER = "other", "Other"


class InviteResponse(Coded):
    NOT_KNOWN = "not_known", "Not known"
    ATTENDING = "attending", "Attending"
    APOLOGIES = "apologies", "Apologies"


class InviteMethod(Coded):
    EMAIL = "email", "E-mail"
    POST = "post", "Post"
    PHONE = "phone", "Phone"
    HAND = "hand", "By hand"


class ReportFormat(Coded):
    NONE = "none", "No report"
    LSCB = "lscb", "LSCB format"
    OTHER = "other", "Other format"
    VERBAL = "verbal", "Verbal only"


class ReportTimeliness(Coded):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    ON_THE_DAY = "on_the_day", "On the day"
    NOT_RECEIVED = "not_received", "Not received"


class Reason(Coded):
    """Why a conference was stood down or held after its deadline (the seed's list)."""

    NOT_QUORATE = "not_quorate", "Not quorate (key agency absent)"
    S47_DATE_ERROR = "s47_date_error", "s47/strategy date recorded wrongly"
    RESOURCE_UNAVAILABLE = "resource_unavailable", "Room, clerk or IRO unavailable"
    DATE_MISCALCULATED = "date_miscalculated", "Review date miscalculated"
    INVITE_LIST_ERROR = "invite_list_error", "Invite list wrong or late"
    REPORT_UNAVAILABLE = "report_unavailable", "Social worker's report or social worker unavailable"
    FAMILY_REQUEST = "family_request", "Family request"
    OTHER = "other", "Other (see note)"


class InquorateDecision(Coded):
    """What the chair decided when a conference was not quorate on the day."""

    PROCEED = "proceed", "Proceed"
    STAND_DOWN = "stand_down", "Stand down"


class DecidedBy(Coded):
    CHAIR = "chair", "Chair"
    MANAGER = "manager", "SIU manager"


class AdvocacyOutcome(Coded):
    PENDING = "pending", "Pending"
    CONTACTED = "contacted", "Contacted"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NO_RESPONSE = "no_response", "No response"


class OutboxState(Coded):
    """Where an e-mail is on its way out. A message is claimed (sending) before it is handed
    to the mail server, so two senders never both send it; one still sending long after its
    claim was interrupted, and may or may not have gone (see ``services.outbox``)."""

    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    STOPPED = "stopped", "Not needed"
    """Withdrawn before it was sent (a referral withdrawn while its e-mail waited)."""


class MinutesStage(Coded):
    AWAITING_DRAFT = "awaiting_draft", "Awaiting draft"
    WITH_CHAIR = "with_chair", "With chair"
    APPROVED = "approved", "Approved"
    DISTRIBUTED = "distributed", "Distributed"


class ChallengeLevel(Coded):
    """In escalation order: each level's successor is the next member."""

    PRACTICE = "practice", "Practice discussion"
    PROFESSIONAL = "professional", "Professional discussion"
    TEAM_MANAGER = "team_manager", "Escalation to team manager"
    SERVICE_MANAGER = "service_manager", "Escalation to service manager"
    ASSISTANT_DIRECTOR = "assistant_director", "Escalation to assistant director"

    @property
    def next(self) -> ChallengeLevel | None:
        members = list(ChallengeLevel)
        i = members.index(self)
        return members[i + 1] if i + 1 < len(members) else None

    @property
    def short_label(self) -> str:
        """For narrow list columns: who the challenge has reached."""
        return {
            "practice": "Practice",
            "professional": "Professional",
            "team_manager": "Team manager",
            "service_manager": "Service mgr",
            "assistant_director": "Asst director",
        }[self.value]

    @property
    def rank(self) -> int:
        """1 for a practice discussion up to 5 for the assistant director."""
        return list(ChallengeLevel).index(self) + 1


class ChallengeCategory(Coded):
    REPORT_SUFFICIENCY = "report_sufficiency", "Sufficiency of social worker's report"
    PLAN_DELAY = "plan_delay", "Delay in completing plan objectives"
    VISITS = "visits", "Lack of social work visits"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Lack of management oversight"
    INVITE_DELAY = "invite_delay", "Delay in the invite list"
    LEGAL_ADVICE = "legal_advice", "Legal advice not sought"
    OTHER = "other", "Other"

    @property
    def short_label(self) -> str:
        """For narrow list columns; the full label is on the challenge itself."""
        return {
            "report_sufficiency": "SW report",
            "plan_delay": "Plan delay",
            "visits": "SW visits",
            "management_oversight": "Oversight",
            "invite_delay": "Invite list",
            "legal_advice": "Legal advice",
            "other": "Other",
        }[self.value]


class ChallengeState(Coded):
    """Where a challenge stands. Not stored: a challenge is open until it has a closing date,
    and a closed one was escalated if a later level points back at it, resolved otherwise."""

    OPEN = "open", "Open"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"


class EthnicGroup(Coded):
    WHITE = "white", "White"
    MIXED = "mixed", "Mixed"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black or Black British"
    OTHER = "other", "Other ethnic group"
    UNDETERMINED = "undetermined", "Undetermined"


ETHNICITIES: dict[str, tuple[str, EthnicGroup]] = {
    "WBRI": ("White British", EthnicGroup.WHITE),
    "WIRI": ("White Irish", EthnicGroup.WHITE),
    "WIRT": ("Traveller of Irish heritage", EthnicGroup.WHITE),
    "WOTH": ("Any other White background", EthnicGroup.WHITE),
    "WROM": ("Gypsy/Roma", EthnicGroup.WHITE),
    "MWBC": ("White and Black Caribbean", EthnicGroup.MIXED),
    "MWBA": ("White and Black African", EthnicGroup.MIXED),
    "MWAS": ("White and Asian", EthnicGroup.MIXED),
    "MOTH": ("Any other mixed background", EthnicGroup.MIXED),
    "AIND": ("Indian", EthnicGroup.ASIAN),
    "APKN": ("Pakistani", EthnicGroup.ASIAN),
    "ABAN": ("Bangladeshi", EthnicGroup.ASIAN),
    "AOTH": ("Any other Asian background", EthnicGroup.ASIAN),
    "BCRB": ("Caribbean", EthnicGroup.BLACK),
    "BAFR": ("African", EthnicGroup.BLACK),
    "BOTH": ("Any other Black background", EthnicGroup.BLACK),
    "CHNE": ("Chinese", EthnicGroup.OTHER),
    "OOTH": ("Any other ethnic group", EthnicGroup.OTHER),
    "REFU": ("Refused", EthnicGroup.UNDETERMINED),
    "NOBT": ("Information not yet obtained", EthnicGroup.UNDETERMINED),
}
"""DfE Children in Need census ethnicity codes: label and reporting group."""


def ethnic_group(code: str | None) -> EthnicGroup:
    """The reporting group for a DfE code; no code or an unknown one is undetermined."""
    if not code:
        return EthnicGroup.UNDETERMINED
    entry = ETHNICITIES.get(code.strip().upper())
    return entry[1] if entry else EthnicGroup.UNDETERMINED
