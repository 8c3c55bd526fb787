"""What the demo network's members write in the feed: posts by topic, comments and replies, polls
and shared articles, in French and in English (each member writes in their own language).

Placeholders filled by feed.py: {org} (the author's employer), {at_org} (French "chez Nexalys",
"au CHU de Nantes"), {city}, {school}, {domain} and {interest} (the author's line of work, as in
their "about"), {event} (a professional event of their sector), {mention} (a connection, written
as a mention), {first} (in replies: the first name of the person answered), {url} (the shared
article), {Interest} (capitalised), {a_interest} and {a_event} (French "à" + it: "au salon
Pollutec"), {de_event} ("du salon Pollutec"), and words agreeing with the author's gender ({e},
{fier}, {heureux}, {curieux}, {preneur}, {interesse}). A template with {mention} is only used when the author has someone to mention.
"""

# fmt: off

# --- Hashtags ---------------------------------------------------------------------------------

# Topic → hashtags (French, English), as first written.
TOPIC_TAGS = {
    "hiring": (("recrutement", "emploi", "onrecrute"), ("hiring", "jobs", "careers")),
    "launch": (("lancement", "innovation", "produit"), ("productlaunch", "innovation", "product")),
    "event": (("événement", "conférence", "networking"), ("events", "conference", "networking")),
    "recap": (("conférence", "retourdexpérience", "veille"), ("conference", "lessonslearned", "learning")),
    "training": (("formation", "apprentissage", "compétences"), ("learning", "training", "upskilling")),
    "remote": (("télétravail", "travailhybride", "qvt"), ("remotework", "hybridwork", "futureofwork")),
    "csr": (("RSE", "climat", "sobriété"), ("CSR", "sustainability", "climate")),
    "cyber": (("cybersécurité", "sécurité", "RGPD"), ("cybersecurity", "infosec", "GDPR")),
    "data": (("IA", "data", "IAgénérative"), ("AI", "data", "GenAI")),
    "article": (("veille", "lecture"), ("reading", "insights")),
    "newjob": (("nouveauposte", "carrière"), ("newjob", "career")),
    "congrats": (("félicitations", "carrière"), ("congratulations", "career")),
    "question": (("entraide", "question"), ("askthenetwork", "advice")),
    "team": (("équipe", "management"), ("teamwork", "leadership")),
    "poll": (("sondage",), ("poll",)),
}

# Sector → its own hashtag (French, English).
SECTOR_TAGS = {
    "tech": ("numérique", "tech"), "finance": ("finance", "fintech"),
    "consulting": ("conseil", "consulting"), "health": ("santé", "healthcare"),
    "public": ("servicepublic", "publicsector"), "energy": ("transitionénergétique", "energy"),
    "retail": ("commerce", "retail"), "media": ("communication", "marketing"),
    "education": ("éducation", "education"), "industry": ("industrie", "manufacturing"),
    "hr": ("RH", "HR"), "legal": ("droit", "legal"), "logistics": ("logistique", "supplychain"),
    "design": ("design", "design"),
}

# Events of each sector members go to or speak at (French, English).
SECTOR_EVENTS = {
    "tech": (("Paris Web", "Paris Web"), ("Devoxx France", "Devoxx France"), ("VivaTech", "VivaTech")),
    "finance": (("les Rencontres de la finance durable", "the Sustainable Finance Forum"),
                ("le Paris Fintech Forum", "Paris Fintech Forum")),
    "consulting": (("les Rencontres du management", "the Management Summit"),
                   ("le salon Transformation & Co", "the Transformation Forum")),
    "health": (("la Paris Healthcare Week", "Paris Healthcare Week"),
               ("les Journées de l'e-santé", "the Digital Health Days")),
    "public": (("le Salon des maires et des collectivités", "the Local Government Forum"),
               ("les Assises de la transition écologique", "the Climate Transition Summit")),
    "energy": (("le salon Pollutec", "Pollutec"), ("les Assises de l'énergie", "the Energy Summit")),
    "retail": (("le salon Retail Connect", "Retail Connect"), ("les Rencontres du e-commerce", "the E-commerce Summit")),
    "media": (("les Rencontres de la communication", "the Comms Summit"),
              ("le Festival de la marque employeur", "the Employer Brand Festival")),
    "education": (("le salon Educatech", "Educatech"), ("les Journées de la pédagogie numérique", "the Digital Learning Days")),
    "industry": (("le salon Global Industrie", "Global Industrie"), ("les Journées du lean", "the Lean Summit")),
    "hr": (("le salon Solutions RH", "the HR Tech Show"), ("les Rencontres RH", "the People Summit")),
    "legal": (("les Assises du droit social", "the Employment Law Forum"), ("le Forum RGPD", "the GDPR Forum")),
    "logistics": (("la SITL", "SITL"), ("les Rencontres de la supply chain", "the Supply Chain Summit")),
    "design": (("le festival Design & Société", "the Design & Society festival"), ("Paris Design Week", "Paris Design Week")),
}

