"""`make fonts`: the four web-font files a page may load, built from Fontsource.

Fontsource (Google Fonts' cut of ParaType's OFL fonts) splits each style into
latin, cyrillic and cyrillic-ext files chosen by ``unicode-range``: a Russian
page loaded two files per style, a Kazakh one three (ә ғ қ ң ө ұ ү һ live in
cyrillic-ext), fifteen in all over PT Serif and PT Sans. Here the three are
merged into one per style and cut to what Russian and Kazakh text uses, hints
dropped (they double the size for Windows' old rasteriser only): PT Serif and
PT Sans, 400 and 700. Italic is left to the browser's slanted 400.

Run with the dev dependencies (fontTools); ``make fonts`` fetches Fontsource
from npm into ``.tools/fontsource`` first.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

SOURCE = Path(".tools/fontsource/node_modules/@fontsource")
TARGET = Path(__file__).resolve().parent / "static" / "fonts"
STYLES = [
    ("pt-serif", "400-normal"),
    ("pt-serif", "700-normal"),
    ("pt-sans", "400-normal"),
    ("pt-sans", "700-normal"),
]
PARTS = ("latin", "cyrillic", "cyrillic-ext")
#: Latin-1 and general punctuation (Fontsource's latin range), Russian, and
#: the Kazakh letters of the Cyrillic block's second half.
UNICODES = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0301,"
    "U+0304,U+0308,U+0329,U+0400-045F,U+0490-0493,U+049A-049B,U+04A2-04A3,"
    "U+04AE-04B1,U+04BA-04BB,U+04D8-04D9,U+04E8-04E9,U+2000-206F,U+20AC,"
    "U+20B8,U+2116,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
)


def build(family: str, style: str, workdir: Path) -> Path:
    parts = []
    for part in PARTS:
        font = TTFont(SOURCE / family / "files" / f"{family}-{part}-{style}.woff2")
        font.flavor = None
        path = workdir / f"{part}.ttf"
        font.save(path)
        parts.append(str(path))
    merged = workdir / "merged.ttf"
    Merger().merge(parts).save(merged)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(str(merged), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    target = TARGET / f"{family}-{style}.woff2"
    subset.save_font(font, str(target), options)
    return target


def main() -> int:
    if not SOURCE.is_dir():
        sys.stderr.write(f"{SOURCE} is missing: run `make fonts`.\n")
        return 2
    # fontTools stamps each file with this time: the same files on every run.
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    with tempfile.TemporaryDirectory() as workdir:
        for family, style in STYLES:
            target = build(family, style, Path(workdir))
            size = target.stat().st_size
            sys.stdout.write(f"{target.relative_to(Path.cwd())}: {size} bytes\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
