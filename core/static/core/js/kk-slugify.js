/*
 * Kazakh-correct slugs in the Wagtail admin.
 *
 * Wagtail's slug field (the w-slug Stimulus controller) transliterates with
 * Django's URLify tables, which drop ә ғ қ ң ө ұ ү һ і. This file repeats
 * linguistics.slugify in JavaScript; the tables are not copied here but read
 * from the JSON that home/wagtail_hooks.py renders from the Python ones, and
 * tests/e2e/test_translator_journey.py compares both in Chromium.
 * When our rule gives nothing (a title with no transliterable letter) Wagtail's
 * own method answers and the server finishes the job (home/slugs.py).
 */
(function () {
  'use strict';

  const rulesElement = document.getElementById('kmpress-slug-rules');
  if (!rulesElement) return;
  const rules = JSON.parse(rulesElement.textContent);

  const LETTER_RUN = /[\p{L}\p{Nl}\p{No}]+/gu;
  const COMBINING = /\p{Mn}/u;

  function isCyrillic(ch) {
    return ch >= '\u0400' && ch <= '\u04ff';
  }

  /* alphabet.fix_lookalikes: Latin look-alikes inside mostly-Cyrillic words. */
  function fixLookalikes(text) {
    return text.replace(LETTER_RUN, (run) => {
      const chars = Array.from(run);
      const cyrillic = chars.filter(isCyrillic).length;
      if (cyrillic === 0 || cyrillic <= chars.length - cyrillic) return run;
      return chars.map((ch) => rules.lookalikes[ch] ?? ch).join('');
    });
  }

  /* translit._ascii_char */
  function asciiChar(ch) {
    const lower = ch.toLowerCase();
    if (Object.prototype.hasOwnProperty.call(rules.table, lower)) {
      return rules.table[lower];
    }
    if (ch.codePointAt(0) < 128) return ch;
    const base = Array.from(ch.normalize('NFKD'))
      .filter((c) => !COMBINING.test(c))
      .join('');
    if (base && base !== ch) return Array.from(base).map(asciiChar).join('');
    return rules.other[lower] ?? '';
  }

  /* translit.slugify, without the hash fallback. */
  function slugify(text, maxLength = rules.maxLength) {
    const prepared = fixLookalikes(String(text).normalize('NFC'));
    let slug = Array.from(prepared)
      .map(asciiChar)
      .join('')
      .toLowerCase()
      .replace(/['`]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    if (slug.length > maxLength) {
      const head = slug.slice(0, maxLength + 1);
      const cut = head.lastIndexOf('-');
      slug = cut > 0 ? head.slice(0, cut) : slug.slice(0, maxLength);
    }
    return slug;
  }

  window.kmpressSlugify = slugify;

  /* Replaces the slugify and urlify actions of Wagtail's w-slug controller. */
  function patchSlugController() {
    const app = window.wagtail && window.wagtail.app;
    const registered =
      app && app.router && app.router.modulesByIdentifier.get('w-slug');
    if (!registered) return false;
    const proto = registered.definition.controllerConstructor.prototype;
    if (proto.kmpressSlugs) return true;
    ['slugify', 'urlify'].forEach((action) => {
      const wagtailAction = proto[action];
      proto[action] = function kmpressAction(event, options = {}) {
        const detail = event && event.detail;
        const source =
          detail && typeof detail.value === 'string'
            ? detail.value
            : this.element.value;
        const value = this.trimValue ? source.trim() : source;
        const slug = slugify(value);
        if (!slug) {
          return wagtailAction.call(this, event, options);
        }
        if (!options.ignoreUpdate) this.applyUpdate(action, slug, source);
        return slug;
      };
    });
    proto.kmpressSlugs = true;
    return true;
  }

  if (!patchSlugController()) {
    document.addEventListener('DOMContentLoaded', patchSlugController);
  }
})();
