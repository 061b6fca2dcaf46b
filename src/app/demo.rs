//! `ticketd demo`: a small German IT service contractor's customers, staff and three years of
//! tickets, deterministic from a seed.
//!
//! Small and huge runs take the same path: tickets are planned first (customer, creation time,
//! final status, number of activities), sorted by creation time and numbered, then each
//! ticket's history is generated in memory and written in one transaction through
//! [`crate::db::demo`], with the ticket's counters computed as `add_activity` keeps them.

use std::time::Instant;

use crate::app::App;
use crate::auth::password;
use crate::clock;
use crate::db::demo::{self as ddb, Counters, Writer};
use crate::db::tickets::{NewActivity, NewTicket};
use crate::db::{self, audit, customers, staff};
use crate::error::{Error, Result};
use crate::model::{month_key, ActivityKind, AuthorKind, Priority, Role, Status, TicketNo};

pub struct Options {
    pub customers: usize,
    pub tickets: usize,
    /// Activities over all tickets; 0 picks a realistic number per ticket (2–12).
    pub activities: usize,
    pub seed: u64,
}

/// One password for every demo customer and one for the demo staff: hashed once each.
pub const CUSTOMER_PASSWORD: &str = "Kunde-Demo-123";
pub const STAFF_PASSWORD: &str = "Team-Demo-123";
const SUPPORT_EMAIL: &str = "support@it-service.example";

/// From this many activities on, one ticket gets exactly [`BENCH_ACTIVITIES`] (for benchmarks).
const BENCH_THRESHOLD: usize = 5_000;
const BENCH_ACTIVITIES: usize = 1_000;

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// How far back tickets go.
const HISTORY_DAYS: u64 = 3 * 365;

// ------------------------------------------------------------------------------ data

/// The contractor's team, added beside any existing staff: `(username, name, e-mail, role)`.
const STAFF: &[(&str, &str, &str, Role)] = &[
    ("pbraun", "Petra Braun", "p.braun@it-service.example", Role::Admin),
    ("mkoch", "Markus Koch", "m.koch@it-service.example", Role::Agent),
    ("jwagner", "Julia Wagner", "j.wagner@it-service.example", Role::Agent),
    ("tnguyen", "Thanh Nguyen", "t.nguyen@it-service.example", Role::Agent),
    ("sarslan", "Selin Arslan", "s.arslan@it-service.example", Role::Agent),
];

/// The first customers, so the printed logins always look the same: `(name, legal form)`.
const FIRST_CUSTOMERS: &[(&str, &str)] =
    &[("Bäckerei Schmidt", "GmbH"), ("Steuerkanzlei Weber & Partner", ""), ("Autohaus Krüger", "KG")];

/// Kinds of business: `{n}` and `{m}` are surnames; the legal forms that fit.
const BUSINESSES: &[(&str, &[&str])] = &[
    ("Bäckerei {n}", &["GmbH", "e.K.", ""]),
    ("Steuerkanzlei {n} & Partner", &["mbB", ""]),
    ("Steuerberatung {n}", &["", "GmbH"]),
    ("Autohaus {n}", &["KG", "GmbH", "GmbH & Co. KG"]),
    ("Zahnarztpraxis Dr. {n}", &[""]),
    ("Rechtsanwälte {n} & {m}", &["PartG mbB", ""]),
    ("Ingenieurbüro {n}", &["GmbH", ""]),
    ("Schreinerei {n}", &["", "GmbH", "e.K."]),
    ("Elektro {n}", &["GmbH", "GmbH & Co. KG", "e.K."]),
    ("Sanitär- und Heizungsbau {n}", &["GmbH", "KG"]),
    ("Physiotherapie {n}", &[""]),
    ("Architekturbüro {n} + {m}", &["", "PartG"]),
    ("Hausverwaltung {n}", &["GmbH", "KG"]),
    ("Blumenhaus {n}", &["", "e.K."]),
    ("Metzgerei {n}", &["", "e.K."]),
    ("Fahrschule {n}", &[""]),
    ("Immobilien {n}", &["GmbH", "GmbH & Co. KG"]),
    ("Malerbetrieb {n}", &["", "GmbH"]),
    ("Spedition {n}", &["GmbH & Co. KG", "KG", "GmbH"]),
    ("Augenoptik {n}", &["", "GmbH"]),
    ("Hausarztpraxis Dr. {n}", &[""]),
    ("Weinhandlung {n}", &["", "OHG"]),
    ("Druckerei {n}", &["GmbH", "KG"]),
    ("Gebäudereinigung {n}", &["GmbH"]),
    ("Dachdeckerei {n}", &["GmbH", ""]),
    ("Kfz-Werkstatt {n}", &["", "GmbH"]),
    ("Tierarztpraxis {n}", &[""]),
    ("Versicherungsbüro {n}", &["", "OHG"]),
    ("Modehaus {n}", &["GmbH", "KG"]),
    ("Landtechnik {n}", &["GmbH & Co. KG"]),
    ("Gasthof {n}", &["", "OHG"]),
    ("Möbelhaus {n}", &["GmbH", "KG"]),
    ("Buchhandlung {n}", &["", "e.K."]),
    ("Pflegedienst {n}", &["GmbH", ""]),
    ("Metallbau {n}", &["GmbH", "GmbH & Co. KG"]),
    ("Werbeagentur {n} & {m}", &["GmbH", ""]),
    ("Wirtschaftsprüfung {n}", &["GmbH", "AG"]),
    ("Reisebüro {n}", &["", "GmbH"]),
];

const SURNAMES: &[&str] = &[
    "Schmidt",
    "Weber",
    "Krüger",
    "Müller",
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Schubert",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Simon",
    "Ludwig",
    "Böhm",
    "Winter",
    "Kraus",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Schreiber",
    "Graf",
    "Dietrich",
    "Ziegler",
    "Kühn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Voigt",
    "Sauer",
    "Arnold",
    "Pfeiffer",
    "Lindner",
    "Ernst",
    "Thiel",
    "Brinkmann",
];

const CITIES: &[&str] = &[
    "Köln",
    "Bonn",
    "Düsseldorf",
    "Münster",
    "Bielefeld",
    "Kassel",
    "Göttingen",
    "Hannover",
    "Bremen",
    "Lübeck",
    "Erfurt",
    "Jena",
    "Leipzig",
    "Freiburg",
    "Ulm",
    "Augsburg",
];

/// Area codes for plausible German landline numbers.
const AREA_CODES: &[&str] = &[
    "030", "040", "089", "0221", "069", "0711", "0211", "0341", "0511", "0911", "0421", "0351", "0231", "0201", "0621",
    "0761", "0431", "0381", "0561", "0941",
];

const MAIL_BOXES: &[&str] = &["info", "kontakt", "buero", "service", "verwaltung", "office"];

/// Contact persons at the customer: `(first name, surname, female)`.
const CONTACTS: &[(&str, &str, bool)] = &[
    ("Ayşe", "Yilmaz", true),
    ("Thomas", "Becker", false),
    ("Katarzyna", "Nowak", true),
    ("Mehmet", "Öztürk", false),
    ("Sabine", "Lehmann", true),
    ("Jürgen", "Schäfer", false),
    ("Monika", "Kowalski", true),
    ("Frank", "Petersen", false),
    ("Anja", "Hofmann", true),
    ("Stefan", "Kaya", false),
    ("Claudia", "Richter", true),
    ("Andreas", "Vogel", false),
    ("Nicole", "Schwarz", true),
    ("Michael", "Demir", false),
    ("Birgit", "Sommer", true),
    ("Oliver", "Brandt", false),
];

/// Colleagues of the contact that tickets are about, in the dative ("für Frau Yilmaz").
const PERSONS: &[&str] = &[
    "Frau Yilmaz",
    "Herrn Becker",
    "Frau Nowak",
    "Herrn Öztürk",
    "Frau Lehmann",
    "Herrn Schäfer",
    "Frau Kowalski",
    "Herrn Petersen",
    "die neue Auszubildende",
    "Frau Dr. Hartmann",
    "Herrn Aydın",
    "Frau Wójcik",
];

/// What tickets are about: subject, the customer's description, the fix.
struct Topic {
    subject: &'static str,
    body: &'static str,
    fix: &'static str,
}

