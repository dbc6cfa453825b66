"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The live server is pytest-django's ``live_server``: a thread with its own
database connection, so the tests run with ``django_db(transaction=True)`` and
each one builds its content with the factories. ``serialized_rollback`` gives
every test the rows the migrations made (root page, locales, collection), and
the module puts them back when it is done, so the reused test database is not
left empty for the next ``--reuse-db`` run. The browser starts once a session.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from wagtail.rich_text import RichText

from tests.conftest import Tree, build_tree
from tests.factories import (
    AuthorFactory,
    ImageFactory,
    InterviewPageFactory,
    NewsPageFactory,
    SectionPageFactory,
    StandardPageFactory,
    locale,
)
from tests.newsroom_support import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
IN_CI = os.environ.get("CI") == "true"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"

# Long words that must wrap instead of pushing the page sideways on a phone.
LONG_KK_WORD = "мемлекеттендірілмегендіктеріңізден"
LONG_RU_WORD = "частнопредпринимательский"
LONG_KK_TITLE = (
    f"Жітіқара кеншілері {LONG_KK_WORD}: әріптестік, ұжымдық шарт "
    "және өңірдегі әлеуметтік жауапкершілік туралы үлкен әңгіме"
)
KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"


DATE_PICKER_OPEN = """() => [...document.querySelectorAll('.xdsoft_datetimepicker')]
    .some((picker) => getComputedStyle(picker).display !== 'none')"""


def close_date_pickers(page, elsewhere) -> None:
    """After a date field is filled: waits for its picker, clicks ``elsewhere``
    and waits until the picker is shut. Wagtail's date picker (xdsoft) opens
    100 ms after the field gets focus, and then covers what lies below it: a
    click made sooner lands first and the picker opens over the next one."""
    page.wait_for_function(DATE_PICKER_OPEN, timeout=5_000)
    elsewhere.click()
    page.wait_for_function(f"() => !({DATE_PICKER_OPEN})()", timeout=5_000)


def screenshot(page, name: str) -> None:
    """The whole page, kept as a test artefact in tests/artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@contextmanager
def desktop_page(browser, base: str = "", user: str = "", cookies=()) -> Iterator:
    """A page in a fresh 1280×900 browser context, logged in as ``user`` if given."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        if user:
            log_in(page, base, user)
        yield page
    finally:
        context.close()


def log_in(page, base: str, username: str) -> None:
    """Through the admin's login form, as a person would."""
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")


def chromium_missing_reason() -> str:
    return (
        f"Chromium is not installed at {CHROMIUM}; "
        "install it with `make browser` to run the browser tests"
    )