# Topics each sector posts about most (the others come up now and then).
SECTOR_TOPICS = {
    "tech": ("launch", "data", "cyber", "remote", "hiring", "recap"),
    "finance": ("cyber", "csr", "data", "hiring"),
    "consulting": ("recap", "data", "team", "question"),
    "health": ("team", "training", "hiring", "event"),
    "public": ("csr", "event", "training", "team"),
    "energy": ("csr", "launch", "event"),
    "retail": ("launch", "csr", "hiring"),
    "media": ("event", "article", "question", "data"),
    "education": ("training", "data", "event"),
    "industry": ("csr", "team", "hiring", "training"),
    "hr": ("hiring", "remote", "training", "question"),
    "legal": ("cyber", "article", "training"),
    "logistics": ("csr", "launch", "team"),
    "design": ("launch", "recap", "event"),
}

# --- Posts --------------------------------------------------------------------------------------

POSTS_FR = {
    "hiring": (
        "🚀 On recrute ! {org} renforce son équipe à {city}. "
        "CDI, télétravail partiel, une équipe bienveillante et des projets qui ont du sens.\n\n"
        "Intéressé·e, ou vous connaissez quelqu'un ? Écrivez-moi en message privé, je transmets "
        "directement au manager.",
        "Notre équipe s'agrandit {at_org} : nous ouvrons deux postes à {city}, dont un accessible "
        "aux profils juniors. Le partage de ce post peut vraiment aider quelqu'un de votre "
        "réseau — merci d'avance !",
        "Recrutement en cours {at_org} 👋\n\nCe que nous proposons :\n- une vraie autonomie dès "
        "l'arrivée\n- un parcours d'intégration de trois semaines\n- deux jours de télétravail "
        "par semaine\n\nLes candidatures sont ouvertes jusqu'à la fin du mois. {mention}, tu "
        "connais peut-être la bonne personne ?",
        "Petit rappel : chez nous, le CV ne fait pas tout. Nous recrutons aussi sur la "
        "motivation et la capacité à apprendre. Si {domain} vous attire et que vous êtes à "
        "{city}, parlons-en.",
    ),
    "launch": (
        "Très {fier} de l'équipe : notre nouvelle offre est en ligne ! Des mois de travail, "
        "des dizaines d'entretiens avec nos clients et beaucoup d'itérations. Merci à {mention} "
        "pour son énergie jusqu'au dernier jour.",
        "C'est lancé 🎉 {org} ouvre aujourd'hui son nouveau service à {city}. Nous avons "
        "commencé petit, testé avec un groupe pilote, et corrigé beaucoup de choses grâce à leurs "
        "retours. Vos avis nous intéressent !",
        "Mise en production ce matin, sans incident. Ce qui a fait la différence : des "
        "livraisons courtes, des tests avec de vrais utilisateurs et une équipe qui se parle. "
        "Prochaine étape : mesurer l'usage réel et ajuster.",
        "Après un an de travail, notre projet sort enfin de la phase pilote {at_org}. Un grand "
        "merci à nos clients testeurs : vos retours ont changé le produit, pas seulement le "
        "détail.",
    ),
    "event": (
        "Je serai {a_event} la semaine prochaine. Qui y va ? Ce serait l'occasion de se croiser "
        "autour d'un café ☕",
        "Ravi{e} d'intervenir {a_event} sur {interest} ! Rendez-vous jeudi à 14 h pour une "
        "table ronde avec {mention}. Venez avec vos questions.",
        "Retour à {city} après deux jours {a_event} : des échanges passionnants, de belles "
        "rencontres et une bonne dose d'idées à tester. Merci aux organisateurs !",
        "Nous organisons un petit-déjeuner à {city} le mois prochain sur {interest}. Places "
        "limitées : faites-moi signe si le sujet vous intéresse.",
    ),
    "recap": (
        "Trois enseignements {de_event} :\n\n1. Les équipes qui réussissent mesurent peu de "
        "choses, mais les bonnes.\n2. {Interest} n'est plus un sujet d'experts : tout le monde "
        "est concerné.\n3. Rien ne remplace le terrain.\n\nEt vous, qu'en avez-vous retenu ?",
        "Ce que je retiens de la conférence d'hier : on parle beaucoup d'outils, mais ce sont "
        "les habitudes d'équipe qui font la différence. Merci {mention} pour ton intervention, "
        "très concrète.",
        "Compte rendu {de_event} en une phrase : simplifier avant d'automatiser. Le reste de "
        "mes notes est à disposition de qui les veut.",
    ),
    "training": (
        "Certification obtenue 🎓 Trois mois de cours du soir, mais ça valait le coup. Merci à "
        "mes collègues pour leur patience pendant les révisions !",
        "Cette semaine, nous avons formé toute l'équipe {a_interest}. Le meilleur moment : voir "
        "des collègues qui pensaient « ne pas être concernés » poser les questions les plus "
        "pertinentes.",
        "Je donnerai une session d'initiation {a_interest} à {school} le mois prochain. "
        "Transmettre ce qu'on a appris sur le terrain, c'est aussi une façon d'apprendre.",
        "La formation continue, ce n'est pas un luxe. Chez nous, chaque collaborateur a "
        "désormais une demi-journée par mois pour apprendre ce qu'il veut. Premier bilan dans "
        "six mois !",
    ),
    "remote": (
        "Deux ans de travail hybride {at_org} : ce qui marche, c'est d'avoir des jours sur site "
        "communs à toute l'équipe. Le reste du temps, le télétravail nous permet de nous "
        "concentrer. Et chez vous ?",
        "Le télétravail n'est pas le problème. Les réunions sans ordre du jour, si. 😅",
        "Nous testons la semaine de quatre jours sur une équipe pilote à {city}. Premiers "
        "retours très positifs, mais il faut repenser l'organisation des réunions. Je vous "
        "tiens au courant.",
    ),
    "csr": (
        "Notre bilan carbone est publié. Résultat : l'essentiel de nos émissions vient des "
        "achats, pas des bureaux. Notre plan d'action pour les trois prochaines années est "
        "en ligne — toutes les remarques sont bienvenues.",
        "La RSE, ce n'est pas une page sur un site. {at_org}, nous avons choisi trois "
        "engagements mesurables et nous publierons les chiffres chaque année, même quand ils "
        "ne sont pas bons.",
        "Journée de bénévolat de compétences avec une association de {city} : l'équipe a "
        "aidé à refaire leur site et à organiser leur base de données. Une journée utile et "
        "très fédératrice.",
        "Sobriété numérique : en supprimant les données inutiles et en allongeant la durée de "
        "vie de nos ordinateurs, nous avons réduit notre empreinte de 18 % en un an. Pas de "
        "magie, de la méthode.",
    ),
    "cyber": (
        "Rappel du Cybermois, valable toute l'année : l'authentification à deux facteurs "
        "reste la mesure la plus efficace pour protéger vos comptes. Activez-la, aujourd'hui. 🔐",
        "Exercice de crise cyber cette semaine {at_org}. Ce qui nous a le plus appris : savoir "
        "qui appeler, et dans quel ordre. La technique vient après.",
        "Une tentative d'hameçonnage très réaliste circule en ce moment, avec une fausse "
        "facture au nom d'un fournisseur connu. Vérifiez toujours l'adresse de l'expéditeur "
        "avant de cliquer.",
        "La sécurité n'est pas l'affaire du seul service informatique. Nos sessions de "
        "sensibilisation de 30 minutes ont réduit de moitié les clics sur les faux courriels "
        "en six mois.",
    ),
    "data": (
        "IA générative : après six mois d'expérimentation {at_org}, notre conclusion est "
        "simple. Les gains sont réels sur les tâches répétitives, mais la relecture humaine "
        "reste indispensable.",
        "Avant de parler d'intelligence artificielle, parlons de la qualité de nos données. "
        "80 % du travail de notre dernier projet a consisté à nettoyer et documenter.",
        "Nous avons ouvert un tableau de bord interne sur {interest}. Le plus utile n'a pas été "
        "l'outil, mais les discussions qu'il a provoquées entre les équipes. Merci {mention} "
        "pour l'impulsion !",
        "Question de fond : qui, dans vos équipes, décide de ce qu'un modèle d'IA a le droit "
        "de faire ? Chez nous, c'est devenu un sujet de gouvernance à part entière.",
    ),
    "article": (
        "Article très juste sur un sujet qui nous occupe beaucoup en ce moment : {url}",
        "À lire, surtout la deuxième partie sur la mise en pratique. {url}",
        "Je partage cette lecture, qui résume bien nos débats de la semaine {at_org} : {url}",
    ),
    "newjob": (
        "Nouvelle étape ! Je suis {heureux} de rejoindre {org} à {city}. Merci à toutes celles "
        "et ceux qui m'ont accompagné{e} ces dernières années, et hâte de découvrir ma nouvelle "
        "équipe.",
        "Après de belles années, je tourne la page et commence une nouvelle aventure {at_org}. "
        "Premier jour demain, un peu de trac et beaucoup d'envie !",
    ),
    "congrats": (
        "Bravo à {mention} pour sa nouvelle fonction ! Une nomination méritée après tout ce "
        "que tu as construit. Hâte de voir la suite 👏",
        "Félicitations à {mention}, qui rejoint une nouvelle équipe ce mois-ci. Ils ont de la "
        "chance de t'avoir !",
        "Un grand bravo à {mention} pour son prix remis la semaine dernière. Un travail de "
        "fond enfin reconnu.",
    ),
    "question": (
        "Question au réseau : quels outils utilisez-vous pour suivre {interest} au quotidien ? "
        "Je cherche des retours d'expérience concrets, pas des brochures. 🙏",
        "Je prépare une intervention à {school} sur {domain}. Quel conseil auriez-vous aimé "
        "recevoir en début de carrière ?",
        "Vous connaissez un bon cabinet ou un indépendant à {city} pour nous accompagner sur "
        "{interest} ? Recommandations bienvenues en commentaire.",
        "Comment organisez-vous l'intégration des nouveaux arrivants quand la moitié de "
        "l'équipe est en télétravail ? Je suis {preneur} de vos bonnes pratiques.",
    ),
    "team": (
        "Fin d'un gros trimestre {at_org}. Merci à toute l'équipe : on a tenu les délais sans "
        "sacrifier les soirées, et ça, ça n'a pas de prix.",
        "Le meilleur indicateur de la semaine : {mention}, dans l'équipe depuis trois mois, a "
        "animé l'atelier client de bout en bout. Bravo !",
        "Manager, c'est d'abord écouter. Cette semaine, j'ai annulé mes réunions du vendredi "
        "pour passer du temps avec chacun. Je recommande.",
    ),
    "poll": (
        "Petit sondage pour nourrir nos réflexions {at_org} 👇",
        "Je suis {curieux} de vos pratiques. Votez, et n'hésitez pas à détailler en "
        "commentaire !",
        "Sondage express, résultats partagés la semaine prochaine.",
    ),
}