const TOPICS: &[Topic] = &[
    Topic {
        subject: "Drucker im Empfang druckt nicht",
        body: "Der Drucker im Empfang druckt seit heute Morgen nicht mehr. Die Aufträge hängen in der Warteschlange, am Gerät leuchtet nur die grüne Lampe.",
        fix: "Der Druckspooler auf dem Server war hängen geblieben. Wir haben ihn neu gestartet und die Warteschlange geleert, der Drucker im Empfang druckt wieder.",
    },
    Topic {
        subject: "VPN-Verbindung bricht ab",
        body: "Im Homeoffice bricht die VPN-Verbindung alle paar Minuten ab. Danach muss ich mich jedes Mal neu anmelden.",
        fix: "Die Firewall hat inaktive VPN-Tunnel nach kurzer Zeit getrennt. Wir haben das Zeitlimit angepasst und den VPN-Client aktualisiert.",
    },
    Topic {
        subject: "Neues Notebook für {person} einrichten",
        body: "Wir haben ein neues Notebook für {person} bestellt. Bitte richten Sie es wie die anderen Arbeitsplätze ein (Office, Drucker, Netzlaufwerke, VPN).",
        fix: "Das Notebook ist eingerichtet: Windows-Updates, Microsoft 365, Drucker, Netzlaufwerke und VPN. Das Gerät liegt zur Abholung bereit bzw. wird morgen geliefert.",
    },
    Topic {
        subject: "Outlook fragt ständig nach dem Kennwort",
        body: "Outlook fragt seit gestern immer wieder nach meinem Kennwort, auch wenn ich es richtig eingebe.",
        fix: "Im Anmeldeinformationsspeicher lagen veraltete Zugangsdaten. Wir haben sie entfernt und das Outlook-Profil neu verbunden.",
    },
    Topic {
        subject: "E-Mail-Postfach voll",
        body: "Ich bekomme die Meldung, dass mein Postfach voll ist, und kann keine E-Mails mehr senden.",
        fix: "Wir haben das Online-Archiv aktiviert und ältere E-Mails dorthin verschieben lassen. Das Postfach hat wieder ausreichend Platz.",
    },
    Topic {
        subject: "WLAN im Besprechungsraum sehr langsam",
        body: "Im Besprechungsraum ist das WLAN extrem langsam, Videokonferenzen brechen ständig ab.",
        fix: "Der Access Point im Besprechungsraum funkte auf einem überlasteten Kanal. Wir haben die Kanalwahl umgestellt und die Firmware aktualisiert.",
    },
    Topic {
        subject: "Benutzerkonto für {person} anlegen",
        body: "Ab dem Ersten fängt {person} bei uns an. Bitte legen Sie ein Benutzerkonto mit E-Mail-Adresse und Zugriff auf die Ablage an.",
        fix: "Das Konto ist angelegt, die Zugangsdaten haben wir Ihnen separat per Telefon mitgeteilt. Beim ersten Anmelden muss das Kennwort geändert werden.",
    },
    Topic {
        subject: "Server-Backup meldet Fehler",
        body: "Die nächtliche Datensicherung hat heute eine Fehlermeldung geschickt: „Sicherung teilweise fehlgeschlagen“.",
        fix: "Eine Datenbankdatei war während der Sicherung gesperrt. Wir haben den Sicherungszeitpunkt verschoben, die Sicherung lief heute Nacht fehlerfrei.",
    },
    Topic {
        subject: "DATEV startet nicht nach Update",
        body: "Nach dem letzten DATEV-Update startet das Programm an zwei Arbeitsplätzen nicht mehr.",
        fix: "Das Update war an den beiden Arbeitsplätzen nicht vollständig durchgelaufen. Wir haben die Installation per Fernwartung nachgeholt.",
    },
    Topic {
        subject: "Telefonanlage: Rufumleitung einrichten",
        body: "Während der Betriebsferien sollen alle Anrufe auf das Handy von {person} umgeleitet werden. Können Sie das einrichten?",
        fix: "Die zeitgesteuerte Rufumleitung ist eingerichtet und endet automatisch am letzten Tag der Betriebsferien.",
    },
    Topic {
        subject: "Bildschirm flackert am Arbeitsplatz Buchhaltung",
        body: "Der rechte Bildschirm in der Buchhaltung flackert immer wieder und wird kurz schwarz.",
        fix: "Das DisplayPort-Kabel war beschädigt. Wir haben es ausgetauscht, der Bildschirm läuft wieder ruhig.",
    },
    Topic {
        subject: "Scanner speichert nicht mehr im Netzwerkordner",
        body: "Das Multifunktionsgerät kann Scans nicht mehr im Ordner „Scans“ auf dem Server ablegen.",
        fix: "Nach der Kennwortänderung des Scan-Kontos fehlte das neue Kennwort im Multifunktionsgerät. Wir haben es nachgetragen, das Scannen funktioniert wieder.",
    },
    Topic {
        subject: "SSL-Zertifikat der Webseite läuft ab",
        body: "Wir haben eine Warnung bekommen, dass das Zertifikat unserer Webseite in zwei Wochen abläuft.",
        fix: "Das Zertifikat ist erneuert und wird ab jetzt automatisch verlängert.",
    },
    Topic {
        subject: "Verdächtige E-Mail erhalten – Phishing?",
        body: "Ich habe eine E-Mail von der „Sparkasse“ bekommen, ich soll meine Daten bestätigen. Das kommt mir komisch vor. Ich habe nichts angeklickt.",
        fix: "Es handelt sich um eine Phishing-Mail. Wir haben den Absender gesperrt und die Mail aus allen Postfächern entfernt. Vielen Dank fürs Melden!",
    },
    Topic {
        subject: "Kennwort vergessen – Konto gesperrt",
        body: "{person} hat das Kennwort mehrfach falsch eingegeben, jetzt ist das Konto gesperrt.",
        fix: "Das Konto ist entsperrt und das Kennwort zurückgesetzt. Das neue Kennwort haben wir telefonisch durchgegeben.",
    },
    Topic {
        subject: "Microsoft-365-Lizenzen erweitern",
        body: "Wir brauchen zwei zusätzliche Microsoft-365-Lizenzen für neue Mitarbeiter.",
        fix: "Die beiden Lizenzen sind gebucht und zugewiesen. Sie erscheinen ab dem nächsten Monat auf der Rechnung.",
    },
    Topic {
        subject: "Kassensystem startet nicht",
        body: "Unser Kassensystem startet heute früh nicht, es bleibt beim Logo hängen. Wir können gerade nur bar kassieren!",
        fix: "Die SSD des Kassen-PCs war defekt. Wir haben sie getauscht und das System aus der Sicherung wiederhergestellt.",
    },
    Topic {
        subject: "Firewall-Update einspielen",
        body: "Der Hersteller unserer Firewall hat ein Sicherheitsupdate veröffentlicht. Bitte spielen Sie es zeitnah ein.",
        fix: "Das Update ist außerhalb der Geschäftszeiten eingespielt, alle VPN-Verbindungen und Regeln funktionieren wie vorher.",
    },
    Topic {
        subject: "Homeoffice-Zugang für {person}",
        body: "{person} soll ab nächster Woche zwei Tage pro Woche von zu Hause arbeiten. Bitte richten Sie den Zugang ein.",
        fix: "Der VPN-Zugang ist eingerichtet, die Anleitung haben wir per E-Mail geschickt.",
    },
    Topic {
        subject: "Excel stürzt beim Öffnen großer Dateien ab",
        body: "Excel stürzt ab, sobald ich die Kalkulation für das neue Jahr öffne. Kleinere Dateien gehen.",
        fix: "Ein veraltetes Add-in hat den Absturz verursacht. Wir haben es deaktiviert und Office repariert.",
    },
    Topic {
        subject: "Teams-Besprechungen ohne Ton",
        body: "In Teams-Besprechungen hören mich die anderen nicht, obwohl das Headset angeschlossen ist.",
        fix: "In Teams war noch das Notebook-Mikrofon ausgewählt. Wir haben das Headset als Standardgerät eingestellt.",
    },
    Topic {
        subject: "NAS fast voll – Speicher erweitern",
        body: "Das NAS meldet, dass nur noch 5 % Speicher frei sind.",
        fix: "Wir haben zwei zusätzliche Festplatten eingebaut und das Volume erweitert. Es sind jetzt wieder rund 40 % frei.",
    },
    Topic {
        subject: "Windows-Updates hängen bei 30 %",
        body: "Mein Rechner hängt seit einer Stunde bei „Updates werden installiert 30 %“.",
        fix: "Das Update war beschädigt heruntergeladen worden. Wir haben den Update-Cache geleert und die Updates neu installiert.",
    },
    Topic {
        subject: "Neuen Farblaserdrucker anbinden",
        body: "Der neue Farblaserdrucker für das Büro ist geliefert. Bitte binden Sie ihn ins Netzwerk ein und verteilen Sie ihn an alle Arbeitsplätze.",
        fix: "Der Drucker hat eine feste IP-Adresse bekommen und ist per Gruppenrichtlinie an alle Arbeitsplätze verteilt.",
    },
    Topic {
        subject: "Mitarbeiter ausgeschieden: Zugänge von {person} sperren",
        body: "{person} hat uns zum Monatsende verlassen. Bitte sperren Sie alle Zugänge und leiten Sie die E-Mails an mich weiter.",
        fix: "Das Konto ist gesperrt, die E-Mails werden weitergeleitet und das Postfach wurde archiviert.",
    },
    Topic {
        subject: "Frage zur Rechnung: Position Fernwartung",
        body: "Auf der letzten Rechnung ist eine Position „Fernwartung 90 Minuten“, die wir nicht zuordnen können.",
        fix: "Die Fernwartung betraf das Backup-Problem vom Monatsanfang. Den Leistungsnachweis finden Sie in der Zeitübersicht im Portal.",
    },
    Topic {
        subject: "Internetausfall seit heute Morgen",
        body: "Seit heute Morgen haben wir kein Internet mehr. Telefon geht auch nicht.",
        fix: "Es gab eine Störung beim Provider. Wir haben die Störung gemeldet, seit Mittag läuft alles wieder.",
    },
    Topic {
        subject: "Router-Tausch – Konfiguration übernehmen",
        body: "Unser Provider schickt einen neuen Router. Können Sie die Einstellungen vom alten übernehmen?",
        fix: "Der neue Router ist eingerichtet, Portweiterleitungen und VPN sind übernommen.",
    },
    Topic {
        subject: "Virenscanner meldet Fund am PC im Empfang",
        body: "Der Virenscanner hat am PC im Empfang eine Bedrohung gemeldet und in Quarantäne verschoben.",
        fix: "Es war ein verseuchter Anhang, der rechtzeitig blockiert wurde. Ein vollständiger Scan war ohne weitere Funde.",
    },
    Topic {
        subject: "Gelöschte Dateien wiederherstellen",
        body: "Ich habe versehentlich den Ordner „Angebote 2024“ auf dem Server gelöscht. Kann man den wiederherstellen?",
        fix: "Wir haben den Ordner aus der Sicherung von gestern Abend wiederhergestellt.",
    },
    Topic {
        subject: "Diensthandy für {person} einrichten",
        body: "Für {person} ist ein neues Diensthandy gekommen. Bitte richten Sie E-Mail und Kalender ein.",
        fix: "Das Gerät ist in der Geräteverwaltung aufgenommen, E-Mail, Kalender und Kontakte sind eingerichtet.",
    },
    Topic {
        subject: "USV piept im Serverraum",
        body: "Die USV im Serverraum piept seit heute früh in regelmäßigen Abständen.",
        fix: "Der Akku der USV war am Ende seiner Lebensdauer. Wir haben ihn getauscht, der Selbsttest ist in Ordnung.",
    },
    Topic {
        subject: "Angebot für neue Arbeitsplatzrechner",
        body: "Wir möchten dieses Jahr fünf Arbeitsplatzrechner austauschen. Können Sie uns ein Angebot machen?",
        fix: "Das Angebot haben wir Ihnen per E-Mail geschickt. Nach Freigabe können wir innerhalb von zwei Wochen liefern.",
    },
    Topic {
        subject: "Zugriff auf Ordner Buchhaltung für {person}",
        body: "{person} braucht Lesezugriff auf den Ordner „Buchhaltung“.",
        fix: "Die Berechtigung ist gesetzt und nach einer erneuten Anmeldung aktiv.",
    },
    Topic {
        subject: "Kalenderfreigabe funktioniert nicht",
        body: "Ich habe meinen Kalender für {person} freigegeben, aber er sieht ihn nicht.",
        fix: "Die Freigabe war nur für „Frei/Gebucht“ gesetzt. Wir haben sie auf „Alle Details“ geändert.",
    },
    Topic {
        subject: "Webseite lädt sehr langsam",
        body: "Unsere Webseite braucht seit ein paar Tagen ewig zum Laden.",
        fix: "Ein Plugin hat die Datenbank stark belastet. Wir haben es aktualisiert und den Cache eingerichtet.",
    },
    Topic {
        subject: "Kartenterminal verbindet sich nicht",
        body: "Unser EC-Kartenterminal zeigt „Keine Verbindung zum Host“.",
        fix: "Die Firewall blockierte die Verbindung nach dem letzten Update. Wir haben eine Regel für das Terminal angelegt.",
    },
    Topic {
        subject: "Dockingstation erkennt zweiten Monitor nicht",
        body: "Wenn ich das Notebook an die Dockingstation anschließe, bleibt der zweite Monitor schwarz.",
        fix: "Die Firmware der Dockingstation war veraltet. Nach dem Update werden beide Monitore erkannt.",
    },
    Topic {
        subject: "E-Mail-Signatur anpassen",
        body: "Wir haben eine neue Telefonnummer. Bitte passen Sie die E-Mail-Signatur bei allen Mitarbeitern an.",
        fix: "Die Signaturvorlage ist zentral angepasst und wird bei allen Mitarbeitern automatisch verwendet.",
    },
    Topic {
        subject: "Zwei-Faktor-Anmeldung einrichten",
        body: "Unsere Versicherung verlangt eine Zwei-Faktor-Anmeldung für E-Mail. Können Sie das für alle einrichten?",
        fix: "Die Zwei-Faktor-Anmeldung ist für alle Konten aktiv. Die Anleitung zur Authenticator-App haben wir verschickt.",
    },
];

