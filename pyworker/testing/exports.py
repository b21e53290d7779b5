"""Three overlapping exports of one market, as Apollo, HubSpot and Sales Navigator write them,
and the number of companies and people their identifiers define (issue 27's rules).

`generate()` plans a market (companies, their people, which export shows whom and under which
identifier) and writes the rows dressed the way real exports are: websites with a scheme,
`www.`, a path or a query; emails in mixed case with spaces around them; LinkedIn URLs with
country subdomains, trailing slashes, `?trk=` queries, upper case; company pages by slug or
by numeric id; Sales Navigator lead URLs. Deterministic for a given size and seed.

`ground_truth()` reads nothing but the rows: it applies the identifier rules and a
union-find over the rows of every file. The plan's own count (`Exports.planned_*`) is
computed another way, from the shapes the generator chose; `check()` says whether the two
agree, so a link the generator did not mean shows up as a difference.

Every row that joins two identifiers of one entity is an Apollo row (HubSpot and Sales
Navigator rows carry one identifier each), so loading the Apollo file first means no link
waits for a later file: each entity is paid for once whatever the timing.
"""

from __future__ import annotations

import csv
import random
import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

APOLLO_COLUMNS = (
    "First Name", "Last Name", "Title", "Email", "Person Linkedin Url", "Company", "Website",
    "Company Linkedin Url",
)  # fmt: skip
HUBSPOT_COLUMNS = ("First Name", "Last Name", "Email", "Company Name", "Company Domain Name")
SALES_NAVIGATOR_COLUMNS = (
    "First Name", "Last Name", "Title", "LinkedIn URL", "Company", "Company LinkedIn URL",
)  # fmt: skip

# --- the identifier rules (issue 27), in the simple forms this generator writes -------------

# columns of the three exports -> what they hold
_ROLE_OF_COLUMN = {
    "first name": "first_name",
    "last name": "last_name",
    "email": "email",
    "person linkedin url": "linkedin_url",
    "linkedin url": "linkedin_url",
    "company": "company_name",
    "company name": "company_name",
    "website": "company_website",
    "company domain name": "company_domain",
    "company linkedin url": "company_page",
}
ROLE_MAILBOXES = frozenset((
    "info", "sales", "contact", "hello", "support", "admin", "office", "team", "noreply",
    "no-reply", "marketing", "billing", "jobs", "careers",
))  # fmt: skip
FREE_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com"})
PLATFORM_HOSTS = frozenset(
    {"linkedin.com", "facebook.com", "x.com", "twitter.com", "instagram.com", "github.com"}
)
LEGAL_FORMS = frozenset((
    "inc", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "pty", "corp",
    "corporation", "co", "company", "plc", "spa", "srl", "oy", "ab", "as",
))  # fmt: skip


def _host(value: str) -> str:
    """Lower-case host of a URL, domain or email domain: no scheme, www., port or path."""
    host = value.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = re.split(r"[/?#]", host, maxsplit=1)[0].split(":")[0].rstrip(".")
    return host.removeprefix("www.")


def registrable_domain(value: str) -> str | None:
    """The last two labels of the host: the generator writes only one-label public suffixes
    (.com, .io, ...). None for an empty value or a platform or free-mail host."""
    host = _host(value)
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return None
    domain = ".".join(labels[-2:])
    return None if domain in PLATFORM_HOSTS or domain in FREE_MAIL else domain


def _linkedin_path(value: str) -> list[str] | None:
    """The path segments after linkedin.com (any scheme, www. or country subdomain), case
    kept; None when the value is not a LinkedIn URL."""
    match = re.match(
        r"^\s*(?:https?://)?(?:[a-z0-9-]+\.)?linkedin\.com/([^?#\s]*)", value, re.IGNORECASE
    )
    return [part for part in match.group(1).split("/") if part] if match else None


def company_page(value: str) -> tuple[str, str] | None:
    """(kind, value) of a company page URL: ('linkedin_page', 'company/<slug>') or
    ('linkedin_company_id', '<n>'), from /company/<n> and /sales/company/<n> alike."""
    path = _linkedin_path(value)
    if not path or len(path) < 2:
        return None
    head = [part.lower() for part in path[:3]]
    if head[0] == "sales" and len(head) == 3 and head[1] == "company" and head[2].isdigit():
        return ("linkedin_company_id", head[2])
    if head[0] in ("company", "school", "showcase"):
        if head[0] == "company" and head[1].isdigit():
            return ("linkedin_company_id", head[1])
        return ("linkedin_page", f"{head[0]}/{head[1]}")
    return None


