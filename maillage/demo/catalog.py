"""What the demo network is made of: names, cities, sectors, employers and schools.

Every employer here is fictional, except public institutions named after their city (a town
hall, a university hospital), which exist in every such city. Schools are real ones, since a
degree from "INSA Lyon" is what makes a French profile look like a French profile.
"""

from __future__ import annotations

from dataclasses import dataclass

# Data tables, laid out by hand to stay readable; the formatter would put one word a line.
# fmt: off

# --- Names ------------------------------------------------------------------------------------

FR_FIRST_F = (
    "Camille", "Hélène", "Françoise", "Zoé", "Chloé", "Léa", "Manon", "Inès", "Clémence",
    "Aurélie", "Élodie", "Mathilde", "Juliette", "Sophie", "Nathalie", "Isabelle", "Céline",
    "Émilie", "Anaïs", "Margaux", "Océane", "Sarah", "Julie", "Pauline", "Laure", "Agnès",
    "Béatrice", "Noémie", "Maëlle", "Solène", "Gaëlle", "Yasmine", "Aïcha", "Nadia", "Fatou",
    "Amandine", "Charlotte", "Claire", "Marion", "Valérie", "Sandrine", "Véronique", "Anne-Sophie",
    "Marie-Claire", "Léonie", "Capucine", "Lucie", "Éléonore", "Salomé", "Armelle", "Linh",
)
FR_FIRST_M = (
    "Jean", "Jérôme", "Loïc", "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Mathieu",
    "Théo", "Hugo", "Lucas", "Benoît", "François", "Stéphane", "Frédéric", "Sébastien",
    "Grégoire", "Rémi", "Cédric", "Yannick", "Gaël", "Hervé", "Pascal", "Olivier", "Pierre",
    "Étienne", "Raphaël", "Baptiste", "Quentin", "Adrien", "Clément", "Mehdi", "Karim", "Samir",
    "Moussa", "Rachid", "Jean-Baptiste", "Jean-François", "Pierre-Louis", "Marc-Antoine",
    "Anthony", "Kévin", "Arnaud", "Guillaume", "Timothée", "Aurélien", "Noé", "Bastien", "Minh",
)
FR_LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Gérard", "Nguyen", "Boyer",
    "Denis", "Lemaire", "Duval", "Joly", "Roche", "Noël", "Lucas", "Meunier", "Pérez",
    "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Leroux", "Colin",
    "Benali", "Haddad", "Diallo", "Traoré", "Ben Salah", "Da Silva", "Chauvin", "Besnard",
    "Delorme", "Lacroix", "Bézier", "Després", "Lévêque", "Hébert", "Ménard", "Pelé",
)
# Surnames that make a member from Brittany, Alsace, Quebec, Belgium or Switzerland look local.
FR_LAST_REGIONAL = {
    "Rennes": ("Le Gall", "Le Goff", "Kerbrat", "Le Bihan", "Guillou", "Tanguy", "Le Floch"),
    "Nantes": ("Le Gall", "Guillou", "Rivière", "Bréhier"),
    "Strasbourg": ("Muller", "Schmitt", "Meyer", "Klein", "Weber", "Fischer", "Hoffmann"),
    "Montréal": ("Tremblay", "Gagnon", "Côté", "Pelletier", "Lévesque", "Bélanger", "Bouchard"),
    "Bruxelles": ("Peeters", "Janssens", "Dupuis", "Lemmens", "Wouters", "Maes"),
    "Genève": ("Favre", "Rochat", "Perret", "Bühler", "Jaquet", "Mottier"),
    "Marseille": ("Giraud", "Rinaldi", "Santoni", "Pagès"),
    "Lille": ("Deschamps", "Vandenberghe", "Delattre", "Lemaire"),
}

# English-speaking members: mostly British and Irish names, and colleagues from elsewhere who
# work in English. (weight, female first names, male first names, last names)
EN_ORIGINS = (
    (50,
     ("Emma", "Olivia", "Charlotte", "Grace", "Hannah", "Emily", "Rachel", "Megan", "Lucy",
      "Eleanor", "Sinéad", "Zoë", "Niamh"),
     ("James", "Oliver", "Daniel", "William", "Jack", "Harry", "Samuel", "Ryan", "Ethan",
      "Liam", "Noah", "David", "Michael", "Benjamin", "Seán"),
     ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thompson", "Walker",
      "Wright", "Robinson", "Hughes", "Clarke", "O'Brien", "Murphy", "Campbell", "Stewart",
      "MacDonald", "Bennett", "Collins", "Turner", "Cooper", "Ward", "Morgan", "Harris")),
    (9, ("Priya", "Aisha", "Ananya"), ("Raj", "Arjun", "Rohan"),
     ("Patel", "Khan", "Sharma", "Gupta")),
    (5, ("Giulia", "Chiara"), ("Marco", "Luca"), ("Rossi", "Bianchi", "Ricci")),
    (5, ("Sofía", "Lucía"), ("Javier", "Álvaro"), ("García", "Fernández", "Muñoz")),
    (4, ("Ana", "Beatriz"), ("João", "Tiago"), ("Costa", "Silva", "Gonçalves")),
    (5, ("Anna", "Lena"), ("Lukas", "Jonas"), ("Schneider", "Müller", "Wagner")),
    (3, ("Zofia", "Kateřina"), ("Piotr", "Tomáš"), ("Nowak", "Novák", "Dvořák")),
    (3, ("Yuki", "Haruka"), ("Kenji", "Takeshi"), ("Tanaka", "Watanabe", "Sato")),
    (3, ("Mei", "Xinyi"), ("Wei", "Jun"), ("Chen", "Lin", "Wang")),
    (3, ("Ingrid", "Astrid"), ("Lars", "Erik"), ("Johansson", "Berg", "Lindqvist")),
    (4, ("Amara", "Ama"), ("Kwame", "Chidi"), ("Mensah", "Okafor", "Asante")),
)


# --- Places -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str
    region: str
    country_fr: str
    country_en: str
    # Public employers of the city, each with the French phrase that says "at <it>".
    institutions: tuple[tuple[str, str], ...]
    hospital: tuple[str, str]


