"""Open311 services from the active checklists: one service per item category.

service_code = the category (e.g. "garbage.overflow"), name = the first item's title, group =
its area, description = its guidance. A category shared by several items (possible across
checklists) has metadata and one optional attribute, `item_code`, to pick the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.checklists import services as checklists
from backend.checklists.definition import Area, Item, LocalizedText
from backend.open311.formats import Open311Error

ITEM_ATTRIBUTE = "item_code"


def localized(text: LocalizedText | None, locale: str) -> str:
    if text is None:
        return ""
    return (text.en or text.zh) if locale == "en" else text.zh


@dataclass(frozen=True)
class Service:
    code: str
    items: tuple[Item, ...]
    area: Area

    @property
    def metadata(self) -> bool:
        return len(self.items) > 1

    def item(self, code: str | None = None) -> Item:
        if code is None:
            return self.items[0]
        return next(item for item in self.items if item.code == code)

    def summary(self, locale: str) -> dict[str, Any]:
        first = self.items[0]
        words = [item.code for item in self.items]
        words += [self.area.key, *self.code.split(".")[1:]]
        return {
            "service_code": self.code,
            "service_name": localized(first.title, locale),
            "description": localized(first.guidance, locale),
            "metadata": self.metadata,
            "type": "realtime",
            "keywords": ",".join(dict.fromkeys(words)),
            "group": localized(self.area.title, locale),
        }

    def definition(self, locale: str) -> dict[str, Any]:
        attributes = []
        if self.metadata:
            attributes.append(
                {
                    "variable": True,
                    "code": ITEM_ATTRIBUTE,
                    "datatype": "singlevaluelist",
                    "required": False,
                    "datatype_description": (
                        "Checklist item code; the first one when left out"
                        if locale == "en"
                        else "巡查项编号;不填则取第一项"
                    ),
                    "order": 1,
                    "description": "Checklist item" if locale == "en" else "巡查项",
                    "values": [
                        {"key": item.code, "name": localized(item.title, locale)}
                        for item in self.items
                    ],
                }
            )
        return {"service_code": self.code, "attributes": attributes}


def catalog() -> dict[str, Service]:
    """Services of the active checklists, in checklist and item order."""
    items: dict[str, list[Item]] = {}
    areas: dict[str, Area] = {}
    for version in checklists.active_versions():
        definition = checklists.definition_of(version)
        for item in definition.items:
            items.setdefault(item.category, []).append(item)
            areas.setdefault(item.category, definition.area(item.area))
    return {code: Service(code, tuple(found), areas[code]) for code, found in items.items()}


def get_service(code: str) -> Service:
    service = catalog().get(code)
    if service is None:
        raise Open311Error(404, f"service_code {code!r} not found")
    return service


def item_titles(locale: str) -> dict[str, str]:
    """Item code → its title in `locale`, for naming the service of stored requests."""
    return {
        item.code: localized(item.title, locale)
        for service in catalog().values()
        for item in service.items
    }