class BrowserThread:
    """Headless Chromium driven from a thread of its own.

    Playwright's sync API marks the thread that drives it as running an asyncio
    loop, and Django's ORM refuses to work in such a thread. Keeping the browser
    in its own thread leaves the test thread free for the factories and the
    database flushes, without switching off Django's DJANGO_ALLOW_ASYNC_UNSAFE
    safety check for the rest of the test session.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._ready: Future = Future()
        self._thread = threading.Thread(
            target=self._serve, name="playwright-chromium", daemon=True
        )

    def _serve(self) -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=LAUNCH_ARGS
                )
                self._ready.set_result(None)
                while (job := self._jobs.get()) is not None:
                    function, future = job
                    try:
                        future.set_result(function(browser))
                    except BaseException as error:  # noqa: BLE001 - handed to the caller
                        future.set_exception(error)
                browser.close()
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            if not self._ready.done():
                self._ready.set_exception(error)

    def start(self) -> None:
        self._thread.start()
        self._ready.result(timeout=60)

    def run(self, function, timeout: float = 120):
        """Call ``function(browser)`` in the browser's thread and return its result."""
        future: Future = Future()
        self._jobs.put((function, future))
        return future.result(timeout=timeout)

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[BrowserThread]:
    """One headless Chromium for the whole run; every browser test asks for it,
    so this is where a missing Chromium skips them (fails them in CI)."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(chromium_missing_reason() + " (required in CI)")
        pytest.skip(chromium_missing_reason())
    thread = BrowserThread()
    thread.start()
    yield thread
    thread.stop()


# --------------------------------------------------------------- content


def article_image(color: str):
    """A real-size photo, so renditions look like the ones editors upload."""
    return ImageFactory(
        file__width=800, file__height=500, file__color=color, file__format="JPEG"
    )


def wide_table() -> dict:
    years = ["2019", "2020", "2021", "2022", "2023", "2024", "2025"]
    return {
        "data": [
            ["Показатель", *years],
            ["Добыча руды, тыс. т", *[str(1100 + 35 * i) for i in range(7)]],
            ["Выпуск хризотила, тыс. т", *[str(210 + 6 * i) for i in range(7)]],
            ["Численность, человек", *[str(3180 + 4 * i) for i in range(7)]],
        ],
        "first_row_is_table_header": True,
        "first_col_is_header": True,
        "table_caption": "Комбинат в цифрах",
    }


def article_body(image) -> list:
    paragraph = (
        "<p>Бригада карьера закончила сезон без травм. "
        f"Слово «{LONG_RU_WORD}» и казахское «{LONG_KK_WORD}» "
        "не должны ломать вёрстку на телефоне.</p>"
        "<ul><li>новый конвейер;</li><li>пылеподавление;</li></ul>"
    )
    figure = {"image": image, "caption": "Смена в карьере", "credit": "редакция"}
    return [
        ("paragraph", RichText(paragraph)),
        ("heading", {"text": "Что изменилось за год", "level": "h2"}),
        ("image", figure),
        ("quote", {"text": "Техника слушается терпения.", "attribution": "Мастер"}),
        (
            "question_answer",
            {
                "question": "Сколько людей работает на комбинате?",
                "answer": RichText("<p>Около трёх тысяч двухсот человек.</p>"),
            },
        ),
        ("table", wide_table()),
        ("gallery", {"title": "Фотогалерея", "images": [figure, figure, figure]}),
        ("fact_box", {"title": "Цифры", "facts": ["1965 — основание", "3200 человек"]}),
        (
            "timeline_event",
            {"date_label": "1965", "title": "Первый карьер", "text": "Начало добычи"},
        ),
    ]


@dataclass
class Newspaper:
    tree: Tree
    article_ru: object
    article_kk: object
    sections_ru: list = field(default_factory=list)


RU_SECTIONS = [
    "Наши люди",
    "Жизнь молодых профессионалов",
    "Проблемная зона",
    "Страницы истории",
    "Интервью",
    "Инновации",
    "Производство",
]
KK_SECTIONS = [
    "Біздің адамдар",
    "Жас мамандар",
    "Өзекті мәселе",
    "Тарих беттері",
    "Сұхбат",
    "Инновациялар",
    "Өндіріс",
]


def build_newspaper() -> Newspaper:
    """Two languages, 9+ navigation items, featured articles and rich bodies."""
    tree = build_tree()
    kk = locale("kk")
    sections_ru = [tree.section_ru]
    for title in RU_SECTIONS:
        sections_ru.append(SectionPageFactory(parent=tree.home_ru, title=title))
    sections_kk = [
        SectionPageFactory(parent=tree.home_kk, locale=kk, title=title)
        for title in KK_SECTIONS
    ]
    for number, section in enumerate(sections_kk[:2]):
        NewsPageFactory(
            parent=section,
            locale=kk,
            title=f"Жаңалық {number}: өндірістегі өзгерістер",
            cover_image=article_image("#8a7a9c"),
        )
    StandardPageFactory(parent=tree.home_ru, title="Контакты", slug="kontakty")
    StandardPageFactory(parent=tree.home_kk, locale=kk, title="Байланыс")

    colors = ["#8a9bb0", "#b58a5a", "#6c8a6a", "#a0605a", "#7a7a8c"]
    for number, section in enumerate(sections_ru[:4]):
        for index in range(2):
            NewsPageFactory(
                parent=section,
                title=f"Новость {number}-{index}: {LONG_RU_WORD} отчёт",
                cover_image=article_image(colors[(number + index) % len(colors)]),
                featured=index == 0,
            )
    InterviewPageFactory(
        parent=sections_ru[5],
        title="Айгүл Сейітова: «Экскаватор слушается терпения»",
        interviewee_photo=article_image("#b0a090"),
        cover_image=article_image("#9a8a70"),
    )

    article_ru = NewsPageFactory(
        parent=tree.section_ru,
        title="На фабрике запустили новый магистральный конвейер",
        lead="Руда идёт с дробильного комплекса на фабрику без перегрузок.",
        cover_image=article_image("#5a7088"),
        cover_caption="Конвейер на фабрике",
        cover_credit="пресс-служба",
        featured=True,
        body=article_body(article_image("#8c7a5c")),
    )
    article_kk = NewsPageFactory(
        parent=tree.section_kk,
        locale=kk,
        title=LONG_KK_TITLE,
        lead="Ұжым өкілдері әріптестіктің қорытындысын шығарды.",
        cover_image=article_image("#6a7f5a"),
        cover_caption="Жиналыс залында",
        featured=True,
        body=article_body(article_image("#7f6a5a")),
    )
    NewsPageFactory(
        parent=tree.section_kk,
        locale=kk,
        title="Қазақ әліпбиінің барлық әріптері: " + KAZAKH_LETTERS,
        cover_image=article_image("#a08a6a"),
        featured=True,
    )
    author = AuthorFactory(name="Асель Нурланова", position="корреспондент")
    for article, tag in ((article_ru, "конвейер"), (article_kk, "өндіріс")):
        article.tags.add(tag)
        article.article_authors.create(author=author)
        article.save_revision().publish()
    return Newspaper(tree, article_ru, article_kk, sections_ru)


@pytest.fixture
def newspaper(transactional_db) -> Newspaper:
    return build_newspaper()


@pytest.fixture(scope="module", autouse=True)
def _leave_the_migrated_rows_behind(migrated_rows_left_behind):
    """Every browser test module is transactional (see the module docstring)."""


# ------------------------------------------------------------ page visits


@dataclass
class Visit:
    """What a reader's browser saw on one page at one width."""

    name: str
    width: int
    scroll_width: int = 0
    inner_width: int = 0
    console_errors: list[str] = field(default_factory=list)
    image_count: int = 0
    images_without_alt: list[str] = field(default_factory=list)
    images_wider_than_their_box: list[str] = field(default_factory=list)
    body_font_family: str = ""
    pt_serif_loaded: bool = False
    kazakh_letters_loaded: bool = False
    inspected: object = None

    @property
    def scrolls_sideways(self) -> bool:
        return self.scroll_width > self.inner_width

    def problems(self, *, kazakh: bool = False) -> dict[str, object]:
        """Everything a reader would notice, by name; empty when the page is fine."""
        found: dict[str, object] = {}
        if self.scrolls_sideways:
            found["horizontal scrolling"] = (
                f"{self.scroll_width}px of content in a {self.inner_width}px window"
            )
        if self.console_errors:
            found["console errors"] = self.console_errors
        if self.images_without_alt:
            found["images without an alt attribute"] = self.images_without_alt
        if self.images_wider_than_their_box:
            found["images wider than their box"] = self.images_wider_than_their_box
        if not self.body_font_family.startswith('"PT Serif"'):
            found["body text font"] = self.body_font_family
        if not self.pt_serif_loaded:
            found["PT Serif"] = "declared but not loaded"
        if kazakh and not self.kazakh_letters_loaded:
            found["Kazakh letters"] = f"the faces for {KAZAKH_LETTERS} did not load"
        return found


