"""Evidence flag codes and their plain-language explanations (Chinese first, English after).

Every screen that shows a flag shows its `message`; `detail` carries the figures behind it."""

from __future__ import annotations

from typing import Any

MESSAGES = {
    "no_position": "未记录位置 (no position recorded)",
    "outside_estate": "位置在小区范围之外 (position outside the estate)",
    "poor_accuracy": "定位精度差 (poor position accuracy)",
    "photo_missing": "照片尚未上传 (photo not uploaded yet)",
    "photo_far": "照片拍摄地点远离问题位置 (photo taken far from the finding)",
    "photo_time": "照片拍摄时间与巡查时间不符 (photo taken outside the inspection time)",
    "photo_reused": "同一照片用于其他问题 (same photo used for another finding)",
    "photo_near_duplicate": "与其他问题的照片几乎相同 (near-identical to another finding's photo)",
    "fix_far": (
        "拍照时手机所在位置远离小区或问题位置 "
        "(the phone was far from the estate or the finding when the photo was taken)"
    ),
    "unverifiable": (
        "从相册选取的照片没有拍摄时间和地点,无法核实 "
        "(gallery photo without capture time or place: cannot be verified)"
    ),
    "after_reused": (
        "整改后照片与该小区以前的照片完全相同 "
        "(after-photo is the same file as an earlier photo of this estate)"
    ),
    "after_near_duplicate": (
        "整改后照片与该小区以前的照片几乎一样,可能是旧照片 "
        "(after-photo is a near copy of an earlier photo of this estate)"
    ),
}

# After-photos are judged against the finding, not the inspection: the same codes read so.
AFTER_MESSAGES = {
    "photo_time": (
        "照片拍摄时间早于问题发现时间或晚于上传时间 "
        "(photo taken before the finding was made, or after it was uploaded)"
    ),
    "photo_far": "整改照片拍摄地点远离问题位置 (after-photo taken far from the finding)",
}


def flag(code: str, *, after: bool = False, **detail: Any) -> dict[str, Any]:
    message = (AFTER_MESSAGES.get(code) if after else None) or MESSAGES[code]
    return {"code": code, "message": message, "detail": detail}