def person_profile(value: str) -> tuple[str, str] | None:
    """(kind, value) of a person URL: ('linkedin', <slug>, lower case) for /in/<slug>;
    ('linkedin_sales', <id>, case kept) for /sales/lead/<id>,... and /sales/people/<id>,..."""
    path = _linkedin_path(value)
    if not path or len(path) < 2:
        return None
    if path[0].lower() == "in":
        return ("linkedin", path[1].lower())
    if path[0].lower() == "sales" and len(path) >= 3 and path[1].lower() in ("lead", "people"):
        return ("linkedin_sales", path[2].split(",")[0])
    return None


def clean_email(value: str) -> str | None:
    email = value.strip().lower()
    return email if re.fullmatch(r"[^@\s]+@[a-z0-9.-]+\.[a-z]+", email) else None


def is_role_mailbox(email: str) -> bool:
    return email.split("@")[0] in ROLE_MAILBOXES


def company_name(value: str) -> str | None:
    """Case, accents and punctuation removed, trailing legal forms stripped repeatedly."""
    plain = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    while words and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words) or None


@dataclass(frozen=True)
class _Row:
    """One row as issue 27 reads it."""

    company_ids: tuple[tuple[str, str], ...]  # strong: domain, page, numeric id
    company_name: str | None
    person_ids: tuple[tuple[str, str], ...]  # strong: profile, lead, non-role emails
    person_name: str | None


def _read_row(row: Mapping[str, str]) -> _Row:
    cells = {_ROLE_OF_COLUMN.get(k.strip().lower(), k): (v or "") for k, v in row.items()}
    email = clean_email(cells.get("email", ""))
    company: list[tuple[str, str]] = []
    domain = None
    for stated in (cells.get("company_domain", ""), cells.get("company_website", "")):
        if page := company_page(stated):  # a website cell holding a company page is a page
            company.append(page)
        elif domain is None:
            domain = registrable_domain(stated)
    if domain is None and email:  # an email's domain only when none is stated
        domain = registrable_domain(email.split("@")[1])
    if domain:
        company.append(("domain", domain))
    if page := company_page(cells.get("company_page", "")):
        company.append(page)
    person: list[tuple[str, str]] = []
    if profile := person_profile(cells.get("linkedin_url", "")):
        person.append(profile)
    if email and not is_role_mailbox(email):
        person.append(("email", email))
    name = " ".join(
        " ".join(cells.get(part, "").split()).lower() for part in ("first_name", "last_name")
    ).strip()
    return _Row(
        tuple(company), company_name(cells.get("company_name", "")), tuple(person), name or None
    )


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, node: object) -> object:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, nodes: Sequence[object]) -> None:
        roots = [self.find(node) for node in nodes]
        for root in roots[1:]:
            self.parent[self.find(root)] = self.find(roots[0])


@dataclass(frozen=True)
class Truth:
    companies: int
    people: int
    failed_rows: int  # rows with no company identifier at all (they fail at split)


def ground_truth(files: Iterable[Iterable[Mapping[str, str]]]) -> Truth:
    """How many companies and people the rows of all files define: rows sharing a strong
    identifier are one entity, transitively; then a row with only a company name joins the
    one strongly identified company whose rows carried that name (with none or several, it
    is the name's own entity); a person with no strong identifier is its name at its company."""
    rows = [_read_row(row) for rows in files for row in rows]
    companies, people = _UnionFind(), _UnionFind()
    for row in rows:
        if row.company_ids:
            companies.union(row.company_ids)
        if row.person_ids:
            people.union(row.person_ids)
    named: dict[str, set[object]] = defaultdict(set)
    for row in rows:
        if row.company_ids and row.company_name:
            named[row.company_name].add(companies.find(row.company_ids[0]))

    def company_of(row: _Row) -> object | None:
        if row.company_ids:
            return companies.find(row.company_ids[0])
        if row.company_name:
            owners = named.get(row.company_name, set())
            return next(iter(owners)) if len(owners) == 1 else ("name", row.company_name)
        return None

    company_entities: set[object] = set()
    person_entities: set[object] = set()
    failed = 0
    for row in rows:
        company = company_of(row)
        if company is None:
            failed += 1
            continue
        company_entities.add(company)
        if row.person_ids:
            person_entities.add(people.find(row.person_ids[0]))
        elif row.person_name:
            person_entities.add(("name_at_company", row.person_name, company))
    return Truth(len(company_entities), len(person_entities), failed)


