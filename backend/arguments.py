"""Query arguments: a parameter the operation does not take is refused (422 naming it).

webargs ignores unknown query parameters by default, so a typo such as `?stat=open` answered
with every ticket, as if no filter had been asked for. Pagination's `page` and `page_size` are
read by flask-smorest's own parser on paged operations, so this one leaves them to it.
Imported by the app factory before any route module (blueprints read the parser when they
decorate their views).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Request
from flask_smorest.arguments import ArgumentsMixin
from webargs.flaskparser import FlaskParser

PAGINATION = frozenset({"page", "page_size"})


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def load_querystring(self, req: Request, schema: ma.Schema) -> Any:
        values = req.args.copy()
        for name in PAGINATION - set(schema.fields):
            values.poplist(name)
        return self._makeproxy(values, schema)


ArgumentsMixin.ARGUMENTS_PARSER = StrictParser()