SCROLL_THROUGH_JS = """
async () => {
  // Lazy images below the fold load only when the reader scrolls to them.
  for (let y = 0; y < document.body.scrollHeight; y += 600) {
    window.scrollTo(0, y);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  window.scrollTo(0, 0);
  await Promise.all(
    [...document.images]
      .filter((img) => !img.complete)
      .map((img) => new Promise((resolve) => {
        img.addEventListener("load", resolve);
        img.addEventListener("error", resolve);
      }))
  );
  await document.fonts.ready;
}
"""

PAGE_STATE_JS = """
(kazakhLetters) => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  imageCount: document.images.length,
  imagesWithoutAlt: [...document.images]
    .filter((img) => !img.hasAttribute("alt"))
    .map((img) => img.currentSrc || img.src),
  imagesWiderThanTheirBox: [...document.images]
    .filter((img) => img.getBoundingClientRect().width >
      img.parentElement.getBoundingClientRect().width + 1)
    .map((img) => img.currentSrc || img.src),
  bodyFontFamily: getComputedStyle(
    document.querySelector(".body .block-paragraph p, .teaser__excerpt") ||
      document.body
  ).fontFamily,
  ptSerifLoaded:
    [...document.fonts].some(
      (face) => face.family.replace(/"/g, "") === "PT Serif" &&
        face.status === "loaded"
    ) && document.fonts.check('16px "PT Serif"'),
  kazakhLettersLoaded: document.fonts.check('16px "PT Serif"', kazakhLetters),
})
"""


