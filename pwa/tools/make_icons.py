"""Draw the app icons (run once; the PNGs are committed): `.venv/bin/python pwa/tools/make_icons.py`.

A green rounded square with 五好 in white (Noto Sans CJK, Debian `fonts-noto-cjk`)."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
GREEN = (31, 111, 74, 255)
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


def icon(size: int, maskable: bool = False) -> Image.Image:
    scale = 4  # draw big, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), GREEN if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=GREEN)
    # maskable icons keep their content inside the central 80 % safe zone
    text_box = big * (0.52 if maskable else 0.62)
    font = ImageFont.truetype(FONT, int(text_box / 2), index=2)  # index 2: SC (simplified)
    text = "五好"
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top - big * 0.04
    draw.text((x, y), text, font=font, fill="white")
    bar_w, bar_h = big * (0.34 if maskable else 0.42), big * 0.035
    bar_y = y + bottom + big * 0.05
    draw.rounded_rectangle(
        ((big - bar_w) / 2, bar_y, (big + bar_w) / 2, bar_y + bar_h), radius=bar_h / 2, fill="white"
    )
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size, name, maskable in (
        (192, "icon-192.png", False),
        (512, "icon-512.png", False),
        (512, "icon-maskable-512.png", True),
        (180, "apple-touch-icon.png", True),
    ):
        icon(size, maskable).save(OUT / name, optimize=True)
        print(name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