POSTS_EN = {
    "hiring": (
        "We're hiring! {org} is looking for a new colleague to join the team in {city}. "
        "Permanent contract, hybrid working and a team that genuinely looks out for each "
        "other.\n\nInterested, or know someone who might be? Send me a message and I'll pass "
        "it straight to the hiring manager.",
        "Our team at {org} is growing: two open roles in {city}, one of them open to recent "
        "graduates. A share from you could really help someone in your network — thank you!",
        "Now hiring at {org} 👋\n\nWhat we offer:\n- real ownership from day one\n- a "
        "three-week onboarding\n- two remote days a week\n\nApplications close at the end of "
        "the month. {mention}, you might know the right person?",
    ),
    "launch": (
        "So proud of the team: our new product is live! Months of work, dozens of customer "
        "interviews and a lot of iterations. Huge thanks to {mention} for the energy right to "
        "the finish line.",
        "It's out 🎉 Today {org} opens its new service in {city}. We started small, tested "
        "with a pilot group and fixed a lot thanks to their feedback. We'd love to hear what "
        "you think!",
        "Shipped this morning with zero incidents. What made the difference: small releases, "
        "testing with real users, and a team that actually talks to each other. Next step: "
        "measure real usage and adjust.",
    ),
    "event": (
        "I'll be at {event} next week. Who else is going? Would be great to catch up over a "
        "coffee ☕",
        "Delighted to be speaking at {event} about {interest}! Join us Thursday at 2 pm for a "
        "panel with {mention}. Bring your questions.",
        "Back in {city} after two days at {event}: great conversations, lovely people and "
        "plenty of ideas to try. Thanks to the organisers!",
    ),
    "recap": (
        "Three takeaways from {event}:\n\n1. Teams that do well measure few things, but the "
        "right ones.\n2. {Interest} isn't a specialist topic any more: it concerns "
        "everyone.\n3. Nothing beats talking to users.\n\nWhat did you take away?",
        "My main takeaway from yesterday's conference: we talk a lot about tools, but team "
        "habits make the difference. Thanks {mention} for a refreshingly practical talk.",
    ),
    "training": (
        "Certified 🎓 Three months of evening classes, but worth every minute. Thanks to my "
        "team at {org} for their patience while I was revising!",
        "This week we trained the whole team on {interest}. Best moment: colleagues who "
        "thought it \"wasn't for them\" asking the sharpest questions.",
        "I'll be running an introduction to {interest} at {school} next month. Passing on "
        "what you learned on the job is a great way to keep learning.",
    ),
    "remote": (
        "Two years of hybrid working at {org}: what works for us is having the same office "
        "days for the whole team. The rest of the week, remote time lets us focus. How do you "
        "do it?",
        "Remote work isn't the problem. Meetings without an agenda are. 😅",
        "We're trialling a four-day week with a pilot team in {city}. Early feedback is very "
        "positive, but we had to rethink how we run meetings. Will keep you posted.",
    ),
    "csr": (
        "Our carbon footprint report is out. Most of our emissions come from what we buy, not "
        "from our offices. Our three-year plan is online — all feedback welcome.",
        "Sustainability isn't a page on a website. At {org} we picked three measurable "
        "commitments and we'll publish the numbers every year, even when they're not good.",
        "Volunteering day with a charity in {city}: the team helped rebuild their website "
        "and sort out their donor database. Useful, and great for the team too.",
    ),
    "cyber": (
        "A reminder that holds all year round: two-factor authentication is still the single "
        "most effective way to protect your accounts. Switch it on today. 🔐",
        "Cyber crisis exercise this week at {org}. Biggest lesson: knowing who to call, and "
        "in what order. The technical side comes second.",
        "A very convincing phishing email is doing the rounds, with a fake invoice from a "
        "well-known supplier. Always check the sender's address before clicking.",
    ),
    "data": (
        "Generative AI: after six months of experiments at {org}, our conclusion is simple. "
        "The gains on repetitive tasks are real, but human review is still essential.",
        "Before we talk about AI, let's talk about data quality. 80% of our last project was "
        "cleaning and documenting data.",
        "We opened an internal dashboard on {interest}. The most useful part wasn't the tool "
        "but the conversations it started between teams. Thanks {mention} for the push!",
    ),
    "article": (
        "A sharp piece on something we've been discussing a lot lately: {url}",
        "Worth a read, especially the second half on putting it into practice. {url}",
        "Sharing this — it sums up our debates at {org} this week: {url}",
    ),
    "newjob": (
        "New chapter! I'm excited to be joining {org} in {city}. Thank you to everyone who "
        "supported me over the past few years — can't wait to meet my new team.",
        "After some great years, I'm turning the page and starting something new at {org}. "
        "First day tomorrow: a few nerves and a lot of enthusiasm!",
    ),
    "congrats": (
        "Congratulations to {mention} on the new role! Well deserved after everything you've "
        "built. Can't wait to see what comes next 👏",
        "Huge congratulations to {mention}, who joins a new team this month. They're lucky to "
        "have you!",
    ),
    "question": (
        "Question for my network: which tools do you use to keep on top of {interest}? Looking "
        "for real experience, not brochures. 🙏",
        "I'm preparing a talk at {school} on {domain}. What advice do you wish you'd had early "
        "in your career?",
        "How do you onboard new starters when half the team works remotely? Keen to hear what "
        "works for you.",
    ),
    "team": (
        "End of a big quarter. Thank you to the team at {org}: we hit our deadlines without "
        "sacrificing our evenings, and that's priceless.",
        "Best moment of the week: {mention}, who joined us three months ago, ran the client "
        "workshop end to end. Well done!",
    ),
    "poll": (
        "Quick poll to feed into our thinking at {org} 👇",
        "Curious about how others do this. Vote, and feel free to explain in the comments!",
    ),
}