CITIES = {
    c.name: c
    for c in (
        City("Paris", "Île-de-France", "France", "France",
             (("Ville de Paris", "à la Ville de Paris"),
              ("Région Île-de-France", "à la Région Île-de-France"),
              ("Ministère de la Culture", "au Ministère de la Culture")),
             ("AP-HP", "à l'AP-HP")),
        City("Lyon", "Auvergne-Rhône-Alpes", "France", "France",
             (("Mairie de Lyon", "à la Mairie de Lyon"),
              ("Métropole de Lyon", "à la Métropole de Lyon"),
              ("Région Auvergne-Rhône-Alpes", "à la Région Auvergne-Rhône-Alpes")),
             ("Hospices Civils de Lyon", "aux Hospices Civils de Lyon")),
        City("Nantes", "Pays de la Loire", "France", "France",
             (("Mairie de Nantes", "à la Mairie de Nantes"),
              ("Nantes Métropole", "à Nantes Métropole")),
             ("CHU de Nantes", "au CHU de Nantes")),
        City("Bordeaux", "Nouvelle-Aquitaine", "France", "France",
             (("Mairie de Bordeaux", "à la Mairie de Bordeaux"),
              ("Bordeaux Métropole", "à Bordeaux Métropole"),
              ("Région Nouvelle-Aquitaine", "à la Région Nouvelle-Aquitaine")),
             ("CHU de Bordeaux", "au CHU de Bordeaux")),
        City("Lille", "Hauts-de-France", "France", "France",
             (("Mairie de Lille", "à la Mairie de Lille"),
              ("Métropole Européenne de Lille", "à la Métropole Européenne de Lille")),
             ("CHU de Lille", "au CHU de Lille")),
        City("Toulouse", "Occitanie", "France", "France",
             (("Mairie de Toulouse", "à la Mairie de Toulouse"),
              ("Région Occitanie", "à la Région Occitanie")),
             ("CHU de Toulouse", "au CHU de Toulouse")),
        City("Marseille", "Provence-Alpes-Côte d'Azur", "France", "France",
             (("Mairie de Marseille", "à la Mairie de Marseille"),
              ("Métropole Aix-Marseille-Provence", "à la Métropole Aix-Marseille-Provence")),
             ("AP-HM", "à l'AP-HM")),
        City("Rennes", "Bretagne", "France", "France",
             (("Mairie de Rennes", "à la Mairie de Rennes"),
              ("Région Bretagne", "à la Région Bretagne")),
             ("CHU de Rennes", "au CHU de Rennes")),
        City("Strasbourg", "Grand Est", "France", "France",
             (("Ville de Strasbourg", "à la Ville de Strasbourg"),
              ("Eurométropole de Strasbourg", "à l'Eurométropole de Strasbourg")),
             ("Hôpitaux Universitaires de Strasbourg", "aux Hôpitaux Universitaires de Strasbourg")),
        City("Grenoble", "Auvergne-Rhône-Alpes", "France", "France",
             (("Ville de Grenoble", "à la Ville de Grenoble"),),
             ("CHU Grenoble Alpes", "au CHU Grenoble Alpes")),
        City("Montpellier", "Occitanie", "France", "France",
             (("Ville de Montpellier", "à la Ville de Montpellier"),),
             ("CHU de Montpellier", "au CHU de Montpellier")),
        City("Montréal", "Québec", "Canada", "Canada",
             (("Ville de Montréal", "à la Ville de Montréal"),),
             ("CHUM", "au CHUM")),
        City("Bruxelles", "Bruxelles-Capitale", "Belgique", "Belgium",
             (("Ville de Bruxelles", "à la Ville de Bruxelles"),
              ("Région de Bruxelles-Capitale", "à la Région de Bruxelles-Capitale")),
             ("CHU Saint-Pierre", "au CHU Saint-Pierre")),
        City("Genève", "Genève", "Suisse", "Switzerland",
             (("Ville de Genève", "à la Ville de Genève"),
              ("État de Genève", "à l'État de Genève")),
             ("Hôpitaux Universitaires de Genève", "aux Hôpitaux Universitaires de Genève")),
        City("London", "Greater London", "Royaume-Uni", "United Kingdom",
             (("Greater London Authority", "à la Greater London Authority"),
              ("Camden Council", "au Camden Council")),
             ("Guy's and St Thomas' NHS Foundation Trust", "au Guy's and St Thomas' NHS Trust")),
    )
}

# Where members live, by language: (city, weight).
CITY_WEIGHTS = {
    "fr": (
        ("Paris", 30), ("Lyon", 12), ("Nantes", 7), ("Bordeaux", 7), ("Lille", 6),
        ("Toulouse", 7), ("Marseille", 5), ("Rennes", 5), ("Strasbourg", 4), ("Grenoble", 3),
        ("Montpellier", 3), ("Montréal", 4), ("Bruxelles", 3), ("Genève", 3), ("London", 1),
    ),
    "en": (
        ("London", 35), ("Paris", 15), ("Montréal", 12), ("Genève", 9), ("Bruxelles", 9),
        ("Lyon", 6), ("Toulouse", 6), ("Bordeaux", 3), ("Lille", 2), ("Grenoble", 3),
    ),
}


# --- Sectors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    level: int  # 0 junior … 3 executive
    fr_m: str
    fr_f: str
    en: str
    duties: tuple[int, ...]  # indexes into the sector's duties that fit this job
    studies: tuple[int, ...]  # indexes into the sector's studies that lead to it


@dataclass(frozen=True)
class Study:
    fr: str
    en: str
    kinds: tuple[str, ...]  # school kinds (see SCHOOLS) where it is taught


@dataclass(frozen=True)
class Sector:
    key: str
    industry_fr: str
    industry_en: str
    weight: int
    titles: tuple[Title, ...]
    # Fictional employers; "@public" and "@hospital" stand for the city's own institutions.
    employers: tuple[str, ...]
    # Sentences a position's description is made of: (French, English).
    duties: tuple[tuple[str, str], ...]
    studies: tuple[Study, ...]
    domain: tuple[str, str]  # "le numérique" / "software", for about texts
    interests: tuple[tuple[str, str], ...]
    freelance: Title | None = None


T = Title
S = Study

