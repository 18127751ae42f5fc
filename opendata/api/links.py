"""Absolute addresses of the API's objects and of their pages, for one request.

A list of 50 recommendations links each to itself and to its page, its report and its
themes: a `reverse` per link cost more than the rest of a row, so each URL pattern is
reversed once per request, with a placeholder, and filled in by string formatting. The
codes, years and slugs put in need no quoting: codes and slugs are letters, digits and
hyphens by their constraints, years are numbers.
"""

from django.urls import reverse

# Digits fit every converter the patterns use (int, str, slug).
PLACEHOLDER = "90817263"


class Links:
    def __init__(self, request):
        # scheme://host, as the client addressed the site
        self.origin = request.build_absolute_uri("/")[:-1]
        self._templates: dict[tuple[str, bool], str] = {}

    def to(self, name: str, key: str | int | None = None) -> str:
        """The absolute URL of the named pattern, with `key` as its one argument."""
        template_key = (name, key is not None)
        template = self._templates.get(template_key)
        if template is None:
            args = [] if key is None else [PLACEHOLDER]
            template = self._templates[template_key] = self.origin + reverse(name, args=args)
        return template if key is None else template.replace(PLACEHOLDER, str(key), 1)

    # The API's objects

    def recommendation(self, code: str) -> str:
        return self.to("opendata:api_recommendation_detail", code)

    def report(self, year: int) -> str:
        return self.to("opendata:api_report_detail", year)

    def section(self, code: str) -> str:
        return self.to("opendata:api_section_detail", code)

    def addressee(self, code: str) -> str:
        return self.to("opendata:api_addressee_detail", code)

    def theme(self, slug: str) -> str:
        return self.to("opendata:api_theme_detail", slug)

    def member_state(self, iso3: str) -> str:
        return self.to("opendata:api_member_state_detail", iso3)

    def cycle(self, code: str) -> str:
        return self.to("opendata:api_cycle_detail", code)

    def recommendations_of(self, **filters) -> str:
        query = "&".join(f"{name}={value}" for name, value in filters.items())
        return f"{self.to('opendata:api_recommendation_list')}?{query}"

    # Their pages

    def recommendation_page(self, code: str) -> str:
        return self.to("catalogue:recommendation_detail", code)

    def report_page(self, year: int) -> str:
        return self.to("catalogue:report_detail", year)

    def section_page(self, year: int, target_code: str) -> str:
        # The report page's heading of the addressee (templates/catalogue/report_detail.html).
        return f"{self.report_page(year)}#target-{target_code}"

    def addressee_page(self, code: str) -> str:
        return f"{self.to('catalogue:recommendation_list')}?target={code}"

    def cycle_page(self, code: str) -> str:
        # The cycle's heading on the page of published assessments (opendata/public/).
        return f"{self.to('opendata:published_list')}#cycle-{code}"

    def theme_page(self, slug: str) -> str:
        return self.to("catalogue:theme_detail", slug)