/// The benchmark ticket with [`BENCH_ACTIVITIES`] activities.
const BENCH_TOPIC: Topic = Topic {
    subject: "Laufende Betreuung: Wartung Server und Arbeitsplätze",
    body: "Wie besprochen sammeln wir in diesem Ticket alle Wartungsarbeiten aus dem Betreuungsvertrag.",
    fix: "Die Wartungsarbeiten für diesen Monat sind abgeschlossen.",
};

const CALL_DETAILS: &[&str] = &[
    "Bitte um Rückruf.",
    "Mehrere Arbeitsplätze betroffen.",
    "Dringend, ab 14 Uhr kommt Kundschaft.",
    "Hat es schon mit einem Neustart versucht.",
    "Ist heute bis 16 Uhr erreichbar.",
    "Fernwartung ist freigegeben.",
];

const CUSTOMER_FOLLOWUPS: &[&str] = &[
    "Das Problem tritt leider immer noch auf. Können Sie bitte noch einmal draufschauen?",
    "Vielen Dank für die schnelle Hilfe!",
    "Noch ein Detail: Der Fehler kommt meistens morgens, wenn alle gleichzeitig anfangen.",
    "Wann könnten Sie vorbeikommen? Wir sind Montag bis Freitag von 8 bis 17 Uhr da.",
    "Ich habe den Rechner wie besprochen neu gestartet, leider ohne Erfolg.",
    "Die Kollegin aus der Buchhaltung hat jetzt das gleiche Problem.",
    "Gibt es hier schon etwas Neues?",
    "Kurze Rückmeldung: Seit gestern läuft alles stabil.",
    "Können Sie uns dafür bitte noch ein Angebot schicken?",
    "Die Fehlermeldung lautet: „Zugriff verweigert“.",
    "Heute ist es wieder passiert, gegen 10 Uhr.",
    "Ist das auch im Wartungsvertrag enthalten?",
];

const CUSTOMER_ANSWERS: &[&str] = &[
    "Den Screenshot habe ich angehängt bzw. Ihnen per E-Mail geschickt.",
    "Sie können sich heute ab 13 Uhr aufschalten.",
    "Die Seriennummer lautet 5CG1234XYZ.",
    "Ja, das betrifft alle Arbeitsplätze im Erdgeschoss.",
    "Passt, Donnerstag Vormittag geht bei uns.",
    "Das Angebot ist freigegeben, bitte bestellen.",
    "Ja, das Gerät ist eingeschaltet und am Netz.",
    "Das Kennwort gebe ich Ihnen lieber telefonisch durch.",
];

const STAFF_REPLIES: &[&str] = &[
    "vielen Dank für Ihre Nachricht. Wir kümmern uns darum und melden uns im Laufe des Tages.",
    "wir haben uns per Fernwartung aufgeschaltet und sehen uns das gerade an.",
    "ein Techniker kommt morgen Vormittag bei Ihnen vorbei.",
    "wir haben die Einstellungen angepasst. Bitte testen Sie es noch einmal und geben Sie uns Bescheid.",
    "das Ersatzteil ist bestellt und kommt voraussichtlich übermorgen.",
    "wir haben den Fehler nachstellen können und arbeiten an einer Lösung.",
    "die Ursache liegt beim Hersteller; wir haben dort einen Fall eröffnet.",
    "wir haben das Gerät neu eingerichtet. Bitte melden Sie sich einmal ab und wieder an.",
    "wir spielen das Update heute Abend nach Geschäftsschluss ein.",
    "wir haben einen Termin für Donnerstag, 9 Uhr, eingeplant.",
];

