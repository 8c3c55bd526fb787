"""The demo network's graph, as plain data: who is connected, follows, invites, endorses and
recommends whom — by index into the list of demo members (no database).

Members know each other the way people do: colleagues (current and past employers), classmates
(same school, close graduation years), people in the same city or line of work, and a few hubs
(recruiters, community managers, the platform's administrator) who know a lot of people.
`demo_network_plan(specs, extras)` returns the same plan every time for the same members; the
loader (services.py) turns it into rows while keeping the network services' rules.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from .extras import ExtrasSpec
from .generate import SEED, MemberSpec

CAMILLE = 0
ADMIN = 1
FREELANCE = {"Indépendant", "Indépendante", "Self-employed"}
HUB_WORDS = ("recrut", "recruit", "talent", "community")


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class InvitationPlan:
    sender: int
    recipient: int
    status: str  # Invitation.Status value
    note: str
    days_ago: float


@dataclass(frozen=True)
class RecommendationPlan:
    author: int
    recipient: int
    relationship: str  # RecommendationRelationship value
    context: str
    status: str  # Recommendation.Status value
    body: str
    request_message: str
    days_ago: float


@dataclass(frozen=True)
class IntroductionPlan:
    requester: int
    intermediary: int
    target: int
    status: str  # Introduction.Status value
    note: str
    forward_note: str
    days_ago: float


@dataclass(frozen=True)
class ContactPlan:
    member: int | None  # a demo member, or None for someone outside the network
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    organization: str = ""
    position: str = ""
    source: str = "manual"
    met_where: str = ""
    met_days_ago: int | None = None
    met_why: str = ""
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # (text, days from now: negative is in the past, done?)
    reminders: tuple[tuple[str, float, bool], ...] = ()


@dataclass
class NetworkPlan:
    # Undirected connections (low index first) → how far between the later joining date of the
    # two and now the connection was made (0 … 1).
    connections: dict[tuple[int, int], float] = field(default_factory=dict)
    follows: set[tuple[int, int]] = field(default_factory=set)  # one-way (follower, followed)
    blocks: list[tuple[int, int]] = field(default_factory=list)  # (blocker, blocked)
    mutes: list[tuple[int, int]] = field(default_factory=list)  # (muter, muted)
    invitations: list[InvitationPlan] = field(default_factory=list)
    endorsements: list[tuple[int, int, str]] = field(default_factory=list)  # endorser, member, skill
    recommendations: list[RecommendationPlan] = field(default_factory=list)
    connections_only_me: list[int] = field(default_factory=list)
    introductions: list[IntroductionPlan] = field(default_factory=list)
    contacts: list[ContactPlan] = field(default_factory=list)  # Camille's personal CRM
    hubs: list[int] = field(default_factory=list)

    def neighbours(self) -> dict[int, set[int]]:
        adj: dict[int, set[int]] = defaultdict(set)
        for a, b in self.connections:
            adj[a].add(b)
            adj[b].add(a)
        return adj


# --- Texts ------------------------------------------------------------------------------------

NOTES_FR = (
    "Bonjour {first}, nous avons des contacts en commun et je suis votre travail avec intérêt. "
    "Au plaisir d'échanger !",
    "Bonjour {first}, j'ai vu votre intervention au meetup accessibilité de Lyon, j'aimerais "
    "rester en contact.",
    "Bonjour {first}, je prépare un projet de refonte et votre expérience m'intéresse "
    "beaucoup. Seriez-vous d'accord pour en parler ?",
    "Bonjour {first}, nous nous sommes croisés à la conférence Paris Web : restons en contact !",
)
NOTES_EN = (
    "Hi {first}, we have a few connections in common and I enjoy following your work. "
    "Would be glad to connect.",
    "Hello {first}, I read your post on accessible design systems — would love to stay in "
    "touch.",
    "Hi {first}, we met briefly at the Lyon product meetup. Let's keep in touch!",
)

RECOMMENDATIONS_FR = (
    "J'ai eu le plaisir de travailler avec {first} chez {org}. {Pronoun} allie une grande "
    "rigueur à un vrai sens de l'écoute : les équipes savent toujours où elles vont, et les "
    "utilisateurs sont au centre des décisions. Je recommande {first} sans la moindre réserve.",
    "{first} est {une} professionnel{le} remarquable. Chez {org}, {pronoun} a su mener des "
    "sujets complexes avec calme et méthode, en embarquant tout le monde. Son expertise en "
    "« {skill} » a beaucoup apporté à notre équipe.",
    "Travailler avec {first} chez {org} a été un vrai plaisir : fiable, créati{ve} et toujours "
    "disponible pour aider. {Pronoun} a notamment porté notre démarche « {skill} » avec "
    "beaucoup d'énergie. Toute équipe gagnerait à l'avoir à ses côtés.",
)
RECOMMENDATIONS_EN = (
    "I had the pleasure of working with {first} at {org}. {Pronoun} combines real rigour with "
    "a genuine talent for listening: teams always knew where they were going, and users stayed "
    "at the centre of every decision. I recommend {first} without reservation.",
    "{first} is an outstanding professional. At {org}, {pronoun} handled complex projects "
    "calmly and methodically and brought everyone along. {Possessive} expertise in {skill} made "
    "a real difference to our team.",
    "Working with {first} at {org} was a pleasure: reliable, creative and always willing to "
    "help. {Pronoun} led our work on {skill} with great energy. Any team would be lucky to "
    "have {object}.",
)
STUDIED_FR = (
    "J'ai connu {first} pendant nos études ({school}), où nous avons mené plusieurs projets ensemble. Déjà à "
    "l'époque, {pronoun} se distinguait par sa curiosité et son sens du collectif ; je suis "
    "heureu{x} de voir le parcours qu'{pronoun} a construit depuis."
)
STUDIED_EN = (
    "I met {first} while we were both studying at {school}, where we worked on several projects together. Even then "
    "{pronoun} stood out for {possessive} curiosity and team spirit, and I am glad to see the "
    "career {pronoun} has built since."
)
CAMILLE_RECOMMENDATIONS = (
    # (relationship, French text, English text) — about Camille, in the author's language.
    ("managed",
     "J'ai eu la chance d'encadrer Camille chez {org}. Elle a piloté la refonte de l'espace "
     "client de bout en bout, en faisant travailler ensemble métier, design et développement. "
     "Son exigence sur l'accessibilité a changé notre façon de concevoir. Une cheffe de projet "
     "précieuse.",
     "I managed Camille at {org}. She led our customer portal redesign from start to finish, "
     "getting business, design and engineering to work as one team, and her standards on "
     "accessibility changed the way we build. A rare project manager."),
    ("same_team",
     "Camille est la cheffe de projet que toute équipe rêve d'avoir : claire, organisée et "
     "toujours à l'écoute. Chez {org}, elle a su garder le cap pendant une refonte difficile "
     "sans jamais perdre de vue les utilisateurs.",
     "Camille is the project manager every team hopes for: clear, organised and always "
     "listening. At {org} she kept a difficult redesign on course without ever losing sight of "
     "the users."),
    ("client",
     "Nous avons confié à Camille et à son équipe la refonte de notre site. Ateliers bien "
     "menés, planning tenu, et un résultat enfin accessible à tous nos publics. Je la "
     "recommande chaleureusement.",
     "We trusted Camille and her team with our website redesign: well-run workshops, a "
     "schedule that held, and a result that finally works for all of our audiences. Warmly "
     "recommended."),
    ("different_teams",
     "Je travaillais dans une autre équipe que Camille chez {org}, mais nos projets se "
     "croisaient souvent. Elle sait fédérer au-delà de son périmètre et rendre simples des "
     "sujets compliqués — une vraie force.",
     "I worked in a different team from Camille's at {org}, but our projects crossed often. "
     "She brings people together beyond her own scope and makes complicated things simple."),
)
REQUEST_FR = (
    "Bonjour Camille, je mets à jour mon profil : accepterais-tu d'écrire quelques mots sur "
    "notre collaboration ? Merci d'avance !"
)
REQUEST_EN = (
    "Hi Camille, I'm updating my profile — would you write a few words about our time working "
    "together? Thank you!"
)


def _build_female_names() -> frozenset[str]:
    from . import catalog

    names = set(catalog.FR_FIRST_F)
    for origin in catalog.EN_ORIGINS:
        names.update(origin[1])
    return frozenset(names)


_FEMALE_FIRST = _build_female_names()


def _recommendation_text(
    rng: random.Random, author: MemberSpec, recipient: MemberSpec, org: str, skill: str
) -> str:
    female = recipient.first_name in _FEMALE_FIRST
    if author.language == "fr":
        template = rng.choice(RECOMMENDATIONS_FR)
        return template.format(
            first=recipient.first_name,
            org=org,
            Pronoun="Elle" if female else "Il",
            pronoun="elle" if female else "il",
            une="une" if female else "un",
            le="le" if female else "",
            ve="ve" if female else "f",
            skill=skill,
        )
    template = rng.choice(RECOMMENDATIONS_EN)
    return template.format(
        first=recipient.first_name,
        org=org,
        Pronoun="She" if female else "He",
        pronoun="she" if female else "he",
        Possessive="Her" if female else "His",
        object="her" if female else "him",
        skill=skill,
    )


def _studied_text(author: MemberSpec, recipient: MemberSpec, school: str) -> str:
    female = recipient.first_name in _FEMALE_FIRST
    if author.language == "fr":
        author_female = author.first_name in _FEMALE_FIRST
        return STUDIED_FR.format(
            first=recipient.first_name,
            school=school,
            pronoun="elle" if female else "il",
            x="se" if author_female else "x",
        )
    return STUDIED_EN.format(
        first=recipient.first_name,
        school=school,
        pronoun="she" if female else "he",
        possessive="her" if female else "his",
    )


SENIOR_WORDS = ("direct", "responsable", "head", "manager", "lead", "chef", "cheffe")


def _senior_at(spec: MemberSpec, org: str) -> bool:
    return any(
        p.organization_name == org and any(w in p.title.lower() for w in SENIOR_WORDS)
        for p in spec.positions
    )


def _context(spec: MemberSpec, org: str) -> str:
    position = next((p for p in spec.positions if p.organization_name == org), None)
    if position is None:
        return ""
    joiner = " chez " if spec.language == "fr" else " at "
    return f"{position.title}{joiner}{org}"[:200]


# --- The plan ---------------------------------------------------------------------------------


def demo_network_plan(specs: list[MemberSpec], extras: list[ExtrasSpec]) -> NetworkPlan:
    rng = random.Random(f"{SEED}:network")
    n = len(specs)
    plan = NetworkPlan()
    edges: set[tuple[int, int]] = set()

    def link(a: int, b: int) -> None:
        if a != b:
            edges.add(pair(a, b))

    # Who shares what: employers (current and past), schools (with graduation years), city and
    # line of work.
    orgs: dict[str, set[int]] = defaultdict(set)
    schools: dict[str, list[tuple[int, int]]] = defaultdict(list)
    cities: dict[str, list[int]] = defaultdict(list)
    industries: dict[str, list[int]] = defaultdict(list)
    for i, spec in enumerate(specs):
        for position in spec.positions:
            if position.organization_name not in FREELANCE:
                orgs[position.organization_name].add(i)
        for entry in spec.education:
            schools[entry.school].append((i, entry.end_year))
        cities[spec.city].append(i)
        industries[spec.industry].append(i)

    for name in sorted(orgs):
        members = sorted(orgs[name])
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                if rng.random() < 0.6:
                    link(a, b)
    for name in sorted(schools):
        members = schools[name]
        for x, (a, year_a) in enumerate(members):
            for b, year_b in members[x + 1 :]:
                if rng.random() < (0.45 if abs(year_a - year_b) <= 3 else 0.06):
                    link(a, b)
    for groups, target in ((cities, 12.0), (industries, 10.0)):
        for name in sorted(groups):
            members = groups[name]
            chance = min(0.6, target / max(1, len(members)))
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    if rng.random() < chance:
                        link(a, b)
    # Everyone knows a few people beyond their circles.
    for a in range(n):
        for _ in range(rng.randint(1, 5)):
            link(a, rng.randrange(n))

    # Hubs: recruiters and community managers, and the platform's administrator.
    hubs = [ADMIN] + [
        i
        for i, spec in enumerate(specs)
        if i > ADMIN
        and spec.positions
        and spec.positions[0].end_date is None
        and any(word in spec.positions[0].title.lower() for word in HUB_WORDS)
    ]
    hubs = hubs[:8]
    for hub in hubs:
        for other in rng.sample(range(n), k=int(n * rng.uniform(0.3, 0.5))):
            link(hub, other)
    plan.hubs = hubs

    # Camille, the demo login, has a well-stocked network: Lyon and her line of work first.
    camille = specs[CAMILLE]
    close = [i for i in range(2, n) if specs[i].city == camille.city or specs[i].industry == camille.industry]
    others = [i for i in range(2, n) if i not in set(close)]
    want = int(n * 0.32)
    mine = {b if a == CAMILLE else a for a, b in edges if CAMILLE in (a, b)}
    for candidate in rng.sample(close, k=len(close)) + rng.sample(others, k=len(others)):
        if len(mine) >= want:
            break
        if candidate not in mine and rng.random() < 0.7:
            link(CAMILLE, candidate)
            mine.add(candidate)

    # A few blocks, never involving Camille or the administrator: the pair is disconnected.
    blockable = list(range(2, n))
    blocked_pairs: set[tuple[int, int]] = set()
    for _ in range(max(1, n // 50)):
        a, b = rng.sample(blockable, 2)
        if a in hubs or b in hubs:
            continue
        plan.blocks.append((a, b))
        blocked_pairs.add(pair(a, b))
        edges.discard(pair(a, b))

    plan.connections = {e: rng.random() ** 0.7 for e in sorted(edges)}
    adj = plan.neighbours()

    # Mutes: a few members mute a connection's posts (never Camille).
    for a in rng.sample(blockable, k=min(len(blockable), max(1, n // 40))):
        friends = sorted(adj[a] - {CAMILLE})
        if friends:
            plan.mutes.append((a, rng.choice(friends)))

    # One-way follows: hubs and Camille have followers beyond their connections.
    for followed in [*hubs, CAMILLE]:
        strangers = [i for i in range(n) if i != followed and i not in adj[followed]]
        for follower in rng.sample(strangers, k=min(len(strangers), int(n * 0.08))):
            if pair(follower, followed) not in blocked_pairs:
                plan.follows.add((follower, followed))
    for _ in range(n // 4):
        a, b = rng.sample(range(2, n), 2)
        if b not in adj[a] and pair(a, b) not in blocked_pairs:
            plan.follows.add((a, b))

    _plan_invitations(plan, specs, adj, blocked_pairs, rng)
    _plan_endorsements(plan, extras, adj, rng)
    _plan_recommendations(plan, specs, extras, adj, orgs, schools, rng)
    for i in rng.sample(range(2, n), k=min(n - 2, max(1, n // 30))):
        plan.connections_only_me.append(i)
    plan.connections_only_me.sort()
    _plan_introductions(plan, specs, adj, blocked_pairs, rng)
    _plan_crm(plan, specs, adj, rng)
    return plan


def second_degree(adj: dict[int, set[int]], member: int) -> set[int]:
    found: set[int] = set()
    for friend in adj[member]:
        found |= adj[friend]
    return found - adj[member] - {member}


def _note(rng: random.Random, sender: MemberSpec, recipient: MemberSpec, turn: int) -> str:
    """The notes in turn (Camille's inbox shows different ones), with the recipient's name."""
    notes = NOTES_FR if sender.language == "fr" else NOTES_EN
    return notes[(turn + rng.randrange(2)) % len(notes)].format(first=recipient.first_name)


def _plan_invitations(plan, specs, adj, blocked_pairs, rng) -> None:
    n = len(specs)
    used: set[tuple[int, int]] = set()

    def invite(sender, recipient, status, days_ago, with_note) -> bool:
        key = pair(sender, recipient)
        if sender == recipient or key in used or key in blocked_pairs or recipient in adj[sender]:
            return False
        used.add(key)
        note = _note(rng, specs[sender], specs[recipient], len(used)) if with_note else ""
        plan.invitations.append(
            InvitationPlan(sender, recipient, status, note, round(days_ago, 3))
        )
        return True

    near = sorted(second_degree(adj, CAMILLE) - {ADMIN})
    rng.shuffle(near)
    # To Camille: pending ones (most with a note), one she ignored; from her: pending ones and
    # one she withdrew.
    plans = [("pending", True)] * 5 + [("pending", False)] * 2
    for status, with_note in plans:
        while near and not invite(near.pop(), CAMILLE, status, rng.uniform(0.1, 12), with_note):
            pass
    while near and not invite(near.pop(), CAMILLE, "ignored", rng.uniform(20, 60), True):
        pass
    for _ in range(3):
        while near and not invite(CAMILLE, near.pop(), "pending", rng.uniform(1, 20), False):
            pass
    while near and not invite(CAMILLE, near.pop(), "withdrawn", rng.uniform(25, 50), False):
        pass

    # Between other members.
    for _ in range(n // 4):
        a = rng.randrange(2, n)
        candidates = sorted(second_degree(adj, a) - {CAMILLE})
        if candidates:
            invite(a, rng.choice(candidates), "pending", rng.uniform(0.5, 30), rng.random() < 0.4)
    for status in ["ignored"] * max(1, n // 30) + ["withdrawn"] * max(1, n // 40):
        a, b = rng.sample(range(2, n), 2)
        invite(a, b, status, rng.uniform(10, 90), rng.random() < 0.5)


def _plan_endorsements(plan, extras, adj, rng) -> None:
    for member, extra in enumerate(extras):
        friends = sorted(adj[member])
        if not friends:
            continue
        boost = 1.8 if member == CAMILLE else 1.0
        for position, (skill, pinned) in enumerate(extra.skills):
            chance = (0.32 if pinned else 0.22 * 0.8**position) * boost
            for friend in friends:
                if rng.random() < chance:
                    plan.endorsements.append((friend, member, skill))


def _plan_recommendations(plan, specs, extras, adj, orgs, schools, rng) -> None:
    n = len(specs)
    taken: set[tuple[int, int]] = set()  # (author, recipient)

    def skill_of(member: int) -> str:
        skills = extras[member].skills
        return skills[0][0] if skills else ""

    # Colleagues and classmates who are connected write for each other.
    for recipient in range(2, n):
        if rng.random() > 0.35:
            continue
        spec = specs[recipient]
        colleagues = [
            (org, other)
            for org in sorted({p.organization_name for p in spec.positions} - FREELANCE)
            for other in sorted(orgs.get(org, ()))
            if other in adj[recipient] and other != CAMILLE
        ]
        classmates = [
            (entry.school, other)
            for entry in spec.education
            for other, _year in schools.get(entry.school, ())
            if other in adj[recipient] and other != CAMILLE
        ]
        for _ in range(rng.choice((1, 1, 2))):
            if colleagues and (not classmates or rng.random() < 0.8):
                org, author = rng.choice(colleagues)
                if (author, recipient) in taken:
                    continue
                relationship = rng.choice(
                    ("same_team", "same_team", "managed", "reported_to", "different_teams")
                )
                body = _recommendation_text(
                    rng, specs[author], spec, org, skill_of(recipient)
                )
                context = _context(spec, org)
            elif classmates:
                school, author = rng.choice(classmates)
                if (author, recipient) in taken:
                    continue
                relationship, context = "studied", ""
                body = _studied_text(specs[author], spec, school)
            else:
                break
            taken.add((author, recipient))
            plan.recommendations.append(
                RecommendationPlan(
                    author, recipient, relationship, context, "visible", body, "",
                    round(rng.uniform(5, 600), 3),
                )
            )  # fmt: skip

    # Camille: visible ones from her connections (colleagues first), two waiting for her
    # approval, two asked of her.
    camille = specs[CAMILLE]
    her_orgs = [p.organization_name for p in camille.positions]  # Nexalys, Lumen, the bank
    friends = sorted(adj[CAMILLE] - {ADMIN})
    by_org = {org: [f for f in friends if f in orgs.get(org, ())] for org in her_orgs}
    for pool in by_org.values():
        rng.shuffle(pool)
    colleagues = {f for pool in by_org.values() for f in pool}
    rest = [f for f in friends if f not in colleagues]
    rng.shuffle(rest)
    used: set[int] = set()
    # (where they worked together, which text, shown or waiting for her approval); someone who
    # never worked with her writes as a client of the agency (Atelier Lumen).
    setups = ((0, 0, "visible"), (0, 1, "visible"), (1, 1, "visible"), (2, 3, "visible"),
              (1, 1, "pending"), (None, 2, "pending"))  # fmt: skip
    for org_index, text_index, status in setups:
        org = her_orgs[org_index % len(her_orgs)] if org_index is not None else None
        pool = by_org.get(org, []) if org is not None else []
        if text_index == 0:  # "managed": someone senior there
            pool = [f for f in pool if _senior_at(specs[f], org)]
        author = next((f for f in pool if f not in used), None)
        if author is None:
            author = next((f for f in rest if f not in used), None)
            org, text_index = her_orgs[1 % len(her_orgs)], 2
        if author is None:
            break
        used.add(author)
        relationship, fr, en = CAMILLE_RECOMMENDATIONS[text_index]
        text = (fr if specs[author].language == "fr" else en).format(org=org)
        taken.add((author, CAMILLE))
        plan.recommendations.append(
            RecommendationPlan(
                author, CAMILLE, relationship, _context(camille, org), status, text, "",
                round(rng.uniform(1, 8) if status == "pending" else rng.uniform(30, 500), 3),
            )
        )  # fmt: skip
    colleagues_left = [f for pool in by_org.values() for f in pool if f not in used]
    askers = [f for f in dict.fromkeys(colleagues_left + rest) if f not in used][:2]
    for asker in askers:
        message = REQUEST_FR if specs[asker].language == "fr" else REQUEST_EN
        org = next(
            (o for o in her_orgs if asker in orgs.get(o, ())),
            specs[asker].positions[0].organization_name if specs[asker].positions else "",
        )
        plan.recommendations.append(
            RecommendationPlan(
                CAMILLE, asker, "same_team", _context(specs[asker], org), "requested", "",
                message, round(rng.uniform(1, 10), 3),
            )
        )  # fmt: skip


def _plan_introductions(plan, specs, adj, blocked_pairs, rng) -> None:
    invited = {pair(i.sender, i.recipient) for i in plan.invitations if i.status == "pending"}
    friends = sorted(adj[CAMILLE])
    # Someone asks Camille to introduce them to another of her connections.
    done = False
    for requester in friends:
        if done:
            break
        for target in friends:
            if (
                target != requester
                and target not in adj[requester]
                and pair(requester, target) not in blocked_pairs
                and pair(requester, target) not in invited
                and rng.random() < 0.3
            ):
                fr = specs[requester].language == "fr"
                note = (
                    f"Bonjour Camille, pourrais-tu me présenter à {specs[target].first_name} ? "
                    "J'aimerais échanger sur son expérience avant de postuler chez eux."
                    if fr
                    else f"Hi Camille, could you introduce me to {specs[target].first_name}? "
                    "I'd love to hear about their experience before I apply there."
                )
                plan.introductions.append(
                    IntroductionPlan(requester, CAMILLE, target, "asked", note, "", 2.0)
                )
                done = True
                break
    # Camille asked a connection to introduce her to someone they know; it was forwarded.
    for intermediary in friends:
        targets = sorted(
            t
            for t in adj[intermediary] - adj[CAMILLE] - {CAMILLE}
            if pair(CAMILLE, t) not in invited
        )
        if targets:
            target = rng.choice(targets)
            plan.introductions.append(
                IntroductionPlan(
                    CAMILLE, intermediary, target, "forwarded",
                    f"Bonjour {specs[intermediary].first_name}, pourrais-tu me présenter à "
                    f"{specs[target].first_name} ? Nous travaillons sur des sujets proches et "
                    "j'aimerais échanger.",
                    "Je vous mets en relation avec plaisir : vous avez beaucoup à vous dire !"
                    if specs[intermediary].language == "fr"
                    else "Happy to connect you two — you have a lot in common!",
                    6.0,
                )
            )  # fmt: skip
            break


def _plan_crm(plan, specs, adj, rng) -> None:
    friends = sorted(adj[CAMILLE])
    picked = rng.sample(friends, k=min(5, len(friends)))
    setups = (
        ("Meetup accessibilité Lyon", 400, "Co-organise le meetup avec moi",
         ("Accessibilité", "Meetup"),
         ("Très à l'aise en prise de parole : lui proposer la prochaine session.",),
         (("Proposer une intervention au meetup de janvier", -2.0, False),)),
        ("Refonte de l'espace client", 900, "Collègue sur la refonte",
         ("Anciens collègues",),
         ("Connaît très bien les audits RGAA.", "A changé d'équipe au printemps."),
         (("Prendre un café pour parler du nouveau poste", 5.0, False),)),
        ("Conférence Paris Web", 300, "Rencontré·e lors d'un atelier",
         ("Accessibilité",), ("Partage de bonnes ressources sur les lecteurs d'écran.",),
         (("Lui envoyer le compte rendu de l'atelier", -20.0, True),)),
        ("", None, "", ("Recrutement",), ("Pourrait être intéressé·e par un poste chez Nexalys.",),
         (("Relancer au sujet du poste de product owner", 14.0, False),)),
        ("Atelier Lumen", 1500, "Ancien collègue", ("Anciens collègues",), (), ()),
    )  # fmt: skip
    for member, (where, days, why, tags, notes, reminders) in zip(picked, setups, strict=False):
        plan.contacts.append(
            ContactPlan(
                member=member,
                first_name=specs[member].first_name,
                last_name=specs[member].last_name,
                met_where=where,
                met_days_ago=days,
                met_why=why,
                tags=tags,
                notes=notes,
                reminders=reminders,
            )
        )
    plan.contacts.append(
        ContactPlan(
            member=None, first_name="Nadège", last_name="Fabre",
            email="nadege.fabre@musee-des-confluences.example",
            organization="Musée des Confluences", position="Responsable des publics",
            source="linkedin", met_where="Atelier Lumen", met_days_ago=2200,
            met_why="Cliente sur la refonte du site du musée", tags=("Anciens clients",),
            notes=("Projet de médiation numérique en 2027 : à suivre.",),
            reminders=(("Prendre des nouvelles du projet de médiation", 30.0, False),),
        )
    )  # fmt: skip
    plan.contacts.append(
        ContactPlan(
            member=None, first_name="Tom", last_name="Fischer",
            email="tom.fischer@a11y-consulting.example", organization="A11y Consulting",
            position="Accessibility consultant", source="vcard",
            met_where="Conférence Paris Web", met_days_ago=300,
            tags=("Accessibilité",),
        )
    )  # fmt: skip
