"""The trainees' pages' icons as small SVG images served by the app (web/static/icons/), not emoji.

A phone without an emoji font shows emoji as empty boxes; an image shows everywhere. Templates still name an
icon by its emoji (readable in the source): ``{{ icon("💼") }}``. The image is decorative — the words beside it
say the same — so its text alternative is empty; an emoji without an image is shown as it is, hidden from
screen readers.
"""

from __future__ import annotations

from markupsafe import Markup, escape

#: Each emoji the trainees' pages use → its image in web/static/icons/.
ICONS = {
    "🏠": "home", "💼": "job", "🏢": "company", "📍": "place", "☀️": "sun", "🌙": "moon", "🔄": "turns", "💰": "money",
    "📅": "calendar", "⏳": "hourglass", "⌛": "hourglass", "🎉": "party", "✅": "check", "🏁": "flag", "❌": "cross",
    "🚫": "no", "↩️": "undo", "📞": "phone", "📱": "mobile", "📩": "inbox", "🗂️": "folder", "👤": "person", "🙂": "smile",
    "🔑": "key", "🚌": "bus", "🗣️": "speak", "🎓": "grad", "🔒": "lock", "✏️": "pencil", "✋": "hand", "👉": "point",
    "⬅️": "back", "💾": "save", "🕑": "clock", "💬": "chat", "⚠️": "warning", "✉️": "mail", "🔢": "digits", "🌐": "globe",
}  # fmt: skip


def icon(emoji: str) -> Markup:
    """Return the image standing for an emoji (decorative: empty text alternative), or the emoji itself, hidden."""
    name = ICONS.get(emoji)
    if name is None:
        return Markup('<span class="i" aria-hidden="true">{}</span>').format(escape(emoji))
    return Markup('<img class="i" src="/static/icons/{}.svg" alt="" width="24" height="24">').format(name)