# (question, options) — at most 140 characters and 30 per option.
POLLS_FR = (
    ("Combien de jours de télétravail par semaine vous semblent idéaux ?",
     ("Aucun", "1 ou 2", "3 ou 4", "Tous")),
    ("Votre principale source de veille professionnelle ?",
     ("Newsletters", "Réseaux sociaux", "Podcasts", "Événements")),
    ("L'IA générative dans votre quotidien de travail, c'est…",
     ("Tous les jours", "De temps en temps", "Jamais", "Interdit chez nous")),
    ("Le format de réunion le plus efficace selon vous ?",
     ("15 min debout", "30 min en visio", "1 h sur site")),
    ("Une formation vraiment utile, c'est d'abord…",
     ("Des cas pratiques", "Un bon formateur", "Un suivi après")),
    ("La semaine de quatre jours, pour vous ?",
     ("Oui, vite !", "À tester", "Pas pour mon métier")),
)
POLLS_EN = (
    ("How many remote days a week feel right to you?", ("None", "1 or 2", "3 or 4", "Fully remote")),
    ("Where do you get most of your industry news?",
     ("Newsletters", "Social media", "Podcasts", "Events")),
    ("Generative AI in your day-to-day work is…",
     ("Daily", "Now and then", "Never", "Not allowed here")),
    ("The four-day week: yes or no?", ("Yes, please!", "Worth a trial", "Not for my job")),
)

