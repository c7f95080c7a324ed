"""Demo owner answers: this quarter and the last, enough in most estates for published totals
(a few estates stay below the minimum, as real ones do), ratings leaning by estate."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from backend import clock
from backend.config import PROJECT_ROOT
from backend.database import db
from backend.places.models import Estate
from backend.surveys import services
from backend.surveys.definition import load
from backend.surveys.models import SurveyAnswer, SurveyLink

SURVEY_FILE = PROJECT_ROOT / "surveys" / "owner-satisfaction.yaml"
# Every third answer has a comment (chosen without the rng: the ratings' draws stay as they were).
COMMENTS = (
    "楼道保洁比上季度好多了",
    "晚上小区门口车停得太乱,希望加强管理",
    "3号楼电梯经常坏,报修后要等两三天",
    "垃圾分类亭周末清运不及时,有异味",
    "物业人员态度很好,有事找他们都很快",
    "希望增加儿童游乐设施的维护",
)


def seed_survey_answers(today: date, rng: random.Random) -> int:
    """Returns the number of answers made."""
    version = services.active_version() or services.import_definition(
        load(SURVEY_FILE), SURVEY_FILE.name
    )
    definition = version.definition
    this_start, _ = services.period_of(today, definition["period"])
    last_start, last_end = services.period_of(this_start - timedelta(days=1), definition["period"])
    estates = db.session.scalars(sa.select(Estate).order_by(Estate.code)).all()
    rows = []
    for index, estate in enumerate(estates):
        link = SurveyLink(estate_id=estate.id, token=f"{rng.getrandbits(128):032x}")
        db.session.add(link)
        db.session.flush()
        lean = rng.uniform(-1.2, 1.0)  # some estates are served well, some badly
        for first, last in ((last_start, last_end), (this_start, today)):
            count = rng.randint(3, 8) if index % 7 == 3 else rng.randint(10, 24)
            for n in range(count):
                day = first + timedelta(days=rng.randrange((last - first).days + 1))
                at = datetime.combine(day, time(8 + rng.randrange(13)), tzinfo=clock.SHANGHAI)
                rows.append(
                    SurveyAnswer(
                        survey_id=version.survey_id,
                        version_id=version.id,
                        estate_id=estate.id,
                        link_id=link.id,
                        period_start=first,
                        household=f"{1 + n % 5}-1-{101 + n}",
                        device_hash=f"{rng.getrandbits(256):064x}",
                        network=f"10.{index % 250}.{n % 250}.0/24",
                        ratings={
                            q["key"]: max(1, min(5, round(3.6 + lean + rng.gauss(0, 0.9))))
                            for q in definition["questions"]
                        },
                        comment=COMMENTS[(index + n) % len(COMMENTS)] if n % 3 == 0 else "",
                        created_at=at,
                    )
                )
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
