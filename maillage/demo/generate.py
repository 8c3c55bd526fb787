"""The demo network as plain data: who the members are, where they work and what they studied.

Pure Python, no database: `demo_member_specs(count)` returns the same list every time (a fixed
seed and a fixed "as of" date), and the first `n` members are the same whatever `count` is, so
loading 30 members then 220 only adds the 190 missing ones.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from . import catalog
from .catalog import CITIES, SECTORS, SECTORS_BY_KEY, City, Sector, Title

SEED = "maillage-demo-v1"
EMAIL_DOMAIN = "demo.maillage.test"
# Careers are written as of this date, so the network is the same whenever it is loaded.
AS_OF = date(2026, 9, 1)


@dataclass(frozen=True)
class PositionSpec:
    title: str
    organization_name: str
    location: str
    start_date: date
    end_date: date | None
    description: str


@dataclass(frozen=True)
class EducationSpec:
    school: str
    degree: str
    field_of_study: str
    start_year: int
    end_year: int


@dataclass
class MemberSpec:
    email: str
    first_name: str
    last_name: str
    language: str  # "fr" or "en"
    headline: str
    about: str
    city: str
    region: str
    country: str
    industry: str
    positions: list[PositionSpec] = field(default_factory=list)
    education: list[EducationSpec] = field(default_factory=list)
    is_staff: bool = False
    is_superuser: bool = False
    joined_days_ago: int = 0  # before AS_OF


def ascii_slug(text: str) -> str:
    """E-mail-safe name part: "Hélène" → "helene", "O'Brien" → "obrien", "Le Gall" → "legall"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9-]", "", folded)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


# --- The two documented logins ----------------------------------------------------------------


def _camille() -> MemberSpec:
    return MemberSpec(
        email=f"camille.martin@{EMAIL_DOMAIN}",
        first_name="Camille",
        last_name="Martin",
        language="fr",
        headline="Cheffe de projet digital chez Nexalys",
        about=(
            "Cheffe de projet digital à Lyon depuis plus de dix ans, je fais le lien entre les "
            "équipes métier, les designers et les développeurs pour livrer des services "
            "numériques utiles, sobres et accessibles.\n\n"
            "J'ai commencé dans le marketing à la Banque du Rhône, puis piloté des refontes de "
            "sites et d'applications chez Atelier Lumen avant de rejoindre Nexalys en 2021, où "
            "je mène la refonte de l'espace client.\n\n"
            "Ce qui m'anime : l'accessibilité numérique, la conduite du changement et les "
            "méthodes agiles appliquées sans dogmatisme. Je co-organise aussi un meetup mensuel "
            "sur l'accessibilité à Lyon — venez nous voir !"
        ),
        city="Lyon",
        region="Auvergne-Rhône-Alpes",
        country="France",
        industry="Technologies de l'information",
        positions=[
            PositionSpec(
                "Cheffe de projet digital",
                "Nexalys",
                "Lyon",
                date(2021, 3, 1),
                None,
                "Pilotage de la refonte de l'espace client (300 000 utilisateurs) avec une "
                "équipe de huit personnes en mode agile. Démarche d'accessibilité (RGAA) sur "
                "l'ensemble des parcours.",
            ),
            PositionSpec(
                "Chargée de projet web",
                "Atelier Lumen",
                "Lyon",
                date(2017, 9, 1),
                date(2021, 2, 1),
                "Conduite de projets de sites et d'applications pour des acteurs culturels et "
                "des collectivités : cadrage, ateliers avec les utilisateurs, recette et mise "
                "en ligne.",
            ),
            PositionSpec(
                "Chargée de marketing digital",
                "Banque du Rhône",
                "Lyon",
                date(2015, 9, 1),
                date(2017, 8, 1),
                "Campagnes d'acquisition en ligne et suivi des indicateurs ; lancement de la "
                "première lettre d'information clients.",
            ),
        ],
        education=[
            EducationSpec(
                "Université Lumière Lyon 2",
                "Master",
                "Information et communication numérique",
                2012,
                2015,
            ),
            EducationSpec(
                "IUT Lyon 1", "DUT", "Métiers du multimédia et de l'internet", 2010, 2012
            ),
        ],
        joined_days_ago=700,
    )


