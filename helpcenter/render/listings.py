"""Lists of other questions on an answer's page: its category's, and related ones.

Both are bounded, so that an answer's page does not grow with the number of entries:
the category list shows at most SIBLINGS questions around the current one (the page
links to the whole category on the home page when there are more), and the related
list the RELATED closest ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpcenter.load.content import Entry

RELATED = 5    # entries listed under "related questions"
SIBLINGS = 10  # a category's entries listed beside an answer, the current one included


@dataclass(frozen=True)
class CategoryListing:
    """The questions of an entry's category shown beside it, in the editors' order."""

    entries: list[Entry]   # at most SIBLINGS, the current entry among them
    total: int             # how many questions the category has

    @property
    def partial(self) -> bool:
        """Whether the category has questions that are not shown (the page then links to
        the category on the home page)."""
        return len(self.entries) < self.total


class RelatedEntries:
    """For each entry of one language, the other entries about the same policy or in the
    same category, closest first: those sharing a policy, then those only in the same
    category, each by (order, slug); the first RELATED.

    Found through lists by policy and by category, each sorted once, and only their first
    few items: comparing every pair of entries grew with the square of their number (about
    a minute per language at 5,000 entries)."""

    def __init__(self, entries: list[Entry]) -> None:
        self.by_policy: dict[str, list[Entry]] = {}
        self.by_category: dict[str, list[Entry]] = {}
        for entry in entries:
            for policy_id in set(entry.policies):
                self.by_policy.setdefault(policy_id, []).append(entry)
            self.by_category.setdefault(entry.category, []).append(entry)
        for found in (*self.by_policy.values(), *self.by_category.values()):
            found.sort(key=place)
        # where each entry is in its category's list (slugs are unique in a language)
        self._position = {entry.slug: index for ordered in self.by_category.values()
                          for index, entry in enumerate(ordered)}

    def of(self, entry: Entry) -> list[Entry]:
        policies = frozenset(entry.policies)
        sharing = {id(other): other for policy_id in policies
                   for other in self._first(self.by_policy[policy_id], entry)}
        closest = sorted(sharing.values(), key=place)[:RELATED]
        if len(closest) < RELATED:
            closest += self._first(self.by_category.get(entry.category, []), entry,
                                   RELATED - len(closest), skip=policies)
        return closest

    def around(self, entry: Entry, count: int = SIBLINGS) -> CategoryListing:
        """At most `count` questions of the entry's category, in the editors' order: all
        of them when there are no more, else the ones around the entry (about as many
        before it as after it; at the start or end of the category, the first or last
        `count`). Listing every question of the category on every answer's page made the
        site grow with the square of the number of entries."""
        ordered = self.by_category.get(entry.category, [])
        if len(ordered) <= count:
            return CategoryListing(list(ordered), len(ordered))
        index = self._position.get(entry.slug, 0)
        start = max(0, min(index - count // 2, len(ordered) - count))
        return CategoryListing(ordered[start:start + count], len(ordered))

    @staticmethod
    def _first(ordered: list[Entry], entry: Entry, count: int = RELATED,
               skip: frozenset[str] = frozenset()) -> list[Entry]:
        """The first `count` of `ordered`, leaving out `entry` and those sharing `skip`."""
        found: list[Entry] = []
        for other in ordered:
            if len(found) == count:
                break
            if other.slug != entry.slug and skip.isdisjoint(other.policies):
                found.append(other)
        return found


def place(entry: Entry) -> tuple[int, str]:
    """An entry's place in lists: by its `order`, then its file name."""
    return (entry.order, entry.slug)