SECTORS = (
    Sector(
        "tech", "Technologies de l'information", "Information technology", 18,
        (
            T(0, "Développeur web", "Développeuse web", "Web developer", (0, 4), (0, 1)),
            T(0, "Technicien support", "Technicienne support", "IT support technician",
              (6,), (3,)),
            T(1, "Développeur full-stack", "Développeuse full-stack", "Full-stack developer",
              (0, 4), (0, 1)),
            T(1, "Data engineer", "Data engineer", "Data engineer", (2, 1), (2, 0)),
            T(1, "Ingénieur DevOps", "Ingénieure DevOps", "DevOps engineer", (1, 7), (0, 3)),
            T(1, "Data scientist", "Data scientist", "Data scientist", (8, 2), (2,)),
            T(0, "Business analyst", "Business analyst", "Business analyst", (5,), (4, 2)),
            T(1, "Product owner", "Product owner", "Product owner", (5, 4), (4, 0)),
            T(2, "Lead développeur", "Lead développeuse", "Lead developer", (3, 4), (0, 1)),
            T(2, "Responsable data", "Responsable data", "Head of data", (8, 2), (2,)),
            T(2, "Product manager", "Product manager", "Product manager", (5, 4), (0, 4)),
            T(2, "Architecte logiciel", "Architecte logicielle", "Software architect", (1, 3),
              (0, 1)),
            T(3, "Directeur technique", "Directrice technique", "Chief technology officer",
              (9, 3), (0, 1)),
            T(3, "Responsable sécurité informatique", "Responsable sécurité informatique",
              "Head of IT security", (7, 9), (3, 0)),
        ),
        ("Nexalys", "Kerlune", "Datavoile", "Pixelume", "Sylvea Software", "Octaflow",
         "Brique Numérique", "Northbridge Analytics", "Clairval Tech", "Hexapod Labs",
         "Rivage Cloud", "Médiane Data"),
        (
            ("Développement de nouvelles fonctionnalités en Python et TypeScript.",
             "Built new features in Python and TypeScript."),
            ("Migration de l'infrastructure vers le cloud et mise en place de l'intégration "
             "continue.", "Moved the infrastructure to the cloud and set up continuous "
             "integration."),
            ("Conception de pipelines de données pour les équipes produit et marketing.",
             "Designed data pipelines for the product and marketing teams."),
            ("Animation d'une équipe de six développeurs et revue de code.",
             "Led a team of six developers and ran code reviews."),
            ("Amélioration des performances et de l'accessibilité de l'application.",
             "Improved the application's performance and accessibility."),
            ("Définition de la feuille de route produit avec les clients et l'équipe design.",
             "Set the product roadmap with customers and the design team."),
            ("Assistance aux utilisateurs et gestion du parc informatique.",
             "User support and management of the company's IT equipment."),
            ("Supervision, gestion des incidents et sauvegardes.",
             "Monitoring, incident response and backups."),
            ("Modèles de prévision de la demande et tableaux de bord pour la direction.",
             "Demand forecasting models and dashboards for management."),
            ("Recrutement et structuration de l'équipe technique, choix d'architecture.",
             "Hired and organised the engineering team; owned architecture decisions."),
        ),
        (
            S("Informatique", "Computer science", ("engineering", "university")),
            S("Génie logiciel", "Software engineering", ("engineering", "iut")),
            S("Science des données", "Data science", ("engineering", "university")),
            S("Réseaux et télécoms", "Networks & telecoms", ("iut", "engineering")),
            S("Management de l'innovation", "Innovation management", ("business",)),
        ),
        ("le numérique", "software"),
        (("le logiciel libre", "open source"), ("l'accessibilité numérique", "web accessibility"),
         ("la sobriété numérique", "green IT"), ("l'IA appliquée", "applied AI")),
        T(1, "Développeur freelance", "Développeuse freelance", "Freelance developer", (0, 4),
          (0, 1)),
    ),
    Sector(
        "finance", "Banque et assurance", "Banking & insurance", 10,
        (
            T(0, "Chargé de clientèle", "Chargée de clientèle", "Client advisor", (0, 6), (0, 3)),
            T(0, "Analyste financier junior", "Analyste financière junior",
              "Junior financial analyst", (1, 7), (0, 1)),
            T(1, "Contrôleur de gestion", "Contrôleuse de gestion", "Financial controller",
              (1,), (0, 3)),
            T(1, "Analyste crédit", "Analyste crédit", "Credit analyst", (2,), (0, 1)),
            T(1, "Actuaire", "Actuaire", "Actuary", (5,), (2,)),
            T(2, "Responsable des risques", "Responsable des risques", "Risk manager", (2, 3),
              (0, 1, 2)),
            T(2, "Directeur d'agence", "Directrice d'agence", "Branch manager", (4, 0), (0, 3)),
            T(3, "Directeur financier", "Directrice financière", "Chief financial officer",
              (8, 1), (0, 1)),
        ),
        ("Banque du Rhône", "Crédit Ligérien", "Mutuelle des Cinq Vallées",
         "Assurances Beaumarchais", "Finestra Capital", "Harbor & Finch", "Banque Saint-Clair",
         "Banque Lémanique", "Norvane Assurances"),
        (
            ("Suivi d'un portefeuille de clients professionnels et particuliers.",
             "Managed a portfolio of business and private clients."),
            ("Élaboration du budget annuel et du reporting mensuel.",
             "Prepared the annual budget and monthly reporting."),
            ("Analyse des dossiers de financement et des risques de crédit.",
             "Reviewed financing requests and credit risk."),
            ("Mise en conformité avec les nouvelles exigences réglementaires.",
             "Brought processes in line with new regulatory requirements."),
            ("Animation d'une équipe de huit conseillers et développement de l'agence.",
             "Led a team of eight advisers and grew the branch."),
            ("Tarification des contrats et calcul des provisions techniques.",
             "Priced policies and computed technical reserves."),
            ("Accueil et conseil des clients sur l'épargne et le crédit immobilier.",
             "Advised customers on savings and mortgages."),
            ("Valorisation d'entreprises et préparation des comités d'investissement.",
             "Company valuations and investment committee papers."),
            ("Pilotage de la trésorerie, des relations bancaires et de la clôture des comptes.",
             "Ran treasury, banking relationships and the year-end close."),
        ),
        (
            S("Finance", "Finance", ("business", "university")),
            S("Économie", "Economics", ("university",)),
            S("Actuariat", "Actuarial science", ("university",)),
            S("Gestion des entreprises", "Business administration", ("iut", "university")),
        ),
        ("la banque et l'assurance", "banking and insurance"),
        (("la finance durable", "sustainable finance"), ("la gestion des risques", "risk"),
         ("l'inclusion bancaire", "financial inclusion")),
    ),
    Sector(
        "consulting", "Conseil en management", "Management consulting", 9,
        (
            T(0, "Consultant junior", "Consultante junior", "Junior consultant", (1, 4), (0, 1)),
            T(1, "Consultant", "Consultante", "Consultant", (1, 2), (0, 1, 2)),
            T(1, "Consultant en transformation digitale", "Consultante en transformation digitale",
              "Digital transformation consultant", (5, 1), (0, 1)),
            T(2, "Manager", "Manager", "Manager", (2, 3), (0, 1, 2)),
            T(2, "Senior manager", "Senior manager", "Senior manager", (0, 2), (0, 1, 2)),
            T(3, "Associé", "Associée", "Partner", (0, 3), (0, 1)),
        ),
        ("Ardoise Conseil", "Cap Hermine Conseil", "Vasco & Associés", "Orbis Partners",
         "Quadrant Stratégie", "Meridian Advisory", "Tessera Conseil"),
        (
            ("Accompagnement de directions générales dans leurs projets de transformation.",
             "Supported executive teams through transformation programmes."),
            ("Conduite d'ateliers et d'entretiens, rédaction des recommandations.",
             "Ran workshops and interviews and wrote up the recommendations."),
            ("Pilotage de missions pour des clients de l'industrie et du secteur public.",
             "Led engagements for industrial and public-sector clients."),
            ("Développement commercial et encadrement de consultants juniors.",
             "Business development and coaching of junior consultants."),
            ("Analyses de marché, benchmarks et modélisation financière.",
             "Market analysis, benchmarks and financial modelling."),
            ("Cadrage de projets numériques et accompagnement au changement.",
             "Scoped digital projects and supported change."),
            ("Accompagnement individuel de dirigeants et de managers.",
             "One-to-one coaching of executives and managers."),
        ),
        (
            S("Management", "Management", ("business",)),
            S("Génie industriel", "Industrial engineering", ("engineering",)),
            S("Affaires publiques", "Public affairs", ("politics",)),
        ),
        ("le conseil", "consulting"),
        (("la conduite du changement", "change management"),
         ("la stratégie d'entreprise", "corporate strategy"),
         ("l'innovation publique", "public innovation")),
        T(1, "Coach professionnel", "Coach professionnelle", "Executive coach", (6,), (0,)),
    ),
    Sector(
        "health", "Santé", "Health care", 9,
        (
            T(0, "Infirmier", "Infirmière", "Nurse", (0,), (0,)),
            T(0, "Attaché de recherche clinique", "Attachée de recherche clinique",
              "Clinical research associate", (1,), (4, 1)),
            T(1, "Pharmacien", "Pharmacienne", "Pharmacist", (4, 3), (1,)),
            T(1, "Cadre de santé", "Cadre de santé", "Nurse manager", (5, 3), (0,)),
            T(1, "Chef de projet e-santé", "Cheffe de projet e-santé",
              "Digital health project manager", (2,), (3, 4)),
            T(0, "Interne en médecine", "Interne en médecine", "Resident physician", (6,), (2,)),
            T(2, "Praticien hospitalier", "Praticienne hospitalière", "Hospital physician",
              (6, 1), (2,)),
            T(3, "Chef de service", "Cheffe de service", "Head of department", (6, 5), (2,)),
            T(2, "Responsable qualité", "Responsable qualité", "Quality manager", (3,), (3, 1)),
            T(3, "Directeur des soins", "Directrice des soins", "Director of nursing", (5, 3),
              (0, 3)),
        ),
        ("@hospital", "@hospital", "Clinique des Tilleuls", "Laboratoires Alvéa", "Santéo",
         "MedLoop", "Biolys Pharma"),
        (
            ("Prise en charge des patients en service de médecine et coordination avec les "
             "équipes.", "Cared for patients on a medical ward and coordinated with the teams."),
            ("Suivi des essais cliniques et des relations avec les investigateurs.",
             "Monitored clinical trials and worked with investigators."),
            ("Déploiement du dossier patient informatisé dans les services.",
             "Rolled out electronic health records across departments."),
            ("Démarche qualité et préparation de la certification.",
             "Ran the quality programme and prepared the accreditation."),
            ("Dispensation, conseil aux patients et gestion des stocks de médicaments.",
             "Dispensing, patient advice and medicine stock management."),
            ("Encadrement des équipes soignantes et organisation des plannings.",
             "Managed nursing teams and their rotas."),
            ("Consultations, gardes et participation à l'enseignement des internes.",
             "Consultations, on-call duty and teaching junior doctors."),
        ),
        (
            S("Soins infirmiers", "Nursing", ("nursing",)),
            S("Pharmacie", "Pharmacy", ("university",)),
            S("Médecine", "Medicine", ("university",)),
            S("Management des établissements de santé", "Health care management",
              ("business", "university")),
            S("Biologie", "Biology", ("university",)),
        ),
        ("la santé", "health care"),
        (("la prévention", "prevention"), ("l'e-santé", "digital health"),
         ("la qualité des soins", "quality of care")),
    ),
    Sector(
        "public", "Administration publique", "Government administration", 8,
        (
            T(0, "Chargé de mission", "Chargée de mission", "Policy officer", (0, 1), (0, 2)),
            T(0, "Gestionnaire administratif", "Gestionnaire administrative",
              "Administrative officer", (1, 5), (0,)),
            T(1, "Chef de projet transition écologique", "Cheffe de projet transition écologique",
              "Sustainability project manager", (0, 2), (1, 2)),
            T(1, "Urbaniste", "Urbaniste", "Urban planner", (2, 6), (1,)),
            T(1, "Chef de projet numérique", "Cheffe de projet numérique",
              "Digital project manager", (3,), (3,)),
            T(2, "Responsable du service communication", "Responsable du service communication",
              "Head of communications", (4, 2), (2,)),
            T(2, "Directeur des systèmes d'information", "Directrice des systèmes d'information",
              "Chief information officer", (3,), (3,)),
            T(3, "Directeur général des services", "Directrice générale des services",
              "Chief executive", (7, 1), (0, 2)),
        ),
        ("@public", "@public", "@public", "France Travail", "Agence Territoriale du Numérique"),
        (
            ("Pilotage du plan climat et animation des partenaires locaux.",
             "Ran the local climate plan and worked with local partners."),
            ("Préparation des délibérations et suivi budgétaire des projets.",
             "Prepared council decisions and tracked project budgets."),
            ("Conduite de la concertation avec les habitants.",
             "Led public consultations with residents."),
            ("Modernisation des démarches en ligne proposées aux usagers.",
             "Modernised the online services offered to residents."),
            ("Magazine municipal, réseaux sociaux et relations avec la presse.",
             "Ran the city magazine, social media and press relations."),
            ("Gestion des marchés publics et des dossiers de subvention.",
             "Handled public procurement and grant applications."),
            ("Révision du plan local d'urbanisme.", "Revised the local development plan."),
            ("Direction de 1 200 agents et mise en œuvre du projet de mandat.",
             "Led 1,200 staff and delivered the council's programme."),
        ),
        (
            S("Droit public", "Public law", ("law", "university")),
            S("Aménagement du territoire", "Urban planning", ("university", "politics")),
            S("Affaires publiques", "Public affairs", ("politics",)),
            S("Systèmes d'information", "Information systems", ("engineering",)),
        ),
        ("le service public", "the public sector"),
        (("les politiques publiques", "public policy"), ("la ville durable", "sustainable cities"),
         ("la participation citoyenne", "civic participation")),
    ),
    Sector(
        "energy", "Énergie et environnement", "Energy & environment", 6,
        (
            T(0, "Technicien de maintenance", "Technicienne de maintenance",
              "Maintenance technician", (2, 3), (2,)),
            T(1, "Ingénieur d'études", "Ingénieure d'études", "Design engineer", (0, 4), (0, 2)),
            T(1, "Chef de projet éolien", "Cheffe de projet éolien", "Wind project manager",
              (0, 5), (0, 1)),
            T(1, "Ingénieur efficacité énergétique", "Ingénieure efficacité énergétique",
              "Energy efficiency engineer", (1,), (0, 1)),
            T(2, "Responsable d'exploitation", "Responsable d'exploitation", "Operations manager",
              (2, 3), (0, 2)),
            T(3, "Directeur des opérations", "Directrice des opérations",
              "Chief operating officer", (6, 3), (0, 1)),
        ),
        ("Voltéa Énergies", "Hélio Sud", "Réseau Électrique de l'Ouest", "Hydréa",
         "Windale Power", "Géothermia"),
        (
            ("Développement de parcs éoliens et solaires, des études à la mise en service.",
             "Developed wind and solar farms from studies to commissioning."),
            ("Audits énergétiques de bâtiments tertiaires.",
             "Carried out energy audits of office buildings."),
            ("Maintenance préventive et suivi de la production.",
             "Preventive maintenance and production monitoring."),
            ("Coordination des prestataires et respect des règles de sécurité.",
             "Coordinated contractors and enforced safety rules."),
            ("Dimensionnement des raccordements au réseau électrique.",
             "Sized grid connections."),
            ("Concertation avec les élus et les riverains, dossiers d'autorisation.",
             "Consulted local councils and residents; prepared permit applications."),
            ("Direction de quatre sites de production et de 150 collaborateurs.",
             "Ran four production sites and 150 staff."),
        ),
        (
            S("Génie énergétique", "Energy engineering", ("engineering",)),
            S("Environnement", "Environmental science", ("university",)),
            S("Génie électrique", "Electrical engineering", ("iut", "engineering")),
        ),
        ("l'énergie", "energy"),
        (("les énergies renouvelables", "renewables"), ("la rénovation thermique", "retrofits"),
         ("les réseaux intelligents", "smart grids")),
    ),
    Sector(
        "retail", "Commerce et distribution", "Retail", 7,
        (
            T(0, "Conseiller de vente", "Conseillère de vente", "Sales associate", (4,), (0,)),
            T(0, "Assistant acheteur", "Assistante acheteuse", "Assistant buyer", (1, 3), (0, 1)),
            T(1, "Acheteur", "Acheteuse", "Buyer", (1,), (0, 1)),
            T(1, "Chef de rayon", "Cheffe de rayon", "Department manager", (3, 4), (0,)),
            T(1, "Responsable e-commerce", "Responsable e-commerce", "E-commerce manager", (2,),
              (1,)),
            T(2, "Directeur de magasin", "Directrice de magasin", "Store manager", (0, 3), (0, 1)),
            T(3, "Directeur commercial", "Directrice commerciale", "Sales director", (5, 1),
              (1,)),
        ),
        ("Maison Pernelle", "Galeries Beaulieu", "Le Panier Malin", "Comptoir Céleste",
         "Drapé Paris", "Urban Fox Retail"),
        (
            ("Gestion d'une équipe de vente et des objectifs du magasin.",
             "Managed a sales team and the store's targets."),
            ("Négociation avec les fournisseurs et construction de l'offre.",
             "Negotiated with suppliers and built the product range."),
            ("Lancement de la boutique en ligne et du retrait en magasin.",
             "Launched the online shop and click-and-collect."),
            ("Suivi des stocks et des indicateurs commerciaux.",
             "Tracked stock levels and sales figures."),
            ("Accueil et conseil des clients, mise en valeur des collections.",
             "Welcomed and advised customers and set up displays."),
            ("Stratégie commerciale du réseau de quarante magasins.",
             "Sales strategy for a network of forty stores."),
        ),
        (
            S("Techniques de commercialisation", "Sales and marketing", ("iut",)),
            S("Commerce et marketing", "Marketing", ("business",)),
        ),
        ("le commerce", "retail"),
        (("le commerce de proximité", "local retail"), ("la mode responsable", "sustainable fashion"),
         ("l'omnicanal", "omnichannel retail")),
    ),
    Sector(
        "media", "Communication et médias", "Media & communications", 9,
        (
            T(0, "Chargé de communication", "Chargée de communication",
              "Communications officer", (0, 1), (0, 2, 3)),
            T(0, "Community manager", "Community manager", "Community manager", (0, 2), (2, 0)),
            T(1, "Journaliste", "Journaliste", "Journalist", (3,), (1,)),
            T(1, "Chef de projet digital", "Cheffe de projet digital", "Digital project manager",
              (4, 2), (2, 0)),
            T(1, "Concepteur-rédacteur", "Conceptrice-rédactrice", "Copywriter", (5,), (0,)),
            T(2, "Responsable marketing", "Responsable marketing", "Marketing manager", (2, 6),
              (2,)),
            T(2, "Rédacteur en chef", "Rédactrice en chef", "Editor-in-chief", (7, 3), (1,)),
            T(3, "Directeur de la communication", "Directrice de la communication",
              "Chief communications officer", (6, 1), (0, 3)),
        ),
        ("Agence Cerise", "Studio Mistral", "La Gazette du Ponant", "Onde Claire Radio",
         "Pollen Communication", "Brightline Media", "Atelier Lumen"),
        (
            ("Création de contenus pour les réseaux sociaux et le site web.",
             "Created content for social media and the website."),
            ("Organisation d'événements et relations presse.",
             "Organised events and handled press relations."),
            ("Pilotage des campagnes et suivi de leur performance.",
             "Ran campaigns and measured their performance."),
            ("Enquêtes et reportages pour l'édition régionale.",
             "Investigations and reports for the regional edition."),
            ("Refonte du site et de l'application, de l'appel d'offres à la mise en ligne.",
             "Rebuilt the website and app, from tender to launch."),
            ("Écriture de campagnes pour des marques de la distribution et du tourisme.",
             "Wrote campaigns for retail and tourism brands."),
            ("Définition de la stratégie de marque et encadrement de l'équipe.",
             "Set the brand strategy and managed the team."),
            ("Direction d'une rédaction de quinze journalistes.",
             "Ran a newsroom of fifteen journalists."),
        ),
        (
            S("Information et communication", "Communication studies",
              ("university", "iut", "politics")),
            S("Journalisme", "Journalism", ("politics", "university")),
            S("Marketing digital", "Digital marketing", ("business",)),
            S("Affaires publiques", "Public affairs", ("politics",)),
        ),
        ("la communication et les médias", "media and communications"),
        (("le journalisme local", "local journalism"), ("la marque employeur", "employer branding"),
         ("les podcasts", "podcasting")),
        T(1, "Consultant marketing indépendant", "Consultante marketing indépendante",
          "Freelance marketing consultant", (2, 6), (2,)),
    ),
    Sector(
        "education", "Enseignement et formation", "Education", 6,
        (
            T(0, "Professeur des écoles", "Professeure des écoles", "Primary school teacher",
              (4,), (0,)),
            T(1, "Enseignant en mathématiques", "Enseignante en mathématiques",
              "Mathematics teacher", (1,), (1,)),
            T(1, "Ingénieur pédagogique", "Ingénieure pédagogique", "Instructional designer",
              (0,), (0,)),
            T(1, "Formateur", "Formatrice", "Trainer", (0, 5), (0, 2)),
            T(2, "Responsable de formation", "Responsable de formation", "Training manager",
              (0, 5), (0,)),
            T(2, "Conseiller pédagogique", "Conseillère pédagogique", "Educational adviser",
              (3,), (1, 2)),
            T(3, "Directeur d'établissement", "Directrice d'établissement", "Head of school",
              (2,), (0,)),
        ),
        ("Campus Mosaïque", "Learnly", "Institut Saint-Exupéry", "Académie des Savoirs"),
        (
            ("Conception de parcours de formation hybrides.",
             "Designed blended learning programmes."),
            ("Enseignement et accompagnement d'élèves de la seconde à la terminale.",
             "Taught and mentored secondary-school students."),
            ("Coordination de l'équipe pédagogique et relations avec les familles.",
             "Coordinated the teaching team and worked with families."),
            ("Accompagnement des enseignants débutants et des projets d'établissement.",
             "Mentored new teachers and supported school projects."),
            ("Classe de CE2, projets autour de la lecture et des sciences.",
             "Year 4 class; reading and science projects."),
            ("Animation de formations pour adultes en reconversion.",
             "Ran training courses for adults changing careers."),
        ),
        (
            S("Sciences de l'éducation", "Education", ("university",)),
            S("Mathématiques", "Mathematics", ("university",)),
            S("Lettres modernes", "Literature", ("university",)),
        ),
        ("l'éducation et la formation", "education"),
        (("la pédagogie active", "active learning"), ("l'inclusion scolaire", "inclusive education"),
         ("la formation tout au long de la vie", "lifelong learning")),
    ),
    Sector(
        "industry", "Industrie", "Manufacturing", 7,
        (
            T(0, "Technicien méthodes", "Technicienne méthodes", "Process technician", (0,),
              (2,)),
            T(1, "Ingénieur qualité", "Ingénieure qualité", "Quality engineer", (2,), (1, 0, 3)),
            T(1, "Ingénieur mécanique", "Ingénieure mécanique", "Mechanical engineer", (4, 1),
              (0, 3)),
            T(1, "Acheteur industriel", "Acheteuse industrielle", "Industrial buyer", (5, 2),
              (1,)),
            T(2, "Responsable de production", "Responsable de production", "Production manager",
              (3, 0), (1, 0, 2)),
            T(2, "Chef de projet industrialisation", "Cheffe de projet industrialisation",
              "Industrialisation project manager", (1,), (1, 0, 3)),
            T(3, "Directeur d'usine", "Directrice d'usine", "Plant manager", (6, 0), (1, 0)),
        ),
        ("Aéroline Systèmes", "Forges de Valmont", "Méca Précision Alpes", "Aerolys",
         "Verrerie du Nord", "Stellon Industries"),
        (
            ("Amélioration continue sur les lignes de production (lean, 5S).",
             "Continuous improvement on production lines (lean, 5S)."),
            ("Industrialisation de nouvelles pièces pour l'aéronautique.",
             "Industrialised new parts for aerospace."),
            ("Gestion des non-conformités et des audits fournisseurs.",
             "Handled non-conformities and supplier audits."),
            ("Encadrement d'une équipe de quarante opérateurs.",
             "Managed a team of forty operators."),
            ("Conception mécanique et calculs de structure sous CATIA.",
             "Mechanical design and structural analysis in CATIA."),
            ("Négociation des achats de pièces et de matières premières.",
             "Negotiated purchases of parts and raw materials."),
            ("Direction d'un site de 300 personnes : sécurité, qualité, coûts et délais.",
             "Ran a 300-person plant: safety, quality, cost and delivery."),
        ),
        (
            S("Génie mécanique", "Mechanical engineering", ("engineering", "iut")),
            S("Génie industriel", "Industrial engineering", ("engineering",)),
            S("Génie mécanique et productique", "Mechanical and production engineering",
              ("iut",)),
            S("Matériaux", "Materials science", ("engineering", "university")),
        ),
        ("l'industrie", "manufacturing"),
        (("l'industrie 4.0", "industry 4.0"), ("la relocalisation", "reshoring"),
         ("la sécurité au travail", "workplace safety")),
    ),
    Sector(
        "hr", "Ressources humaines", "Human resources", 6,
        (
            T(0, "Chargé de recrutement", "Chargée de recrutement", "Recruiter", (0,), (0, 1)),
            T(0, "Assistant RH", "Assistante RH", "HR assistant", (4,), (0, 2)),
            T(1, "HR business partner", "HR business partner", "HR business partner", (1, 2),
              (0, 2)),
            T(1, "Talent acquisition manager", "Talent acquisition manager",
              "Talent acquisition manager", (0, 3), (0, 1)),
            T(2, "Responsable des ressources humaines", "Responsable des ressources humaines",
              "HR manager", (1, 2), (0, 2)),
            T(3, "Directeur des ressources humaines", "Directrice des ressources humaines",
              "Chief people officer", (5, 1), (0, 2)),
        ),
        ("Ressources & Talents", "Humaneo", "PeopleFirst Partners", "Cabinet Alcyon RH"),
        (
            ("Recrutement de profils techniques et commerciaux.",
             "Hired engineering and sales profiles."),
            ("Accompagnement des managers et gestion des relations sociales.",
             "Supported managers and handled employee relations."),
            ("Mise en place du plan de développement des compétences.",
             "Set up the skills development plan."),
            ("Refonte du processus d'intégration des nouveaux arrivants.",
             "Redesigned the onboarding process."),
            ("Administration du personnel, paie et suivi des absences.",
             "Personnel administration, payroll and absence tracking."),
            ("Politique RH d'un groupe de 2 000 salariés et dialogue social.",
             "HR policy for a 2,000-employee group and relations with unions."),
        ),
        (
            S("Gestion des ressources humaines", "Human resource management",
              ("business", "university")),
            S("Psychologie du travail", "Occupational psychology", ("university",)),
            S("Droit social", "Employment law", ("law",)),
        ),
        ("les ressources humaines", "HR"),
        (("la qualité de vie au travail", "wellbeing at work"),
         ("le recrutement inclusif", "inclusive hiring"), ("la formation", "learning")),
        T(1, "Consultant RH indépendant", "Consultante RH indépendante",
          "Independent HR consultant", (0, 1), (0, 1)),
    ),
    Sector(
        "legal", "Droit", "Legal services", 4,
        (
            T(0, "Juriste junior", "Juriste junior", "Junior legal counsel", (1, 2), (0, 2)),
            T(1, "Avocat", "Avocate", "Lawyer", (0, 3), (0, 1)),
            T(1, "Juriste droit social", "Juriste droit social", "Employment law counsel", (0,),
              (1,)),
            T(2, "Responsable juridique", "Responsable juridique", "Head of legal", (1, 2),
              (0, 2)),
            T(3, "Avocat associé", "Avocate associée", "Partner", (4, 0), (0, 1)),
            T(3, "Directeur juridique", "Directrice juridique", "General counsel", (5, 1),
              (0,)),
        ),
        ("Vauban Avocats", "Delorme & Associés", "Themis Legal", "Fairbank & Lowe LLP"),
        (
            ("Conseil aux entreprises en droit des contrats et droit social.",
             "Advised companies on contract and employment law."),
            ("Rédaction et négociation de contrats commerciaux.",
             "Drafted and negotiated commercial contracts."),
            ("Mise en conformité RGPD des traitements de données.",
             "Brought data processing in line with the GDPR."),
            ("Représentation des clients devant les juridictions.",
             "Represented clients in court."),
            ("Développement du pôle droit social et encadrement de cinq avocats.",
             "Built the employment law practice and managed five lawyers."),
            ("Direction juridique du groupe : contrats, contentieux et conformité.",
             "Group legal: contracts, litigation and compliance."),
        ),
        (
            S("Droit des affaires", "Business law", ("law",)),
            S("Droit social", "Employment law", ("law",)),
            S("Droit du numérique", "IT law", ("law", "university")),
        ),
        ("le droit", "law"),
        (("la protection des données", "data protection"), ("la médiation", "mediation"),
         ("le droit de l'environnement", "environmental law")),
    ),
    Sector(
        "logistics", "Transport et logistique", "Transport & logistics", 5,
        (
            T(0, "Agent d'exploitation", "Agente d'exploitation", "Logistics coordinator", (0,),
              (0,)),
            T(1, "Responsable d'entrepôt", "Responsable d'entrepôt", "Warehouse manager", (1, 4),
              (0, 1)),
            T(1, "Planificateur", "Planificatrice", "Supply planner", (2,), (1,)),
            T(1, "Analyste supply chain", "Analyste supply chain", "Supply chain analyst", (2, 1),
              (1, 2)),
            T(2, "Responsable supply chain", "Responsable supply chain", "Supply chain manager",
              (2, 3), (1, 2)),
            T(3, "Directeur logistique", "Directrice logistique", "Head of logistics", (5, 3),
              (1, 2)),
        ),
        ("Translog Atlantique", "Fret Express Rhône", "Ligne Verte Mobilités", "Cargonaut",
         "Port Horizon Logistique"),
        (
            ("Organisation des tournées et suivi des livraisons.",
             "Planned delivery rounds and tracked shipments."),
            ("Optimisation des flux de l'entrepôt et des stocks.",
             "Optimised warehouse flows and stock."),
            ("Prévisions de la demande et planification de la production.",
             "Demand forecasting and production planning."),
            ("Réduction de l'empreinte carbone du transport.",
             "Cut the carbon footprint of transport."),
            ("Encadrement de trente préparateurs de commandes.",
             "Managed thirty order pickers."),
            ("Direction de la logistique France : six entrepôts et le transport.",
             "Ran logistics for France: six warehouses and transport."),
        ),
        (
            S("Gestion logistique et transport", "Logistics and transport", ("iut",)),
            S("Supply chain", "Supply chain management", ("business", "engineering")),
            S("Génie industriel", "Industrial engineering", ("engineering",)),
        ),
        ("la logistique", "logistics"),
        (("la logistique urbaine", "urban logistics"), ("le fret ferroviaire", "rail freight"),
         ("la supply chain durable", "sustainable supply chains")),
    ),
    Sector(
        "design", "Design et architecture", "Design & architecture", 5,
        (
            T(0, "Designer graphique", "Designer graphique", "Graphic designer", (1,), (0,)),
            T(1, "UX designer", "UX designer", "UX designer", (0, 3), (2,)),
            T(1, "Architecte", "Architecte", "Architect", (2,), (1,)),
            T(2, "Architecte chef de projet", "Architecte cheffe de projet", "Project architect",
              (2,), (1,)),
            T(3, "Architecte associé", "Architecte associée", "Partner architect", (2,), (1,)),
            T(1, "Designer produit", "Designer produit", "Product designer", (0, 3), (2, 0)),
            T(2, "Directeur artistique", "Directrice artistique", "Art director", (1, 4), (0,)),
            T(3, "Directeur de la création", "Directrice de la création", "Creative director",
              (4, 1), (0, 2)),
        ),
        ("Atelier Lumen", "Trame Architectes", "Studio Bleu Ardoise", "Formes & Fonctions",
         "Atelier Nord-Sud"),
        (
            ("Conception d'interfaces et tests avec les utilisateurs.",
             "Designed interfaces and tested them with users."),
            ("Création d'identités visuelles pour des marques et des institutions.",
             "Created visual identities for brands and institutions."),
            ("Conception et suivi de chantiers de logements et d'équipements publics.",
             "Designed and oversaw housing and public building projects."),
            ("Mise en place d'un design system partagé.",
             "Set up a shared design system."),
            ("Direction artistique des campagnes et encadrement des designers.",
             "Art direction of campaigns and management of the design team."),
        ),
        (
            S("Design graphique", "Graphic design", ("design",)),
            S("Architecture", "Architecture", ("architecture",)),
            S("Design d'interaction", "Interaction design", ("design",)),
        ),
        ("le design et l'architecture", "design"),
        (("l'écoconception", "eco-design"), ("le design inclusif", "inclusive design"),
         ("la typographie", "typography")),
        T(1, "Designer UX freelance", "Designer UX freelance", "Freelance UX designer", (0, 3),
          (2,)),
    ),
)
SECTORS_BY_KEY = {s.key: s for s in SECTORS}

