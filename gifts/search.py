"""Catalog search in the buyer's language.

PostgreSQL: full-text search with the language's configuration (English stems "bowls" to "bowl", French "bols" to
"bol") over each gift's title and description, served by one GIN expression index per language (migration
0002), plus the artist's name and craft. Japanese has no PostgreSQL parser, so it also matches substrings.
SQLite (local development, tests): a case-insensitive substring match of every word.

Every translated column falls back to English where the translation is empty, as the pages do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf

SEARCH_CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "pt-br": "portuguese",
    "ja": "simple",
}
"""PostgreSQL text-search configuration for each storefront language."""

MAX_WORDS = 8


def language_field(name: str, language: str) -> str:
    return f"{name}_{language.replace('-', '_')}"


def translated(name: str, language: str, prefix: str = ""):
    """The column for `name` in `language`, falling back to English where that translation is empty."""
    english = F(f"{prefix}{language_field(name, 'en')}")
    if language == "en":
        return english
    local = F(f"{prefix}{language_field(name, language)}")
    return Coalesce(NullIf(local, Value("")), english, output_field=TextField())


def gift_document(language: str):
    """The gift's own searchable text as a tsvector. Migration 0002 indexes exactly this expression."""
    from django.contrib.postgres.search import SearchVector

    config = SEARCH_CONFIGS[language]
    return SearchVector(translated("title", language), config=config, weight="A") + SearchVector(
        translated("description", language), config=config, weight="C"
    )


def _artists_matching(query, language: str) -> list[int]:
    """Artists whose name or craft match, read first (one small query) so the gift query stays index-friendly."""
    from django.contrib.postgres.search import SearchVector

    from artists.models import Artist

    config = SEARCH_CONFIGS[language]
    document = SearchVector("display_name", config=config) + SearchVector(translated("craft", language), config=config)
    return list(
        Artist.objects.annotate(search_document=document).filter(search_document=query).values_list("id", flat=True)
    )


def substring_match(text: str, language: str) -> Q:
    """Every word appears in the title, description, artist name or craft (active language or English)."""
    combined = Q()
    for word in text.split()[:MAX_WORDS]:
        word_match = Q(artist__display_name__icontains=word)
        for code in dict.fromkeys((language, "en")):
            word_match |= (
                Q(**{f"{language_field('title', code)}__icontains": word})
                | Q(**{f"{language_field('description', code)}__icontains": word})
                | Q(**{f"artist__{language_field('craft', code)}__icontains": word})
            )
        combined &= word_match
    return combined


def search_gifts(queryset: QuerySet, text: str, language: str) -> tuple[QuerySet, bool]:
    """Narrow `queryset` to gifts matching `text`; also says whether the result carries `search_rank`."""
    if language not in SEARCH_CONFIGS:
        language = settings.LANGUAGE_CODE
    if connection.vendor != "postgresql":
        return queryset.filter(substring_match(text, language)), False

    from django.contrib.postgres.search import SearchQuery, SearchRank

    query = SearchQuery(text, config=SEARCH_CONFIGS[language], search_type="websearch")
    document = gift_document(language)
    matches = Q(search_document=query)
    artist_ids = _artists_matching(query, language)
    if artist_ids:
        matches |= Q(artist_id__in=artist_ids)
    if language == "ja":
        matches |= substring_match(text, language)
    found = queryset.annotate(search_document=document, search_rank=SearchRank(document, query)).filter(matches)
    return found, True