# Articles shared with a link: (url, title, description, site name, topic hashtags language).
# Fictional sites (`.example`): the demo never fetches anything.
ARTICLES = (
    ("fr", "https://www.lettre-du-numerique.example/accessibilite-obligations-2025",
     "Accessibilité numérique : ce qui change pour les entreprises",
     "Depuis juin 2025, de nombreux services en ligne doivent être accessibles. Tour d'horizon des obligations et des bonnes pratiques.",
     "La Lettre du numérique"),
    ("fr", "https://www.rh-mag.example/teletravail-trois-ans-apres",
     "Télétravail : trois ans après, ce que disent les chiffres",
     "Productivité, cohésion, immobilier : une étude fait le point sur le travail hybride dans 400 entreprises françaises.",
     "RH Magazine"),
    ("fr", "https://www.cyber-hebdo.example/pme-rancongiciels-prevention",
     "PME : cinq mesures simples contre les rançongiciels",
     "Sauvegardes hors ligne, double authentification, mises à jour : les gestes qui évitent la majorité des attaques.",
     "Cyber Hebdo"),
    ("fr", "https://www.journal-rse.example/bilan-carbone-achats",
     "Bilan carbone : pourquoi les achats pèsent le plus",
     "Pour la plupart des entreprises de services, les émissions indirectes dépassent de loin celles des bureaux et des déplacements.",
     "Le Journal de la RSE"),
    ("fr", "https://www.lettre-du-numerique.example/ia-generative-gouvernance",
     "IA générative : qui décide de ce qu'elle a le droit de faire ?",
     "Chartes, comités, formation : comment les organisations encadrent l'usage de l'IA générative au quotidien.",
     "La Lettre du numérique"),
    ("fr", "https://www.formation-pro.example/competences-2030",
     "Les compétences les plus recherchées d'ici 2030",
     "Analyse de données, gestion de projet, sens du collectif : ce que disent les offres d'emploi de l'année.",
     "Formation Pro"),
    ("en", "https://www.workplace-review.example/hybrid-work-what-the-data-says",
     "Hybrid work: what three years of data actually say",
     "A look at productivity, retention and office use across 300 European companies.",
     "Workplace Review"),
    ("en", "https://www.securityweekly.example/mfa-still-the-best-defence",
     "Why MFA is still your best defence",
     "Most account takeovers would have been stopped by two-factor authentication. Here is how to roll it out without friction.",
     "Security Weekly"),
    ("en", "https://www.datadigest.example/genai-in-the-enterprise",
     "GenAI in the enterprise: beyond the pilot",
     "What separates the teams that get real value from generative AI from those stuck in endless trials.",
     "Data Digest"),
    ("en", "https://www.greenbiz-notes.example/scope-3-explained",
     "Scope 3 emissions, explained simply",
     "Why the emissions you don't directly control are usually the biggest share of your footprint.",
     "Green Business Notes"),
)