_IN_HOUSE = (
    "Nexalys", "Forges de Valmont", "Galeries Beaulieu", "Crédit Ligérien", "Translog Atlantique",
    "Santéo", "Voltéa Énergies", "Aéroline Systèmes", "Norvane Assurances", "Maison Pernelle",
)
_RETAIL_BANKS = ("Banque du Rhône", "Crédit Ligérien", "Banque Saint-Clair", "Banque Lémanique")
_CARE = ("@hospital", "@hospital", "Clinique des Tilleuls")
_NEWSROOMS = ("La Gazette du Ponant", "Onde Claire Radio", "Brightline Media", "Le Fil Rhodanien")
_LAW_FIRMS = ("Vauban Avocats", "Delorme & Associés", "Themis Legal", "Fairbank & Lowe LLP")
_SCHOOLS = ("Lycée Jean-Moulin", "Lycée Marie-Curie", "Collège Victor-Hugo")
_ARCHITECTS = ("Trame Architectes", "Atelier Nord-Sud", "Agence Ligne & Lumière")
_DESIGN = ("Atelier Lumen", "Studio Bleu Ardoise", "Formes & Fonctions", "Agence Cerise")

# Jobs that only exist at some kinds of employer (by French masculine title); the others take
# any employer of their sector.
TITLE_EMPLOYERS = {
    "Chargé de clientèle": (*_RETAIL_BANKS, "Norvane Assurances", "Assurances Beaumarchais"),
    "Directeur d'agence": _RETAIL_BANKS,
    "Infirmier": _CARE,
    "Interne en médecine": ("@hospital",),
    "Praticien hospitalier": ("@hospital",),
    "Chef de service": ("@hospital",),
    "Cadre de santé": _CARE,
    "Directeur des soins": _CARE,
    "Pharmacien": ("@hospital", "Laboratoires Alvéa", "Biolys Pharma", "Pharmacie du Marché"),
    "Attaché de recherche clinique": ("@hospital", "Laboratoires Alvéa", "Biolys Pharma"),
    "Chef de projet e-santé": ("@hospital", "MedLoop", "Santéo"),
    "Directeur général des services": ("@public",),
    "Urbaniste": ("@public", "@public", "Agence d'urbanisme de l'aire métropolitaine"),
    "Journaliste": _NEWSROOMS,
    "Rédacteur en chef": _NEWSROOMS,
    "Professeur des écoles": ("École élémentaire Jules-Ferry", "École Pivot"),
    "Enseignant en mathématiques": _SCHOOLS,
    "Conseiller pédagogique": (*_SCHOOLS, "Académie des Savoirs"),
    "Directeur d'établissement": (*_SCHOOLS, "École Pivot", "Campus Mosaïque"),
    "HR business partner": _IN_HOUSE,
    "Responsable des ressources humaines": _IN_HOUSE,
    "Directeur des ressources humaines": _IN_HOUSE,
    "Avocat": _LAW_FIRMS,
    "Avocat associé": _LAW_FIRMS,
    "Responsable juridique": _IN_HOUSE,
    "Directeur juridique": _IN_HOUSE,
    "Architecte": _ARCHITECTS,
    "Architecte chef de projet": _ARCHITECTS,
    "Architecte associé": _ARCHITECTS,
    "Designer graphique": _DESIGN,
    "UX designer": (*_DESIGN, "Nexalys", "Pixelume", "Octaflow"),
    "Designer produit": (*_DESIGN, "Nexalys", "Pixelume", "Octaflow"),
    "Directeur artistique": _DESIGN,
}


