"""«Проблемная зона»: readers ask without an account, editors answer in public.

The section page is cached whole (page cache on in every test): the form on
it carries no CSRF token, and a fetch of ``questions:token`` supplies one.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from newsroom.management.commands.run_worker import jobs
from questions import spam
from questions.models import Question, QuestionDesk, Status
from site_project.settings.base import file_caches
from tests.cache_support import commit_set_up, point_caches_at
from tests.embedded import free_port
from tests.factories import SectionPageFactory
from tests.newsroom_support import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

TEXT = "Во дворе дома по улице Ленина третью неделю нет горячей воды."


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    settings.READER_QUESTIONS_MIN_FILL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def desk(tree):
    """The ru «Проблемная зона» section and its kk twin take questions."""
    sections = make_desk(tree)
    commit_set_up()
    return sections


def make_desk(tree):
    ru = SectionPageFactory(
        parent=tree.home_ru,
        locale=tree.home_ru.locale,
        title="Проблемная зона",
        slug="problemy",
    )
    kk = SectionPageFactory(
        parent=tree.home_kk,
        locale=tree.home_kk.locale,
        title="Проблемалық аймақ",
        slug="maseleler",
        translation_key=ru.translation_key,
    )
    QuestionDesk.objects.create(section=ru)
    return ru, kk


def token(client) -> dict:
    response = client.get(reverse("questions:token"))
    assert response.status_code == 200
    assert (
        "no-cache" in response["Cache-Control"]
        or "no-store" in response["Cache-Control"]
    )
    return response.json()


def ask(client, section, lang="ru", **fields):
    data = {
        "text": TEXT,
        "name": "Айгуль",
        "contact": "reader@example.kz",
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return client.post(f"/{lang}/questions/{section.pk}/", data)


def ask_with_token(client, section, lang="ru", **fields):
    got = token(client)
    return ask(
        client,
        section,
        lang,
        csrfmiddlewaretoken=got["csrf"],
        started=got["started"],
        **fields,
    )


def answer(question, text="Воду дадут в пятницу, сообщили в ЖКХ."):
    question.status = Status.ANSWERED
    question.answer = text
    question.save()


# ------------------------------------------------------------------ asking


def test_the_questions_section_shows_the_form_and_other_sections_do_not(
    client, desk, tree
):
    page = client.get(desk[0].url).content.decode()
    assert 'class="question-form"' in page
    assert 'name="website"' in page and 'name="consent"' in page
    assert (
        'class="question-form"' not in client.get(tree.section_ru.url).content.decode()
    )


def test_the_kazakh_twin_takes_questions_too(client, desk):
    assert 'class="question-form"' in client.get(desk[1].url).content.decode()


def test_a_reader_asks_on_a_cached_page_with_a_fetched_token(desk):
    reader = Client(enforce_csrf_checks=True)
    reader.get(desk[0].url)
    cached = reader.get(desk[0].url)
    assert cached["X-Wagtail-Cache"] == "hit"
    # The cached page holds no token of any reader's.
    assert (
        re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', cached.content.decode())
        is None
    )
    response = ask_with_token(reader, desk[0])
    assert response.status_code == 200
    question = Question.objects.get()
    assert (question.text, question.contact, question.section) == (
        TEXT,
        "reader@example.kz",
        desk[0],
    )
    assert question.status == Status.NEW and question.address == "127.0.0.1"


def test_a_reader_without_javascript_gets_the_form_back_with_a_token_and_text_kept(
    desk,
):
    reader = Client(enforce_csrf_checks=True)
    first = ask(reader, desk[0])
    assert first.status_code == 400
    assert not Question.objects.exists()
    body = first.content.decode()
    assert TEXT in body
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    started = re.search(r'name="started" value="([^"]+)"', body).group(1)
    second = ask(reader, desk[0], csrfmiddlewaretoken=csrf, started=started)
    assert second.status_code == 200
    assert Question.objects.count() == 1


def test_a_question_for_a_section_not_taking_them_or_a_bad_id_is_a_404(
    client, desk, tree
):
    assert ask_with_token(client, tree.section_ru).status_code == 404
    assert client.post("/ru/questions/abc/", {}).status_code == 404
    assert client.post("/ru/questions/99999999999999999999/", {}).status_code == 404
    # The Russian section is not asked through the Kazakh address.
    assert ask_with_token(client, desk[0], lang="kk").status_code == 404


@pytest.mark.parametrize(
    ("lang", "missing_text", "missing_consent"),
    [
        ("ru", "Пожалуйста, опишите проблему.", "Пожалуйста, дайте согласие"),
        ("kk", "Мәселені сипаттап беріңіз.", "Дербес деректерді өңдеуге келісім"),
    ],
)
def test_bad_input_gets_clear_errors_in_the_readers_language(
    client, desk, lang, missing_text, missing_consent
):
    section = desk[0] if lang == "ru" else desk[1]
    response = ask_with_token(client, section, lang, text="", consent="")
    assert response.status_code == 400
    body = response.content.decode()
    assert missing_text in body and missing_consent in body
    short = ask_with_token(client, section, lang, text="Плохо")
    assert short.status_code == 400
    assert not Question.objects.exists()


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(client, desk):
    response = ask_with_token(client, desk[0], website="http://spam.example")
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_a_form_sent_faster_than_the_minimum_fill_time_is_not_kept(
    client, desk, settings
):
    settings.READER_QUESTIONS_MIN_FILL_SECONDS = 60
    response = ask_with_token(client, desk[0])
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_a_forged_start_time_is_refused(client, desk):
    got = token(client)
    response = ask(client, desk[0], csrfmiddlewaretoken=got["csrf"], started="1.0")
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_one_address_is_limited_per_window_and_another_is_not(client, desk, settings):
    settings.READER_QUESTIONS_RATE_LIMIT = 2
    assert ask_with_token(client, desk[0]).status_code == 200
    assert ask_with_token(client, desk[0]).status_code == 200
    refused = ask_with_token(client, desk[0])
    assert refused.status_code == 429
    assert "Слишком много вопросов" in refused.content.decode()
    assert Question.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert ask_with_token(other, desk[0]).status_code == 200


def test_the_limit_holds_on_the_file_cache_of_the_embedded_default(
    client, desk, settings, tmp_path
):
    settings.CACHES = {**settings.CACHES, **file_caches(tmp_path)}
    settings.READER_QUESTIONS_RATE_LIMIT = 1
    assert ask_with_token(client, desk[0]).status_code == 200
    assert ask_with_token(client, desk[0]).status_code == 429
    assert Question.objects.count() == 1


def test_with_redis_down_a_reader_still_asks(client, desk, settings):
    settings.REDIS_REST_SECONDS = settings.PAGE_CACHE_RETRY_SECONDS = 600
    point_caches_at(settings, free_port())
    settings.READER_QUESTIONS_RATE_LIMIT = 1
    assert ask_with_token(client, desk[0]).status_code == 200
    assert ask_with_token(client, desk[0]).status_code == 200
    assert Question.objects.count() == 2


def test_a_submitted_question_does_not_empty_the_page_cache(client, desk):
    client.get(desk[0].url)
    ask_with_token(client, desk[0])
    assert client.get(desk[0].url)["X-Wagtail-Cache"] == "hit"


# ----------------------------------------------------------------- answers


def make_question(section, **fields):
    defaults = {
        "text": TEXT,
        "name": "Айгуль",
        "contact": "+7 701 000 00 00",
        "consent": True,
    }
    defaults.update(fields)
    return Question.objects.create(section=section, **defaults)


def test_answered_questions_are_listed_in_the_language_asked(client, desk):
    ru_question = make_question(desk[0])
    kk_question = make_question(
        desk[1], text="Аулада үш апта бойы ыстық су жоқ, көмектесіңіздер."
    )
    make_question(desk[0], text="Этот вопрос ещё не отвечен редакцией газеты.")
    answer(ru_question)
    answer(kk_question, "Жұма күні су беріледі.")
    ru_page = client.get(desk[0].url).content.decode()
    kk_page = client.get(desk[1].url).content.decode()
    assert "Воду дадут в пятницу" in ru_page and "Жұма күні су беріледі" not in ru_page
    assert "Жұма күні су беріледі" in kk_page and "Воду дадут в пятницу" not in kk_page
    assert "ещё не отвечен" not in ru_page
    assert "+7 701 000 00 00" not in ru_page  # the contact is never shown
    assert ru_question.answered_at is not None


def test_publishing_an_answer_reaches_the_cached_section_page(
    client, desk, django_capture_on_commit_callbacks
):
    question = make_question(desk[0])
    client.get(desk[0].url)
    assert client.get(desk[0].url)["X-Wagtail-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        answer(question)
    response = client.get(desk[0].url)
    assert response["X-Wagtail-Cache"] != "hit"
    assert "Воду дадут в пятницу" in response.content.decode()


def test_the_reader_is_mailed_once_when_the_answer_is_published(
    desk, django_capture_on_commit_callbacks
):
    question = make_question(desk[1], contact="reader@example.kz")
    with django_capture_on_commit_callbacks(execute=True):
        question.status = Status.IN_WORK
        question.save()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        answer(question, "Жұма күні су беріледі.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.kz"]
    assert "Жұма күні су беріледі." in message.body
    assert message.subject == "Редакция жауап берді"
    with django_capture_on_commit_callbacks(execute=True):
        question.refresh_from_db()
        question.answer += " Толығырақ."
        question.save()
    assert len(mail.outbox) == 1


def test_a_reader_who_left_a_phone_is_not_mailed(
    desk, django_capture_on_commit_callbacks
):
    question = make_question(desk[0])
    with django_capture_on_commit_callbacks(execute=True):
        answer(question)
    assert mail.outbox == []


# ------------------------------------------------------------ moderation


@pytest.fixture
def staff(db):
    return make_staff()


def edit_url(question):
    return reverse("wagtailsnippets_questions_question:edit", args=[question.pk])


@pytest.mark.parametrize("role", ["moderator", "chief"])
def test_release_editors_and_the_chief_moderate_and_answer(client, desk, staff, role):
    question = make_question(desk[0])
    client.force_login(staff[role])
    listing = client.get(reverse("wagtailsnippets_questions_question:list"))
    assert listing.status_code == 200 and TEXT[:30] in listing.content.decode()
    assert client.get(edit_url(question)).status_code == 200
    response = client.post(
        edit_url(question),
        {
            "status": "answered",
            "assignee": staff[role].pk,
            "note": "Звонил в ЖКХ",
            "answer": "Воду дадут в пятницу.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert (question.status, question.assignee, question.note) == (
        Status.ANSWERED,
        staff[role],
        "Звонил в ЖКХ",
    )
    assert question.text == TEXT  # the reader's words are not the editor's to change


def test_marking_a_question_answered_without_an_answer_is_a_form_error(
    client, desk, staff
):
    question = make_question(desk[0])
    client.force_login(staff["moderator"])
    response = client.post(edit_url(question), {"status": "answered", "answer": " "})
    assert response.status_code == 200
    assert "Напишите публичный ответ" in response.content.decode()
    question.refresh_from_db()
    assert question.status == Status.NEW


@pytest.mark.parametrize("role", ["editor", "translator"])
def test_correspondents_and_translators_cannot_see_or_answer_questions(
    client, desk, staff, role
):
    question = make_question(desk[0])
    client.force_login(staff[role])
    for url in (reverse("wagtailsnippets_questions_question:list"), edit_url(question)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert TEXT[:30] not in response.content.decode()
    client.post(edit_url(question), {"status": "answered", "answer": "Подделка"})
    question.refresh_from_db()
    assert question.status == Status.NEW and question.answer == ""


def test_anonymous_visitors_are_sent_to_the_login(client, desk):
    question = make_question(desk[0])
    response = client.get(edit_url(question))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# -------------------------------------------------------------- retention


def test_personal_data_is_erased_after_the_retention_period(
    client, desk, settings, django_capture_on_commit_callbacks
):
    settings.READER_QUESTIONS_RETENTION_DAYS = 30
    old_answered = make_question(desk[0], contact="reader@example.kz")
    with django_capture_on_commit_callbacks(execute=True):
        answer(old_answered)
    old_rejected = make_question(desk[0], status=Status.REJECTED)
    recent = make_question(desk[0])
    Question.objects.filter(pk__in=[old_answered.pk, old_rejected.pk]).update(
        created_at=timezone.now() - timedelta(days=31), address="10.1.1.1"
    )
    client.get(desk[0].url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_reader_questions", verbosity=0)
    old_answered.refresh_from_db()
    assert (old_answered.name, old_answered.contact, old_answered.address) == (
        "",
        "",
        None,
    )
    assert old_answered.answer  # the public answer stays
    assert not Question.objects.filter(pk=old_rejected.pk).exists()
    recent.refresh_from_db()
    assert recent.contact == "+7 701 000 00 00"
    # The name shown beside the answer is gone from the cached page too.
    assert "Айгуль" not in client.get(desk[0].url).content.decode()


def test_the_worker_runs_the_purge():
    assert "purge_reader_questions" in [job.command for job in jobs()]


def test_the_stamp_is_signed():
    assert spam.filled_too_fast("not-a-stamp")


# ------------------------------------------------------------------- demo


def test_the_demo_problems_section_takes_questions_and_shows_answers_in_each_language(
    client,
):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    assert QuestionDesk.objects.count() == 1
    assert Question.objects.count() == 3
    ru = QuestionDesk.objects.get().section
    kk = ru.get_translation(Locale.objects.get(language_code="kk"))
    ru_page = client.get(ru.url).content.decode()
    kk_page = client.get(kk.url).content.decode()
    assert 'class="question-form"' in ru_page and 'class="question-form"' in kk_page
    assert "заменили щиток" in ru_page and "екі шам орнатылды" not in ru_page
    assert "екі шам орнатылды" in kk_page and "заменили щиток" not in kk_page