const STAFF_QUESTIONS: &[&str] = &[
    "können Sie uns bitte einen Screenshot der Fehlermeldung schicken?",
    "wann dürfen wir uns per Fernwartung aufschalten?",
    "bitte nennen Sie uns die Seriennummer des Geräts (Aufkleber auf der Unterseite).",
    "betrifft das nur diesen Arbeitsplatz oder auch andere?",
    "passt Ihnen ein Vor-Ort-Termin am Donnerstag Vormittag?",
    "wir haben Ihnen ein Angebot geschickt. Sollen wir bestellen?",
    "ist das Gerät eingeschaltet und mit dem Netzwerk verbunden?",
];

const STAFF_REMINDERS: &[&str] = &[
    "wir warten noch auf Ihre Rückmeldung. Ist das Problem inzwischen behoben?",
    "kurze Erinnerung: Wir brauchen noch Ihre Freigabe, um weiterzumachen.",
    "haben Sie unsere letzte Nachricht erhalten? Ohne Rückmeldung schließen wir das Ticket in einer Woche.",
];

const CALLS_IN: &[&str] = &[
    "Kunde rief an: fragt nach dem aktuellen Stand.",
    "Kunde rief an: Problem besteht weiterhin, bittet um Vor-Ort-Termin.",
    "Kunde rief an: gibt die Seriennummer durch, Gerät ist noch in der Garantie.",
    "Kunde rief an: Fehler tritt jetzt auch bei einem zweiten Kollegen auf.",
    "Kunde rief an: Fernwartung für heute Nachmittag freigegeben.",
    "Kunde rief an: bestätigt, dass es wieder funktioniert.",
];

const CALLS_OUT: &[&str] = &[
    "Rückruf bei {contact}: Termin für Donnerstag vereinbart.",
    "Rückruf bei {contact}: Vorgehen besprochen, Fernwartung durchgeführt.",
    "Rückruf bei {contact}: nicht erreicht, Nachricht auf der Mailbox hinterlassen.",
    "Rückruf bei {contact}: Lösung am Telefon erklärt, Kunde testet.",
    "Rückruf bei {contact}: Angebot besprochen, Kunde meldet sich.",
];

const NOTES: &[&str] = &[
    "Per Fernwartung geprüft: Ereignisprotokoll zeigt Treiberfehler.",
    "Ersatzteil beim Großhändler bestellt, Lieferung in 2–3 Werktagen.",
    "Vor-Ort-Einsatz: Kabel geprüft, Switch-Port gewechselt.",
    "Lizenz im Partnerportal bestellt.",
    "Herstellersupport kontaktiert, Fallnummer im Dokumentationsordner.",
    "Achtung: Kunde hat noch eine offene Rechnung, vor weiteren Bestellungen mit der Buchhaltung klären.",
    "Konfiguration dokumentiert, Kennwörter im Kennwort-Tresor abgelegt.",
    "Vor-Ort-Einsatz: Rechner neu aufgesetzt, Daten aus der Sicherung zurückgespielt.",
    "Mit Kollegin abgestimmt: Termin am Donnerstag übernimmt sie.",
    "Garantiefall beim Hersteller angelegt.",
    "Kunde wünscht Abrechnung nach Aufwand, nicht über den Wartungsvertrag.",
    "Firmware-Stand geprüft, Update für nächste Woche eingeplant.",
];

const STAFF_MINUTES: &[i64] = &[0, 15, 15, 15, 30, 30, 45, 60];
const NOTE_MINUTES: &[i64] = &[0, 0, 15, 30, 30, 45, 60, 90, 120];
const CALL_MINUTES: &[i64] = &[15, 15, 15, 30];
const FIX_MINUTES: &[i64] = &[30, 45, 60, 60, 90, 120];

// ------------------------------------------------------------------------------ randomness

/// splitmix64: small, fast and good enough to make the same demo data from the same seed.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 for `n == 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// One of `items`, which must not be empty.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let mut r = self.below(items.iter().map(|i| i.1).sum());
        for &(v, w) in items {
            if r < w {
                return v;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }
}

// ------------------------------------------------------------------------------ people

struct DemoCustomer {
    id: i64,
    no: String,
    name: String,
    email: String,
    /// "Ayşe Yilmaz": how the contact signs.
    contact_name: String,
    /// "Frau Yilmaz": how staff address the contact.
    salutation: String,
}

struct Member {
    id: i64,
    username: String,
    name: String,
    role: Role,
    /// `false` when the account existed before (its password is left alone).
    created: bool,
}

/// ASCII for a domain name: "Bäckerei Schmidt" → "baeckerei-schmidt".
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'ş' => out.push('s'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    out.trim_end_matches('-').to_string()
}

fn with_form(base: &str, form: &str) -> String {
    if form.is_empty() {
        base.to_string()
    } else {
        format!("{base} {form}")
    }
}

fn random_business(rng: &mut Rng) -> (String, &'static str) {
    let (pattern, forms) = rng.pick(BUSINESSES);
    let n = rng.pick(SURNAMES);
    let mut m = rng.pick(SURNAMES);
    while m == n {
        m = rng.pick(SURNAMES);
    }
    let base = pattern.replace("{n}", n).replace("{m}", m);
    (base, *rng.pick(forms))
}

/// Adds `n` customers with unused numbers, names and e-mail addresses, all with the demo
/// password (`hash`), and its hotline copy when the hotline is on.
fn add_customers(
    app: &App,
    tx: &rusqlite::Connection,
    rng: &mut Rng,
    n: usize,
    hash: &str,
    now: i64,
) -> Result<Vec<DemoCustomer>> {
    let (mut numbers, mut names, mut emails) = ddb::customer_keys(tx)?;
    let mut next_no = 10_001u64;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let no = loop {
            let no = format!("K-{next_no}");
            next_no += 1;
            if numbers.insert(no.clone()) {
                break no;
            }
        };
        // A fixed name first, then random ones; a name in use gets a town, then the number.
        let mut candidates = Vec::new();
        if let Some((base, form)) = FIRST_CUSTOMERS.get(i) {
            candidates.push((base.to_string(), *form));
        }
        for _ in 0..20 {
            candidates.push(random_business(rng));
        }
        let (base, form) =
            candidates.iter().find(|(b, f)| !names.contains(&with_form(b, f))).cloned().unwrap_or_else(|| {
                let (base, form) = candidates.swap_remove(0);
                let city = rng.pick(CITIES);
                let with_city = format!("{base} {city}");
                if names.contains(&with_form(&with_city, form)) {
                    (format!("{with_city} {no}"), form)
                } else {
                    (with_city, form)
                }
            });
        let name = with_form(&base, form);
        names.insert(name.clone());

        let domain = slug(&base);
        let mailbox = rng.pick(MAIL_BOXES);
        let mut email = format!("{mailbox}@{domain}.example");
        let mut suffix = 2;
        while emails.contains(&email) {
            email = format!("{mailbox}@{domain}-{suffix}.example");
            suffix += 1;
        }
        emails.insert(email.clone());

        let phone = format!(
            "{} {}{}",
            rng.pick(AREA_CODES),
            100_000 + rng.below(9_000_000),
            if rng.chance(30) { format!("-{}", 10 + rng.below(90)) } else { String::new() }
        );
        let &(first, last, female) = rng.pick(CONTACTS);
        let salutation = format!("{} {last}", if female { "Frau" } else { "Herr" });
        // Customers joined before their first ticket, spread over a year.
        let created_at = now - (HISTORY_DAYS as i64 + 30 + rng.below(365) as i64) * DAY;
        let id = customers::insert(
            tx,
            &customers::NewCustomer {
                customer_no: &no,
                name: &name,
                email: &email,
                phone: &phone,
                password_hash: hash,
            },
            created_at,
        )?;
        if let Some(copy) = app.seal_password(id, CUSTOMER_PASSWORD)? {
            customers::set_password_copy(tx, id, Some(&copy))?;
        }
        out.push(DemoCustomer { id, no, name, email, contact_name: format!("{first} {last}"), salutation });
    }
    Ok(out)
}