# --- the generator ------------------------------------------------------------------------

PREFIXES = (
    "Apex", "North", "Blue", "Silver", "Bright", "Iron", "Cedar", "Swift", "Quiet", "Golden",
    "Lunar", "Polar", "Coral", "Maple", "Vivid", "Amber", "Nimbus", "Terra", "Atlas", "Zéphyr",
    "Orbit", "Kite", "Harbor", "Summit",
)  # fmt: skip
NOUNS = (
    "Systems", "Labs", "Analytics", "Robotics", "Health", "Logistics", "Cloud", "Data",
    "Foods", "Energy", "Works", "Studio", "Capital", "Networks", "Software", "Bio",
)  # fmt: skip
TLDS = ("com", "io", "ai", "dev", "net")
FIRST = (
    "Ann", "Bob", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
)  # fmt: skip
LAST = (
    "Lee", "Smith", "Garcia", "Müller", "Rossi", "Novak", "Khan", "Dubois", "Silva", "Berg",
    "Okafor", "Tanaka", "Kowalski", "Murphy", "Haddad", "Jensen", "Costa", "Nair", "Popov",
    "Weber",
)  # fmt: skip
TITLES = ("CEO", "CTO", "VP Sales", "Head of Growth", "Engineer", "Data Lead", "Founder", "")
LEGAL_SUFFIXES = ("", "", "", ", Inc.", " Inc", " LLC", " Ltd.", " GmbH")

# A person's shape: how many entities their identifiers define (a real person the files
# give no way to link counts twice), and their rows, "export:variant" each:
#   apollo = email + profile, apollo:no_profile = email only, apollo:second = the second
#   email + profile, apollo:gmail = a gmail address + profile; hubspot = email (hubspot:second,
#   hubspot:gmail, hubspot:role = info@… and a name: no person identifier, a name at the
#   company); sn = profile, sn:lead = a Sales Navigator lead URL
SHAPES: dict[str, tuple[int, tuple[str, ...]]] = {
    "everywhere": (1, ("apollo", "hubspot", "sn")),
    "apollo_hubspot": (1, ("apollo", "hubspot")),
    "apollo_sn": (1, ("apollo", "sn")),
    "apollo_only": (1, ("apollo",)),
    "apollo_no_profile": (1, ("apollo:no_profile", "hubspot")),
    "hubspot_only": (1, ("hubspot",)),
    "sn_profile": (1, ("sn",)),
    "sn_lead": (1, ("sn:lead",)),  # nobody else shows them by profile
    "two_emails_linked": (1, ("apollo", "apollo:second", "hubspot:second", "sn")),
    "two_emails_unlinked": (2, ("apollo", "hubspot:second", "sn")),  # e2 beside nothing
    "hubspot_and_sn": (2, ("hubspot", "sn")),  # nothing links the email and the profile
    "gmail_hubspot": (1, ("hubspot:gmail",)),  # the company by its stated domain
    "gmail_linked": (1, ("apollo:gmail", "hubspot:gmail")),
    "lead_and_hubspot": (2, ("sn:lead", "hubspot")),  # nothing links the lead and the email
    "role_mailbox": (1, ("hubspot:role",)),
}
DOMAIN_COMPANY_SHAPES = {  # weights for people of companies the Apollo or HubSpot file shows
    "everywhere": 4, "apollo_hubspot": 3, "apollo_sn": 3, "apollo_only": 2,
    "apollo_no_profile": 1, "hubspot_only": 2, "sn_profile": 2, "sn_lead": 1,
    "two_emails_linked": 1, "two_emails_unlinked": 1, "hubspot_and_sn": 1, "gmail_hubspot": 1,
    "gmail_linked": 1, "lead_and_hubspot": 1, "role_mailbox": 1,
}  # fmt: skip
HUBSPOT_ONLY_SHAPES = {"hubspot_only": 3, "gmail_hubspot": 1, "role_mailbox": 1}
SN_ONLY_SHAPES = {"sn_profile": 3, "sn_lead": 1}

