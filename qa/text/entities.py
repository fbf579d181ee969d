"""Re-exports for callers that still import from ``qa.text.entities``.

Entity spotting now lives in :mod:`qa.text.names` (people and other names),
:mod:`qa.text.places`, :mod:`qa.text.numbers`, :mod:`qa.text.roles` and
:mod:`vectorstore.text.dates`; import from those. This module keeps only the names that
``qa/conversation.py`` and ``tests/qa/answerers/test_answerers_extractive.py`` import from it,
and goes once they import from the modules above.
"""

from __future__ import annotations

from qa.text.names import COMMON as COMMON
from qa.text.names import Entity as Entity
from qa.text.names import find_entities as find_entities
from qa.text.names import find_people as find_people
from qa.text.names import gender_of as gender_of
from qa.text.numbers import find_numbers as find_numbers
from qa.text.places import country_key as country_key
from qa.text.places import place_class as place_class
from qa.text.roles import affiliations as affiliations
from qa.text.roles import person_roles as person_roles
from vectorstore.text.dates import find_dates as find_dates

__all__ = [
    "COMMON", "Entity", "affiliations", "country_key", "find_dates", "find_entities",
    "find_numbers", "find_people", "gender_of", "person_roles", "place_class",
]
