//! The words of the demo: the team, business names, people, and what tickets say.

use crate::model::Role;

/// The contractor's team, added beside any existing staff: `(username, name, e-mail, role)`.
pub(super) const STAFF: &[(&str, &str, &str, Role)] = &[
    ("pbraun", "Petra Braun", "p.braun@it-service.example", Role::Admin),
    ("mkoch", "Markus Koch", "m.koch@it-service.example", Role::Agent),
    ("jwagner", "Julia Wagner", "j.wagner@it-service.example", Role::Agent),
    ("tnguyen", "Thanh Nguyen", "t.nguyen@it-service.example", Role::Agent),
    ("sarslan", "Selin Arslan", "s.arslan@it-service.example", Role::Agent),
];

/// The first customers, so the printed logins always look the same: `(name, legal form)`.
pub(super) const FIRST_CUSTOMERS: &[(&str, &str)] =
    &[("Bäckerei Schmidt", "GmbH"), ("Steuerkanzlei Weber & Partner", ""), ("Autohaus Krüger", "KG")];

/// Kinds of business: `{n}` and `{m}` are surnames; the legal forms that fit.
pub(super) const BUSINESSES: &[(&str, &[&str])] = &[
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

pub(super) const SURNAMES: &[&str] = &[
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

pub(super) const CITIES: &[&str] = &[
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
pub(super) const AREA_CODES: &[&str] = &[
    "030", "040", "089", "0221", "069", "0711", "0211", "0341", "0511", "0911", "0421", "0351", "0231", "0201", "0621",
    "0761", "0431", "0381", "0561", "0941",
];

pub(super) const MAIL_BOXES: &[&str] = &["info", "kontakt", "buero", "service", "verwaltung", "office"];

/// Contact persons at the customer: `(first name, surname, female)`.
pub(super) const CONTACTS: &[(&str, &str, bool)] = &[
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

/// A colleague of the contact that a ticket is about, in the cases the texts need:
/// `{person}` (nominative: "Herr Becker hat …"), `{person_acc}` ("für Herrn Becker"),
/// `{person_dat}` ("von Herrn Becker") and `{er}` ("er"/"sie").
pub(super) struct Person {
    pub(super) nom: &'static str,
    pub(super) acc: &'static str,
    pub(super) dat: &'static str,
    pub(super) pronoun: &'static str,
}

const fn frau(name: &'static str) -> Person {
    Person { nom: name, acc: name, dat: name, pronoun: "sie" }
}

pub(super) const PERSONS: &[Person] = &[
    frau("Frau Yilmaz"),
    Person { nom: "Herr Becker", acc: "Herrn Becker", dat: "Herrn Becker", pronoun: "er" },
    frau("Frau Nowak"),
    Person { nom: "Herr Öztürk", acc: "Herrn Öztürk", dat: "Herrn Öztürk", pronoun: "er" },
    frau("Frau Lehmann"),
    Person { nom: "Herr Schäfer", acc: "Herrn Schäfer", dat: "Herrn Schäfer", pronoun: "er" },
    frau("Frau Kowalski"),
    Person { nom: "Herr Petersen", acc: "Herrn Petersen", dat: "Herrn Petersen", pronoun: "er" },
    Person {
        nom: "die neue Auszubildende",
        acc: "die neue Auszubildende",
        dat: "der neuen Auszubildenden",
        pronoun: "sie",
    },
    frau("Frau Dr. Hartmann"),
    Person { nom: "Herr Aydın", acc: "Herrn Aydın", dat: "Herrn Aydın", pronoun: "er" },
    frau("Frau Wójcik"),
];

impl Person {
    /// The text with this person's placeholders filled in, its first letter upper case (a
    /// sentence may start with "die neue Auszubildende").
    pub(super) fn fill(&self, text: &str) -> String {
        let s = text
            .replace("{person_acc}", self.acc)
            .replace("{person_dat}", self.dat)
            .replace("{person}", self.nom)
            .replace("{er}", self.pronoun);
        let mut chars = s.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => s,
        }
    }
}

/// What tickets are about: subject, the customer's description, the fix.
pub(super) struct Topic {
    pub(super) subject: &'static str,
    pub(super) body: &'static str,
    pub(super) fix: &'static str,
}

pub(super) const TOPICS: &[Topic] = &[
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
        subject: "Neues Notebook für {person_acc} einrichten",
        body: "Wir haben ein neues Notebook für {person_acc} bestellt. Bitte richten Sie es wie die anderen Arbeitsplätze ein (Office, Drucker, Netzlaufwerke, VPN).",
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
        subject: "Benutzerkonto für {person_acc} anlegen",
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
        body: "Während der Betriebsferien sollen alle Anrufe auf das Handy von {person_dat} umgeleitet werden. Können Sie das einrichten?",
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
        subject: "Homeoffice-Zugang für {person_acc}",
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
        subject: "Mitarbeiter ausgeschieden: Zugänge von {person_dat} sperren",
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
        subject: "Diensthandy für {person_acc} einrichten",
        body: "Für {person_acc} ist ein neues Diensthandy gekommen. Bitte richten Sie E-Mail und Kalender ein.",
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
        subject: "Zugriff auf Ordner Buchhaltung für {person_acc}",
        body: "{person} braucht Lesezugriff auf den Ordner „Buchhaltung“.",
        fix: "Die Berechtigung ist gesetzt und nach einer erneuten Anmeldung aktiv.",
    },
    Topic {
        subject: "Kalenderfreigabe funktioniert nicht",
        body: "Ich habe meinen Kalender für {person_acc} freigegeben, aber {er} sieht ihn nicht.",
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
pub(super) const BENCH_TOPIC: Topic = Topic {
    subject: "Laufende Betreuung: Wartung Server und Arbeitsplätze",
    body: "Wie besprochen sammeln wir in diesem Ticket alle Wartungsarbeiten aus dem Betreuungsvertrag.",
    fix: "Die Wartungsarbeiten für diesen Monat sind abgeschlossen.",
};

pub(super) const CALL_DETAILS: &[&str] = &[
    "Bitte um Rückruf.",
    "Mehrere Arbeitsplätze betroffen.",
    "Dringend, ab 14 Uhr kommt Kundschaft.",
    "Hat es schon mit einem Neustart versucht.",
    "Ist heute bis 16 Uhr erreichbar.",
    "Fernwartung ist freigegeben.",
];

pub(super) const CUSTOMER_FOLLOWUPS: &[&str] = &[
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

pub(super) const CUSTOMER_ANSWERS: &[&str] = &[
    "Den Screenshot habe ich angehängt bzw. Ihnen per E-Mail geschickt.",
    "Sie können sich heute ab 13 Uhr aufschalten.",
    "Die Seriennummer lautet 5CG1234XYZ.",
    "Ja, das betrifft alle Arbeitsplätze im Erdgeschoss.",
    "Passt, Donnerstag Vormittag geht bei uns.",
    "Das Angebot ist freigegeben, bitte bestellen.",
    "Ja, das Gerät ist eingeschaltet und am Netz.",
    "Das Kennwort gebe ich Ihnen lieber telefonisch durch.",
];

pub(super) const STAFF_REPLIES: &[&str] = &[
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

pub(super) const STAFF_QUESTIONS: &[&str] = &[
    "können Sie uns bitte einen Screenshot der Fehlermeldung schicken?",
    "wann dürfen wir uns per Fernwartung aufschalten?",
    "bitte nennen Sie uns die Seriennummer des Geräts (Aufkleber auf der Unterseite).",
    "betrifft das nur diesen Arbeitsplatz oder auch andere?",
    "passt Ihnen ein Vor-Ort-Termin am Donnerstag Vormittag?",
    "wir haben Ihnen ein Angebot geschickt. Sollen wir bestellen?",
    "ist das Gerät eingeschaltet und mit dem Netzwerk verbunden?",
];

pub(super) const STAFF_REMINDERS: &[&str] = &[
    "wir warten noch auf Ihre Rückmeldung. Ist das Problem inzwischen behoben?",
    "kurze Erinnerung: Wir brauchen noch Ihre Freigabe, um weiterzumachen.",
    "haben Sie unsere letzte Nachricht erhalten? Ohne Rückmeldung schließen wir das Ticket in einer Woche.",
];

pub(super) const CALLS_IN: &[&str] = &[
    "Kunde rief an: fragt nach dem aktuellen Stand.",
    "Kunde rief an: Problem besteht weiterhin, bittet um Vor-Ort-Termin.",
    "Kunde rief an: gibt die Seriennummer durch, Gerät ist noch in der Garantie.",
    "Kunde rief an: Fehler tritt jetzt auch bei einem zweiten Kollegen auf.",
    "Kunde rief an: Fernwartung für heute Nachmittag freigegeben.",
    "Kunde rief an: bestätigt, dass es wieder funktioniert.",
];

pub(super) const CALLS_OUT: &[&str] = &[
    "Rückruf bei {contact_dat}: Termin für Donnerstag vereinbart.",
    "Rückruf bei {contact_dat}: Vorgehen besprochen, Fernwartung durchgeführt.",
    "Rückruf bei {contact_dat}: nicht erreicht, Nachricht auf der Mailbox hinterlassen.",
    "Rückruf bei {contact_dat}: Lösung am Telefon erklärt, Kunde testet.",
    "Rückruf bei {contact_dat}: Angebot besprochen, Kunde meldet sich.",
];

pub(super) const NOTES: &[&str] = &[
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

pub(super) const STAFF_MINUTES: &[i64] = &[0, 15, 15, 15, 30, 30, 45, 60];
pub(super) const NOTE_MINUTES: &[i64] = &[0, 0, 15, 30, 30, 45, 60, 90, 120];
pub(super) const CALL_MINUTES: &[i64] = &[15, 15, 15, 30];
pub(super) const FIX_MINUTES: &[i64] = &[30, 45, 60, 60, 90, 120];
