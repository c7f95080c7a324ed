"""A small hand-made month of inspectors' work for the inspector scorecard (period 1–28 February
2025, clock pinned at 2025-02-20 12:00 Beijing). 2025: 春节 holiday until 4 February, Saturday
8 February a working day; the working day is 08:30–17:30 (9 hours).

Tasks (window closes at 00:00 of the day given, one day of grace):
    inspector1: E001 Feb 4 done · E001 Feb 6 done late · E001 Feb 10 missed · E004 Feb 11 done ·
                E006 Feb 12 missed (E006 is in the other street, 210202002)
    inspector2: E016 Feb 14 done
Findings (tickets of inspector1's inspection I1 of E001, category 环境卫生 unless said):
    T1 closed (accepted) · T2 accepted · T3 cancelled by street1 (invalid) · T4 cancelled by
    inspector1's own revision (neither) · T5 dispatched (undecided) · T6 confirmed, created
    20 January (outside)
Re-inspections:
    T1 rectified Wed Feb 5 10:00, rejected by street1 Feb 6 10:00 (a supervisor: not counted),
       rectified again Mon Feb 10 15:00, verified by inspector1 Wed Feb 12 14:00: 2 working
       days after the latest rectification end Wed Feb 12 15:00 → on time
    T2 rectified Fri Feb 14 16:00, rejected by inspector1 Wed Feb 19 10:00: the 18 working hours
       end Tue Feb 18 16:00 → late
Complaints (created in February):
    C1 E001 环境卫生 Feb 20 09:00: T1 found Feb 3 → found
    C2 E001 设施设备 Feb 15: nothing → missed
    C3 (manual) E004 设施设备 Feb 18: a recurrence recorded Feb 10 on T8 (E004 设施设备) → found
    C4 E016 环境卫生 Feb 12 (inspector2's grid): nothing → missed
    C5 E006 设施设备 Feb 11: nothing → missed
Photos (of submitted inspections in February):
    I1 (E001, Feb 3): P1 photo_far · P2 photo_missing only (not an anomaly) · P3 none
    I2 (E006, Feb 11): P4 unverifiable
    I0 (E001, Jan 20, outside): P5 flagged · I1old (superseded, Feb 3): P6 flagged
    I3 (E016, inspector2, Feb 13): P7 none
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.calendar import SHANGHAI
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.inspections.models import (
    Inspection,
    InspectionResult,
    InspectionStatus,
    Outcome,
    ResultPhoto,
)
from backend.places.models import Estate, Organisation
from backend.plans.models import AreaKind, Plan, PlanVersion, ScheduleKind, Task, task_assignees
from backend.tickets.models import Ticket, TicketEvent, TicketSource, TicketState

PERIOD = "from=2025-02-01&to=2025-02-28"
NOW = datetime(2025, 2, 20, 12, 0, tzinfo=SHANGHAI)
ENV, FAC = "环境卫生", "设施设备"


def day(month: int, d: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, month, d, hour, minute, tzinfo=SHANGHAI)


TASKS = [
    ("E001", "inspector1", (2, 4), (2, 3, 10)),
    ("E001", "inspector1", (2, 6), (2, 6, 9)),
    ("E001", "inspector1", (2, 10), None),
    ("E004", "inspector1", (2, 11), (2, 10, 15)),
    ("E006", "inspector1", (2, 12), None),
    ("E016", "inspector2", (2, 14), (2, 13, 11)),
]


class World:
    def __init__(self, session) -> None:
        self.s = session
        self.estates = dict(session.execute(sa.select(Estate.code, Estate.id)).all())
        self.users = dict(session.execute(sa.select(User.username, User.id)).all())
        self.version = session.scalar(
            sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
        )
        self.org = session.scalar(sa.select(Organisation.id).limit(1))
        self.n = 0

    def tasks(self) -> None:
        plan = Plan(name="巡查员考评测试", checklist_id=self.version.checklist_id)
        version = PlanVersion(
            plan=plan,
            effective_from=date(2025, 1, 1),
            area_kind=AreaKind.estates,
            estate_ids=[],
            schedule=ScheduleKind.every_n_working_days,
            every_n=1,
            window_days=1,
            grace_days=1,
        )
        self.s.add_all([plan, version])
        self.s.flush()
        for code, who, (month, d), done in TASKS:
            closes = day(month, d)
            task = Task(
                plan_id=plan.id,
                plan_version_id=version.id,
                estate_id=self.estates[code],
                checklist_id=self.version.checklist_id,
                opens_at=closes - timedelta(days=1),
                closes_at=closes,
                grace_until=closes + timedelta(days=1),
                fulfilled_at=day(*done) if done else None,
            )
            self.s.add(task)
            self.s.flush()
            self.s.execute(
                sa.insert(task_assignees).values(task_id=task.id, user_id=self.users[who])
            )

    def inspection(
        self,
        estate: str,
        at: datetime,
        photos: dict[str, list[str]],
        who: str = "inspector1",
        status: InspectionStatus = InspectionStatus.submitted,
    ) -> str:
        """photos: hash → the evidence flag codes about it (all on one failed finding)."""
        inspection = Inspection(
            id=str(uuid.uuid4()),
            estate_id=self.estates[estate],
            checklist_version_id=self.version.id,
            inspector_id=self.users[who],
            status=status,
            started_at=at - timedelta(hours=1),
            finished_at=at - timedelta(minutes=30),
            submitted_at=at,
            body_hash="0" * 64,
        )
        self.s.add(inspection)
        self.s.flush()
        evidence = [
            {"code": code, "message": code, "detail": {"photo": sha}}
            for sha, codes in photos.items()
            for code in codes
        ]
        evidence.append({"code": "poor_accuracy", "message": "x", "detail": {"accuracy_m": 80}})
        result = InspectionResult(
            inspection_id=inspection.id,
            item_code="ENV-02",
            outcome=Outcome.failed,
            evidence=evidence,
        )
        self.s.add(result)
        self.s.flush()
        for position, sha in enumerate(photos):
            self.s.add(ResultPhoto(result_id=result.id, photo_sha256=sha, position=position))
        self.s.flush()
        return inspection.id

    def ticket(
        self,
        estate: str,
        category: str,
        created: datetime,
        state: TicketState,
        source: TicketSource = TicketSource.inspection,
        inspection_id: str | None = None,
        accepted: bool = False,
    ) -> int:
        self.n += 1
        ticket = Ticket(
            estate_id=self.estates[estate],
            source=source,
            inspection_id=inspection_id,
            item_code=f"T-{self.n}",
            category=category,
            area="environment",
            severity="minor",
            title=f"问题 {self.n}",
            state=state,
            responsible_org_id=self.org,
            responsible_basis="contract",
            found_at=created - timedelta(minutes=30),
            dispatched_at=created,
            due_at=created + timedelta(days=5),
            accepted_at=created + timedelta(hours=2) if accepted else None,
            created_at=created,
        )
        self.s.add(ticket)
        self.s.flush()
        return ticket.id

    def event(self, ticket_id: int, action: str, who: str | None, at: datetime) -> None:
        self.s.add(
            TicketEvent(
                ticket_id=ticket_id,
                action=action,
                actor_id=self.users[who] if who else None,
                at=at,
                reason="",
                data={},
            )
        )
        self.s.flush()


def build(session) -> World:
    w = World(session)
    w.tasks()
    i1 = w.inspection(
        "E001", day(2, 3, 10), {"P1": ["photo_far"], "P2": ["photo_missing"], "P3": []}
    )
    w.inspection("E006", day(2, 11, 10), {"P4": ["unverifiable"]})
    i0 = w.inspection("E001", day(1, 20, 10), {"P5": ["photo_reused"]})
    w.inspection("E001", day(2, 3, 9), {"P6": ["photo_far"]}, status=InspectionStatus.superseded)
    w.inspection("E016", day(2, 13, 10), {"P7": []}, who="inspector2")

    S, src = TicketState, TicketSource
    t1 = w.ticket("E001", ENV, day(2, 3, 11), S.closed, inspection_id=i1, accepted=True)
    t2 = w.ticket("E001", ENV, day(2, 3, 11), S.accepted, inspection_id=i1, accepted=True)
    t3 = w.ticket("E001", ENV, day(2, 3, 11), S.cancelled, inspection_id=i1, accepted=True)
    t4 = w.ticket("E001", ENV, day(2, 3, 11), S.cancelled, inspection_id=i1)
    w.ticket("E001", ENV, day(2, 3, 11), S.dispatched, inspection_id=i1)
    w.ticket("E001", ENV, day(1, 20, 11), S.closed, inspection_id=i0, accepted=True)
    w.event(t3, "cancel", "street1", day(2, 5, 9))
    w.event(t4, "cancel", "inspector1", day(2, 4, 9))

    w.event(t1, "rectify", None, day(2, 5, 10))
    w.event(t1, "reject", "street1", day(2, 6, 10))
    w.event(t1, "rectify", None, day(2, 10, 15))
    w.event(t1, "verify", "inspector1", day(2, 12, 14))
    w.event(t2, "rectify", None, day(2, 14, 16))
    w.event(t2, "reject", "inspector1", day(2, 19, 10))

    t8 = w.ticket("E004", FAC, day(1, 5, 10), S.accepted, source=src.complaint, accepted=True)
    w.event(t8, "recurrence", "inspector1", day(2, 10, 10))
    w.ticket("E001", ENV, day(2, 20, 9), S.dispatched, source=src.complaint)
    w.ticket("E001", FAC, day(2, 15, 9), S.dispatched, source=src.complaint)
    w.ticket("E004", FAC, day(2, 18, 9), S.dispatched, source=src.manual)
    w.ticket("E016", ENV, day(2, 12, 9), S.dispatched, source=src.complaint)
    w.ticket("E006", FAC, day(2, 11, 9), S.dispatched, source=src.complaint)
    return w