# --- Comments and replies -----------------------------------------------------------------------

COMMENTS_FR = {
    "hiring": ("Je partage dans mon réseau !", "Super opportunité, je transfère à une amie qui cherche justement à {city}.",
               "Belle équipe, je confirme pour avoir travaillé avec eux.", "Le poste est-il ouvert aux candidatures en alternance ?",
               "Partagé ! Bonne chance pour ce recrutement."),
    "launch": ("Bravo à toute l'équipe, quel travail ! 👏", "Félicitations ! J'ai hâte de tester.",
               "Très beau lancement. Vous avez combien d'utilisateurs pilotes ?", "Bravo, et merci d'avoir impliqué les utilisateurs dès le début.",
               "Quelle belle étape, bravo !"),
    "event": ("Super initiative !", "Merci pour le partage, on en reparle autour d'un café ?",
              "Belle occasion d'échanger, bravo !", "Le sujet m'intéresse beaucoup, je serais {ravi} d'en discuter."),
    "recap": ("Merci pour ce résumé, très utile pour ceux qui n'ont pas pu y aller.", "Ça me parle énormément.",
              "Je suis {preneur} de tes notes !", "Très juste. On fait le même constat chez nous."),
    "training": ("Bravo, belle démarche !", "Bravo ! Tu recommandes cette formation ?",
                 "Excellente initiative, on devrait faire la même chose chez nous.", "Bravo pour la persévérance !"),
    "remote": ("Même constat chez nous : les jours communs sur site changent tout.", "Tellement vrai 😄",
               "Très {interesse} par la suite, tiens-nous au courant !", "Chez nous, c'est trois jours sur site et ça fonctionne bien."),
    "csr": ("Bravo pour la transparence, c'est rare.", "Très inspirant. Comment mesurez-vous les résultats ?",
            "C'est exactement la bonne approche : des engagements mesurables.", "Merci pour le partage, on s'en inspire !"),
    "cyber": ("Rappel indispensable, merci !", "Le genre de rappel qu'on n'entend jamais assez, merci.",
              "Tellement vrai : la technique ne fait pas tout.", "Je partage à mes équipes."),
    "data": ("Entièrement d'accord sur la qualité des données.", "Retour d'expérience précieux, merci.",
             "Même constat de notre côté.", "Vous avez mis en place une charte d'usage ?"),
    "article": ("Merci pour le partage, très intéressant.", "Je l'avais raté, merci !", "Article très clair, je le fais circuler."),
    "newjob": ("Félicitations et belle aventure ! 🎉", "Bravo, ils ont de la chance de t'avoir !",
               "Belle nouvelle, plein de réussite dans ce nouveau poste.", "Félicitations ! On fête ça bientôt ?"),
    "congrats": ("Félicitations, c'est mérité !", "Bravo ! 👏", "Toutes mes félicitations !", "Amplement mérité, bravo."),
    "question": ("Très bonne question, je suis {curieux} de lire les réponses.",
                 "Je te mets en relation en message privé avec quelqu'un qui pourra t'aider.",
                 "Je suis aussi {preneur} des réponses !", "Je t'écris en privé, j'ai quelques idées."),
    "team": ("Bravo à toute l'équipe !", "Quel beau message, ça donne envie de travailler avec vous.",
             "Tellement important de le dire. Merci.", "Bravo, c'est ce genre de management qui fait la différence."),
    "poll": ("J'ai voté ! Curieux de voir les résultats.", "Difficile de choisir, ça dépend vraiment des équipes.",
             "Intéressant, hâte de lire la synthèse."),
    "repost": ("Merci pour le relais !", "Très bon partage.", "Je n'avais pas vu passer, merci !"),
}
COMMENTS_EN = {
    "hiring": ("Sharing with my network!", "Great opportunity — forwarding to a friend who's looking in {city}.",
               "Lovely team, I can vouch for them.", "Is the role open to part-time applicants?"),
    "launch": ("Congratulations to the whole team! 👏", "Well done! Can't wait to try it.",
               "Great launch. How many pilot users did you have?", "Brilliant, and thanks for involving users from the start."),
    "event": ("Great initiative!", "Thanks for sharing — let's catch up over a coffee soon.",
              "Great chance to connect, well done!"),
    "recap": ("Thanks for the summary, really useful for those of us who couldn't go.", "This really resonates.",
              "Would love to see your notes!"),
    "training": ("Great initiative, well done!", "Congrats! Would you recommend the course?",
                 "Great initiative, we should do the same."),
    "remote": ("Same here: shared office days make all the difference.", "So true 😄",
               "Really keen to hear how it goes — keep us posted!"),
    "csr": ("Great transparency, that's rare.", "Inspiring. How do you measure the results?",
            "Exactly the right approach: measurable commitments."),
    "cyber": ("Essential reminder, thanks!", "The kind of reminder we can't hear too often.",
              "So true: technology is only half of it."),
    "data": ("Completely agree on data quality.", "Really valuable lessons, thank you.",
             "We've come to the same conclusion."),
    "article": ("Thanks for sharing, really interesting.", "I'd missed this one, thanks!", "Very clear piece, passing it on."),
    "newjob": ("Congratulations and good luck! 🎉", "Congrats — they're lucky to have you!", "Great news, all the best in the new role."),
    "congrats": ("Congratulations, well deserved!", "Brilliant news! 👏", "Many congratulations!"),
    "question": ("Great question — curious to read the answers.",
                 "Happy to introduce you to someone who could help — I'll message you.", "Following — keen to see the answers!"),
    "team": ("Well done to the whole team!", "Lovely message — makes me want to work with you.", "So important to say it. Thank you."),
    "poll": ("Voted! Curious to see the results.", "Hard to choose, it really depends on the team.", "Interesting — looking forward to the summary."),
    "repost": ("Thanks for sharing!", "Great share.", "Hadn't seen this, thanks!"),
}

