/*
 * A click on Save draft, Submit or Publish waits for the autosave under way.
 *
 * Wagtail's editor autosaves (the w-autosave controller). On a new page the
 * first autosave creates the page as a draft, and only its answer turns the
 * form's action from "add" into "edit". A click made before that answer posts
 * the page to "add" once more and Wagtail refuses it (the slug is already in
 * use): the click is lost and the autosaved draft stays behind. Here the
 * click waits for the answer (at most WAIT_MS) and is then made again, to
 * wherever the form posts by then.
 * tests/e2e/test_publish_while_autosaving.py fails without this file.
 */
(function () {
  'use strict';

  function guard(form) {
    const WAIT_MS = 10000;
    let saving = false;
    let waiting = null;
    let timer = null;

    function submitAgain() {
      if (!waiting) return;
      const { submitter } = waiting;
      waiting = null;
      clearTimeout(timer);
      // Wagtail's w-progress disables the clicked button while it spins, and a
      // disabled button's name is not posted: it goes as a hidden field.
      const action = document.createElement('input');
      action.type = 'hidden';
      if (submitter && submitter.name) {
        action.name = submitter.name;
        action.value = submitter.value;
        form.appendChild(action);
      }
      form.requestSubmit();
      action.remove();
    }

    form.addEventListener('w-autosave:save', () => {
      saving = true;
    });
    ['w-autosave:success', 'w-autosave:error'].forEach((name) => {
      form.addEventListener(name, () => {
        saving = false;
        submitAgain();
      });
    });

    document.addEventListener(
      'submit',
      (event) => {
        if (event.target !== form || !saving) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        waiting = { submitter: event.submitter };
        clearTimeout(timer);
        timer = setTimeout(() => {
          saving = false;
          submitAgain();
        }, WAIT_MS);
      },
      true,
    );
  }

  // Wagtail puts the editor's scripts in <head>, before the form is parsed.
  function start() {
    const form = document.querySelector('form[data-edit-form]');
    if (form) guard(form);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