def open_page(
    context,
    url: str,
    result: Visit,
    screenshot: bool,
    inspect: Callable | None,
) -> Visit:
    """Runs in the browser thread: load, scroll through, measure, screenshot."""
    page = context.new_page()
    page.set_viewport_size({"width": result.width, "height": 900})
    try:
        errors = result.console_errors
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and errors.append(f"{message.text} ({message.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and errors.append(f"HTTP {response.status} {response.url}")
            ),
        )
        response = page.goto(url, wait_until="load")
        if response is None or not response.ok:
            errors.append(f"{url} answered {response and response.status}")
        page.evaluate(SCROLL_THROUGH_JS)
        state = page.evaluate(PAGE_STATE_JS, KAZAKH_LETTERS)
        result.scroll_width = state["scrollWidth"]
        result.inner_width = state["innerWidth"]
        result.image_count = state["imageCount"]
        result.images_without_alt = state["imagesWithoutAlt"]
        result.images_wider_than_their_box = state["imagesWiderThanTheirBox"]
        result.body_font_family = state["bodyFontFamily"]
        result.pt_serif_loaded = state["ptSerifLoaded"]
        result.kazakh_letters_loaded = state["kazakhLettersLoaded"]
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / f"{result.name}-{result.width}.png"
            page.screenshot(path=path, full_page=True)
        if inspect is not None:
            result.inspected = inspect(page)
        return result
    finally:
        page.close()


@pytest.fixture
def visit(browser: BrowserThread, live_server) -> Iterator[Callable[..., Visit]]:
    """Open a path at a width and report what the reader got.

    ``inspect(page)`` runs in the browser thread once the page has loaded; its
    return value (plain data, not Playwright objects) lands in
    ``Visit.inspected``.
    """

    # One browser context (cookies, cache) per test, a fresh tab per visit.
    context = browser.run(lambda chromium: chromium.new_context(device_scale_factor=1))

    def _visit(
        path: str,
        name: str,
        width: int,
        *,
        screenshot: bool = False,
        inspect: Callable | None = None,
    ) -> Visit:
        result = Visit(name=name, width=width)
        return browser.run(
            lambda _chromium: open_page(
                context, live_server.url + path, result, screenshot, inspect
            )
        )

    yield _visit
    browser.run(lambda _chromium: context.close())
