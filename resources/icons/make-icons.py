"""Draws Hone's icons (a simple monochrome glyph: an 'H' whose crossbar is a honing edge).

Run: .venv/bin/python resources/icons/make-icons.py  (Pillow). Output beside this file:
icon.png (512, the app icon electron-builder converts per OS), tray.png/tray@2x.png (colour
tray for Linux/Windows), trayTemplate.png/trayTemplate@2x.png (macOS template: black + alpha).
"""
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
ACCENT = (74, 134, 232, 255)


def glyph(size: int, fg, bg=None) -> Image.Image:
    s = size * 4  # draw large, downsample: smooth edges at 16 px too
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if bg is not None:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=s // 5, fill=bg)
    m = s // 5 if bg is not None else s // 10
    w = s // 6
    d.rectangle([m, m, m + w, s - m], fill=fg)
    d.rectangle([s - m - w, m, s - m, s - m], fill=fg)
    # The crossbar, rising gently like a blade laid on a stone.
    t, rise = w * 4 // 5, w // 3
    d.polygon([(m + w, s // 2 + rise), (s - m - w, s // 2 - rise), (s - m - w, s // 2 - rise + t), (m + w, s // 2 + rise + t)], fill=fg)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    glyph(512, (255, 255, 255, 255), ACCENT).save(HERE / "icon.png")
    for scale, suffix in ((1, ""), (2, "@2x")):
        glyph(16 * scale, ACCENT).save(HERE / f"tray{suffix}.png")
        glyph(16 * scale, (0, 0, 0, 255)).save(HERE / f"trayTemplate{suffix}.png")


if __name__ == "__main__":
    main()