/// The demo team; accounts that exist already are used as they are.
fn ensure_staff(tx: &rusqlite::Connection, hash: &str, now: i64) -> Result<Vec<Member>> {
    let mut out = Vec::with_capacity(STAFF.len());
    for &(username, name, email, role) in STAFF {
        if let Some(s) = staff::get_by_username(tx, username)? {
            out.push(Member { id: s.id, username: s.username, name: s.name, role: s.role, created: false });
            continue;
        }
        let email = if staff::exists_email(tx, email, None)? { "" } else { email };
        let id = staff::insert(
            tx,
            &staff::NewStaff { username, name, email, role, password_hash: hash, must_change_password: false },
            now - (HISTORY_DAYS as i64 + 400) * DAY,
        )?;
        out.push(Member { id, username: username.to_string(), name: name.to_string(), role, created: true });
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ planning

/// A ticket before its history is written.
struct Plan {
    customer: usize,
    created_at: i64,
    status: Status,
    priority: Priority,
    activities: usize,
    bench: bool,
    seed: u64,
    number: TicketNo,
    created_month: i64,
}

/// Activities per ticket, and whether the first ticket is the benchmark one.
fn activity_counts(rng: &mut Rng, tickets: usize, total: usize) -> Result<(Vec<usize>, bool)> {
    if total == 0 {
        // 2–12, mostly few.
        let counts = (0..tickets).map(|_| 2 + (rng.below(11) * rng.below(11) / 10) as usize).collect();
        return Ok((counts, false));
    }
    if total < tickets {
        return Err(Error::Internal(format!(
            "--activities {total} is less than --tickets {tickets}: every ticket starts with an \
             activity (use --activities 0 for a realistic number per ticket)"
        )));
    }
    let bench = total >= BENCH_THRESHOLD && tickets >= 2 && total - BENCH_ACTIVITIES >= tickets - 1;
    let (mut counts, rest_total) =
        if bench { (vec![BENCH_ACTIVITIES], total - BENCH_ACTIVITIES) } else { (Vec::new(), total) };
    let n = tickets - counts.len();
    // Every ticket gets one; the rest is shared by random weights, the remainder round-robin.
    let weights: Vec<u64> = (0..n)
        .map(|_| {
            let w = 1 + rng.below(6);
            if rng.chance(10) {
                w + rng.below(25)
            } else {
                w
            }
        })
        .collect();
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let spare = (rest_total - n) as u128;
    let start = counts.len();
    counts.extend(weights.iter().map(|&w| 1 + (spare * u128::from(w) / sum) as usize));
    let mut left = rest_total - counts[start..].iter().sum::<usize>();
    let mut i = rng.index(n);
    while left > 0 {
        counts[start + i] += 1;
        left -= 1;
        i = (i + 1) % n;
    }
    Ok((counts, bench))
}

/// A working-day moment in the last three years, more often recent, in local business hours.
fn created_time(rng: &mut Rng, now: i64, tz: &time_tz::Tz, max_age_days: Option<u64>) -> i64 {
    let age = match max_age_days {
        Some(d) => d,
        None if rng.chance(50) => rng.below(HISTORY_DAYS),
        None => rng.below(HISTORY_DAYS).min(rng.below(HISTORY_DAYS)),
    } as i64;
    let mut day = now.div_euclid(DAY) - age;
    // Day 0 (1970-01-01) was a Thursday; 0 = Monday.
    let weekday = (day + 3).rem_euclid(7);
    if weekday >= 5 && rng.chance(85) {
        day -= weekday - 4;
    }
    let local = day * DAY + 7 * HOUR + rng.below(11 * HOUR as u64) as i64;
    local - i64::from(clock::local(local, tz).offset().whole_seconds())
}

fn status_for_age(rng: &mut Rng, age_days: i64) -> Status {
    use Status::*;
    let weights: &[(Status, u64)] = if age_days < 14 {
        &[(Open, 35), (InProgress, 30), (Waiting, 20), (Closed, 15)]
    } else if age_days < 60 {
        &[(Open, 5), (InProgress, 10), (Waiting, 15), (Closed, 70)]
    } else {
        &[(Open, 1), (InProgress, 1), (Waiting, 1), (Closed, 97)]
    };
    rng.weighted(weights)
}

/// Plans every ticket, sorted by creation time and numbered from each year's sequence.
fn plan_tickets(
    rng: &mut Rng,
    opts: &Options,
    customers: &[DemoCustomer],
    last_seqs: &mut std::collections::HashMap<i32, i64>,
    now: i64,
    tz: &time_tz::Tz,
) -> Result<Vec<Plan>> {
    let (counts, bench) = activity_counts(rng, opts.tickets, opts.activities)?;
    if opts.tickets > 0 && customers.is_empty() {
        return Err(Error::Internal("--tickets needs at least one customer".into()));
    }
    // A few busy customers, many quiet ones; the first three (printed logins) are busy.
    let mut cumulative = Vec::with_capacity(customers.len());
    let mut total = 0u64;
    for i in 0..customers.len() {
        total += if i < FIRST_CUSTOMERS.len() {
            40
        } else {
            let r = rng.below(5);
            1 + r * r
        };
        cumulative.push(total);
    }
    let mut plans = Vec::with_capacity(opts.tickets);
    for (i, &k) in counts.iter().enumerate() {
        let is_bench = bench && i == 0;
        let customer = if is_bench {
            0
        } else {
            let r = rng.below(total);
            cumulative.partition_point(|&c| c <= r)
        };
        // Room for all activities, a minute apart, before now.
        let room = (k as i64 + 2) * MINUTE;
        let created_at = created_time(rng, now, tz, is_bench.then_some(900)).min(now - room);
        let status = if k < 2 {
            Status::Open
        } else if is_bench {
            Status::InProgress
        } else {
            status_for_age(rng, (now - created_at) / DAY)
        };
        let priority = match i {
            1..=4 => Priority::ALL[i - 1],
            _ => rng.weighted(&[
                (Priority::Low, 15),
                (Priority::Normal, 60),
                (Priority::High, 18),
                (Priority::Urgent, 7),
            ]),
        };
        plans.push(Plan {
            customer,
            created_at,
            status,
            priority,
            activities: k,
            bench: is_bench,
            seed: rng.next_u64(),
            number: TicketNo { year: 0, seq: 0 },
            created_month: 0,
        });
    }
    plans.sort_by_key(|p| p.created_at);
    // Every status at least once: the newest tickets that can change status show them all.
    let newest = plans.iter_mut().rev().filter(|p| p.activities >= 2 && !p.bench);
    for (p, s) in newest.zip([Status::Closed, Status::Waiting, Status::InProgress, Status::Open]) {
        p.status = s;
    }
    for p in &mut plans {
        let (year, month) = clock::year_month(p.created_at, tz);
        let seq = last_seqs.entry(year).or_insert(0);
        *seq += 1;
        p.number = TicketNo { year, seq: *seq };
        p.created_month = month_key(year, month);
    }
    Ok(plans)
}

// ------------------------------------------------------------------------------ histories

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Author {
    Customer,
    Staff(usize),
    System,
}

struct Act {
    kind: ActivityKind,
    author: Author,
    body: String,
    minutes: i64,
    email_from: Option<String>,
    email_to: Option<String>,
    email_subject: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
    at: i64,
}

/// A ticket with its history, ready to be written.
struct TicketOut<'a> {
    number: String,
    customer: &'a DemoCustomer,
    staff: &'a [Member],
    subject: String,
    status: Status,
    priority: Priority,
    assignee: Option<usize>,
    created_at: i64,
    created_month: i64,
    closed_at: Option<i64>,
    acts: Vec<Act>,
}

impl TicketOut<'_> {
    fn new_ticket(&self) -> NewTicket<'_> {
        NewTicket {
            number: &self.number,
            customer_id: self.customer.id,
            subject: &self.subject,
            status: self.status,
            priority: self.priority,
            assignee_id: self.assignee.map(|i| self.staff[i].id),
            created_at: self.created_at,
            created_month: self.created_month,
        }
    }

    fn activities(&self) -> impl Iterator<Item = NewActivity<'_>> {
        self.acts.iter().map(|a| {
            let (author_kind, customer_id, staff_id, author_name) = match a.author {
                Author::Customer => (AuthorKind::Customer, Some(self.customer.id), None, self.customer.name.as_str()),
                Author::Staff(i) => (AuthorKind::Staff, None, Some(self.staff[i].id), self.staff[i].name.as_str()),
                Author::System => (AuthorKind::System, None, None, ""),
            };
            NewActivity {
                customer_id,
                staff_id,
                minutes: a.minutes,
                email_from: a.email_from.as_deref(),
                email_to: a.email_to.as_deref(),
                email_subject: a.email_subject.as_deref(),
                old_value: a.old_value.as_deref(),
                new_value: a.new_value.as_deref(),
                ..NewActivity::new(a.kind, author_kind, author_name, &a.body, a.at)
            }
        })
    }
}

