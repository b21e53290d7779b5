"""A realistic people list of any size: `python -m bench.generate ROWS FILE`.

ROWS rows over ROWS/5 companies and about 0.9 x ROWS people, written the way real exports
are: domains in any case, with a scheme, `www.`, a path or a trailing slash, sometimes only
a website or only a work email; LinkedIn URLs in their many forms; one row in ten repeats an
earlier person in another dress. Deterministic for a given size (seeded).
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

COLUMNS = (
    "first_name",
    "last_name",
    "title",
    "company_name",
    "email",
    "company_domain",
    "company_website",
    "linkedin_url",
    "crm_id",
)
FIRST = ("ada", "alan", "grace", "linus", "margaret", "guido", "barbara", "ken", "radia", "tim")
LAST = ("lovelace", "turing", "hopper", "torvalds", "hamilton", "rossum", "liskov", "thompson")
TITLES = ("CEO", "CTO", "VP Sales", "Head of Growth", "Engineer", "Data Lead", "")
SUFFIXES = ("com", "io", "co.uk", "de", "com.au", "fr", "net")


def company(index: int) -> tuple[str, str]:
    """(name, registrable domain) of company number index."""
    name = f"Acme{index}"
    return name, f"acme{index}.{SUFFIXES[index % len(SUFFIXES)]}"


def dressed_domain(rng: random.Random, domain: str) -> tuple[str, str]:
    """(company_domain, company_website) as an export might hold them."""
    form = rng.randrange(6)
    if form == 0:
        return domain.upper(), ""
    if form == 1:
        return "", f"https://www.{domain}/about"
    if form == 2:
        return f"www.{domain}", ""
    if form == 3:
        return "", f"http://{domain.capitalize()}/"
    if form == 4:
        return f" {domain} ", f"https://{domain}"
    return "", ""  # only the work email says where they work


def dressed_linkedin(rng: random.Random, slug: str) -> str:
    form = rng.randrange(5)
    return (
        f"https://www.linkedin.com/in/{slug}/",
        f"linkedin.com/in/{slug.upper()}",
        f"http://uk.linkedin.com/in/{slug}?trk=public_profile",
        f"https://linkedin.com/in/{slug}/details/experience/",
        "",
    )[form]


def person(rng: random.Random, number: int, companies: int) -> dict:
    first, last = FIRST[number % len(FIRST)], LAST[number % len(LAST)]
    company_name, domain = company(rng.randrange(companies))
    return {
        "first_name": first.capitalize(),
        "last_name": last.capitalize(),
        "title": rng.choice(TITLES),
        "company_name": company_name,
        "email": f"{first}.{last}{number}@{domain}",
        "domain": domain,
        "slug": f"{first}-{last}-{number}",
    }


def rows(count: int, seed: int = 7, mixed: bool = False):
    """mixed: a person's rows name them by both their email and LinkedIn profile (half the
    rows), or by one of the two (so a tenth of the rows, which repeat an earlier person,
    often name them by another identifier than before)."""
    rng = random.Random(seed)
    companies = max(1, count // 5)
    people: list[dict] = []
    for row_number in range(count):
        if people and rng.random() < 0.1:
            who = rng.choice(people)  # the same person again, in another dress
        else:
            who = person(rng, len(people), companies)
            people.append(who)
        company_domain, company_website = dressed_domain(rng, who["domain"])
        email = who["email"] if rng.random() < 0.9 else who["email"].upper()
        linkedin = dressed_linkedin(rng, who["slug"])
        if mixed:
            form = rng.random()
            if form < 0.5:  # both
                linkedin = linkedin or f"https://www.linkedin.com/in/{who['slug']}/"
            elif form < 0.75:
                linkedin = ""
            else:
                email, linkedin = "", linkedin or f"linkedin.com/in/{who['slug']}"
        yield (
            who["first_name"],
            who["last_name"],
            who["title"],
            who["company_name"],
            email,
            company_domain,
            company_website,
            linkedin,
            f"CRM-{row_number}",
        )


def write(count: int, path: Path, mixed: bool = False) -> Path:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows(count, mixed=mixed))
    return path


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
