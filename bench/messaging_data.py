"""Generated messaging data for the messaging benchmarks (`message_search.py`,
`messaging_inbox.py`): members, conversations and messages written in bulk.

The benchmarks measure reads, so rows are written directly (`bulk_create`), not through the
services: no rate limit, no events, no per-message transaction. Message bodies are short
French or English sentences drawn from a vocabulary with a Zipf-like frequency (a few words are
in many messages, most in few), plus, in about one message in 60, one of `RARE_WORDS` (names of
tools, places and companies: each is in a few dozen of 100,000 messages). `created_at` follows
the ids (the newest message is the most recent), as in a real database.
"""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

# Content words, most frequent first (the generator weights rank r by 1 / (r + 2)).
FRENCH = (
    "merci bonjour réunion projet demain semaine équipe client candidat entretien poste "
    "disponible rendez-vous document proposition contrat budget planning dossier retour "
    "présentation recrutement télétravail compte-rendu échéance validation réponse question "
    "informations salaire mission expérience compétences développement formation bureau appel "
    "visio lundi mardi mercredi jeudi vendredi matin après-midi soirée prochaine dernière "
    "rapport chiffres résultats objectif stratégie marketing produit lancement partenaire "
    "fournisseur facture devis commande livraison délai urgent prioritaire important rappel "
    "relance suivi point avancement étape prochaine-étape décision accord signature juridique "
    "ressources humaines directeur responsable stagiaire alternance embauche période essai "
    "onboarding intégration locaux déménagement séminaire conférence salon événement invitation "
    "inscription webinaire atelier démonstration maquette prototype tests recette production "
    "déploiement incident sécurité données confidentialité conformité audit qualité amélioration "
    "félicitations anniversaire vacances congés absence retour-de-congés café déjeuner dîner "
    "trajet train avion hôtel réservation note-de-frais remboursement paie mutuelle"
).split()
ENGLISH = (
    "thanks meeting project tomorrow week team client candidate interview role available "
    "call document proposal contract budget schedule update feedback presentation hiring remote "
    "deadline approval answer question details salary experience skills training office "
    "monday tuesday wednesday thursday friday morning afternoon evening next last report "
    "numbers results goal strategy marketing product launch partner vendor invoice quote order "
    "delivery urgent priority important reminder follow-up status milestone decision agreement "
    "signature legal recruiter manager intern offer onboarding conference event invitation "
    "workshop demo prototype testing release deployment incident security privacy compliance "
    "quality congratulations birthday holiday lunch dinner flight hotel booking expenses"
).split()
STOP_FR = "je tu il nous vous le la les un une des de du et à en pour sur avec dans ce est".split()
STOP_EN = "i you we the a an of to and in for on with this is it at be".split()
# Each in a few dozen messages of 100,000.
RARE_WORDS = (
    "kubernetes terraform grafana sharepoint salesforce figma jira confluence hubspot "
    "lyon-part-dieu montparnasse bordeaux-lac strasbourg rennes grenoble annecy biarritz "
    "vétérinaire ostéopathe sommelier ébéniste cartographe luthier horloger apiculteur "
    "orthophoniste géomètre acousticien sophrologue typographe marqueterie "
    "quarterback zeppelin harpsichord lighthouse marzipan origami tamarind gondola "
    "fjord kaleidoscope bergamot saxophone tapestry alpaca"
).split()
NAMES = (
    "Camille Léa Manon Chloé Inès Jade Louise Emma Hugo Lucas Louis Jules Gabriel Arthur "
    "Raphaël Adam Noah Maël Élodie Amélie Sébastien Jérôme Hélène Cécile Aurélien Benoît "
    "Olivia Ethan Mia Liam Grace Oscar"
).split()
SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel García Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent "
    "Müller Smith Johnson Brown Taylor Wilson Davies Evans Walker"
).split()