# Replies: by the post's author (to thank) or by someone else (to agree); {first} is the person
# answered.
AUTHOR_REPLIES_FR = ("Merci {first} !", "Merci beaucoup {first} 🙏", "Merci pour ton message, {first} !",
                     "Avec plaisir {first}, on en reparle bientôt.", "Je t'écris en privé, {first}.")
OTHER_REPLIES_FR = ("Tout à fait d'accord avec toi {first}.", "+1, même expérience de mon côté.",
                    "Bonne remarque {first} !", "Pareil chez nous !")
AUTHOR_REPLIES_EN = ("Thanks {first}!", "Thank you so much, {first} 🙏", "Cheers {first}, let's catch up soon.",
                     "Will message you, {first}.")
OTHER_REPLIES_EN = ("Totally agree with you, {first}.", "+1, same experience here.", "Good point, {first}!")

# Reposts with a comment of one's own.
REPOSTS_FR = ("À lire et à partager 👇", "Je relaie, c'est important.", "Entièrement d'accord avec ce post.",
              "Très bon résumé, merci pour le partage.", "Je partage dans mon réseau : ça peut intéresser du monde à {city}.")
REPOSTS_EN = ("Worth a read 👇", "Sharing this — it matters.", "Couldn't agree more.", "Great summary, passing it on.")

