"""The app's language control (English / 한국어 in the header): layout and wiring only.

One choice drives everything: it sets Gradio's frontend locale (so every static ``L(...)`` label
and ``<html lang>``, which each handler reads as its language, follow it), it is kept in a
``gr.BrowserState`` so a reload keeps it, and after a switch (and once the page has loaded) it
runs every handler registered with :func:`ui.common.rerender` - one registry per tab of the
server-rendered outputs on screen - so nothing already shown stays in the old language.

Gradio's own Settings dialog also has a language picker. It lists every locale Gradio's frontend
ships (33), of which this app translates two, it remembers nothing across a reload and it does
not re-render server-made text, so it is hidden (see LANGUAGE_CSS): one control, which tells
the truth, instead of two that disagree.
"""
from __future__ import annotations

import json

import gradio as gr

from trainer_core.i18n import LANGS, t
from ui.common import AppContext, on

CHOICES = [("English", "en"), ("한국어", "ko")]
assert [code for _, code in CHOICES] == list(LANGS)
STORAGE_KEY = "fts-lang"
# BrowserState encrypts with this; a fixed value lets the stored choice survive a server restart
# (a random one, Gradio's default, would be new on every start). A language is not a secret.
STORAGE_SECRET = "fine-tune-studio-language"

# Gradio 6.31 has no Python API to set the frontend locale: its core module exports changeLocale,
# which this finds among the loaded modules. <html lang> changes once the locale's messages are
# loaded, so the function waits for it: handlers that run next read the language from there.
# Gradio also re-translates only the selected tab's label on a switch: visiting each tab once
# relabels them all, then the selection is restored.
HEAD_JS = """
<script>
(() => {
  let changeLocale = null;
  async function findChangeLocale() {
    if (changeLocale) return changeLocale;
    const url = performance.getEntriesByType('resource').map((e) => e.name)
      .find((n) => /\\/assets\\/core-[^/]+\\.js$/.test(n));
    if (url) {
      try { changeLocale = (await import(url)).changeLocale || null; } catch (e) { console.error(e); }
    }
    return changeLocale;
  }
  window.ftsPageLang = () => {
    const lang = (document.documentElement.lang || navigator.language || 'en').toLowerCase();
    return lang.startsWith('ko') ? 'ko' : 'en';
  };
  window.ftsSetLang = async (lang) => {
    lang = lang === 'ko' ? 'ko' : 'en';
    const set = await findChangeLocale();
    if (set) set(lang);
    for (let i = 0; i < 100 && !document.documentElement.lang.startsWith(lang); i++) {
      await new Promise((r) => setTimeout(r, 30));
    }
    return lang;
  };
  // Gradio 6.31's toast heading is its type ("Error", "Warning"), whatever title the server sends:
  // it is rewritten here in the page's language (the words come from the translation table).
  const TITLES = __TOAST_TITLES__;
  const retitle = () => {
    const words = TITLES[window.ftsPageLang()];
    document.querySelectorAll('.toast-title').forEach((el) => {
      const kind = ['error', 'warning', 'info', 'success'].find((k) => el.classList.contains(k));
      const span = el.querySelector('span') || el;
      if (kind && words[kind] && span.firstChild && span.firstChild.nodeType === 3
          && span.firstChild.textContent.trim() !== words[kind]) span.firstChild.textContent = words[kind] + ' ';
    });
  };
  new MutationObserver(retitle).observe(document.documentElement, { childList: true, subtree: true });
  let last = document.documentElement.lang;
  new MutationObserver(() => {
    const now = document.documentElement.lang;
    if (now === last) return;
    last = now;
    setTimeout(() => {
      const tabs = [...document.querySelectorAll('button[role="tab"]')];
      const selected = tabs.filter((t) => t.getAttribute('aria-selected') === 'true');
      tabs.forEach((t) => t.click());
      selected.forEach((t) => t.click());
    }, 50);
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
})();
</script>
"""

# Hides Gradio's Settings language picker (see the module docstring): in 6.31 it is the one
# section of the Settings panel that holds a combobox.
LANGUAGE_CSS = """
.api-docs-wrap > .banner-wrap:has(input[role="combobox"]) { display: none !important; }
"""

HEAD_JS = HEAD_JS.replace("__TOAST_TITLES__", json.dumps(
    {lang: {kind: t(f"common.{kind}", lang) for kind in ("error", "warning", "info")} for lang in LANGS},
    ensure_ascii=False))

# The stored choice, else the browser's language (Gradio set <html lang> from it).
LOAD_JS = "async (stored) => [await window.ftsSetLang(stored === 'ko' || stored === 'en' ? stored : window.ftsPageLang())]"
PICK_JS = "async (lang) => [await window.ftsSetLang(lang)]"


def build_control():
    """The header's language radio and the browser-side store that remembers it."""
    store = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
    pick = gr.Radio(CHOICES, value=None, show_label=False, container=False, elem_id="app-lang",
                    elem_classes=["fts-lang"], min_width=260, scale=0)
    return pick, store


def wire(demo, ctx: AppContext, pick, store) -> None:
    """Page load and every switch: set the locale, then re-render what the tabs registered."""
    loaded = demo.load(None, inputs=[store], outputs=[pick], js=LOAD_JS)
    picked = pick.input(None, inputs=[pick], outputs=[store], js=PICK_JS)
    for event in (loaded, picked):
        for fn, inputs, outputs in ctx.rerender:
            on(event.then, fn, inputs, outputs, ctx, api_visibility="private", show_progress="hidden")
    for fn, inputs, outputs in ctx.after_load:
        on(loaded.then, fn, inputs, outputs, ctx, api_visibility="private", show_progress="hidden")

# Page-wide styles: the hidden Settings picker, and form help text people can read (Gradio's
# default info line is small and pale).
PAGE_CSS = LANGUAGE_CSS + """
#app-header { align-items: center; }
#app-header #app-title h1 { margin: 0; }
#app-lang { flex-grow: 0; }
.info-text { font-size: var(--text-md) !important; color: var(--body-text-color) !important; opacity: .78; }
"""
