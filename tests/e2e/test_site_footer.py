"""The footer with its «Информация» menu, on a phone and a desktop (issue 16).

Screenshots at 375 and 1280 px go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from core.models import FooterLink
from tests.factories import locale

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOOTER_JS = """
() => {
  const footer = document.querySelector('.site-footer');
  const links = [...footer.querySelectorAll('.site-footer__links a')];
  return {
    links: links.map((a) => a.textContent.trim()),
    visible: links.every((a) => a.getBoundingClientRect().width > 0),
    contacts: footer.querySelector('.site-footer__contacts').textContent,
  };
}
"""


@pytest.mark.parametrize("width", [375, 1280])
def test_the_footer_shows_the_information_menu_and_contacts(visit, newspaper, width):
    tree = newspaper.tree
    FooterLink.objects.create(
        title="Проблемная зона", link_page=newspaper.sections_ru[3], locale=locale("ru")
    )
    FooterLink.objects.create(
        title="Контакты", link_url="https://example.kz/kontakty/", locale=locale("ru")
    )
    seen = visit(
        tree.home_ru.url,
        "footer-ru",
        width,
        screenshot=True,
        inspect=lambda page: page.evaluate(FOOTER_JS),
    )
    assert seen.inspected["links"] == ["Проблемная зона", "Контакты"]
    assert seen.inspected["visible"]
    assert not seen.scrolls_sideways