# --- Schools ----------------------------------------------------------------------------------

# kind → schools; each school's city is only used to keep degrees near home more often.
SCHOOLS = {
    "engineering": (
        ("INSA Lyon", "Lyon"), ("Polytech Lille", "Lille"), ("Centrale Nantes", "Nantes"),
        ("Toulouse INP – ENSEEIHT", "Toulouse"), ("Télécom Paris", "Paris"),
        ("Université de technologie de Compiègne", "Paris"), ("Grenoble INP", "Grenoble"),
        ("IMT Atlantique", "Rennes"), ("INSA Strasbourg", "Strasbourg"),
        ("Polytechnique Montréal", "Montréal"), ("EPFL", "Genève"),
    ),
    "business": (
        ("HEC Paris", "Paris"), ("ESSEC", "Paris"), ("ESCP Business School", "Paris"),
        ("EDHEC Business School", "Lille"), ("emlyon business school", "Lyon"),
        ("Audencia", "Nantes"), ("KEDGE Business School", "Bordeaux"),
        ("Toulouse Business School", "Toulouse"), ("NEOMA Business School", "Paris"),
    ),
    "university": (
        ("Université Paris-Saclay", "Paris"), ("Sorbonne Université", "Paris"),
        ("Université de Nantes", "Nantes"), ("Université de Bordeaux", "Bordeaux"),
        ("Université Lumière Lyon 2", "Lyon"), ("Université Claude Bernard Lyon 1", "Lyon"),
        ("Université de Lille", "Lille"), ("Université de Strasbourg", "Strasbourg"),
        ("Aix-Marseille Université", "Marseille"), ("Université Rennes 2", "Rennes"),
        ("Université Toulouse Capitole", "Toulouse"), ("Université Grenoble Alpes", "Grenoble"),
        ("Université de Montpellier", "Montpellier"), ("Université de Montréal", "Montréal"),
        ("Université libre de Bruxelles", "Bruxelles"), ("Université de Genève", "Genève"),
        ("University College London", "London"), ("King's College London", "London"),
        ("London School of Economics", "London"), ("McGill University", "Montréal"),
    ),
    "politics": (
        ("Sciences Po", "Paris"), ("Sciences Po Lyon", "Lyon"), ("Sciences Po Bordeaux", "Bordeaux"),
        ("Sciences Po Lille", "Lille"), ("Sciences Po Rennes", "Rennes"),
    ),
    "iut": (
        ("IUT de Bordeaux", "Bordeaux"), ("IUT de Lannion", "Rennes"), ("IUT Lyon 1", "Lyon"),
        ("IUT de Nantes", "Nantes"), ("IUT Paris – Rives de Seine", "Paris"),
        ("IUT de Lille", "Lille"), ("IUT de Toulouse", "Toulouse"),
    ),
    "law": (
        ("Université Paris 1 Panthéon-Sorbonne", "Paris"),
        ("Université Paris-Panthéon-Assas", "Paris"), ("Université Jean Moulin Lyon 3", "Lyon"),
        ("Université Toulouse Capitole", "Toulouse"), ("Université de Lille", "Lille"),
        ("Université de Bordeaux", "Bordeaux"),
    ),
    "design": (
        ("École nationale supérieure des Arts Décoratifs", "Paris"),
        ("Strate École de design", "Paris"), ("Gobelins Paris", "Paris"),
        ("École de design Nantes Atlantique", "Nantes"), ("ECV Bordeaux", "Bordeaux"),
        ("Central Saint Martins", "London"),
    ),
    "architecture": (
        ("ENSA Nantes", "Nantes"), ("ENSA Lyon", "Lyon"), ("ENSA Paris-Belleville", "Paris"),
        ("ENSA Bordeaux", "Bordeaux"), ("ENSA Strasbourg", "Strasbourg"),
        ("Bartlett School of Architecture, UCL", "London"),
    ),
    "nursing": (
        ("IFSI de l'AP-HP", "Paris"), ("IFSI des Hospices Civils de Lyon", "Lyon"),
        ("IFSI du CHU de Nantes", "Nantes"), ("IFSI du CHU de Bordeaux", "Bordeaux"),
        ("IFSI du CHU de Lille", "Lille"), ("IFSI du CHU de Toulouse", "Toulouse"),
        ("IFSI du CHU de Rennes", "Rennes"), ("IFSI du CHU de Strasbourg", "Strasbourg"),
    ),
}