def _admin() -> MemberSpec:
    return MemberSpec(
        email=f"admin@{EMAIL_DOMAIN}",
        first_name="Sandrine",
        last_name="Morel",
        language="fr",
        headline="Administratrice de la plateforme Maillage",
        about=(
            "Je veille au bon fonctionnement de ce réseau : comptes, modération et réglages de "
            "l'instance. Écrivez-moi si quelque chose ne fonctionne pas comme prévu."
        ),
        city="Paris",
        region="Île-de-France",
        country="France",
        industry="Communication et médias",
        positions=[
            PositionSpec(
                "Administratrice de la plateforme",
                "Maillage",
                "Paris",
                date(2024, 1, 1),
                None,
                "Animation de la communauté, modération et accompagnement des membres.",
            ),
            PositionSpec(
                "Responsable de la communication interne",
                "Ardoise Conseil",
                "Paris",
                date(2016, 4, 1),
                date(2023, 12, 1),
                "Réseau social d'entreprise, lettre interne et événements des équipes.",
            ),
        ],
        education=[
            EducationSpec("Sciences Po", "Master", "Communication", 2010, 2012),
        ],
        is_staff=True,
        is_superuser=True,
        joined_days_ago=730,
    )


# Members pinned near the start of the list so that even a small network has homonyms: same
# name, different city, employer and career (the product must tell them apart).
_PERSON_KEYS = ("first", "last", "gender", "language", "city", "sector", "graduated")
PINNED = tuple(
    dict(zip(_PERSON_KEYS, row, strict=True))
    for row in (
        ("Jean", "Martin", "m", "fr", "Bordeaux", "finance", 1996),
        ("Jean", "Martin", "m", "fr", "Lille", "tech", 2016),
        ("Sophie", "Durand", "f", "fr", "Paris", "hr", 2009),
        ("Sophie", "Durand", "f", "fr", "Nantes", "health", 2018),
        ("Daniel", "Hughes", "m", "en", "London", "tech", 2012),
        ("Daniel", "Hughes", "m", "en", "Montréal", "finance", 2005),
        ("Hélène", "Lefèvre", "f", "fr", "Strasbourg", "legal", 2003),
        ("Loïc", "Le Gall", "m", "fr", "Rennes", "energy", 2014),
    )
)
FIXED_COUNT = 2 + len(PINNED)


# --- Generated members ------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _title_text(title: Title, gender: str, language: str) -> str:
    if language == "en":
        return title.en
    return title.fr_f if gender == "f" else title.fr_m


def _lower_first(text: str) -> str:
    # "Data engineer" → "data engineer", but "UX designer" and "DevOps engineer" stay.
    first_word = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first_word[1:]):
        return text
    return text[:1].lower() + text[1:]


def _a_fr(phrase: str) -> str:
    """French "à" before a noun phrase: "à la prévention", "au logiciel libre", "aux podcasts"."""
    if phrase.startswith("le "):
        return "au " + phrase[3:]
    if phrase.startswith("les "):
        return "aux " + phrase[4:]
    return "à " + phrase


@dataclass(frozen=True)
class _Job:
    title: Title
    organization: str
    at: str  # French "chez Nexalys", "au CHU de Nantes"; empty for freelancers
    location: City
    start: date
    end: date | None
    sector: Sector
    freelance: bool


