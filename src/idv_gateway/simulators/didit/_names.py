"""Name, company and country pools for the seeded Didit data.

The pools are deliberately international: accented and non-Latin-1 letters (Zoë,
Łukasz, Nguyễn, Ørsted) exercise accent-insensitive search and UTF-8 rendering, and
a few official country names contain commas (`Korea, Republic of`) so that the
`document_name` comma-splitting rule has something to bite on.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COMPANY_SECTORS",
    "COMPANY_STEMS",
    "COUNTRIES",
    "CULTURES",
    "KYB_COUNTRIES",
    "Country",
    "Culture",
    "KybCountry",
]


@dataclass(frozen=True, slots=True)
class Culture:
    male: tuple[str, ...]
    female: tuple[str, ...]
    last: tuple[str, ...]
    street: str


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    name: str
    phone_prefix: str
    culture: str
    city: str
    regions: tuple[str, ...] = ()  # document regions (US states, provinces, Länder)


CULTURES: dict[str, Culture] = {
    "es": Culture(
        male=("José", "Jesús", "Iñaki", "Andrés", "Martín", "Raúl", "Sergio", "Álvaro"),
        female=("María", "Lucía", "Inés", "Begoña", "Sofía", "Mónica", "Ana", "Nuria"),
        last=("Álvarez", "García", "Núñez", "Martínez", "Peña", "Gómez", "Ibáñez", "Ruiz"),
        street="Calle Mayor",
    ),
    "fr": Culture(
        male=("Jérôme", "François", "Loïc", "Mathéo", "Étienne", "Julien"),
        female=("Zoë", "Chloé", "Noémie", "Hélène", "Anaïs", "Céline"),
        last=("Lefèvre", "Dubois", "Bérubé", "Moreau", "Fournier", "Gérard"),
        street="Rue de la Paix",
    ),
    "de": Culture(
        male=("Jürgen", "Lukas", "Björn", "Matthias", "Günter", "Felix"),
        female=("Anna", "Lena", "Käthe", "Marlene", "Sophie"),
        last=("Müller", "Schröder", "Weiß", "Bäcker", "Schmidt", "Köhler"),
        street="Hauptstraße",
    ),
    "pl": Culture(
        male=("Łukasz", "Paweł", "Michał", "Wojciech", "Jędrzej"),
        female=("Zofia", "Małgorzata", "Agnieszka", "Joanna", "Łucja"),
        last=("Wiśniewski", "Kowalczyk", "Wójcik", "Dąbrowski", "Zieliński"),
        street="ulica Długa",
    ),
    "vi": Culture(
        male=("Văn An", "Đức Minh", "Quang Huy", "Thành Long"),
        female=("Thị Hương", "Ngọc Lan", "Thu Trang", "Bảo Châu"),
        last=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"),
        street="Phố Huế",
    ),
    "nordic": Culture(
        male=("Søren", "Bjørn", "Åke", "Mikael", "Jóhann", "Eero"),
        female=("Åse", "Ingrid", "Sigríður", "Freja", "Märta", "Aino"),
        last=("Ørsted", "Sørensen", "Lindqvist", "Jónsdóttir", "Virtanen", "Nørgaard"),
        street="Strøget",
    ),
    "en": Culture(
        male=("James", "Oliver", "William", "Ethan", "Noah", "Liam"),
        female=("Jane", "Emily", "Olivia", "Charlotte", "Amelia", "Grace"),
        last=("Doe", "Smith", "O'Brien", "Johnson", "Taylor", "Williams"),
        street="High Street",
    ),
    "pt": Culture(
        male=("João", "Gonçalo", "Luís", "Caio", "Antônio"),
        female=("Conceição", "Beatriz", "Letícia", "Inês", "Lívia"),
        last=("Gonçalves", "Conceição", "Araújo", "Simões", "Magalhães"),
        street="Rua Augusta",
    ),
    "tr": Culture(
        male=("Çağrı", "Şükrü", "Emre", "İlker", "Oğuz"),
        female=("Ayşe", "Gülşen", "Elif", "Şebnem", "Zeynep"),
        last=("Öztürk", "Yılmaz", "Çelik", "Şahin", "Doğan"),
        street="İstiklal Caddesi",
    ),
    "ko": Culture(
        male=("Min-jun", "Seo-jun", "Ji-ho"),
        female=("Seo-yeon", "Ji-woo", "Ha-eun"),
        last=("Kim", "Lee", "Park", "Choi"),
        street="Sejong-daero",
    ),
    "it": Culture(
        male=("Niccolò", "Luca", "Gianluca", "Matteo"),
        female=("Giulia", "Chiara", "Francesca", "Benedetta"),
        last=("Rossi", "D'Angelo", "Esposito", "Fabbri", "Abbà"),
        street="Via Roma",
    ),
    "ro": Culture(
        male=("Ștefan", "Mihai", "Andrei"),
        female=("Ioana", "Mădălina", "Raluca"),
        last=("Popescu", "Țurcanu", "Munteanu", "Stănescu"),
        street="Strada Lipscani",
    ),
    "africa": Culture(
        male=("Chukwuemeka", "Kwame", "Thabo", "Youssef"),
        female=("Ngozi", "Amara", "Zanele", "Fatimá"),
        last=("Okonkwo", "Mensah", "Nkosi", "El-Amrani"),
        street="Independence Avenue",
    ),
}

COUNTRIES: tuple[Country, ...] = (
    Country("ESP", "ES", "Spain", "+34", "es", "Madrid", ("MD", "CT", "AN")),
    Country("MEX", "MX", "Mexico", "+52", "es", "Ciudad de México"),
    Country("ARG", "AR", "Argentina", "+54", "es", "Buenos Aires"),
    Country("BOL", "BO", "Bolivia, Plurinational State of", "+591", "es", "La Paz"),
    Country("FRA", "FR", "France", "+33", "fr", "Paris"),
    Country("BEL", "BE", "Belgium", "+32", "fr", "Bruxelles"),
    Country("DEU", "DE", "Germany", "+49", "de", "Berlin", ("BY", "BE", "NW")),
    Country("AUT", "AT", "Austria", "+43", "de", "Wien"),
    Country("CHE", "CH", "Switzerland", "+41", "de", "Zürich"),
    Country("POL", "PL", "Poland", "+48", "pl", "Kraków"),
    Country("VNM", "VN", "Viet Nam", "+84", "vi", "Hà Nội"),
    Country("DNK", "DK", "Denmark", "+45", "nordic", "København"),
    Country("NOR", "NO", "Norway", "+47", "nordic", "Oslo"),
    Country("SWE", "SE", "Sweden", "+46", "nordic", "Göteborg"),
    Country("ISL", "IS", "Iceland", "+354", "nordic", "Reykjavík"),
    Country("FIN", "FI", "Finland", "+358", "nordic", "Helsinki"),
    Country("GBR", "GB", "United Kingdom", "+44", "en", "London"),
    Country("USA", "US", "United States", "+1", "en", "Austin", ("CA", "TX", "NY", "FL")),
    Country("CAN", "CA", "Canada", "+1", "en", "Montréal", ("ON", "QC", "BC")),
    Country("AUS", "AU", "Australia", "+61", "en", "Sydney", ("NSW", "VIC")),
    Country("IRL", "IE", "Ireland", "+353", "en", "Dublin"),
    Country("PRT", "PT", "Portugal", "+351", "pt", "Lisboa"),
    Country("BRA", "BR", "Brazil", "+55", "pt", "São Paulo", ("SP", "RJ")),
    Country("TUR", "TR", "Türkiye", "+90", "tr", "İstanbul"),
    Country("KOR", "KR", "Korea, Republic of", "+82", "ko", "Seoul"),
    Country("ITA", "IT", "Italy", "+39", "it", "Milano"),
    Country("ROU", "RO", "Romania", "+40", "ro", "București"),
    Country("MDA", "MD", "Moldova, Republic of", "+373", "ro", "Chișinău"),
    Country("NGA", "NG", "Nigeria", "+234", "africa", "Lagos"),
    Country("GHA", "GH", "Ghana", "+233", "africa", "Accra"),
    Country("ZAF", "ZA", "South Africa", "+27", "africa", "Cape Town"),
    Country("MAR", "MA", "Morocco", "+212", "africa", "Casablanca"),
    Country("TZA", "TZ", "Tanzania, United Republic of", "+255", "africa", "Dar es Salaam"),
)


@dataclass(frozen=True, slots=True)
class KybCountry:
    iso2: str
    city: str
    legal_forms: tuple[str, ...]
    registration_format: str  # `#` = digit, `@` = letter; other characters are literal


KYB_COUNTRIES: tuple[KybCountry, ...] = (
    KybCountry("ES", "Madrid", ("S.L.", "S.A."), "@########"),
    KybCountry("GB", "London", ("Ltd", "PLC", "LLP"), "########"),
    KybCountry("DE", "München", ("GmbH", "AG", "GmbH & Co. KG"), "HRB ######"),
    KybCountry("FR", "Paris", ("SAS", "SARL", "SA"), "### ### ###"),
    KybCountry("DK", "København", ("A/S", "ApS"), "########"),
    KybCountry("PL", "Kraków", ("Sp. z o.o.", "S.A."), "##########"),
    KybCountry("IE", "Dublin", ("DAC", "Ltd"), "DPC-###"),
    KybCountry("NL", "Rotterdam", ("B.V.", "N.V."), "########"),
    KybCountry("US", "Wilmington", ("Inc.", "LLC", "Corp."), "##-#######"),
    KybCountry("SG", "Singapore", ("Pte. Ltd.",), "#########@"),
    KybCountry("VN", "Hà Nội", ("Co., Ltd.", "JSC"), "##########"),
    KybCountry("EE", "Tallinn", ("OÜ", "AS"), "########"),
    KybCountry("AE", "Dubai", ("FZ-LLC", "DMCC"), "DMCC-######"),
)

COMPANY_STEMS: tuple[str, ...] = (
    "Acme",
    "Ørsted Wind",
    "Müller & Söhne",
    "Société Générale des Eaux",
    "Nguyễn Trading",
    "Łódź Logistics",
    "Peña Hermanos",
    "Nordlys Fintech",
    "Café Olé",
    "Zoë Biotech",
    "Blue Harbour",
    "Kraków Software House",
    "São Paulo Payments",
    "Björk Design",
    "Aurora Capital",
    "Helvetia Precision",
    "Atlas Freight",
    "Château Lumière",
    "Greenfield Energy",
    "Istanbul Textil",
)

COMPANY_SECTORS: tuple[str, ...] = (
    "Holdings",
    "Services",
    "Technologies",
    "Trading",
    "Ventures",
    "Solutions",
    "Partners",
    "",
)