/// Times of `k` activities from `start`: at least a minute apart, all before `now`.
fn timeline(rng: &mut Rng, start: i64, k: usize, status: Status, bench: bool, now: i64) -> Vec<i64> {
    let mut out = Vec::with_capacity(k);
    out.push(start);
    if k < 2 {
        return out;
    }
    let gaps = (k - 1) as i64;
    let max_span = (now - MINUTE - start).max(gaps * MINUTE);
    let typical = *rng.pick(&[20 * MINUTE, 2 * HOUR, 5 * HOUR, DAY, 2 * DAY]);
    let mut span = gaps * typical;
    if bench {
        span = max_span * 9 / 10;
    } else if status != Status::Closed && now - start < 60 * DAY {
        // Work in progress reaches up to the last days.
        span = span.max(max_span * 7 / 10);
    }
    let span = span.clamp(gaps * MINUTE, max_span);
    // Many short gaps, a few long ones.
    let weights: Vec<u64> = (0..gaps)
        .map(|_| {
            let r = rng.below(100);
            1 + r * r
        })
        .collect();
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let extra = (span - gaps * MINUTE) as u128;
    let mut t = start;
    for w in weights {
        t += MINUTE + (extra * u128::from(w) / sum) as i64;
        out.push(t);
    }
    out
}

fn staff_letter(salutation: &str, text: &str, signer: &str) -> String {
    format!("Guten Tag {salutation},\n\n{text}\n\nViele Grüße\n{signer}")
}

fn customer_letter(text: &str, signer: &str) -> String {
    format!("Hallo,\n\n{text}\n\nViele Grüße\n{signer}")
}

/// Writes one ticket's history step by step, keeping its status as the portal would.
struct Script<'a> {
    rng: Rng,
    out: TicketOut<'a>,
    times: Vec<i64>,
    fix: String,
    /// Who works on the ticket; `admin` hands tickets out.
    agent: usize,
    admin: usize,
}

impl Script<'_> {
    fn push(&mut self, kind: ActivityKind, author: Author, body: String, minutes: i64) -> &mut Act {
        let at = self.times[self.out.acts.len()];
        self.out.acts.push(Act {
            kind,
            author,
            body,
            minutes,
            email_from: None,
            email_to: None,
            email_subject: None,
            old_value: None,
            new_value: None,
            at,
        });
        let last = self.out.acts.len() - 1;
        &mut self.out.acts[last]
    }

    fn left(&self) -> usize {
        self.times.len() - self.out.acts.len()
    }

    /// Mostly the ticket's agent, sometimes a colleague.
    fn worker(&mut self) -> Author {
        if self.rng.chance(80) {
            Author::Staff(self.agent)
        } else {
            Author::Staff(self.rng.index(self.out.staff.len()))
        }
    }

    fn signer(&self, a: Author) -> &str {
        match a {
            Author::Staff(i) => &self.out.staff[i].name,
            _ => "",
        }
    }

    fn set_status(&mut self, author: Author, new: Status) {
        let old = self.out.status;
        let act = self.push(ActivityKind::Status, author, String::new(), 0);
        act.old_value = Some(old.as_str().to_string());
        act.new_value = Some(new.as_str().to_string());
        let at = act.at;
        self.out.status = new;
        self.out.closed_at = (new == Status::Closed).then_some(at);
    }

    fn opening(&mut self, body: &str) {
        let c = self.out.customer;
        match self.rng.weighted(&[(0, 65), (1, 25), (2, 10)]) {
            0 => {
                let text = customer_letter(body, &c.contact_name);
                self.push(ActivityKind::Message, Author::Customer, text, 0);
            }
            1 => {
                let detail = self.rng.pick(CALL_DETAILS);
                let text = format!("Kunde rief an ({}): {}. {detail}", c.salutation, self.out.subject);
                let who = self.worker();
                self.push(ActivityKind::Call, who, text, 15);
            }
            _ => {
                let text = customer_letter(body, &c.contact_name);
                let who = self.worker();
                let subject = self.out.subject.clone();
                let act = self.push(ActivityKind::Email, who, text, 0);
                act.email_from = Some(c.email.clone());
                act.email_to = Some(SUPPORT_EMAIL.to_string());
                act.email_subject = Some(subject);
            }
        }
    }

    fn customer_message(&mut self, texts: &[&str]) {
        let text = *self.rng.pick(texts);
        let text = customer_letter(text, &self.out.customer.contact_name);
        self.push(ActivityKind::Message, Author::Customer, text, 0);
    }

    fn staff_message(&mut self, text: &str, minutes: i64) {
        let who = self.worker();
        let body = staff_letter(&self.out.customer.salutation, text, self.signer(who));
        self.push(ActivityKind::Message, who, body, minutes);
    }

    fn email_out(&mut self, texts: &[&str]) {
        let who = self.worker();
        let text = *self.rng.pick(texts);
        let body = staff_letter(&self.out.customer.salutation, text, self.signer(who));
        let minutes = *self.rng.pick(&[15, 15, 30]);
        let subject = format!("{} [Ticket {}]", self.out.subject, self.out.number);
        let to = self.out.customer.email.clone();
        let act = self.push(ActivityKind::Email, who, body, minutes);
        act.email_from = Some(SUPPORT_EMAIL.to_string());
        act.email_to = Some(to);
        act.email_subject = Some(subject);
    }

    fn email_in(&mut self) {
        let who = self.worker();
        let c = self.out.customer;
        let text = *self.rng.pick(CUSTOMER_FOLLOWUPS);
        let body = customer_letter(text, &c.contact_name);
        let subject = format!("AW: {} [Ticket {}]", self.out.subject, self.out.number);
        let act = self.push(ActivityKind::Email, who, body, 0);
        act.email_from = Some(c.email.clone());
        act.email_to = Some(SUPPORT_EMAIL.to_string());
        act.email_subject = Some(subject);
    }

    fn call(&mut self, incoming: bool) {
        let who = self.worker();
        let text = if incoming {
            self.rng.pick(CALLS_IN).to_string()
        } else {
            self.rng.pick(CALLS_OUT).replace("{contact}", &self.out.customer.salutation)
        };
        let minutes = *self.rng.pick(CALL_MINUTES);
        self.push(ActivityKind::Call, who, text, minutes);
    }

    fn note(&mut self) {
        let who = self.worker();
        let text = self.rng.pick(NOTES).to_string();
        let minutes = *self.rng.pick(NOTE_MINUTES);
        self.push(ActivityKind::InternalNote, who, text, minutes);
    }

    fn assign(&mut self) {
        let who = if self.rng.chance(50) { Author::Staff(self.admin) } else { Author::Staff(self.agent) };
        let name = self.out.staff[self.agent].name.clone();
        let act = self.push(ActivityKind::Assignee, who, String::new(), 0);
        act.new_value = Some(name);
    }

    fn reprioritize(&mut self) {
        let new = self.out.priority;
        let others: Vec<Priority> = Priority::ALL.iter().copied().filter(|p| *p != new).collect();
        let old = *self.rng.pick(&others);
        let who = self.worker();
        let act = self.push(ActivityKind::Priority, who, String::new(), 0);
        act.old_value = Some(old.as_str().to_string());
        act.new_value = Some(new.as_str().to_string());
    }

    /// The customer answers; a ticket that waited for them (or was closed) opens again, a
    /// second later, by the system — as `tickets::reply` does.
    fn customer_reply(&mut self) {
        self.customer_message(CUSTOMER_ANSWERS);
        let old = self.out.status;
        if matches!(old, Status::Waiting | Status::Closed) {
            let at = self.out.acts[self.out.acts.len() - 1].at + 1;
            self.set_status(Author::System, Status::Open);
            let last = self.out.acts.len() - 1;
            self.out.acts[last].at = at;
        }
    }

    /// One more step of an ordinary ticket's life, given its status. Called only while there
    /// is a slot to spare beyond what reaching `target` needs.
    fn step(&mut self, target: Status) {
        let left = self.left();
        // An event of `slots` activities that leaves the ticket `after` fits if there is still
        // room to reach the final status behind it.
        let fits = |slots: usize, after: Status| left >= slots + usize::from(after != target);
        match self.out.status {
            Status::Open => match self.rng.weighted(&[(0, 30), (1, 25), (2, 10), (3, 10), (4, 10), (5, 5), (6, 5)]) {
                0 if fits(1, Status::InProgress) => {
                    let who = self.worker();
                    self.set_status(who, Status::InProgress);
                }
                0 | 1 => self.staff_reply(),
                2 => self.call(false),
                3 => self.note(),
                4 => self.customer_message(CUSTOMER_FOLLOWUPS),
                5 => self.email_in(),
                _ => self.email_out(STAFF_REPLIES),
            },
            Status::InProgress => {
                match self.rng.weighted(&[(0, 24), (1, 20), (2, 10), (3, 8), (4, 8), (5, 4), (6, 12), (7, 7)]) {
                    0 => self.staff_reply(),
                    1 => self.note(),
                    2 => self.call(false),
                    3 => self.call(true),
                    4 => self.email_out(STAFF_REPLIES),
                    5 => self.email_in(),
                    6 => self.customer_message(CUSTOMER_FOLLOWUPS),
                    _ if fits(2, Status::Waiting) => {
                        let text = *self.rng.pick(STAFF_QUESTIONS);
                        self.staff_message(text, 15);
                        let who = Author::Staff(self.agent);
                        self.set_status(who, Status::Waiting);
                    }
                    _ => self.note(),
                }
            }
            Status::Waiting | Status::Closed => match self.rng.weighted(&[(0, 50), (1, 20), (2, 20), (3, 10)]) {
                0 if fits(2, Status::Open) => self.customer_reply(),
                3 if fits(1, Status::InProgress) => {
                    let who = self.worker();
                    self.set_status(who, Status::InProgress);
                }
                0 | 1 => self.email_out(STAFF_REMINDERS),
                _ => self.call(true),
            },
        }
    }

    fn staff_reply(&mut self) {
        let text = *self.rng.pick(STAFF_REPLIES);
        let minutes = *self.rng.pick(STAFF_MINUTES);
        self.staff_message(text, minutes);
    }
}

