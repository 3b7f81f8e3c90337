"""Pages for everyone: the start page, the language switch and the error pages."""
