"""Demo 考评 assessments: street1 has scored its street's estates this quarter and the last,
community1 its community's and committee1 its estate's last quarter (this quarter's are theirs
to fill on first start). With the demo's owner answers every role sees composites at once."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.config import PROJECT_ROOT
from backend.database import db
from backend.kaoping import services
from backend.kaoping.definition import load, max_points
from backend.kaoping.models import Assessment, AssessorKind
from backend.places.models import Estate

FORMS = PROJECT_ROOT / "assessments"


def _version(kind: AssessorKind):
    return services.active_version(kind) or services.import_definition(
        load(FORMS / f"{kind.value}.yaml"), f"{kind.value}.yaml"
    )


def seed_assessments(today: date, rng: random.Random) -> int:
    """Returns the number of assessments made."""
    this_start, _ = services.quarter_of(today)
    last_start, _ = services.quarter_of(this_start - timedelta(days=1))
    made = 0
    for username, quarters in (
        ("street1", (last_start, this_start)),
        ("community1", (last_start,)),
        ("committee1", (last_start,)),
    ):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        kind = services.assessor_kind(user) if user else None
        if kind is None:
            continue
        version = _version(kind)
        points = max_points(version.definition)
        estates = db.session.scalars(sa.select(Estate.id).where(services.assessable(user)))
        for estate_id in estates:
            lean = rng.uniform(0.6, 1.0)  # some estates do well, some poorly
            for first in quarters:
                ratings = {key: round(top * min(1.0, lean + rng.uniform(-0.1, 0.1)))
                           for key, top in points.items()}  # fmt: skip
                db.session.add(
                    Assessment(
                        estate_id=estate_id, period_start=first, kind=kind,
                        version_id=version.id, ratings=ratings, comment="",
                        submitted_by_id=user.id, first_submitted_by_id=user.id,
                    )
                )  # fmt: skip
                made += 1
    db.session.flush()
    return made
