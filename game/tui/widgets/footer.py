"""The footer in the player's language: Textual's Footer with each key's description translated."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from game.i18n import N_, _

# Textual's own keys that the footer shows (their descriptions are Textual's, in English)
TEXTUAL_KEYS = (N_("palette"),)


class G2Footer(Footer):
    """Binding descriptions are English in the code (marked with N_ for extraction) and translated
    here, as the footer is drawn, so a language chosen at run time shows at once."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