# kind → (main degree, first degree), each (French, English, years of study).
DEGREES = {
    "engineering": (("Diplôme d'ingénieur", "Engineering degree (MSc)", 3),
                    ("Classes préparatoires", "Preparatory classes", 2)),
    "business": (("Master Grande École", "Master in Management", 3),
                 ("Classes préparatoires ECG", "Preparatory classes", 2)),
    "university": (("Master", "Master's degree", 2), ("Licence", "Bachelor's degree", 3)),
    "politics": (("Master", "Master's degree", 2), ("Diplôme d'établissement", "Undergraduate "
                                                    "degree", 3)),
    "iut": (("Licence professionnelle", "Professional bachelor's degree", 1),
            ("DUT", "Two-year technical degree (DUT)", 2)),
    "law": (("Master", "Master's degree", 2), ("Licence de droit", "Bachelor of Laws (LLB)", 3)),
    "design": (("Diplôme de designer", "Master of Design", 2),
               ("DN MADE", "Bachelor of Design", 3)),
    "architecture": (("Diplôme d'État d'architecte", "Master of Architecture", 2),
                     ("Licence d'architecture", "Bachelor of Architecture", 3)),
    "nursing": (("Diplôme d'État d'infirmier", "State nursing diploma", 3), None),
}

# Degrees outside France: (main, first), each (French, English, years of study).
DEGREES_ABROAD = {
    "Canada": (("Maîtrise", "Master's degree", 2), ("Baccalauréat", "Bachelor's degree", 3)),
    "Belgium": (("Master", "Master's degree", 2), ("Bachelier", "Bachelor's degree", 3)),
    "Switzerland": (("Master", "Master's degree", 2), ("Bachelor", "Bachelor's degree", 3)),
    "United Kingdom": (("MSc", "MSc", 1), ("BSc", "BSc", 3)),
}