class Sentences:
    """Random message bodies: 3 to 30 words, mostly in one language each."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fr_weights = [1 / (r + 2) for r in range(len(FRENCH))]
        self.en_weights = [1 / (r + 2) for r in range(len(ENGLISH))]

    def body(self) -> str:
        rng = self.rng
        french = rng.random() < 0.6
        vocabulary, weights, stop = (
            (FRENCH, self.fr_weights, STOP_FR) if french else (ENGLISH, self.en_weights, STOP_EN)
        )
        length = min(30, max(3, int(rng.expovariate(1 / 11))))
        content = rng.choices(vocabulary, weights, k=(length + 1) // 2)
        words = []
        for word in content:
            words.append(word)
            if rng.random() < 0.9:
                words.append(rng.choice(stop))
        if rng.random() < 1 / 60:
            words.insert(rng.randrange(len(words) + 1), rng.choice(RARE_WORDS))
        text = " ".join(words[:length])
        return text[0].upper() + text[1:] + rng.choice([".", ".", "!", "?", " 🙂", ""])


def members(count: int, prefix: str, rng: random.Random):
    """`count` active members with profiles (the pages show names and photos)."""
    from maillage.accounts.models import User
    from maillage.profiles.models import Profile

    User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i}@example.org",
                first_name=rng.choice(NAMES),
                last_name=rng.choice(SURNAMES),
                password="!",  # noqa: S106 (unusable: the benchmark logs in with force_login)
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    users = list(User.objects.filter(email__startswith=prefix).order_by("pk"))
    have = set(Profile.objects.filter(member__in=users).values_list("member_id", flat=True))
    Profile.objects.bulk_create(
        [Profile(member=u, headline="Benchmark") for u in users if u.pk not in have],
        batch_size=500,
    )
    return users


@contextlib.contextmanager
def own_timestamps(*models):
    """Let bulk_create keep the `created_at`/`updated_at` the generator chose."""
    saved = []
    for model in models:
        for name in ("created_at", "updated_at"):
            field = model._meta.get_field(name)
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def write_messages(plan, *, now, span: timedelta, html: bool, batch: int = 2000) -> int:
    """Write messages for `plan`, a list of (conversation, sender id, body) in sending order;
    timestamps spread over `span` up to `now`. Each conversation's `last_message` is set after.
    `html`: render the bodies like the send service does (slower); otherwise a plain paragraph
    (for data only searched, never shown)."""
    from django.db.models import Max
    from django.utils.html import escape

    from maillage.core.text import render_markdown
    from maillage.messaging.models import Conversation, Message

    total = len(plan)
    step = span / max(total, 1)
    with own_timestamps(Message):
        rows = []
        for i, (conversation, sender_id, body) in enumerate(plan):
            at = now - span + step * i
            rows.append(
                Message(
                    conversation=conversation,
                    sender_id=sender_id,
                    body=body,
                    body_html=str(render_markdown(body)) if html else f"<p>{escape(body)}</p>",
                    created_at=at,
                    updated_at=at,
                )
            )
            if len(rows) >= batch:
                Message.objects.bulk_create(rows)
                rows = []
        if rows:
            Message.objects.bulk_create(rows)
    last = dict(
        Message.objects.values("conversation_id")
        .annotate(last=Max("pk"))
        .values_list("conversation_id", "last")
    )
    times = dict(Message.objects.filter(pk__in=last.values()).values_list("pk", "created_at"))
    conversations = list(Conversation.objects.filter(pk__in=last))
    for conversation in conversations:
        conversation.last_message_id = last[conversation.pk]
        conversation.last_message_at = times[last[conversation.pk]]
    Conversation.objects.bulk_update(
        conversations, ["last_message", "last_message_at"], batch_size=500
    )
    return total


def check_empty_database() -> None:
    """The benchmarks fill the database they are given: refuse one that already has messages
    (point DATABASE_URL at a new, empty database)."""
    from maillage.messaging.models import Message

    if Message.objects.exists():
        raise SystemExit(
            "This database already holds messages: run the benchmark on a new, empty one."
        )


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[
        max(0, min(len(sorted_values) - 1, round(len(sorted_values) * fraction) - 1))
    ]


def wait_for_quiet(threshold: float | None, *, longest_s: float = 600) -> tuple[float, ...]:
    """With a threshold, wait (at most `longest_s`) until the 1-minute load average is under it
    — the data is built on a busy machine, measured on a quieter one. Returns the load averages
    when measuring starts."""
    import os
    import time

    if threshold is not None:
        deadline = time.monotonic() + longest_s
        while os.getloadavg()[0] >= threshold and time.monotonic() < deadline:
            time.sleep(10)
    return os.getloadavg()
