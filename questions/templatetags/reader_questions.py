from django import template

from questions.forms import QuestionForm
from questions.models import Question, takes_questions

register = template.Library()

ANSWERS_SHOWN = 20


@register.inclusion_tag("questions/desk.html")
def reader_questions(page):
    """The form and the answers, on the questions section (cached with it:
    the form has no token until ask.js fetches one)."""
    if not takes_questions(page):
        return {"shown": False}
    answered = Question.objects.public().filter(section=page).order_by("-answered_at")
    return {
        "shown": True,
        "page": page,
        "form": QuestionForm(),
        "answered": list(answered[:ANSWERS_SHOWN]),
    }