class _Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.emails: set[str] = set()

    def email_for(self, first: str, last: str) -> str:
        base = f"{ascii_slug(first)}.{ascii_slug(last)}"
        local, n = base, 1
        while f"{local}@{EMAIL_DOMAIN}" in self.emails:
            n += 1
            local = f"{base}.{n}"
        email = f"{local}@{EMAIL_DOMAIN}"
        self.emails.add(email)
        return email

    # Names and places.

    def person(self) -> dict:
        rng = self.rng
        language = "fr" if rng.random() < 0.76 else "en"
        gender = "f" if rng.random() < 0.5 else "m"
        city = _weighted(rng, catalog.CITY_WEIGHTS[language])
        if language == "fr":
            first = rng.choice(catalog.FR_FIRST_F if gender == "f" else catalog.FR_FIRST_M)
            regional = catalog.FR_LAST_REGIONAL.get(city)
            pool = regional if regional and rng.random() < 0.5 else catalog.FR_LAST
            last = rng.choice(pool)
        else:
            origin = rng.choices(catalog.EN_ORIGINS, weights=[o[0] for o in catalog.EN_ORIGINS])[0]
            first = rng.choice(origin[1] if gender == "f" else origin[2])
            last = rng.choice(origin[3])
        sector = _weighted(rng, [(s.key, s.weight) for s in SECTORS])
        graduated = rng.choices(
            range(1988, 2026),
            weights=[1 if y < 2000 else 3 if y < 2010 else 4 for y in range(1988, 2026)],
            k=1,
        )[0]
        return {
            "first": first,
            "last": last,
            "gender": gender,
            "language": language,
            "city": city,
            "sector": sector,
            "graduated": graduated,
        }

    def employer(self, sector: Sector, title: Title, city: City) -> tuple[str, str]:
        """(name, the French "at <name>" phrase)."""
        name = self.rng.choice(catalog.TITLE_EMPLOYERS.get(title.fr_m) or sector.employers)
        if name == "@public":
            return self.rng.choice(city.institutions)
        if name == "@hospital":
            return city.hospital
        return name, f"chez {name}"

    # Careers.

    def career(self, person: dict, sector: Sector, study: int, city: City) -> list[_Job]:
        """The member's jobs, oldest first, one after the other with short gaps."""
        rng = self.rng
        gender, language = person["gender"], person["language"]
        career_start = date(person["graduated"], rng.choice((7, 9, 10)), 1)
        career_start = add_months(career_start, rng.randint(0, 5))
        still_employed = rng.random() < 0.94
        career_end = AS_OF if still_employed else add_months(AS_OF, -rng.randint(1, 8))
        if months_between(career_start, career_end) < 4:
            career_start = add_months(career_end, -rng.randint(4, 10))
        span = months_between(career_start, career_end)
        count = min(rng.choices((1, 2, 3, 4), weights=(2, 4, 4, 2), k=1)[0], max(1, span // 14))
        if count == 1 and span > 120:
            count = 2  # few people keep one job for more than ten years
        gaps = [rng.randint(0, 3) for _ in range(count - 1)]
        working = span - sum(gaps)
        shares = [rng.uniform(1.0, 3.0) for _ in range(count)]
        lengths = [max(3, int(working * share / sum(shares))) for share in shares]
        track = [t for t in sector.titles if study in t.studies]
        freelance_now = (
            sector.freelance is not None
            and study in sector.freelance.studies
            and still_employed
            and rng.random() < 0.3
        )
        jobs: list[_Job] = []
        start = career_start
        for i in range(count):
            last = i == count - 1
            if last:
                end = None if still_employed else max(career_end, add_months(start, 3))
            else:
                end = min(add_months(start, lengths[i]), add_months(AS_OF, -4))
            previous = jobs[-1] if jobs else None
            years_in = months_between(career_start, start) / 12
            level = min(3, int(years_in / 4 + rng.uniform(0, 1.2)))
            location = city
            if not last and rng.random() < 0.3:
                location = CITIES[_weighted(rng, catalog.CITY_WEIGHTS[language])]
            if last and freelance_now:
                org = (
                    "Self-employed"
                    if language == "en"
                    else ("Indépendante" if gender == "f" else "Indépendant")
                )
                jobs.append(_Job(sector.freelance, org, "", location, start, end, sector, True))
                break
            if i == 0 and not last and rng.random() < 0.12:
                # A first job in another line of work, before changing careers.
                job_sector = rng.choice([s for s in SECTORS if s is not sector])
                titles = [t for t in job_sector.titles if t.level <= max(level, 1)]
            else:
                job_sector = sector
                if previous and previous.sector is sector:
                    level = max(level, previous.title.level)
                    if years_in >= 3 and rng.random() < 0.5:
                        level = min(3, level + 1)
                titles = [t for t in track if t.level == level] or [
                    t for t in track if t.level < level
                ]
                if not titles:
                    lowest = min(t.level for t in track)
                    titles = [t for t in track if t.level == lowest]
                else:
                    titles = [t for t in titles if t.level == max(t.level for t in titles)]
            title = rng.choice(titles)
            if (
                previous
                and previous.sector is job_sector
                and previous.title != title
                and rng.random() < 0.25
            ):
                # Promoted in the same organization.
                org, at = previous.organization, previous.at
                if not last:
                    location = previous.location
            else:
                org, at = self.employer(job_sector, title, location)
                for _attempt in range(4):
                    if not previous or org != previous.organization:
                        break
                    org, at = self.employer(job_sector, title, location)
            jobs.append(_Job(title, org, at, location, start, end, job_sector, False))
            if end is None:
                break
            start = add_months(end, gaps[i] if i < len(gaps) else 0)
            if start >= add_months(AS_OF, -3):
                break
        if still_employed and jobs[-1].end is not None:
            jobs[-1] = replace(jobs[-1], end=None)
        return jobs

    def description(self, job: _Job, language: str) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return ""
        duties = [job.sector.duties[i] for i in job.title.duties]
        picked = rng.sample(duties, k=min(len(duties), rng.choice((1, 1, 2))))
        return " ".join(pair[0] if language == "fr" else pair[1] for pair in picked)

    def education(
        self, person: dict, sector: Sector, study: int, city: City
    ) -> list[EducationSpec]:
        rng = self.rng
        language = person["language"]
        subject = sector.studies[study]
        kind = rng.choice(subject.kinds)
        main, first = catalog.DEGREES[kind]
        subject_text = subject.fr if language == "fr" else subject.en
        schools = catalog.SCHOOLS[kind]
        local = [s for s in schools if s[1] == city.name]
        school, school_city = rng.choice(local if local and rng.random() < 0.5 else schools)
        country = CITIES[school_city].country_en
        if country in catalog.DEGREES_ABROAD and kind not in ("nursing",):
            main, first = catalog.DEGREES_ABROAD[country]
        end = person["graduated"]
        start = end - main[2]
        rows = [
            EducationSpec(
                school, main[0] if language == "fr" else main[1], subject_text, start, end
            )
        ]
        if first is not None and rng.random() < 0.55:
            fr_degree, en_degree, years = first
            if kind in catalog.PREP_STUDIES and country == "France":
                first_school = rng.choice(catalog.PREP_SCHOOLS)
                prep = catalog.PREP_STUDIES[kind]
                first_subject = prep[0] if language == "fr" else prep[1]
            else:
                same_country = [s for s in schools if CITIES[s[1]].country_en == country]
                first_school = school if rng.random() < 0.6 else rng.choice(same_country)[0]
                first_subject = subject_text
            rows.append(
                EducationSpec(
                    first_school,
                    fr_degree if language == "fr" else en_degree,
                    first_subject,
                    start - years,
                    start,
                )
            )
        return rows

    def headline(self, person: dict, jobs: list[_Job]) -> str:
        rng = self.rng
        gender, language = person["gender"], person["language"]
        job = jobs[-1]
        title = _title_text(job.title, gender, language)
        if job.end is not None:
            if language == "fr":
                return f"{title} · En recherche de nouvelles opportunités"
            return f"{title} · Open to new opportunities"
        specialties = catalog.HEADLINE_SPECIALTIES[job.sector.key]
        specialty = rng.choice(specialties)
        specialty_text = specialty[0] if language == "fr" else specialty[1]
        roll = rng.random()
        if job.freelance:
            return title if roll < 0.5 else f"{title} · {specialty_text}"
        text = f"{title} {job.at}" if language == "fr" else f"{title} at {job.organization}"
        if roll < 0.2:
            text += f" · {specialty_text}"
        elif roll < 0.3:
            text = f"{title} | {job.organization}"
        return text

    def about(self, person: dict, jobs: list[_Job], sector: Sector) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return ""
        gender, language, city = person["gender"], person["language"], person["city"]
        years = max(0, AS_OF.year - person["graduated"])
        current = jobs[-1] if jobs[-1].end is None and not jobs[-1].freelance else None
        interest = rng.choice(sector.interests)
        if language == "fr":
            e = "e" if gender == "f" else ""
            if years >= 3:
                opening = f"Plus de {years} ans d'expérience dans {sector.domain[0]}."
            else:
                opening = f"Jeune diplômé{e}, je découvre avec enthousiasme {sector.domain[0]}."
            if current is not None:
                title = _lower_first(_title_text(current.title, gender, language))
                opening += f" Aujourd'hui {title} {current.at}."
            closing = rng.choice(
                (
                    f"Je m'intéresse particulièrement {_a_fr(interest[0])}.",
                    f"Sujets qui me tiennent à cœur : {interest[0]} et le travail en équipe.",
                    f"Basé{e} à {city}, toujours partant{e} pour échanger autour d'un café.",
                )
            )
        else:
            if years >= 3:
                opening = f"{years}+ years in {sector.domain[1]}."
            else:
                opening = f"Recent graduate getting started in {sector.domain[1]}."
            if current is not None:
                title = _lower_first(_title_text(current.title, gender, language))
                opening += f" Currently {title} at {current.organization}."
            closing = rng.choice(
                (
                    f"Particularly interested in {interest[1]}.",
                    f"I care about {interest[1]} and well-run teams.",
                    f"Based in {city} and always happy to chat over coffee.",
                )
            )
        return f"{opening} {closing}"

    def member(self, person: dict, joined_days_ago: int) -> MemberSpec:
        sector = SECTORS_BY_KEY[person["sector"]]
        city = CITIES[person["city"]]
        language, gender = person["language"], person["gender"]
        study = self.rng.randrange(len(sector.studies))
        jobs = self.career(person, sector, study, city)
        positions = [
            PositionSpec(
                title=_title_text(job.title, gender, language),
                organization_name=job.organization,
                location=job.location.name,
                start_date=job.start,
                end_date=job.end,
                description=self.description(job, language),
            )
            for job in reversed(jobs)
        ]
        return MemberSpec(
            email=self.email_for(person["first"], person["last"]),
            first_name=person["first"],
            last_name=person["last"],
            language=language,
            headline=self.headline(person, jobs),
            about=self.about(person, jobs, sector),
            city=city.name,
            region=city.region,
            country=city.country_fr if language == "fr" else city.country_en,
            industry=sector.industry_fr if language == "fr" else sector.industry_en,
            positions=positions,
            education=self.education(person, sector, study, city),
            joined_days_ago=joined_days_ago,
        )


def demo_member_specs(count: int) -> list[MemberSpec]:
    """The first `count` demo members: the two documented logins first, then everyone else."""
    if count < FIXED_COUNT:
        raise ValueError(f"The demo network needs at least {FIXED_COUNT} members.")
    generator = _Generator()
    specs = [_camille(), _admin()]
    generator.emails.update(spec.email for spec in specs)
    for i in range(count - 2):
        # Always draw a person so that member i is the same whatever `count` is.
        drawn = generator.person()
        person = PINNED[i] if i < len(PINNED) else drawn
        joined = 680 - 15 * i if i < len(PINNED) else generator.rng.randint(0, 690)
        specs.append(generator.member(person, joined))
    return specs
