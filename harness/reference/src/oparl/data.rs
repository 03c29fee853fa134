//! The synthetic council data the OParl reference serves: two Bodies (a city
//! and a district) with legislative terms, organizations, persons and their
//! memberships, meetings with agenda items, papers with consultations, files
//! and locations. Everything is derived from a fixed seed, so every start
//! (and both OParl versions) serve the same objects; `scale` multiplies the
//! persons, meetings and papers (and what hangs on them). Objects are plain
//! structs with indices into the other tables; `render.rs` turns them into
//! JSON. Ids are 1-based positions in their table, shared by both Bodies.

/// Timestamps are Unix seconds; 2019-01-01T00:00:00Z.
const EPOCH_2019: i64 = 1_546_300_800;
/// 2025-01-31T23:00:00Z: nothing but deletions was modified later.
const LATEST_EDIT: i64 = 1_738_364_400;
/// 2025-02-01T08:00:00Z: deletions happened after this.
const DELETIONS_FROM: i64 = 1_738_396_800;
const DAY: i64 = 86_400;

/// Creation and modification time and the soft-delete flag (2-08).
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub created: i64,
    pub modified: i64,
    pub deleted: bool,
}

#[derive(Debug)]
pub struct Body {
    pub name: &'static str,
    pub short_name: &'static str,
    pub ags: &'static str,
    pub rgs: &'static str,
    pub website: &'static str,
    pub contact_email: &'static str,
    pub contact_name: &'static str,
    pub classification: &'static str,
    pub location: usize,
    pub terms: Vec<usize>,
    pub main_organization: usize,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Term {
    pub body: usize,
    pub name: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Organization {
    pub body: usize,
    pub name: String,
    pub short_name: String,
    pub organization_type: &'static str,
    pub classification: &'static str,
    pub post: Vec<&'static str>,
    pub sub_organization_of: Option<usize>,
    pub start_date: &'static str,
    pub website: Option<String>,
    pub location: Option<usize>,
    pub memberships: Vec<usize>,
    pub meetings: Vec<usize>,
    pub consultations: Vec<usize>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Person {
    pub body: usize,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub title: Option<&'static str>,
    pub form_of_address: &'static str,
    pub affix: Option<&'static str>,
    pub gender: &'static str,
    pub email: String,
    pub phone: Option<String>,
    pub status: &'static str,
    pub location: Option<usize>,
    pub memberships: Vec<usize>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Membership {
    pub person: usize,
    pub organization: usize,
    pub role: &'static str,
    pub voting_right: bool,
    pub start_date: &'static str,
    pub end_date: Option<&'static str>,
    pub on_behalf_of: Option<usize>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Meeting {
    pub name: String,
    pub state: &'static str,
    pub cancelled: bool,
    /// Local start time (Unix seconds of the UTC instant).
    pub start: i64,
    pub end: i64,
    pub location: usize,
    pub organization: usize,
    pub participants: Vec<usize>,
    pub invitation: Option<usize>,
    pub results_protocol: Option<usize>,
    pub auxiliary_files: Vec<usize>,
    pub agenda_items: Vec<usize>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct AgendaItem {
    pub meeting: usize,
    pub order: usize,
    pub name: String,
    pub public: bool,
    pub consultation: Option<usize>,
    pub result: Option<&'static str>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Consultation {
    pub paper: usize,
    pub agenda_item: Option<usize>,
    pub meeting: Option<usize>,
    pub organization: usize,
    pub authoritative: bool,
    pub role: &'static str,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Paper {
    pub body: usize,
    pub name: String,
    pub reference: Option<String>,
    pub date: String,
    pub paper_type: &'static str,
    pub related: Vec<usize>,
    pub main_file: Option<usize>,
    pub auxiliary_files: Vec<usize>,
    pub locations: Vec<usize>,
    pub originator_persons: Vec<usize>,
    pub originator_organizations: Vec<usize>,
    pub consultations: Vec<usize>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct File {
    pub name: String,
    pub file_name: String,
    pub date: String,
    pub meetings: Vec<usize>,
    pub papers: Vec<usize>,
    pub meta: Meta,
}

#[derive(Debug)]
pub struct Location {
    pub description: String,
    pub street_address: String,
    pub room: Option<&'static str>,
    pub postal_code: &'static str,
    pub sub_locality: Option<&'static str>,
    pub locality: &'static str,
    /// Longitude, latitude (GeoJSON order).
    pub point: (f64, f64),
    pub bodies: Vec<usize>,
    pub organizations: Vec<usize>,
    pub persons: Vec<usize>,
    pub meetings: Vec<usize>,
    pub papers: Vec<usize>,
    pub meta: Meta,
}

/// The objects of one Body's external lists, by table index, in id order.
#[derive(Debug, Default)]
pub struct BodyLists {
    pub organizations: Vec<usize>,
    pub persons: Vec<usize>,
    pub memberships: Vec<usize>,
    pub meetings: Vec<usize>,
    pub agenda_items: Vec<usize>,
    pub consultations: Vec<usize>,
    pub papers: Vec<usize>,
    pub files: Vec<usize>,
    pub locations: Vec<usize>,
    pub terms: Vec<usize>,
}

/// Every object of the server.
#[derive(Debug, Default)]
pub struct Dataset {
    pub system: Option<Meta>,
    pub bodies: Vec<Body>,
    pub terms: Vec<Term>,
    pub organizations: Vec<Organization>,
    pub persons: Vec<Person>,
    pub memberships: Vec<Membership>,
    pub meetings: Vec<Meeting>,
    pub agenda_items: Vec<AgendaItem>,
    pub consultations: Vec<Consultation>,
    pub papers: Vec<Paper>,
    pub files: Vec<File>,
    pub locations: Vec<Location>,
    pub lists: Vec<BodyLists>,
}

/// SplitMix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A creation time between 2019 and 2024 and a later modification time
    /// (at most 400 days later, never after [`LATEST_EDIT`]).
    fn meta(&mut self) -> Meta {
        let created = EPOCH_2019 + (self.below(2000) as i64) * DAY + (self.below(600) as i64) * 60;
        let modified = (created + (self.below(400) as i64) * DAY + (self.below(900) as i64) * 60)
            .min(LATEST_EDIT);
        Meta {
            created,
            modified,
            deleted: false,
        }
    }

    /// A soft-deleted object: `modified` is the (recent) deletion time.
    fn deleted(&mut self) -> Meta {
        let mut meta = self.meta();
        meta.modified =
            DELETIONS_FROM + (self.below(50) as i64) * DAY + (self.below(600) as i64) * 60;
        meta.deleted = true;
        meta
    }
}

const GIVEN_F: &[&str] = &[
    "Anna",
    "Maria",
    "Julia",
    "Sabine",
    "Petra",
    "Claudia",
    "Katrin",
    "Monika",
    "Birgit",
    "Lea",
    "Sophie",
    "Ursula",
    "Renate",
    "Jana",
    "Miriam",
    "Elif",
    "Zeynep",
    "Agnieszka",
    "Hanna",
    "Ines",
];
const GIVEN_M: &[&str] = &[
    "Thomas", "Michael", "Andreas", "Stefan", "Klaus", "Jürgen", "Markus", "Frank", "Peter", "Jan",
    "Lukas", "Mehmet", "Tobias", "Uwe", "Dirk", "Sven", "Jörg", "Matthias", "Rainer", "Hüseyin",
];
const FAMILY: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Yılmaz",
    "Kowalski",
    "Özdemir",
    "Vogel",
    "Jung",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Roth",
];
const STREETS: &[&str] = &[
    "Lindenweg",
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Am Markt",
    "Kirchplatz",
    "Mühlenweg",
    "Ringstraße",
    "Birkenallee",
    "Industriestraße",
    "Wiesenstraße",
];
const DISTRICTS: &[&str] = &["Altstadt", "Nordviertel", "Südstadt", "Oberdorf", "Westend"];
const TOPICS: &[&str] = &[
    "Sanierung der Grundschule am Lindenweg",
    "Neubau einer Kindertagesstätte im Nordviertel",
    "Radverkehrskonzept 2030",
    "Haushaltssatzung und Haushaltsplan",
    "Bebauungsplan Nr. 112 \u{201e}Am Mühlenbach\u{201c}",
    "Erweiterung des Gewerbegebiets West",
    "Förderung des Ehrenamts in Sportvereinen",
    "Straßenbeleuchtung auf LED umstellen",
    "Sanierung des Hallenbads",
    "Digitalisierung der Verwaltung",
    "Klimaschutzkonzept: Fortschreibung",
    "Öffentlicher Personennahverkehr: Taktverdichtung",
    "Wohnraumversorgungskonzept",
    "Gebührensatzung für die Abfallentsorgung",
    "Jugendzentrum Südstadt: Betriebskosten",
    "Friedhofssatzung: Änderung",
    "Barrierefreier Umbau von Bushaltestellen",
    "Spielplatz Birkenallee: Neugestaltung",
];
const PAPER_TYPES: &[(&str, &str)] = &[
    ("Beschlussvorlage", "BV"),
    ("Antrag", "A"),
    ("Anfrage", "AF"),
    ("Mitteilungsvorlage", "MV"),
];

/// The council's groups: name pattern, short name, type, classification.
const ORGS: &[(&str, &str, &str, &str)] = &[
    ("{council}", "{council_short}", "Gremium", "Parlament"),
    ("Hauptausschuss", "HA", "Gremium", "Ausschuss"),
    ("Finanzausschuss", "FinA", "Gremium", "Ausschuss"),
    (
        "Ausschuss für Planung, Umwelt und Klimaschutz",
        "PUK",
        "Gremium",
        "Ausschuss",
    ),
    (
        "Schul- und Sportausschuss",
        "SchulA",
        "Gremium",
        "Ausschuss",
    ),
    (
        "Ausschuss für Soziales und Gesundheit",
        "SozA",
        "Gremium",
        "Ausschuss",
    ),
    ("Jugendhilfeausschuss", "JHA", "Gremium", "Ausschuss"),
    ("Rechnungsprüfungsausschuss", "RPA", "Gremium", "Ausschuss"),
    ("CDU-Fraktion", "CDU", "Fraktion", "Fraktion"),
    ("SPD-Fraktion", "SPD", "Fraktion", "Fraktion"),
    (
        "Fraktion Bündnis 90/Die Grünen",
        "Grüne",
        "Fraktion",
        "Fraktion",
    ),
    ("FDP-Fraktion", "FDP", "Fraktion", "Fraktion"),
];
const GREMIEN: usize = 8;
const FRAKTIONEN: usize = 4;
const COUNCIL_MEMBERS: usize = 48;

struct BodySeed {
    name: &'static str,
    short_name: &'static str,
    council: &'static str,
    council_short: &'static str,
    ags: &'static str,
    rgs: &'static str,
    website: &'static str,
    mail_domain: &'static str,
    contact_email: &'static str,
    contact_name: &'static str,
    classification: &'static str,
    postal_code: &'static str,
    locality: &'static str,
    hall: &'static str,
    center: (f64, f64),
}

const BODIES: &[BodySeed] = &[
    BodySeed {
        name: "Stadt Beispielstadt",
        short_name: "Beispielstadt",
        council: "Rat der Stadt Beispielstadt",
        council_short: "Rat",
        ags: "05958004",
        rgs: "059580004004",
        website: "https://www.beispielstadt.example/",
        mail_domain: "beispielstadt.example",
        contact_email: "ratsbuero@beispielstadt.example",
        contact_name: "Ratsbüro der Stadt Beispielstadt",
        classification: "Kreisangehörige Stadt",
        postal_code: "58999",
        locality: "Beispielstadt",
        hall: "Rathaus Beispielstadt",
        center: (7.6261, 51.3712),
    },
    BodySeed {
        name: "Landkreis Musterkreis",
        short_name: "Musterkreis",
        council: "Kreistag des Landkreises Musterkreis",
        council_short: "KT",
        ags: "03459000",
        rgs: "034590000000",
        website: "https://www.musterkreis.example/",
        mail_domain: "musterkreis.example",
        contact_email: "kreistagsbuero@musterkreis.example",
        contact_name: "Kreistagsbüro",
        classification: "Landkreis",
        postal_code: "49999",
        locality: "Musterhausen",
        hall: "Kreishaus Musterkreis",
        center: (8.0472, 52.2799),
    },
];

impl Dataset {
    /// The data set at `scale` (1 = about 1,400 objects per Body).
    pub fn generate(scale: u32) -> Dataset {
        let scale = scale.max(1) as usize;
        let mut rng = Rng(0x6F50_6172_6C31_3131);
        let mut d = Dataset {
            system: Some(Meta {
                created: EPOCH_2019 - 800 * DAY,
                modified: LATEST_EDIT - 30 * DAY,
                deleted: false,
            }),
            ..Dataset::default()
        };
        for (b, seed) in BODIES.iter().enumerate() {
            d.lists.push(BodyLists::default());
            d.generate_body(b, seed, scale, &mut rng);
        }
        d
    }

    fn add_location(&mut self, b: usize, loc: Location) -> usize {
        self.locations.push(loc);
        let i = self.locations.len() - 1;
        self.lists[b].locations.push(i);
        i
    }

    fn add_file(&mut self, b: usize, name: String, date: &str, rng: &mut Rng) -> usize {
        let file_name = format!("{}.pdf", slug(&name));
        self.files.push(File {
            name,
            file_name,
            date: date.to_string(),
            meetings: Vec::new(),
            papers: Vec::new(),
            meta: rng.meta(),
        });
        let i = self.files.len() - 1;
        self.lists[b].files.push(i);
        i
    }

    fn generate_body(&mut self, b: usize, seed: &BodySeed, scale: usize, rng: &mut Rng) {
        let place = |d: &mut Dataset,
                     rng: &mut Rng,
                     street: String,
                     room: Option<&'static str>,
                     sub: Option<&'static str>,
                     description: String| {
            let dx = (rng.below(2000) as f64 - 1000.0) / 50_000.0;
            let dy = (rng.below(2000) as f64 - 1000.0) / 80_000.0;
            let point = (
                ((seed.center.0 + dx) * 1e6).round() / 1e6,
                ((seed.center.1 + dy) * 1e6).round() / 1e6,
            );
            let meta = rng.meta();
            d.add_location(
                b,
                Location {
                    description,
                    street_address: street,
                    room,
                    postal_code: seed.postal_code,
                    sub_locality: sub,
                    locality: seed.locality,
                    point,
                    bodies: Vec::new(),
                    organizations: Vec::new(),
                    persons: Vec::new(),
                    meetings: Vec::new(),
                    papers: Vec::new(),
                    meta,
                },
            )
        };

        // The town hall and its meeting rooms.
        let hall = place(
            self,
            rng,
            "Am Markt 1".to_string(),
            None,
            Some("Altstadt"),
            format!(
                "{}, Am Markt 1, {} {}",
                seed.hall, seed.postal_code, seed.locality
            ),
        );
        let rooms: Vec<usize> = ["Ratssaal", "Sitzungssaal 1", "Sitzungssaal 2"]
            .iter()
            .map(|room| {
                place(
                    self,
                    rng,
                    "Am Markt 1".to_string(),
                    Some(*room),
                    Some("Altstadt"),
                    format!("{}, {room}", seed.hall),
                )
            })
            .collect();

        // Legislative terms.
        let mut terms = Vec::new();
        for (name, start, end) in [
            ("Wahlperiode 2014 bis 2020", "2014-06-01", "2020-10-31"),
            ("Wahlperiode 2020 bis 2025", "2020-11-01", "2025-10-31"),
        ] {
            self.terms.push(Term {
                body: b,
                name,
                start,
                end,
                meta: rng.meta(),
            });
            let t = self.terms.len() - 1;
            self.lists[b].terms.push(t);
            terms.push(t);
        }

        // Organizations.
        let first_org = self.organizations.len();
        for (k, &(name, short, otype, class)) in ORGS.iter().enumerate() {
            let name = name.replace("{council}", seed.council);
            let short = short.replace("{council_short}", seed.council_short);
            let is_gremium = otype == "Gremium";
            self.organizations.push(Organization {
                body: b,
                website: (!is_gremium).then(|| {
                    format!(
                        "https://www.{}.example/fraktion/",
                        slug(&short).to_lowercase()
                    )
                }),
                name,
                short_name: short,
                organization_type: otype,
                classification: class,
                post: if is_gremium {
                    vec!["Vorsitz", "Stellvertretender Vorsitz", "Mitglied"]
                } else {
                    vec!["Fraktionsvorsitz", "Mitglied"]
                },
                sub_organization_of: (k > 0 && is_gremium).then_some(first_org),
                start_date: "2020-11-01",
                location: (k == 0).then_some(hall),
                memberships: Vec::new(),
                meetings: Vec::new(),
                consultations: Vec::new(),
                meta: rng.meta(),
            });
            let o = self.organizations.len() - 1;
            self.lists[b].organizations.push(o);
        }
        let gremium = |k: usize| first_org + (k % GREMIEN);
        let fraktion = |k: usize| first_org + GREMIEN + (k % FRAKTIONEN);
        self.locations[hall].bodies.push(b);
        self.locations[hall].organizations.push(first_org);

        self.bodies.push(Body {
            name: seed.name,
            short_name: seed.short_name,
            ags: seed.ags,
            rgs: seed.rgs,
            website: seed.website,
            contact_email: seed.contact_email,
            contact_name: seed.contact_name,
            classification: seed.classification,
            location: hall,
            terms,
            main_organization: first_org,
            meta: Meta {
                created: EPOCH_2019 - 700 * DAY + (b as i64) * DAY,
                modified: LATEST_EDIT - 60 * DAY + (b as i64) * DAY,
                deleted: false,
            },
        });

        // Persons and their memberships.
        let persons = 120 * scale;
        let mut council = Vec::new();
        for k in 0..persons {
            let female = rng.below(2) == 0;
            let given = if female {
                rng.pick(GIVEN_F)
            } else {
                rng.pick(GIVEN_M)
            };
            let family = rng.pick(FAMILY);
            let deleted = k % 40 == 39;
            let meta = if deleted { rng.deleted() } else { rng.meta() };
            let location = if !deleted && k % 5 == 2 {
                let street = format!("{} {}", rng.pick(STREETS), 1 + rng.below(80));
                let sub = rng.pick(DISTRICTS);
                let description = format!("{street}, {} {}", seed.postal_code, seed.locality);
                Some(place(self, rng, street, None, Some(sub), description))
            } else {
                None
            };
            let in_council = k < COUNCIL_MEMBERS && !deleted;
            self.persons.push(Person {
                body: b,
                given_name: given,
                family_name: family,
                title: (k % 9 == 4).then_some("Dr."),
                form_of_address: if female { "Frau" } else { "Herr" },
                affix: (k % 23 == 7).then_some("MdL"),
                gender: if female { "female" } else { "male" },
                email: format!(
                    "{}.{}.{k}@{}",
                    slug(given).to_lowercase(),
                    slug(family).to_lowercase(),
                    seed.mail_domain
                ),
                phone: (k % 3 == 0).then(|| format!("+49 2371 {:06}", 100_000 + k * 37)),
                status: if in_council {
                    if female { "Ratsfrau" } else { "Ratsherr" }
                } else if female {
                    "Sachkundige Bürgerin"
                } else {
                    "Sachkundiger Bürger"
                },
                location,
                memberships: Vec::new(),
                meta,
            });
            let p = self.persons.len() - 1;
            self.lists[b].persons.push(p);
            if let Some(l) = location {
                self.locations[l].persons.push(p);
            }
            if deleted {
                continue;
            }
            let mut add = |d: &mut Dataset,
                           org: usize,
                           role: &'static str,
                           voting: bool,
                           start: &'static str,
                           end: Option<&'static str>,
                           behalf: Option<usize>| {
                let meta = rng.meta();
                d.memberships.push(Membership {
                    person: p,
                    organization: org,
                    role,
                    voting_right: voting,
                    start_date: start,
                    end_date: end,
                    on_behalf_of: behalf,
                    meta,
                });
                let m = d.memberships.len() - 1;
                d.lists[b].memberships.push(m);
                d.persons[p].memberships.push(m);
                d.organizations[org].memberships.push(m);
            };
            let committee = gremium(1 + k % (GREMIEN - 1));
            if in_council {
                council.push(p);
                let role = if k == 0 { "Vorsitz" } else { "Mitglied" };
                add(self, first_org, role, true, "2020-11-01", None, None);
                let f = fraktion(k);
                let frole = if k < FRAKTIONEN {
                    "Fraktionsvorsitz"
                } else {
                    "Mitglied"
                };
                add(self, f, frole, true, "2020-11-01", None, None);
                add(
                    self,
                    committee,
                    "Mitglied",
                    true,
                    "2020-11-01",
                    None,
                    Some(f),
                );
            } else {
                let f = fraktion(k);
                add(
                    self,
                    committee,
                    "Sachkundige Einwohnerschaft",
                    k % 3 != 0,
                    "2020-11-01",
                    None,
                    Some(f),
                );
                if k % 5 == 0 {
                    let earlier = gremium(1 + (k + 3) % (GREMIEN - 1));
                    add(
                        self,
                        earlier,
                        "Sachkundige Einwohnerschaft",
                        false,
                        "2014-06-01",
                        Some("2020-10-31"),
                        Some(f),
                    );
                }
            }
        }

        // Papers (their consultations come with the meetings).
        let papers = 200 * scale;
        let first_paper = self.papers.len();
        for k in 0..papers {
            let deleted = k % 50 == 49;
            let meta = if deleted { rng.deleted() } else { rng.meta() };
            let (ptype, prefix) = PAPER_TYPES[k % PAPER_TYPES.len()];
            let topic = rng.pick(TOPICS);
            let year = 2023 + (k * 3 / papers.max(1)).min(2) as i32;
            let date = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
            let name = match ptype {
                "Antrag" => format!("Antrag: {topic}"),
                "Anfrage" => format!("Anfrage zum Thema {topic}"),
                "Mitteilungsvorlage" => format!("Sachstandsbericht: {topic}"),
                _ => topic.to_string(),
            };
            self.papers.push(Paper {
                body: b,
                reference: (k % 25 != 12).then(|| format!("{prefix}/{year}/{:04}", k + 1)),
                name,
                date,
                paper_type: ptype,
                related: Vec::new(),
                main_file: None,
                auxiliary_files: Vec::new(),
                locations: Vec::new(),
                originator_persons: Vec::new(),
                originator_organizations: Vec::new(),
                consultations: Vec::new(),
                meta,
            });
            let p = self.papers.len() - 1;
            self.lists[b].papers.push(p);
            if deleted {
                continue;
            }
            let date = self.papers[p].date.clone();
            let main = self.add_file(b, self.papers[p].name.clone(), &date, rng);
            self.files[main].papers.push(p);
            self.papers[p].main_file = Some(main);
            if k % 3 == 1 {
                let aux = self.add_file(
                    b,
                    format!("Anlage 1 zu {}", self.papers[p].name),
                    &date,
                    rng,
                );
                self.files[aux].papers.push(p);
                self.papers[p].auxiliary_files.push(aux);
            }
            if k % 7 == 3 {
                let street = format!("{} {}", rng.pick(STREETS), 1 + rng.below(120));
                let sub = rng.pick(DISTRICTS);
                let description = format!("{street}, {} {}", seed.postal_code, seed.locality);
                let l = place(self, rng, street, None, Some(sub), description);
                self.locations[l].papers.push(p);
                self.papers[p].locations.push(l);
            }
            match ptype {
                "Antrag" => self.papers[p].originator_organizations.push(fraktion(k)),
                "Anfrage" if !council.is_empty() => {
                    let person = council[k % council.len()];
                    self.papers[p].originator_persons.push(person);
                }
                _ => {}
            }
            if k % 10 == 5 && k > 0 && !self.papers[p - 1].meta.deleted {
                self.papers[p].related.push(p - 1);
            }
        }
        // Deleted files that were never attached to anything still served.
        for k in 0..(3 * scale) {
            let date = format!("2024-{:02}-15", 1 + k % 12);
            let f = self.add_file(b, format!("Entwurf {}", k + 1), &date, rng);
            self.files[f].meta = rng.deleted();
        }

        // Meetings with agenda items; agenda items 3 to 5 consult papers.
        let meetings = 40 * scale;
        let live_papers: Vec<usize> = (first_paper..self.papers.len())
            .filter(|&p| !self.papers[p].meta.deleted)
            .collect();
        let mut next_paper = 0usize;
        for k in 0..meetings {
            let org = gremium(k);
            let day = 3 * 365 * k / meetings.max(1);
            // 2023-01-10 17:00 UTC (18:00 in Germany in winter) plus `day`.
            let start = 1_673_370_000 + (day as i64) * DAY;
            let end = start + 3 * 3600;
            let past = start < LATEST_EDIT;
            let deleted = k % 20 == 13 && past;
            // Planned a month ahead, last edited with the minutes.
            let created = start - 30 * DAY - (rng.below(600) as i64) * 60;
            let mut meta = Meta {
                created,
                modified: (start + 25 * DAY).min(LATEST_EDIT).max(created),
                deleted: false,
            };
            if deleted {
                let gone = rng.deleted();
                meta.modified = gone.modified.max(created + DAY);
                meta.deleted = true;
            }
            let cancelled = !deleted && k % 17 == 8;
            let room = rooms[if org == first_org { 0 } else { 1 + k % 2 }];
            self.meetings.push(Meeting {
                name: format!(
                    "{}. Sitzung: {}",
                    k / GREMIEN + 1,
                    self.organizations[org].name
                ),
                state: if cancelled {
                    "abgesagt"
                } else if past {
                    "durchgeführt"
                } else {
                    "terminiert"
                },
                cancelled,
                start,
                end,
                location: room,
                organization: org,
                participants: Vec::new(),
                invitation: None,
                results_protocol: None,
                auxiliary_files: Vec::new(),
                agenda_items: Vec::new(),
                meta,
            });
            let m = self.meetings.len() - 1;
            self.lists[b].meetings.push(m);
            if deleted {
                continue;
            }
            self.organizations[org].meetings.push(m);
            self.locations[room].meetings.push(m);
            let date = crate::oparl::render::date_of(start - 14 * DAY);
            let title = self.meetings[m].name.clone();
            let inv = self.add_file(b, format!("Einladung zur {title}"), &date, rng);
            self.files[inv].meetings.push(m);
            self.meetings[m].invitation = Some(inv);
            if cancelled {
                continue;
            }
            if past {
                let pdate = crate::oparl::render::date_of(start + 21 * DAY);
                let prot = self.add_file(b, format!("Niederschrift der {title}"), &pdate, rng);
                self.files[prot].meetings.push(m);
                self.meetings[m].results_protocol = Some(prot);
                let members: Vec<usize> = self.organizations[org]
                    .memberships
                    .iter()
                    .map(|&ms| self.memberships[ms].person)
                    .filter(|_| rng.below(10) != 0)
                    .collect();
                self.meetings[m].participants = members;
            }
            if k % 3 == 0 {
                let aux = self.add_file(b, format!("Präsentation zur {title}"), &date, rng);
                self.files[aux].meetings.push(m);
                self.meetings[m].auxiliary_files.push(aux);
            }
            let topics: [&str; 3] = [
                "Eröffnung und Feststellung der Beschlussfähigkeit",
                "Genehmigung der Niederschrift der letzten Sitzung",
                "Mitteilungen und Anfragen",
            ];
            for order in 0..6 {
                let meta = Meta {
                    created: meta.created,
                    modified: meta.modified,
                    deleted: false,
                };
                let (name, consultation) = match order {
                    0 | 1 => (topics[order].to_string(), None),
                    5 => (topics[2].to_string(), None),
                    _ if live_papers.is_empty() => ("Verschiedenes".to_string(), None),
                    _ => {
                        let p = live_papers[next_paper % live_papers.len()];
                        next_paper += 1;
                        (self.papers[p].name.clone(), Some(p))
                    }
                };
                self.agenda_items.push(AgendaItem {
                    meeting: m,
                    order,
                    name,
                    public: order != 4 || k % 4 != 0,
                    consultation: None,
                    result: (past && consultation.is_some()).then_some(if order == 3 {
                        "Geändert beschlossen"
                    } else {
                        "Einstimmig beschlossen"
                    }),
                    meta,
                });
                let a = self.agenda_items.len() - 1;
                self.lists[b].agenda_items.push(a);
                self.meetings[m].agenda_items.push(a);
                if let Some(p) = consultation {
                    let authoritative = org == first_org || order == 3;
                    let c = self.add_consultation(b, p, Some(a), Some(m), org, authoritative, rng);
                    self.agenda_items[a].consultation = Some(c);
                }
            }
        }
        // Papers no meeting took up yet: a planned consultation in a committee.
        for &p in &live_papers {
            if self.papers[p].consultations.is_empty() {
                let org = gremium(1 + p % (GREMIEN - 1));
                self.add_consultation(b, p, None, None, org, false, rng);
            }
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one row of the consultation table"
    )]
    fn add_consultation(
        &mut self,
        b: usize,
        paper: usize,
        agenda_item: Option<usize>,
        meeting: Option<usize>,
        organization: usize,
        authoritative: bool,
        rng: &mut Rng,
    ) -> usize {
        self.consultations.push(Consultation {
            paper,
            agenda_item,
            meeting,
            organization,
            authoritative,
            role: if authoritative {
                "Entscheidung"
            } else {
                "Vorberatung"
            },
            meta: rng.meta(),
        });
        let c = self.consultations.len() - 1;
        self.lists[b].consultations.push(c);
        self.papers[paper].consultations.push(c);
        self.organizations[organization].consultations.push(c);
        c
    }

    /// How many objects the Bodies' external lists hold together (1.1).
    pub fn list_objects(&self) -> usize {
        self.lists
            .iter()
            .map(|l| {
                l.organizations.len()
                    + l.persons.len()
                    + l.memberships.len()
                    + l.meetings.len()
                    + l.agenda_items.len()
                    + l.consultations.len()
                    + l.papers.len()
                    + l.files.len()
                    + l.locations.len()
                    + l.terms.len()
            })
            .sum::<usize>()
            + self.bodies.len()
    }
}

/// ASCII file-name form of a title: umlauts transliterated, everything but
/// letters and digits a hyphen.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let piece = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'Ä' => "Ae",
            'Ö' => "Oe",
            'Ü' => "Ue",
            'ß' => "ss",
            'ı' => "i",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if piece == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(piece);
    }
    out.trim_end_matches('-').to_string()
}
