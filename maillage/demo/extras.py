"""What fills out a demo profile beyond the career: skills, languages, certifications, links,
contact entries, a public address, section audiences and a browsing mode.

Pure Python, no database. Each member's extras come from their own random stream (seeded with
their e-mail), so adding extras never shifts the careers `generate.py` draws, and a member's
extras are the same whatever the size of the network.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from maillage.profiles.addresses import RESERVED_ADDRESSES

from .catalog import SECTORS
from .generate import AS_OF, SEED, MemberSpec, add_months, ascii_slug

# fmt: off

# Skills by sector: (French, English). The first ones are the most typical.
SKILLS = {
    "tech": (("Python", "Python"), ("Django", "Django"), ("TypeScript", "TypeScript"),
             ("SQL", "SQL"), ("Docker", "Docker"), ("Kubernetes", "Kubernetes"),
             ("Intégration continue", "Continuous integration"), ("Méthodes agiles", "Agile methods"),
             ("Architecture logicielle", "Software architecture"), ("AWS", "AWS"),
             ("Accessibilité numérique", "Web accessibility"), ("Git", "Git"),
             ("Data engineering", "Data engineering"), ("Machine learning", "Machine learning"),
             ("Sécurité informatique", "Information security"), ("Scrum", "Scrum")),
    "finance": (("Analyse financière", "Financial analysis"), ("Contrôle de gestion", "Management control"),
                ("Gestion des risques", "Risk management"), ("Excel", "Excel"),
                ("Conformité", "Compliance"), ("Relation client", "Client relations"),
                ("Modélisation financière", "Financial modelling"), ("IFRS", "IFRS"),
                ("Solvabilité II", "Solvency II"), ("Crédit", "Lending"), ("Power BI", "Power BI"),
                ("Négociation", "Negotiation")),
    "consulting": (("Conduite du changement", "Change management"), ("Stratégie", "Strategy"),
                   ("Gestion de projet", "Project management"), ("Animation d'ateliers", "Workshop facilitation"),
                   ("PowerPoint", "PowerPoint"), ("Analyse de données", "Data analysis"),
                   ("Transformation digitale", "Digital transformation"), ("Lean", "Lean"),
                   ("Négociation", "Negotiation"), ("Prise de parole en public", "Public speaking"),
                   ("Méthodes agiles", "Agile methods")),
    "health": (("Soins infirmiers", "Nursing"), ("Qualité des soins", "Quality of care"),
               ("Éducation thérapeutique", "Patient education"), ("Gestion de projet", "Project management"),
               ("E-santé", "Digital health"), ("Hygiène hospitalière", "Infection control"),
               ("Travail en équipe pluridisciplinaire", "Multidisciplinary teamwork"),
               ("Dossier patient informatisé", "Electronic health records"), ("Management d'équipe", "Team leadership"),
               ("Gestion des urgences", "Emergency care")),
    "public": (("Politiques publiques", "Public policy"), ("Marchés publics", "Public procurement"),
               ("Gestion de projet", "Project management"), ("Concertation citoyenne", "Public consultation"),
               ("Transition écologique", "Climate transition"), ("Finances publiques", "Public finance"),
               ("Rédaction administrative", "Policy writing"), ("Management d'équipe", "Team leadership"),
               ("Urbanisme", "Urban planning"), ("Conduite du changement", "Change management")),
    "energy": (("Énergies renouvelables", "Renewable energy"), ("Gestion de projet", "Project management"),
               ("Efficacité énergétique", "Energy efficiency"), ("Bilan carbone", "Carbon accounting"),
               ("Réglementation environnementale", "Environmental regulation"), ("AutoCAD", "AutoCAD"),
               ("Analyse de cycle de vie", "Life-cycle assessment"), ("Réseaux électriques", "Power grids"),
               ("Sécurité industrielle", "Industrial safety"), ("Excel", "Excel")),
    "retail": (("Merchandising", "Merchandising"), ("Gestion des stocks", "Inventory management"),
               ("Relation client", "Customer relations"), ("E-commerce", "E-commerce"),
               ("Management d'équipe", "Team leadership"), ("Achats", "Purchasing"),
               ("Analyse des ventes", "Sales analysis"), ("Négociation", "Negotiation"),
               ("Omnicanal", "Omnichannel"), ("Excel", "Excel")),
    "media": (("Rédaction", "Writing"), ("Réseaux sociaux", "Social media"),
              ("Communication interne", "Internal communications"), ("Relations presse", "Press relations"),
              ("Stratégie de contenu", "Content strategy"), ("Marketing digital", "Digital marketing"),
              ("Gestion de projet", "Project management"), ("SEO", "SEO"),
              ("Vidéo", "Video production"), ("Événementiel", "Event management"),
              ("Marque employeur", "Employer branding"), ("Méthodes agiles", "Agile methods")),
    "education": (("Pédagogie", "Teaching"), ("Ingénierie de formation", "Instructional design"),
                  ("Pédagogie numérique", "Digital learning"), ("Moodle", "Moodle"),
                  ("Accompagnement des élèves", "Student support"), ("Évaluation", "Assessment"),
                  ("Gestion de classe", "Classroom management"), ("Prise de parole en public", "Public speaking"),
                  ("Orientation", "Career guidance")),
    "industry": (("Lean manufacturing", "Lean manufacturing"), ("Amélioration continue", "Continuous improvement"),
                 ("Qualité", "Quality management"), ("ISO 9001", "ISO 9001"),
                 ("Gestion de production", "Production planning"), ("Maintenance industrielle", "Industrial maintenance"),
                 ("Sécurité industrielle", "Industrial safety"), ("SAP", "SAP"),
                 ("Management d'équipe", "Team leadership"), ("Gestion de projet", "Project management"),
                 ("CAO", "CAD")),
    "hr": (("Recrutement", "Recruiting"), ("Droit du travail", "Employment law"),
           ("Marque employeur", "Employer branding"), ("Gestion des talents", "Talent management"),
           ("Paie", "Payroll"), ("Formation professionnelle", "Learning and development"),
           ("Relations sociales", "Employee relations"), ("SIRH", "HRIS"),
           ("Entretiens d'embauche", "Interviewing"), ("Conduite du changement", "Change management")),
    "legal": (("Droit des contrats", "Contract law"), ("Droit social", "Employment law"),
              ("RGPD", "GDPR"), ("Contentieux", "Litigation"), ("Droit des sociétés", "Corporate law"),
              ("Conformité", "Compliance"), ("Négociation", "Negotiation"),
              ("Rédaction juridique", "Legal writing"), ("Propriété intellectuelle", "Intellectual property")),
    "logistics": (("Supply chain", "Supply chain"), ("Gestion des stocks", "Inventory management"),
                  ("Transport international", "International freight"), ("Lean", "Lean"),
                  ("WMS", "WMS"), ("Achats", "Purchasing"), ("Planification", "Planning"),
                  ("Management d'équipe", "Team leadership"), ("SAP", "SAP"), ("Douane", "Customs")),
    "design": (("Design d'interface", "UI design"), ("Expérience utilisateur", "User experience"),
               ("Figma", "Figma"), ("Identité visuelle", "Brand identity"), ("Adobe Creative Suite", "Adobe Creative Suite"),
               ("Prototypage", "Prototyping"), ("Recherche utilisateur", "User research"),
               ("Accessibilité numérique", "Web accessibility"), ("Revit", "Revit"),
               ("Architecture durable", "Sustainable architecture"), ("Direction artistique", "Art direction")),
}
# Skills anyone may list, after their sector's.
COMMON_SKILLS = (("Travail en équipe", "Teamwork"), ("Communication", "Communication"),
                 ("Gestion de projet", "Project management"))

# (name, issuing organization, years valid or None)
CERTIFICATIONS = {
    "tech": (("AWS Certified Solutions Architect – Associate", "Amazon Web Services", 3),
             ("Certified Kubernetes Administrator (CKA)", "Cloud Native Computing Foundation", 3),
             ("Professional Scrum Master I", "Scrum.org", None),
             ("ISTQB Certified Tester Foundation Level", "ISTQB", None),
             ("Microsoft Certified: Azure Fundamentals", "Microsoft", None)),
    "finance": (("Certification AMF", "Autorité des marchés financiers", None),
                ("CFA Level I", "CFA Institute", None),
                ("Financial Risk Manager (FRM)", "GARP", None)),
    "consulting": (("PMP", "Project Management Institute", 3),
                   ("PRINCE2 Practitioner", "PeopleCert", 3),
                   ("Lean Six Sigma Green Belt", "IASSC", None),
                   ("Scrum Master certifié", "Scrum Alliance", 2)),
    "project": (("PMP", "Project Management Institute", 3),
                ("Scrum Master certifié", "Scrum Alliance", 2),
                ("PRINCE2 Foundation", "PeopleCert", None)),
}

# Spoken languages: (French name, English name).
FRENCH, ENGLISH = ("Français", "French"), ("Anglais", "English")
OTHER_LANGUAGES = (("Espagnol", "Spanish"), ("Allemand", "German"), ("Italien", "Italian"),
                   ("Portugais", "Portuguese"), ("Arabe", "Arabic"), ("Néerlandais", "Dutch"),
                   ("Mandarin", "Mandarin Chinese"), ("Japonais", "Japanese"), ("Polonais", "Polish"))
# The language English-speaking members of a given origin grew up with (by last name).
MOTHER_TONGUES = {
    ("Rossi", "Bianchi", "Ricci"): ("Italien", "Italian"),
    ("García", "Fernández", "Muñoz"): ("Espagnol", "Spanish"),
    ("Costa", "Silva", "Gonçalves"): ("Portugais", "Portuguese"),
    ("Schneider", "Müller", "Wagner"): ("Allemand", "German"),
    ("Nowak",): ("Polonais", "Polish"),
    ("Novák", "Dvořák"): ("Tchèque", "Czech"),
    ("Tanaka", "Watanabe", "Sato"): ("Japonais", "Japanese"),
    ("Chen", "Lin", "Wang"): ("Mandarin", "Mandarin Chinese"),
    ("Johansson", "Berg", "Lindqvist"): ("Suédois", "Swedish"),
    ("Patel", "Sharma", "Gupta"): ("Hindi", "Hindi"),
}

# fmt: on

SECTOR_OF_INDUSTRY = {s.industry_fr: s.key for s in SECTORS} | {
    s.industry_en: s.key for s in SECTORS
}

FULL, SEMI, PRIVATE = "full", "semi", "private"
PUBLIC, MEMBERS, CONNECTIONS, ONLY_ME = "public", "members", "connections", "only_me"


@dataclass(frozen=True)
class CertificationSpec:
    name: str
    authority: str
    issued_on: date
    expires_on: date | None


@dataclass(frozen=True)
class ContactSpec:
    kind: str  # ContactKind value
    value: str
    label: str
    audience: str


@dataclass
class ExtrasSpec:
    address: str
    browsing_mode: str
    skills: list[tuple[str, bool]] = field(default_factory=list)  # (name, pinned)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (name, proficiency)
    certifications: list[CertificationSpec] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, url, label)
    contacts: list[ContactSpec] = field(default_factory=list)
    audiences: dict[str, str] = field(default_factory=dict)  # "<section>_audience" → value
    work_email: str = ""  # verified: "Verified at @domain" on the profile


def organization_domain(name: str) -> str:
    """A fictional domain for an employer: "Banque du Rhône" → "banquedurhone.example".

    Under `.example` (reserved, never a real mailbox) so no demo address can reach anyone.
    """
    slug = re.sub(r"[^a-z0-9]", "", slugify(name).replace("-", ""))[:30] or "organisation"
    return f"{slug}.example"


def demo_address(spec: MemberSpec) -> str:
    """A deterministic public address: "camille-martin", "jean-martin-2" (from the e-mail)."""
    local = spec.email.split("@", 1)[0]
    candidate = slugify(local.replace(".", "-"))
    if candidate in RESERVED_ADDRESSES or len(candidate) < 3:
        candidate = f"{slugify(spec.first_name)}-{slugify(spec.last_name)}-{candidate}"
    return candidate[:60].strip("-")


def _phone(rng: random.Random, country: str) -> str:
    # Numbers reserved for fiction by each regulator: they never ring anyone.
    if country in ("Royaume-Uni", "United Kingdom"):
        return f"+44 7700 900{rng.randint(0, 999):03d}"
    if country == "Canada":
        return f"+1 514 555 01{rng.randint(0, 99):02d}"
    return f"+33 6 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _current(spec: MemberSpec):
    return next((p for p in spec.positions if p.end_date is None), None)


def member_extras(spec: MemberSpec, index: int) -> ExtrasSpec:
    """Everything a demo member's profile shows beyond identity and career."""
    rng = random.Random(f"{SEED}:extras:{spec.email}")
    fr = spec.language == "fr"
    sector = SECTOR_OF_INDUSTRY.get(spec.industry, "consulting")
    current = _current(spec)
    titles = " ".join(p.title.lower() for p in spec.positions)
    is_camille = index == 0

    # Browsing mode: mostly full, some semi-private, a few private. The documented logins keep
    # full mode so "who viewed my profile" shows names.
    roll = rng.random()
    mode = FULL if index < 2 or roll < 0.78 else SEMI if roll < 0.92 else PRIVATE

    # Skills: 5–15, most from the sector, de-duplicated by name; up to three pinned.
    pool = list(SKILLS.get(sector, ()))
    count = 12 if is_camille else rng.randint(5, min(15, len(pool) + 2))
    head = pool[:4]
    rest = pool[4:]
    rng.shuffle(rest)
    picked = head + rest
    if rng.random() < 0.5:
        picked += list(COMMON_SKILLS[:3])
    if is_camille:
        picked = [("Gestion de projet", ""), ("Accessibilité numérique", ""),
                  ("Méthodes agiles", ""), ("Conduite du changement", ""),
                  ("Animation d'ateliers", ""), ("UX design", ""), ("RGAA", ""),
                  ("Marketing digital", ""), ("Scrum", ""), ("Recherche utilisateur", ""),
                  ("Jira", ""), ("Prise de parole en public", "")]  # fmt: skip
    names: list[str] = []
    for pair in picked:
        name = pair[0] if fr or not pair[1] else pair[1]
        if name not in names:
            names.append(name)
        if len(names) >= count:
            break
    pinned = 3 if is_camille else rng.choice((0, 1, 2, 3))
    skills = [(name, i < pinned) for i, name in enumerate(names)]

    # Languages.
    languages: list[tuple[str, str]] = []
    mother = next((lang for keys, lang in MOTHER_TONGUES.items() if spec.last_name in keys), None)
    if fr:
        languages.append((FRENCH[0], "native"))
        english_level = rng.choices(
            ("elementary", "limited", "professional", "full"), weights=(1, 3, 5, 3)
        )[0]
        languages.append((ENGLISH[0], "full" if is_camille else english_level))
    else:
        if mother is not None:
            languages.append((mother[1], "native"))
            languages.append((ENGLISH[1], "full"))
        else:
            languages.append((ENGLISH[1], "native"))
        in_french_place = spec.country in ("France", "Belgium", "Switzerland", "Canada")
        french_level = rng.choice(
            ("professional", "full") if in_french_place else ("elementary", "limited")
        )
        languages.append((FRENCH[1], french_level))
    if is_camille:
        languages.append(("Espagnol", "limited"))
    elif rng.random() < 0.35:
        other = rng.choice([lang for lang in OTHER_LANGUAGES if lang != mother])
        languages.append(
            (other[0] if fr else other[1], rng.choice(("elementary", "limited", "professional")))
        )

    # Certifications, for the roles where they matter.
    certifications: list[CertificationSpec] = []
    project_role = "projet" in titles or "project" in titles or "product" in titles
    choices = list(CERTIFICATIONS.get(sector, ()))
    if project_role and sector not in ("tech", "consulting"):
        choices += list(CERTIFICATIONS["project"])
    chance = 0.55 if sector in ("tech", "finance", "consulting") else 0.4 if project_role else 0
    if is_camille:
        certifications.append(CertificationSpec("Scrum Master certifié", "Scrum Alliance",
                                                date(2022, 6, 1), date(2026, 6, 1)))  # fmt: skip
        certifications.append(
            CertificationSpec("Auditeur RGAA", "Access42", date(2023, 3, 1), None)
        )
    elif choices and rng.random() < chance:
        first_job = min(p.start_date for p in spec.positions)
        for name, authority, valid in rng.sample(
            choices, k=min(len(choices), rng.choice((1, 1, 2)))
        ):
            months = max(1, (AS_OF.year - first_job.year) * 12)
            issued = add_months(AS_OF, -rng.randint(1, months))
            issued = max(issued, first_job)
            expires = date(issued.year + valid, issued.month, 1) if valid else None
            certifications.append(CertificationSpec(name, authority, issued, expires))

    # Links: a website or portfolio for some, GitHub for developers.
    slug = f"{ascii_slug(spec.first_name)}{ascii_slug(spec.last_name)}"
    links: list[tuple[str, str, str]] = []
    if is_camille:
        links.append(("blog", "https://camille-martin.example/blog", "Carnet d'accessibilité"))
    elif sector == "design" and rng.random() < 0.7:
        links.append(("portfolio", f"https://{slug}.example/", "Portfolio"))
    elif sector in ("media", "consulting") and rng.random() < 0.25:
        links.append(("website", f"https://{slug}.example/", ""))
    if sector == "tech" and ("dével" in titles or "develop" in titles) and rng.random() < 0.6:
        links.append(("github", f"https://github.example/{slug}", ""))

    # Contact: a professional address at the employer's (fictional) domain, a phone for some.
    contacts: list[ContactSpec] = []
    if current is not None and current.organization_name not in (
        "Indépendant",
        "Indépendante",
        "Self-employed",
    ):
        domain = organization_domain(current.organization_name)
        local = f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}"
        label = "Professionnel" if fr else "Work"
        contacts.append(ContactSpec("email", f"{local}@{domain}", label, CONNECTIONS))
    elif links:
        contacts.append(ContactSpec("email", f"contact@{slug}.example", "Contact", MEMBERS))
    if is_camille or rng.random() < 0.3:
        label = "Mobile"
        audience = CONNECTIONS if is_camille or rng.random() < 0.7 else ONLY_ME
        contacts.append(ContactSpec("phone", _phone(rng, spec.country), label, audience))

    # Section audiences: public by default; a few members keep some sections closer.
    audiences: dict[str, str] = {}
    if not is_camille and index >= 2 and rng.random() < 0.12:
        for section in rng.sample(("about", "location", "education", "skills", "languages",
                                   "certifications", "links"), k=rng.randint(1, 3)):  # fmt: skip
            audiences[f"{section}_audience"] = rng.choice((MEMBERS, MEMBERS, CONNECTIONS, ONLY_ME))

    # A verified work address for some of those with an employer (Camille always).
    work_email = ""
    employer_mail = next(
        (c.value for c in contacts if c.kind == "email" and c.label != "Contact"), ""
    )
    if employer_mail and (is_camille or rng.random() < 0.4):
        work_email = employer_mail

    return ExtrasSpec(
        address=demo_address(spec),
        work_email=work_email,
        browsing_mode=mode,
        skills=skills,
        languages=languages,
        certifications=certifications,
        links=links,
        contacts=contacts,
        audiences=audiences,
    )


def demo_profile_views(specs: list[MemberSpec], today: date) -> list[tuple[int, int, date]]:
    """(viewer index, viewed index, day) for a few views in the last weeks; Camille gets ~15."""
    rng = random.Random(f"{SEED}:views")
    views: set[tuple[int, int, date]] = set()
    n = len(specs)
    candidates = list(range(2, n))
    for viewer in rng.sample(candidates, k=min(15, len(candidates))):
        views.add((viewer, 0, today - _days_ago(rng)))
    for viewed in range(1, n):
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            viewer = rng.randrange(n)
            if viewer != viewed:
                views.add((viewer, viewed, today - _days_ago(rng)))
    return sorted(views, key=lambda v: (v[1], v[2], v[0]))


def _days_ago(rng: random.Random):
    from datetime import timedelta

    return timedelta(days=rng.choice((0, 1, 2, 3, 5, 6, 9, 12, 15, 20, 26, 33, 41, 55)))
