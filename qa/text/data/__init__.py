"""Word lists read by :mod:`qa.text.wordlists` (a package so that the files ship with it)."""