# A company's kind, and how many entities its identifiers define:
#   apollo: Apollo rows carry domain and page; others show one of them
#   numeric_linked: Sales Navigator shows the numeric page, one Apollo row carries it with
#     the website
#   numeric_unlinked: Apollo shows the slug, Sales Navigator only the numeric page: two
#   hubspot_only: known by domain only
#   sn_only: known by page only, in the Sales Navigator file
#   sn_split: Sales Navigator only, some rows by numeric page, others by slug: two
COMPANY_KINDS: dict[str, int] = {
    "apollo": 1,
    "numeric_linked": 1,
    "numeric_unlinked": 2,
    "hubspot_only": 1,
    "sn_only": 1,
    "sn_split": 2,
}


@dataclass
class _Company:
    kind: str
    name: str
    domain: str
    slug: str
    numeric_id: int
    name_only_row: bool = False  # one Sales Navigator row names it without its page
    apollo_rows: int = 0
    sn_rows: int = 0


@dataclass
class _Person:
    company: _Company
    shape: str
    first: str
    last: str
    slug: str
    lead_id: str
    title: str
    digits: int  # of their personal address, first.last.NN@gmail.com


@dataclass
class Exports:
    apollo: list[dict[str, str]] = field(default_factory=list)
    hubspot: list[dict[str, str]] = field(default_factory=list)
    sales_navigator: list[dict[str, str]] = field(default_factory=list)
    planned_companies: int = 0  # entities the plan's identifiers define
    planned_people: int = 0
    real_companies: int = 0  # the market's real companies and people
    real_people: int = 0

    def files(self) -> list[tuple[str, tuple[str, ...], list[dict[str, str]]]]:
        """(file name, columns, rows) in load order: Apollo first (its rows carry the links)."""
        return [
            ("apollo.csv", APOLLO_COLUMNS, self.apollo),
            ("hubspot.csv", HUBSPOT_COLUMNS, self.hubspot),
            ("sales_navigator.csv", SALES_NAVIGATOR_COLUMNS, self.sales_navigator),
        ]

    def write(self, folder: Path) -> list[Path]:
        """The three CSV files in `folder`, in load order."""
        paths = []
        for name, columns, rows in self.files():
            path = folder / name
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.DictWriter(out, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
            paths.append(path)
        return paths


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as source:
        return list(csv.DictReader(source))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c))


def _dressed_website(rng: random.Random, domain: str) -> str:
    return rng.choice(
        (
            f"https://www.{domain}/about?utm=x",
            domain,
            f"http://{domain.capitalize()}/",
            f"www.{domain}",
            f"https://blog.{domain}/",
            domain.upper(),
        )
    )


def _dressed_domain(rng: random.Random, domain: str) -> str:
    return rng.choice((domain, domain, domain.upper(), f"www.{domain}", f" {domain} "))


def _dressed_email(rng: random.Random, email: str) -> str:
    local, host = email.split("@")
    return rng.choice(
        (
            email,
            f" {email} ",
            f"{local.title()}@{host.capitalize()}",
            email.upper(),
            f"{local.title()}@{host} ",
        )
    )


def _dressed_profile(rng: random.Random, slug: str) -> str:
    return rng.choice(
        (
            f"https://www.linkedin.com/in/{slug}/",
            f"http://uk.linkedin.com/in/{slug}?trk=public_profile",
            f"linkedin.com/in/{slug}",
            f"HTTPS://WWW.LINKEDIN.COM/IN/{slug.upper()}",
            f"https://de.linkedin.com/in/{slug}/?originalSubdomain=de",
        )
    )


def _dressed_page(rng: random.Random, company: _Company, numeric: bool) -> str:
    if numeric:
        return rng.choice(
            (
                f"https://www.linkedin.com/company/{company.numeric_id}",
                f"linkedin.com/company/{company.numeric_id}/",
                f"https://www.linkedin.com/company/{company.numeric_id}?trk=sn",
            )
        )
    slug = company.slug
    return rng.choice(
        (
            f"linkedin.com/company/{slug}/about/",
            f"https://www.linkedin.com/company/{slug}?trk=public_profile_topcard",
            f"https://uk.linkedin.com/company/{slug}/",
            f"HTTPS://WWW.LINKEDIN.COM/COMPANY/{slug.upper()}",
            f"https://www.linkedin.com/company/{slug}",
        )
    )