/// A planned ticket's whole history, from its own seed.
fn script<'a>(
    plan: &Plan,
    customers: &'a [DemoCustomer],
    staff: &'a [Member],
    agents: &[usize],
    admin: usize,
    now: i64,
) -> TicketOut<'a> {
    let mut rng = Rng::new(plan.seed);
    let topic = if plan.bench { &BENCH_TOPIC } else { rng.pick(TOPICS) };
    let person = rng.pick(PERSONS);
    let subject = topic.subject.replace("{person}", person);
    let body = topic.body.replace("{person}", person);
    let times = timeline(&mut rng, plan.created_at, plan.activities, plan.status, plan.bench, now);
    let agent = *rng.pick(agents);
    let k = plan.activities;
    let target = plan.status;
    let mut s = Script {
        rng,
        out: TicketOut {
            number: plan.number.to_string(),
            customer: &customers[plan.customer],
            staff,
            subject,
            status: Status::Open,
            priority: plan.priority,
            assignee: None,
            created_at: plan.created_at,
            created_month: plan.created_month,
            closed_at: None,
            acts: Vec::with_capacity(k),
        },
        times,
        fix: topic.fix.to_string(),
        agent,
        admin,
    };
    s.opening(&body);
    let mut reprioritize = k >= 6 && s.rng.chance(12);
    while s.left() > 0 {
        let left = s.left();
        let need = usize::from(s.out.status != target);
        if left <= need {
            let who = Author::Staff(agent);
            s.set_status(who, target);
        } else if left == 2 && need == 1 && target == Status::Closed {
            let fix = s.fix.clone();
            let minutes = *s.rng.pick(FIX_MINUTES);
            s.staff_message(&fix, minutes);
        } else if left == 2 && need == 1 && target == Status::Waiting {
            let text = *s.rng.pick(STAFF_QUESTIONS);
            s.staff_message(text, 15);
        } else if s.out.acts.len() == 1 && s.rng.chance(55) {
            s.assign();
        } else if reprioritize && s.rng.chance(25) {
            s.reprioritize();
            reprioritize = false;
        } else {
            s.step(target);
        }
    }
    let mut out = s.out;
    let worked = out.acts.iter().any(|a| matches!(a.author, Author::Staff(_)));
    out.assignee = worked.then_some(agent);
    out
}

// ------------------------------------------------------------------------------ writing

/// Where finished tickets go: the bulk writer, or (in tests) the portal's own functions.
trait Sink {
    fn ticket(&mut self, t: &TicketOut) -> Result<()>;
}

struct Bulk<'c> {
    writer: Writer<'c>,
}

impl Sink for Bulk<'_> {
    fn ticket(&mut self, t: &TicketOut) -> Result<()> {
        let acts: Vec<NewActivity> = t.activities().collect();
        let mut counters = Counters::new(t.created_at);
        for a in &acts {
            counters.add(a);
        }
        let id = self.writer.ticket(&t.new_ticket(), t.closed_at, &counters)?;
        for a in &acts {
            self.writer.activity(id, a)?;
        }
        Ok(())
    }
}

/// Everything decided before the tickets are written.
struct Prepared {
    staff: Vec<Member>,
    customers: Vec<DemoCustomer>,
    plans: Vec<Plan>,
    agents: Vec<usize>,
    admin: usize,
}

fn prepare(
    app: &App,
    tx: &rusqlite::Connection,
    opts: &Options,
    customer_hash: &str,
    staff_hash: &str,
    now: i64,
) -> Result<Prepared> {
    let mut rng = Rng::new(opts.seed);
    let staff = ensure_staff(tx, staff_hash, now)?;
    let customers = add_customers(app, tx, &mut rng, opts.customers, customer_hash, now)?;
    let mut seqs = ddb::last_seqs(tx)?;
    let plans = plan_tickets(&mut rng, opts, &customers, &mut seqs, now, app.tz)?;
    for (&year, &seq) in &seqs {
        ddb::raise_last_seq(tx, year, seq)?;
    }
    let agents: Vec<usize> = (0..staff.len()).filter(|&i| staff[i].role == Role::Agent).collect();
    let admin = staff.iter().position(|s| s.role == Role::Admin).unwrap_or(0);
    let agents = if agents.is_empty() { vec![admin] } else { agents };
    Ok(Prepared { staff, customers, plans, agents, admin })
}

fn write_tickets(p: &Prepared, now: i64, sink: &mut dyn Sink) -> Result<usize> {
    let mut activities = 0;
    for plan in &p.plans {
        let t = script(plan, &p.customers, &p.staff, &p.agents, p.admin, now);
        activities += t.acts.len();
        sink.ticket(&t)?;
    }
    Ok(activities)
}

/// Fills the database and returns what to print: the counts and the demo logins.
pub fn fill(app: &App, opts: &Options) -> Result<String> {
    let started = Instant::now();
    let cost = app.config.security.bcrypt_cost;
    let customer_hash = password::hash(CUSTOMER_PASSWORD, cost)?;
    let staff_hash = password::hash(STAFF_PASSWORD, cost)?;
    let now = clock::now();
    // A connection of its own, so the bulk settings never reach the pool.
    let mut conn = db::open(&app.config.database)?;
    ddb::tune_for_bulk(&conn)?;
    let (prepared, activities) = db::write(&mut conn, |tx| {
        let p = prepare(app, tx, opts, &customer_hash, &staff_hash, now)?;
        let mut sink = Bulk { writer: Writer::new(tx)? };
        let activities = write_tickets(&p, now, &mut sink)?;
        sink.writer.finish()?;
        let detail = format!(
            "{} customers, {} tickets, {activities} activities, seed {}",
            p.customers.len(),
            p.plans.len(),
            opts.seed
        );
        audit::insert(
            tx,
            &audit::Entry { actor: "cli", action: "demo.fill", target: "", detail: &detail, address: "" },
            now,
        )?;
        Ok((p, activities))
    })?;
    ddb::checkpoint(&conn)?;
    Ok(report(&prepared, activities, started))
}

