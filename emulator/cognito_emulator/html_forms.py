"""What a browser reads from an HTML page to submit a form, and what the page tells its reader.

The login helper (`login_page_client.py`) and the real-client checks drive the managed login pages
without a browser: they read the form the page serves — its action, method and every field it
sets itself (the CSRF token among them) — rather than knowing the template, so a change of
template that a browser would survive does not break them. The standard library's parser is
enough, and keeps the helper free of dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Input types a browser submits with the value the page gave them (checkboxes and radios only
# when checked; buttons only the one clicked; files never, here).
_VALUE_INPUTS = frozenset(
    {"hidden", "text", "password", "email", "tel", "number", "search", "url", "date"}
)
_CHECKED_INPUTS = frozenset({"checkbox", "radio"})
_SUBMIT_INPUTS = frozenset({"submit", "image"})
# Elements whose text a reader never sees.
_INVISIBLE = frozenset({"script", "style", "template", "noscript", "head"})
# Elements that hold no content and have no end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Elements that announce something to the reader: an error, or the state the flow is in.
_ALERT_ROLES = frozenset({"alert", "status"})
_ALERT_CLASSES = frozenset({"error", "errors", "alert", "alert-danger", "alert-error"})


@dataclass(frozen=True)
class HtmlForm:
    """One `<form>`: where it goes, how, and what a browser would send if nobody typed."""

    action: str
    method: str
    fields: tuple[tuple[str, str], ...]
    input_types: dict[str, str] = field(default_factory=dict)
    submit_button: tuple[str, str] | None = None

    def has_input(self, name: str, input_type: str | None = None) -> bool:
        if name not in self.input_types:
            return False
        return input_type is None or self.input_types[name] == input_type

    def submission(self, values: dict[str, str]) -> list[tuple[str, str]]:
        """The fields as a browser posts them once `values` are typed in, the first named submit
        button pressed. Every name in `values` must be a field of the form: a typo is an error
        here rather than a silently ignored field."""
        unknown = sorted(set(values) - set(self.input_types))
        if unknown:
            raise KeyError(f"the form has no field named {', '.join(unknown)}")
        submitted = [(name, values.get(name, value)) for name, value in self.fields]
        present = {name for name, _ in self.fields}
        submitted += [(name, value) for name, value in values.items() if name not in present]
        if self.submit_button is not None:
            submitted.append(self.submit_button)
        return submitted


def parse_forms(html: str) -> list[HtmlForm]:
    """Every form on the page, in document order."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def page_message(html: str) -> str:
    """What the page says to its reader, in one line: the text of its alerts and notices
    (role="alert" or "status", or an error/alert class), else all its visible text, else its
    title."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    for parts in (parser.alerts, parser.body_text, parser.title):
        text = _one_line(" ".join(parts))
        if text:
            return text
    return ""


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: dict[str, str] | None = None
        self._fields: list[tuple[str, str]] = []
        self._types: dict[str, str] = {}
        self._submit: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = attributes
            self._fields, self._types, self._submit = [], {}, None
        elif self._form is not None and tag in ("input", "button"):
            self._field(tag, attributes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(
                HtmlForm(
                    action=self._form.get("action", ""),
                    method=(self._form.get("method") or "get").upper(),
                    fields=tuple(self._fields),
                    input_types=self._types,
                    submit_button=self._submit,
                )
            )
            self._form = None

    def close(self) -> None:
        super().close()
        if self._form is not None:  # a form left open at the end of the page ends there
            self.handle_endtag("form")

    def _field(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes.get("name")
        if not name or "disabled" in attributes:
            return
        default_type = "submit" if tag == "button" else "text"
        input_type = (attributes.get("type") or default_type).lower()
        value = attributes.get("value", "")
        if input_type in _SUBMIT_INPUTS:
            if self._submit is None:
                self._submit = (name, value)
            return
        self._types[name] = input_type
        if input_type in _VALUE_INPUTS:
            self._fields.append((name, value))
        elif input_type in _CHECKED_INPUTS and "checked" in attributes:
            self._fields.append((name, value or "on"))  # HTML's default value of a checkbox


class _TextParser(HTMLParser):
    """The page's title, the text of its alert elements, and its visible body text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.alerts: list[str] = []
        self.body_text: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, is an alert) for every open element
        self._invisible_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _VOID:
            return
        attributes = {name: value or "" for name, value in attrs}
        classes = set(attributes.get("class", "").lower().split())
        is_alert = attributes.get("role") in _ALERT_ROLES or bool(classes & _ALERT_CLASSES)
        self._open.append((tag, is_alert))
        if tag in _INVISIBLE:
            self._invisible_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        # Close up to the matching element: browsers forgive a missing end tag, so does this.
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                for closed, _ in self._open[index:]:
                    if closed in _INVISIBLE:
                        self._invisible_depth -= 1
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
            return
        if self._invisible_depth:
            return
        if any(is_alert for _, is_alert in self._open):
            self.alerts.append(data)
        self.body_text.append(data)