def _dressed_name(rng: random.Random, name: str) -> str:
    name = name if rng.random() < 0.8 else _ascii(name)
    return name + rng.choice(LEGAL_SUFFIXES)


def _lead_url(lead_id: str) -> str:
    return f"https://www.linkedin.com/sales/lead/{lead_id},NAME_SEARCH,xyz"


SHARED_NAME = ("Apex", "Systems")  # the first name two distinct companies share


def _plan_companies(rng: random.Random, count: int) -> list[_Company]:
    if count < 12:
        raise ValueError("at least 12 companies: every kind of company needs a few")
    pool = [(p, n) for p in PREFIXES for n in NOUNS if (p, n) != SHARED_NAME]
    names = rng.sample(pool, count)
    ids = rng.sample(range(1_000_000, 99_999_999), count)
    kinds = (
        ["sn_only"] * (count * 12 // 100)
        + ["sn_split"] * max(1, count // 20)
        + ["numeric_linked"] * max(1, count // 10)
        + ["numeric_unlinked"] * max(1, count // 20)
        + ["hubspot_only"] * max(1, count // 10)
    )
    kinds += ["apollo"] * (count - len(kinds))
    rng.shuffle(kinds)
    companies = [
        _Company(kind, "", "", "", numeric_id) for kind, numeric_id in zip(kinds, ids, strict=True)
    ]
    apollo = [c for c in companies if c.kind == "apollo"]
    pairs = max(1, count // 20)
    shared = [SHARED_NAME, *rng.sample([n for n in pool if n not in names], pairs - 1)]
    for company, name in zip(companies, names, strict=True):
        _name(rng, company, name)
    # distinct companies sharing a name, each with its own domain and page
    for first, second, name in zip(apollo[:pairs], apollo[pairs : 2 * pairs], shared, strict=True):
        _name(rng, first, name)
        _name(rng, second, name, separator="-")
    # a Sales Navigator row without the page: for one of each pair (two companies carry that
    # name) and for a few companies whose name is theirs alone
    for company in apollo[:pairs] + apollo[2 * pairs : 2 * pairs + max(1, count // 10)]:
        company.name_only_row = True
    return companies


def _name(
    rng: random.Random, company: _Company, name: tuple[str, str], separator: str = ""
) -> None:
    prefix, noun = name
    company.name = f"{prefix} {noun}"
    company.domain = f"{_ascii(prefix)}{separator}{noun}.{rng.choice(TLDS)}".lower()
    company.slug = company.domain.replace(".", "-")


def _shape(rng: random.Random, weights: Mapping[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_people(rng: random.Random, companies: list[_Company], count: int) -> list[_Person]:
    minimum = {"sn_split": 2}
    if count < sum(minimum.get(c.kind, 1) for c in companies):
        raise ValueError("too few people: every company needs one (an sn_split company, two)")
    sizes = [minimum.get(c.kind, 1) for c in companies]
    for _ in range(count - sum(sizes)):
        sizes[rng.randrange(len(companies))] += 1
    names = rng.sample([(f, last) for f in FIRST for last in LAST], count)
    people = []
    letters = string.ascii_letters + string.digits
    for company, size in zip(companies, sizes, strict=True):
        for rank in range(size):
            if company.kind in ("sn_only", "sn_split"):
                shape = _shape(rng, SN_ONLY_SHAPES)
            elif company.kind == "hubspot_only":
                shape = "hubspot_only" if rank == 0 else _shape(rng, HUBSPOT_ONLY_SHAPES)
            else:  # the first person puts the company in every file
                shape = "everywhere" if rank == 0 else _shape(rng, DOMAIN_COMPANY_SHAPES)
            first, last = names.pop()
            slug = f"{_ascii(first)}-{_ascii(last)}-{rng.randrange(16**4):04x}".lower()
            lead_id = "ACwAA" + "".join(rng.choices(letters, k=20))
            title, digits = rng.choice(TITLES), rng.randrange(10, 99)
            people.append(_Person(company, shape, first, last, slug, lead_id, title, digits))
    return people


def _planned_companies(companies: list[_Company]) -> int:
    """Entities by the plan: each company's kind says how many; a Sales Navigator row naming
    a company without its page adds one entity for a name that several entities carry."""
    entities_named: dict[str, int] = defaultdict(int)
    for company in companies:
        entities_named[company_name(company.name) or ""] += COMPANY_KINDS[company.kind]
    ambiguous = {
        company_name(c.name)
        for c in companies
        if c.name_only_row and entities_named[company_name(c.name) or ""] > 1
    }
    return sum(COMPANY_KINDS[c.kind] for c in companies) + len(ambiguous)


def generate(companies: int = 40, people: int = 150, seed: int = 27) -> Exports:
    """Three exports of one market of `companies` companies and `people` people (at most
    440: names are unique)."""
    rng = random.Random(seed)
    market = _plan_companies(rng, companies)
    persons = _plan_people(rng, market, people)
    exports = Exports(real_companies=companies, real_people=people)
    for person in persons:
        for row in SHAPES[person.shape][1]:
            _write_row(rng, exports, person, row)
    for rows in (exports.apollo, exports.hubspot, exports.sales_navigator):
        rng.shuffle(rows)
    exports.planned_companies = _planned_companies(market)
    exports.planned_people = sum(SHAPES[p.shape][0] for p in persons)
    return exports


def _write_row(rng: random.Random, exports: Exports, person: _Person, row: str) -> None:
    export, _, variant = row.partition(":")
    company = person.company
    base = _ascii(f"{person.first}.{person.last}").lower()
    address = {
        "second": f"{base[0]}{_ascii(person.last).lower()}@{company.domain}",
        "gmail": f"{base}.{person.digits}@gmail.com",
        "role": f"{rng.choice(('info', 'sales', 'contact', 'hello'))}@{company.domain}",
    }.get(variant, f"{base}@{company.domain}")
    cells = {"First Name": person.first, "Last Name": person.last}
    if export == "apollo":
        # a company's first Apollo row carries its page (numeric_linked: the numeric one,
        # which the website links to the slug); later rows now and then have none
        first = company.apollo_rows == 0
        company.apollo_rows += 1
        page = ""
        if first or rng.random() < 0.9:
            page = _dressed_page(rng, company, numeric=first and company.kind == "numeric_linked")
        profile = "" if variant == "no_profile" else _dressed_profile(rng, person.slug)
        exports.apollo.append(
            cells
            | {
                "Title": person.title,
                "Email": _dressed_email(rng, address),
                "Person Linkedin Url": profile,
                "Company": _dressed_name(rng, company.name),
                "Website": _dressed_website(rng, company.domain),
                "Company Linkedin Url": page,
            }
        )
    elif export == "hubspot":
        # now and then no stated domain: the email's names the company (a gmail row states it)
        stated = variant == "gmail" or rng.random() < 0.8
        exports.hubspot.append(
            cells
            | {
                "Email": _dressed_email(rng, address),
                "Company Name": _dressed_name(rng, company.name),
                "Company Domain Name": _dressed_domain(rng, company.domain) if stated else "",
            }
        )
    else:
        # numeric pages: always for numeric_*; for sn_split the first row, a slug the second,
        # then either
        numeric = company.kind in ("numeric_linked", "numeric_unlinked") or (
            company.kind == "sn_split" and company.sn_rows != 1
            and (company.sn_rows == 0 or rng.random() < 0.5)
        )  # fmt: skip
        page = _dressed_page(rng, company, numeric)
        if company.name_only_row and company.sn_rows == 0:
            page = ""
        company.sn_rows += 1
        url = _lead_url(person.lead_id) if variant == "lead" else _dressed_profile(rng, person.slug)
        exports.sales_navigator.append(
            cells
            | {
                "Title": person.title,
                "LinkedIn URL": url,
                "Company": _dressed_name(rng, company.name),
                "Company LinkedIn URL": page,
            }
        )


def check(exports: Exports) -> Truth:
    """The ground truth of the exports' rows; ValueError when it differs from the plan's
    count (the generator made a link it did not mean, or missed one it meant)."""
    rows = [
        [{column: row.get(column, "") for column in columns} for row in file_rows]
        for _, columns, file_rows in exports.files()
    ]
    truth = ground_truth(rows)
    planned = Truth(exports.planned_companies, exports.planned_people, 0)
    if truth != planned:
        raise ValueError(f"the rows define {truth}, the plan {planned}")
    return truth