fn report(p: &Prepared, activities: usize, started: Instant) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "demo data added: {} customers, {} tickets, {activities} activities ({:.1} s)",
        p.customers.len(),
        p.plans.len(),
        started.elapsed().as_secs_f64()
    );
    if !p.customers.is_empty() {
        let _ = writeln!(s, "\ncustomer logins (customer number or e-mail), password {CUSTOMER_PASSWORD}:");
        for c in p.customers.iter().take(3) {
            let _ = writeln!(s, "  {:<10} {:<45} {}", c.no, c.email, c.name);
        }
    }
    let _ = writeln!(s, "\nstaff logins at /staff/login, password {STAFF_PASSWORD}:");
    for m in &p.staff {
        let note = if m.created { "" } else { " (existed already; password unchanged)" };
        let _ = writeln!(s, "  {:<10} {:<6} {}{note}", m.username, m.role.as_str(), m.name);
    }
    if let Some(b) = p.plans.iter().find(|p| p.bench) {
        let _ = writeln!(s, "\nticket with {BENCH_ACTIVITIES} activities: {}", b.number);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Security};
    use crate::db::tickets as tdb;
    use rusqlite::types::Value;
    use rusqlite::Connection;

    /// The portal's own path: `tickets::insert` and `add_activity`, one by one.
    struct Reference<'c>(&'c Connection);

    impl Sink for Reference<'_> {
        fn ticket(&mut self, t: &TicketOut) -> Result<()> {
            let id = tdb::insert(self.0, &t.new_ticket())?;
            for a in t.activities() {
                tdb::add_activity(self.0, id, &a)?;
            }
            if let Some(at) = t.closed_at {
                tdb::set_status(self.0, id, Status::Closed, at)?;
            }
            Ok(())
        }
    }

    /// A database in a directory of its own (the hotline key file goes beside it).
    struct TempDb {
        dir: std::path::PathBuf,
        path: std::path::PathBuf,
    }

    impl TempDb {
        fn new(tag: &str) -> TempDb {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("ticketd-demo-{tag}-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDb { path: dir.join("demo.db"), dir }
        }

        fn app(&self) -> App {
            App::open(Config {
                database: self.path.clone(),
                security: Security { bcrypt_cost: 4, ..Security::default() },
                ..Config::default()
            })
            .unwrap()
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn dump(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn scalar(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn rng_is_deterministic() {
        let a: Vec<u64> = {
            let mut r = Rng::new(42);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let mut r = Rng::new(42);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert_ne!(a[0], Rng::new(43).next_u64());
        let mut r = Rng::new(7);
        assert!((0..1000).all(|_| r.below(10) < 10));
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn activity_totals_are_exact() {
        let mut rng = Rng::new(1);
        let (counts, bench) = activity_counts(&mut rng, 300, 7_777).unwrap();
        assert!(bench);
        assert_eq!(counts[0], BENCH_ACTIVITIES);
        assert_eq!(counts.iter().sum::<usize>(), 7_777);
        assert!(counts.iter().all(|&c| c >= 1));
        let (counts, bench) = activity_counts(&mut rng, 10, 10).unwrap();
        assert!(!bench);
        assert_eq!(counts, vec![1; 10]);
        assert!(activity_counts(&mut rng, 10, 9).is_err());
        let (counts, _) = activity_counts(&mut rng, 500, 0).unwrap();
        assert!(counts.iter().all(|c| (2..=12).contains(c)));
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Bäckerei Schmidt"), "baeckerei-schmidt");
        assert_eq!(slug("Steuerkanzlei Weber & Partner"), "steuerkanzlei-weber-partner");
        assert_eq!(slug("Architekturbüro Groß + Köhler"), "architekturbuero-gross-koehler");
    }

    /// Writes the same runs (one after the other into one database) through the bulk writer,
    /// with small search chunks, and through `add_activity`.
    fn fill_both(runs: &[Options]) -> (TempDb, TempDb) {
        let now = 1_767_225_600; // 2026-01-01
        let run = |tag: &str, bulk: bool| {
            let db = TempDb::new(tag);
            let app = db.app();
            let mut conn = db::open(&app.config.database).unwrap();
            for opts in runs {
                db::write(&mut conn, |tx| {
                    let p = prepare(&app, tx, opts, "hash-c", "hash-s", now)?;
                    if bulk {
                        let mut sink = Bulk { writer: Writer::with_chunk(tx, 97)? };
                        write_tickets(&p, now, &mut sink)?;
                        sink.writer.finish()?;
                    } else {
                        write_tickets(&p, now, &mut Reference(tx))?;
                    }
                    Ok(())
                })
                .unwrap();
            }
            db
        };
        (run("bulk", true), run("ref", false))
    }

    #[test]
    fn bulk_writes_what_add_activity_writes() {
        let runs = [
            Options { customers: 6, tickets: 80, activities: 0, seed: 3 },
            Options { customers: 4, tickets: 40, activities: 5_200, seed: 9 },
        ];
        let (bulk, reference) = fill_both(&runs);
        let b = db::open(&bulk.path).unwrap();
        let r = db::open(&reference.path).unwrap();
        for sql in [
            "SELECT * FROM tickets ORDER BY id",
            "SELECT * FROM activities ORDER BY id",
            "SELECT rowid, text, ticket_id, internal FROM search ORDER BY rowid",
            "SELECT * FROM ticket_sequences ORDER BY year",
            "SELECT id, customer_no, name, email, phone FROM customers ORDER BY id",
        ] {
            assert_eq!(dump(&b, sql), dump(&r, sql), "{sql}");
        }
        assert_eq!(scalar(&b, "SELECT count(*) FROM tickets"), 120);
        assert_eq!(scalar(&b, "SELECT min(rowid) FROM search WHERE rowid > 0"), 1);
        let problems = db::check(&b).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn demo_data_is_consistent() {
        let db = TempDb::new("fill");
        let app = db.app();
        let opts = Options { customers: 5, tickets: 60, activities: 6_000, seed: 42 };
        let out = fill(&app, &opts).unwrap();
        assert!(out.contains("K-10001"), "{out}");
        assert!(out.contains("mkoch"), "{out}");
        let conn = db::open(&db.path).unwrap();
        assert_eq!(scalar(&conn, "SELECT count(*) FROM tickets"), 60);
        // The hotline copy of the demo password, as for customers created by staff.
        if app.hotline_key.is_some() {
            assert_eq!(scalar(&conn, "SELECT count(*) FROM customers WHERE password_copy IS NULL"), 0);
        }
        assert_eq!(scalar(&conn, "SELECT count(*) FROM activities"), 6_000);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM tickets WHERE staff_activity_count = 1000"), 1);
        assert_eq!(scalar(&conn, "SELECT count(DISTINCT status) FROM tickets"), 4);
        assert_eq!(scalar(&conn, "SELECT count(DISTINCT priority) FROM tickets"), 4);
        // Counters match the activities.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM tickets t WHERE
               activity_count <> (SELECT count(*) FROM activities a WHERE a.ticket_id = t.id AND NOT internal)
            OR staff_activity_count <> (SELECT count(*) FROM activities a WHERE a.ticket_id = t.id)
            OR minutes <> (SELECT sum(minutes) FROM activities a WHERE a.ticket_id = t.id)
            OR created_at <> (SELECT min(created_at) FROM activities a WHERE a.ticket_id = t.id)
            OR last_activity_at <> (SELECT max(created_at) FROM activities a WHERE a.ticket_id = t.id AND NOT internal)
            OR staff_last_activity_at <> (SELECT max(created_at) FROM activities a WHERE a.ticket_id = t.id)",
        );
        assert_eq!(bad, 0);
        // The last status change is the ticket's status; closed tickets were closed then.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM tickets t WHERE status <> coalesce(
               (SELECT new_value FROM activities a WHERE a.ticket_id = t.id AND kind = 'status'
                ORDER BY created_at DESC, id DESC LIMIT 1), 'open')
            OR (status = 'closed') <> (closed_at IS NOT NULL)
            OR closed_at <> (SELECT max(created_at) FROM activities a WHERE a.ticket_id = t.id AND kind = 'status')",
        );
        assert_eq!(bad, 0);
        // Status changes chain: each one starts where the previous ended.
        let changes = dump(
            &conn,
            "SELECT ticket_id, old_value, new_value FROM activities WHERE kind = 'status' ORDER BY ticket_id, created_at, id",
        );
        let mut last: Option<(Value, Value)> = None;
        for row in changes {
            let (ticket, old, new) = (row[0].clone(), row[1].clone(), row[2].clone());
            let expected = match &last {
                Some((t, prev)) if *t == ticket => prev.clone(),
                _ => Value::Text("open".into()),
            };
            assert_eq!(old, expected);
            assert_ne!(old, new);
            last = Some((ticket, new));
        }
        // Strictly chronological per ticket.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM activities a JOIN activities b
               ON b.ticket_id = a.ticket_id AND b.id = a.id + 1 WHERE b.created_at <= a.created_at",
        );
        assert_eq!(bad, 0);
        // Search rows: a subject per ticket, one per activity with text.
        assert_eq!(scalar(&conn, "SELECT count(*) FROM search WHERE rowid > 0"), 60);
        assert_eq!(
            scalar(&conn, "SELECT count(*) FROM search WHERE rowid < 0"),
            scalar(&conn, "SELECT count(*) FROM activities WHERE body <> ''")
        );
        assert!(scalar(&conn, "SELECT count(*) FROM search WHERE search MATCH 'Drucker OR Notebook OR VPN'") > 0);
        // Each year's sequence ends at its highest number, so numbers continue after the demo.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM ticket_sequences s WHERE last_seq <> (SELECT max(CAST(substr(number, 6) AS INTEGER))
               FROM tickets WHERE substr(number, 1, 4) = CAST(s.year AS TEXT))",
        );
        assert_eq!(bad, 0);
        let year = scalar(&conn, "SELECT max(year) FROM ticket_sequences") as i32;
        let last = scalar(
            &conn,
            "SELECT max(last_seq) FROM ticket_sequences WHERE year = (SELECT max(year) FROM ticket_sequences)",
        );
        assert_eq!(tdb::next_seq(&conn, year).unwrap(), last + 1);
        // A second run adds more and does not fail.
        let again = fill(&app, &Options { customers: 3, tickets: 20, activities: 0, seed: 42 }).unwrap();
        assert!(again.contains("existed already"), "{again}");
        assert_eq!(scalar(&conn, "SELECT count(*) FROM customers"), 8);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM tickets"), 80);
        // A fresh connection: FTS5's integrity check on a connection that searched before
        // another one wrote reports a stale index (SQLite 3.46), though the index is fine.
        let fresh = db::open(&db.path).unwrap();
        let problems = db::check(&fresh).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let mode: String = fresh.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }
}
