"""Hostile translations: a corpus of mutation-XSS payloads and what is left of them.

Each payload calls ``alert("xss-N")`` (or links to ``javascript:``) if a browser
ever runs it; Python's HTML parser reads most of them as one harmless node
(a comment, a CDATA section, a raw-text element), which is the whole trick.
Shared by the server-side tests and the browser tests.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from wagtail.models import Locale
from wagtail.rich_text import RichText
from wagtail.whitelist import check_url
from wagtail_localize.operations import translate_object

from tests.factories import NewsPageFactory
from tests.translation_support import translation_for


def _alert(number: int) -> str:
    return f"alert(&quot;xss-{number}&quot;)"


PAYLOADS: list[str] = [
    # Comments that browsers end early: --!> and the abrupt <!--> form.
    f"<!--x--!><img src=x onerror={_alert(1)}>-->",
    f"<!--><img src=x onerror={_alert(2)}>-->",
    f"<b><!--x--!><svg onload={_alert(3)}>--></b>",
    # CDATA and processing instructions are bogus comments to HTML browsers.
    f"<![CDATA[><img src=x onerror={_alert(4)}>]]>",
    f"<?x ?><img src=x onerror={_alert(5)}>",
    # Raw-text elements whose end Python's parser and browsers disagree on.
    f'<noscript><b title="</noscript><img src=x onerror={_alert(6)}>">n</b></noscript>',
    f"<svg><style><img src=x onerror={_alert(7)}></style></svg>",
    f'<math><mtext><table><mglyph><style><!--</style><img title="--&gt;'
    f'&lt;img src=x onerror={_alert(8)}&gt;">',
    f'<xmp><p title="</xmp><img src=x onerror={_alert(9)}>"></xmp>',
    # Entities decoded once too often.
    f"&lt;img src=x onerror={_alert(10)}&gt; текст",
    f'<b title="&#x22;&gt;&lt;img src=x onerror={_alert(11)}&gt;">b</b>',
    # Script and links.
    f"<script>{_alert(12)}</script>мәтін",
    f'<a id="a1" href="javascript:{_alert(13)}">сілтеме</a>',
    f'<a id="a1" href="jav&#x09;ascript:{_alert(14)}">сілтеме</a>',
    f'<a id="a1"><!--x--!><img src=x onerror={_alert(15)}>--></a>',
]

#: Link addresses a translator might give as an override of a link's href.
HOSTILE_HREFS = [
    'javascript:alert("xss-href")',
    'JaVaScRiPt:alert("xss-href")',
    ' \tjavascript:alert("xss-href")',
    'data:text/html,<script>alert("xss-href")</script>',
]

# Tags Wagtail's rich text (paragraph features) may hold, by name.
RICH_TEXT_TAGS = ("p", "a", "b", "i", "em", "strong", "br", "code", "ul", "ol", "li")
_TAG_START = re.compile(r"<(/?)([^\s/>]*)")


def hostile_paragraphs(count: int) -> RichText:
    """A Russian body paragraph per payload, each with a link to override."""
    return RichText(
        "".join(
            f'<p>Абзац {number}: <a href="https://example.kz/{number}">ссылка</a>.</p>'
            for number in range(count)
        )
    )


def disallowed_markup(html: str) -> list[str]:
    """What in ``html`` is more than Wagtail's rich text; empty when clean.

    Parser-independent on purpose: every ``<`` must open or close an allowed
    tag, so no comment, CDATA, declaration or foreign element is left for a
    browser to read differently; attributes are checked on the parsed tags.
    """
    found = []
    for match in _TAG_START.finditer(html):
        if match.group(2).lower() not in RICH_TEXT_TAGS:
            found.append(html[match.start() : match.start() + 40])
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        extra = set(tag.attrs) - (
            {"href", "id", "linktype"} if tag.name == "a" else set()
        )
        if extra:
            found.append(f"<{tag.name} {sorted(extra)}>")
        href = tag.attrs.get("href")
        if href is not None and check_url(href) is None:
            found.append(f"href={href!r}")
    return found


def hostile_translation(section):
    """A published ru article whose paragraphs carry every payload, translated
    into kk: the translator's starting point."""
    kk = Locale.objects.get(language_code="kk")
    article = NewsPageFactory(
        parent=section,
        title="Карьер запущен",
        slug="karer",
        body=[("paragraph", hostile_paragraphs(len(PAYLOADS)))],
    )
    article.save_revision().publish()
    translate_object(article, [kk])
    return translation_for(article, kk)