# --- Camille's own posts (the demo login): French, about her work at Nexalys ------------------

# (days ago, topic, audience, text) — {mention} is one of her connections.
CAMILLE_POSTS = (
    (33.0, "launch", "public",
     "Grande étape pour l'équipe : la nouvelle version de l'espace client de Nexalys est en ligne "
     "pour nos 300 000 utilisateurs. Dix-huit mois de travail, plus de soixante tests avec de "
     "vrais clients, et un audit RGAA passé à 94 %.\n\nMerci à {mention} et à toute l'équipe "
     "pour leur engagement. On continue !\n\n#accessibilité #UX #numérique"),
    (24.0, "event", "public",
     "Prochain meetup accessibilité à Lyon le 12 : on parlera lecteurs d'écran et formulaires "
     "accessibles, avec une démonstration en direct. Entrée libre, inscription conseillée.\n\n"
     "#accessibilité #Lyon #meetup"),
    (15.0, "hiring", "public",
     "Nous recrutons un·e product owner pour l'équipe espace client chez Nexalys, à Lyon. Vous "
     "aimez travailler avec les utilisateurs, le design et la technique, et l'accessibilité "
     "vous tient à cœur ? Écrivez-moi !\n\n#recrutement #productowner #Lyon"),
    (8.0, "question", "members",
     "Question au réseau : comment embarquez-vous les équipes métier dans une démarche "
     "d'accessibilité, au-delà de la formation ? Je cherche des retours concrets.\n\n"
     "#accessibilité #conduiteduchangement"),
    (3.0, "recap", "public",
     "Trois choses que j'ai apprises en pilotant une refonte accessible :\n\n1. L'audit arrive "
     "trop tard s'il arrive à la fin.\n2. Les designers et les développeurs doivent tester "
     "ensemble avec un lecteur d'écran.\n3. Les utilisateurs en situation de handicap sont les "
     "meilleurs testeurs — et il faut les rémunérer.\n\n#accessibilité #RGAA #UX"),
    (0.6, "remote", "connections",
     "Retour d'un atelier d'équipe en présentiel après trois semaines très « visio ». On "
     "oublie à quel point un tableau blanc et un café font avancer les sujets. 😊\n\n"
     "#travailhybride #équipe"),
)
CAMILLE_POLL = (
    11.0, "members", "Petit sondage avant notre prochain meetup 👇\n\n#accessibilité",
    "Votre équipe teste-t-elle l'accessibilité de ses services ?",
    ("À chaque livraison", "Une fois par an", "Rarement", "Jamais"),
)
CAMILLE_DRAFTS = (
    "Bilan de six mois de tests utilisateurs sur l'espace client : ce qui nous a surpris, ce "
    "que nous avons changé et ce qu'il reste à faire. (à relire avec l'équipe avant de publier)",
    "Idées pour le prochain meetup : inviter une personne aveugle à présenter son usage "
    "quotidien des applications bancaires ? #accessibilité",
)
CAMILLE_SCHEDULED = (
    "Rappel : le meetup accessibilité de Lyon, c'est ce soir à 19 h ! Au programme : "
    "formulaires accessibles et démonstration d'un lecteur d'écran. À tout à l'heure 👋\n\n"
    "#accessibilité #Lyon"
)