# Where future engineers and business-school students spend their first two years.
PREP_SCHOOLS = (
    "Lycée du Parc", "Lycée Louis-le-Grand", "Lycée Clemenceau", "Lycée Pierre-de-Fermat",
    "Lycée Faidherbe", "Lycée Kléber", "Lycée Montaigne",
)
PREP_STUDIES = {
    "engineering": ("Mathématiques et physique", "Mathematics & physics"),
    "business": ("Économie et mathématiques", "Economics & mathematics"),
}

# Short specialities headlines may end with: (French, English) per sector.
HEADLINE_SPECIALTIES = {
    "tech": (("Python · Django · cloud", "Python · Django · cloud"),
             ("données et IA", "data & AI"), ("produit et accessibilité", "product & accessibility")),
    "finance": (("finance d'entreprise", "corporate finance"), ("risques", "risk management")),
    "consulting": (("transformation et conduite du changement", "transformation & change"),
                   ("stratégie", "strategy")),
    "health": (("e-santé", "digital health"), ("qualité des soins", "quality of care")),
    "public": (("transition écologique", "climate transition"),
               ("politiques publiques", "public policy")),
    "energy": (("énergies renouvelables", "renewables"),),
    "retail": (("commerce omnicanal", "omnichannel retail"),),
    "media": (("contenus et réseaux sociaux", "content & social media"),
              ("marque employeur", "employer branding")),
    "education": (("pédagogie numérique", "digital learning"),),
    "industry": (("lean management", "lean manufacturing"),),
    "hr": (("recrutement et marque employeur", "hiring & employer brand"),),
    "legal": (("droit social", "employment law"), ("RGPD", "GDPR")),
    "logistics": (("supply chain durable", "sustainable supply chain"),),
    "design": (("design d'interfaces", "interface design"), ("identité visuelle", "brand identity")),
}
