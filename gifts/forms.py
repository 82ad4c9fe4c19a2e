"""Forms that read what a buyer asks of the catalog. Bad input becomes a notice and is left out, never an error page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from gifts.selectors import CatalogQuery, GiftSort
from locales.money import parse_amount
from locales.selectors import resolve_destination

SORT_CHOICES = [
    (GiftSort.NEWEST, _("Newest")),
    (GiftSort.POPULAR, _("Most given")),
    (GiftSort.PRICE_LOW, _("Price: low to high")),
    (GiftSort.PRICE_HIGH, _("Price: high to low")),
]
SEARCH_SORT_CHOICE = (GiftSort.RELEVANCE, _("Best match"))


def destination_choices(markets, country_codes) -> list:
    """Grouped choices for "ships to": launched markets first, then the countries lanes reach."""
    return [
        ("", _("Anywhere")),
        (_("Markets"), [(market.slug, str(market)) for market in markets]),
        (
            _("Countries"),
            sorted(((code, str(countries.name(code))) for code in country_codes), key=lambda item: item[1]),
        ),
    ]


def _flatten(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


class CatalogFilterForm(forms.Form):
    """The browse page's search, filters and sort. Choices come from the caller, already loaded for the page."""

    q = forms.CharField(label=_("Search"), required=False)
    origin = forms.ChoiceField(
        label=_("From"),
        required=False,
        error_messages={"invalid_choice": _("We have no market called “%(value)s”, so we show every market.")},
    )
    ships_to = forms.ChoiceField(
        label=_("Ships to"),
        required=False,
        error_messages={"invalid_choice": _("We do not ship to “%(value)s” yet, so we show gifts for anywhere.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={"invalid_choice": _("There is no category “%(value)s”, so we show every category.")},
    )
    artist = forms.ChoiceField(
        label=_("Artist"),
        required=False,
        error_messages={"invalid_choice": _("We found no artist “%(value)s”, so we show every artist.")},
    )
    min_price = forms.CharField(label=_("Lowest price"), required=False)
    max_price = forms.CharField(label=_("Highest price"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        error_messages={"invalid_choice": _("We cannot sort by “%(value)s”, so the newest come first.")},
    )

    MAX_QUERY_LENGTH = 100

    def __init__(self, data, *, markets, categories, artists, country_codes):
        super().__init__(data)
        self.markets = {market.slug: market for market in markets}
        self.categories = {category.slug: category for category in categories}
        self.artists = {artist.slug: artist for artist in artists}
        self.market_list = markets
        self.fields["origin"].choices = [("", _("Any market")), *((m.slug, str(m)) for m in markets)]
        self.fields["ships_to"].choices = destination_choices(markets, country_codes)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, f"— {category}" if category.parent_id else str(category)) for category in categories
        ]
        self.fields["artist"].choices = [("", _("Any artist")), *((a.slug, str(a)) for a in artists)]
        searching = bool((data or {}).get("q", "").strip())
        self.fields["sort"].choices = ([SEARCH_SORT_CHOICE] if searching else []) + SORT_CHOICES
        for name in ("min_price", "max_price"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.fields["q"].widget.attrs.update({"type": "search", "enterkeyhint": "search"})

    def clean_q(self):
        """Long pasted text is cut rather than refused: the first hundred characters say what was meant."""
        return " ".join((self.cleaned_data.get("q") or "").split())[: self.MAX_QUERY_LENGTH]

    def clean_min_price(self):
        return self._price("min_price")

    def clean_max_price(self):
        return self._price("max_price")

    def _price(self, name):
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        amount = parse_amount(raw)
        if amount is None:
            raise forms.ValidationError(
                _("We could not read “%(value)s” as a price, so we left it out."), params={"value": raw[:20]}
            )
        return amount

    def catalog_query(self) -> tuple[CatalogQuery, list[str]]:
        """What to show, and a notice for each part of the request that was left out or adjusted."""
        self.is_valid()
        notices = [str(error) for field in self.errors.values() for error in field]
        data = self.cleaned_data
        text = (data.get("q") or "").strip()
        min_price, max_price = data.get("min_price"), data.get("max_price")
        if min_price is not None and max_price is not None and min_price > max_price:
            min_price, max_price = max_price, min_price
            notices.append(str(_("The lowest price was above the highest, so we swapped them.")))
        sort = data.get("sort") or (GiftSort.RELEVANCE if text else GiftSort.NEWEST)
        query = CatalogQuery(
            text=text,
            origin=self.markets.get(data.get("origin") or ""),
            category=self.categories.get(data.get("category") or ""),
            artist=self.artists.get(data.get("artist") or ""),
            min_price=min_price,
            max_price=max_price,
            destination=resolve_destination(data.get("ships_to"), self.market_list),
            sort=sort,
        )
        return query, notices

    FILTER_NAMES = ("q", "origin", "ships_to", "category", "artist", "min_price", "max_price")

    def active_filters(self) -> list[dict]:
        """Each filter in use with a label and the query string that drops it, for "remove" links."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        active = []
        for name in self.FILTER_NAMES:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if name in self.fields and isinstance(self.fields[name], forms.ChoiceField):
                shown = dict(_flatten(self.fields[name].choices)).get(value, value)
            else:
                shown = value
            remaining = self.data.copy()
            remaining.pop(name, None)
            remaining.pop("page", None)
            active.append({"label": f"{self.fields[name].label}: {shown}", "query_string": remaining.urlencode()})
        return active


class SendPickerForm(forms.Form):
    """The home page's "send from … to …": it opens the catalog with both filters set."""

    origin = forms.ChoiceField(label=_("Send a gift from"), required=False)
    # Its own context: the bare "to" is also the status history's column, which some languages word differently.
    ships_to = forms.ChoiceField(label=pgettext_lazy("send a gift from … to …", "to"), required=False)

    def __init__(self, *args, markets, country_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin"].choices = [("", _("Any market")), *((m.slug, str(m)) for m in markets)]
        self.fields["ships_to"].choices = destination_choices(markets, country_codes)


class DestinationForm(forms.Form):
    """The gift page's destination: where the buyer wants the piece to go."""

    ships_to = forms.ChoiceField(label=_("Deliver to"), required=False)

    def __init__(self, *args, markets, country_codes, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        codes = set(country_codes)
        if current is not None:
            # A country no lane reaches stays selectable, so the page can say it does not ship there.
            codes.add(current.country)
            self.initial.setdefault("ships_to", current.value)
        self.fields["ships_to"].choices = destination_choices(markets, codes)[1:]
