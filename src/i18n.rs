//! The one string catalog. Every UI string is a [`Msg`] with a German and an English text;
//! the `catalog!` macro also lists them all so a test can check that none is missing.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    pub fn t(self, m: Msg) -> &'static str {
        match self {
            Lang::De => m.de,
            Lang::En => m.en,
        }
    }

    /// A message with `{name}` placeholders filled in.
    /// One pass over the text: a value is never searched for placeholders itself, and a
    /// `{word}` that is no argument stays as it is.
    pub fn f(self, m: Msg, args: &[(&str, &str)]) -> String {
        let text = self.t(m);
        let mut s = String::with_capacity(text.len() + args.iter().map(|(_, v)| v.len()).sum::<usize>());
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            s.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let arg = after.find('}').and_then(|close| {
                let key = &after[..close];
                args.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v, close))
            });
            match arg {
                Some((v, close)) => {
                    s.push_str(v);
                    rest = &after[close + 1..];
                }
                None => {
                    s.push('{');
                    rest = after;
                }
            }
        }
        s.push_str(rest);
        s
    }

    /// Picks the first supported language of an `Accept-Language` header, by q-value.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.filter(|(q, _)| *q > 0.0).map(|(_, l)| l)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub de: &'static str,
    pub en: &'static str,
}

macro_rules! catalog {
    ($($name:ident = $de:literal, $en:literal;)*) => {
        $(pub const $name: Msg = Msg { key: stringify!($name), de: $de, en: $en };)*
        /// Every message, for completeness tests.
        pub const ALL: &[Msg] = &[$($name),*];
    };
}

/// Message catalog, German first.
pub mod m {
    use super::Msg;

    catalog! {
        APP_NAME = "Kundenportal", "Customer portal";
        SKIP_TO_CONTENT = "Zum Inhalt springen", "Skip to content";
        LANGUAGE = "Sprache", "Language";
        LANG_DE = "Deutsch", "Deutsch";
        LANG_EN = "English", "English";
        LOGOUT = "Abmelden", "Log out";
        CUSTOMER_NO = "Kundennummer", "Customer number";
        MAIN_NAV = "Hauptnavigation", "Main navigation";
        NAV_TICKETS = "Meine Tickets", "My tickets";
        NAV_NEW_TICKET = "Neues Ticket erstellen", "Create new ticket";
        NAV_ACCOUNT = "Mein Konto", "My account";
        NAV_NEW_TICKET_SHORT = "Neues Ticket", "New ticket";
        FOOTER_POWERED = "Betrieben mit ticketd", "Powered by ticketd";

        LOGIN_TITLE = "Anmeldung", "Log in";
        LOGIN_INTRO = "Melden Sie sich mit Ihrer Kundennummer oder E-Mail-Adresse und Ihrem Passwort an.", "Log in with your customer number or e-mail address and your password.";
        LOGIN_FIELD = "Kundennummer oder E-Mail-Adresse", "Customer number or e-mail address";
        STAFF_LOGIN_FIELD = "Benutzername oder E-Mail-Adresse", "Username or e-mail address";
        PASSWORD = "Passwort", "Password";
        LOGIN_BUTTON = "Anmelden", "Log in";
        LOGIN_FAILED = "Anmeldung fehlgeschlagen. Bitte prüfen Sie Ihre Angaben.", "Login failed. Please check your details.";
        LOGIN_THROTTLED = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in {minutes} Minuten erneut.", "Too many failed login attempts. Please try again in {minutes} minutes.";
        LOGIN_BUSY = "Der Server ist gerade ausgelastet. Bitte versuchen Sie es in einigen Sekunden erneut.", "The server is busy right now. Please try again in a few seconds.";
        LOGIN_SAVE_HINT = "Speichern Sie Ihr Passwort nicht im Browser, wenn andere Personen diesen Rechner nutzen.", "Do not let the browser store your password if other people use this computer.";
        STAFF_LOGIN_TITLE = "Anmeldung für Mitarbeiter", "Staff login";
        STAFF_LINK = "Mitarbeiter-Anmeldung", "Staff login";
        CUSTOMER_LINK = "Zur Kunden-Anmeldung", "Customer login";
        LOGGED_OUT = "Sie wurden abgemeldet.", "You have been logged out.";
        SESSION_EXPIRED = "Bitte melden Sie sich an.", "Please log in.";

        TICKETS_TITLE = "Meine Tickets", "My tickets";
        TICKET = "Ticket", "Ticket";
        TICKET_NO = "Ticketnummer", "Ticket number";
        SUBJECT = "Betreff", "Subject";
        STATUS = "Status", "Status";
        PRIORITY = "Priorität", "Priority";
        ACTIVITIES = "Aktivitäten", "Activities";
        LAST_ACTIVITY = "Letzte Aktivität", "Last activity";
        TIME_SPENT = "Aufwand", "Time spent";
        CREATED = "Erstellt", "Created";
        UPDATED = "Aktualisiert", "Updated";
        CLOSED_AT = "Geschlossen", "Closed";
        YEAR = "Jahr", "Year";
        MONTH = "Monat", "Month";
        ALL_YEARS = "Alle Jahre", "All years";
        ALL_MONTHS = "Alle Monate", "All months";
        FILTER = "Filtern", "Filter";
        FILTERS = "Filter", "Filters";
        RESET_FILTERS = "Filter zurücksetzen", "Reset filters";
        SEARCH = "Suche", "Search";
        SEARCH_PLACEHOLDER = "Betreff oder Text durchsuchen", "Search subject or text";
        STATUS_ALL = "Alle", "All";
        STATUS_FILTER_OPEN = "Offen (nicht geschlossen)", "Open (not closed)";
        STATUS_FILTER_CLOSED = "Geschlossen", "Closed";
        NO_TICKETS = "Keine Tickets gefunden.", "No tickets found.";
        NO_TICKETS_YET = "Sie haben noch keine Tickets. Erstellen Sie Ihr erstes Ticket, wenn Sie ein Anliegen haben.", "You have no tickets yet. Create your first ticket when you need help.";
        TOTAL_TIME_FILTERED = "Aufwand in dieser Auswahl", "Time spent in this selection";
        TOTAL_TIME_ALL = "Aufwand insgesamt", "Total time spent";
        TICKETS_COUNT = "{n} Tickets", "{n} tickets";
        TICKETS_COUNT_ONE = "1 Ticket", "1 ticket";
        PAGE_PREV = "Zurück", "Previous";
        PAGE_NEXT = "Weiter", "Next";
        PAGE_OF = "Seite {page} von {pages}", "Page {page} of {pages}";
        PAGINATION = "Seitennavigation", "Pagination";
        BY = "von", "by";
        NOBODY = "–", "–";

        STATUS_OPEN = "Offen", "Open";
        STATUS_IN_PROGRESS = "In Bearbeitung", "In progress";
        STATUS_WAITING = "Wartet auf Ihre Antwort", "Waiting for your reply";
        STATUS_WAITING_STAFF = "Wartet auf Kunde", "Waiting for customer";
        STATUS_CLOSED = "Geschlossen", "Closed";
        PRIO_LOW = "Niedrig", "Low";
        PRIO_NORMAL = "Normal", "Normal";
        PRIO_HIGH = "Hoch", "High";
        PRIO_URGENT = "Dringend", "Urgent";

        KIND_MESSAGE = "Nachricht", "Message";
        KIND_INTERNAL_NOTE = "Interne Notiz", "Internal note";
        KIND_CALL = "Anrufnotiz", "Call note";
        KIND_EMAIL = "E-Mail", "E-mail";
        KIND_STATUS = "Statusänderung", "Status change";
        KIND_PRIORITY = "Prioritätsänderung", "Priority change";
        KIND_ASSIGNEE = "Zuständigkeit geändert", "Assignee change";
        KIND_DOCUMENT = "Dokument", "Document";
        KIND_ALL = "Alle Aktivitäten", "All activities";
        KIND_MESSAGES = "Nachrichten", "Messages";
        KIND_CALLS = "Anrufnotizen", "Call notes";
        KIND_EMAILS = "E-Mails", "E-mails";
        KIND_DOCUMENTS = "Dokumente", "Documents";
        SHOW = "Anzeigen", "Show";
        STATUS_CHANGED = "Status geändert: {old} → {new}", "Status changed: {old} → {new}";
        PRIORITY_CHANGED = "Priorität geändert: {old} → {new}", "Priority changed: {old} → {new}";
        ASSIGNEE_CHANGED = "Zuständig: {old} → {new}", "Assignee: {old} → {new}";
        EMAIL_FROM = "Von", "From";
        EMAIL_TO = "An", "To";
        MINUTES_SPENT = "{time} Aufwand", "{time} spent";
        YOU = "Sie", "You";
        NO_ACTIVITIES_OF_KIND = "Keine Aktivitäten dieser Art.", "No activities of this kind.";
        BACK_TO_OVERVIEW = "Zurück zur Übersicht", "Back to overview";

        REPLY_TITLE = "Antworten", "Reply";
        REPLY_BODY = "Ihre Nachricht", "Your message";
        REPLY_BUTTON = "Antwort senden", "Send reply";
        REPLY_REOPENS = "Ihre Antwort öffnet das Ticket wieder.", "Your reply reopens the ticket.";
        REPLY_SENT = "Ihre Antwort wurde gesendet.", "Your reply has been sent.";
        CLOSE_TICKET = "Ticket schließen", "Close ticket";
        CLOSE_TICKET_HINT = "Ist Ihr Anliegen erledigt? Dann können Sie das Ticket schließen.", "Is your request resolved? Then you can close the ticket.";
        TICKET_CLOSED_MSG = "Das Ticket wurde geschlossen.", "The ticket has been closed.";

        NEW_TICKET_TITLE = "Neues Ticket erstellen", "Create new ticket";
        NEW_TICKET_INTRO = "Beschreiben Sie Ihr Anliegen so genau wie möglich: Was möchten Sie tun, was ist passiert, seit wann? Nur so kann Ihr Anliegen schnellstmöglich bearbeitet werden.", "Describe your request as precisely as possible: what do you want to do, what happened, since when? That is how it gets handled quickly.";
        DESCRIPTION = "Beschreibung", "Description";
        SUBMIT_TICKET = "Anfrage absenden", "Submit request";
        TICKET_CREATED = "Ihr Ticket {number} wurde erstellt.", "Your ticket {number} has been created.";
        REQUIRED = "Pflichtfeld", "required";
        OPTIONAL = "optional", "optional";

        ERR_REQUIRED = "Bitte füllen Sie dieses Feld aus.", "Please fill in this field.";
        ERR_TOO_LONG = "Der Text ist zu lang (höchstens {max} Zeichen).", "The text is too long (at most {max} characters).";
        ERR_INVALID_CHOICE = "Bitte wählen Sie einen gültigen Wert.", "Please choose a valid value.";
        ERR_INVALID_NUMBER = "Bitte geben Sie eine Zahl ein.", "Please enter a number.";
        ERR_INVALID_DATE = "Bitte geben Sie ein gültiges Datum ein, z. B. 10.12.2026.", "Please enter a valid date, e.g. 2026-12-10.";
        ERR_INVALID_EMAIL = "Bitte geben Sie eine gültige E-Mail-Adresse ein.", "Please enter a valid e-mail address.";
        ERR_FORM = "Bitte korrigieren Sie die markierten Angaben.", "Please correct the marked fields.";

        ACCOUNT_TITLE = "Mein Konto", "My account";
        ACCOUNT_DATA = "Ihre Kundendaten", "Your customer data";
        NAME = "Name", "Name";
        EMAIL = "E-Mail-Adresse", "E-mail address";
        PHONE = "Telefon", "Phone";
        ACCOUNT_CHANGE_HINT = "Stimmen Ihre Daten nicht mehr? Teilen Sie uns Änderungen in einem Ticket mit.", "Has your data changed? Tell us in a ticket.";
        CHANGE_PASSWORD = "Passwort ändern", "Change password";
        OLD_PASSWORD = "Bisheriges Passwort", "Current password";
        NEW_PASSWORD = "Neues Passwort", "New password";
        NEW_PASSWORD_REPEAT = "Neues Passwort wiederholen", "Repeat new password";
        PASSWORD_RULES = "Mindestens {min} Zeichen.", "At least {min} characters.";
        PASSWORD_CHANGED = "Ihr Passwort wurde geändert.", "Your password has been changed.";
        ERR_OLD_PASSWORD = "Das bisherige Passwort ist nicht richtig.", "The current password is not correct.";
        ERR_PASSWORD_MISMATCH = "Die beiden neuen Passwörter stimmen nicht überein.", "The two new passwords do not match.";
        ERR_PASSWORD_SHORT = "Das neue Passwort muss mindestens {min} Zeichen lang sein.", "The new password must be at least {min} characters long.";
        ERR_PASSWORD_SAME = "Das neue Passwort muss sich vom bisherigen unterscheiden.", "The new password must differ from the current one.";
        ERR_PASSWORD_LONG = "Das Passwort darf höchstens 72 Zeichen lang sein (mit Umlauten etwas weniger).", "The password may be at most 72 bytes long.";
        HOTLINE_NOTICE_TITLE = "Hinweis", "Please note";
        HOTLINE_NOTICE = "Ihr Passwort kann von berechtigten Mitarbeitern Ihres Auftragnehmers im Klartext angezeigt werden. Es dient auch zur Identifizierung an der telefonischen Hotline, wie Sie es vielleicht von Ihrem Mobilfunkanbieter kennen. Bitte bedenken Sie das bei der Änderung und verwenden Sie dieses Passwort ausschließlich für dieses Portal.", "Authorised staff of your contractor can see your password in plain text. It is also used to identify you on the telephone hotline, as you may know from your mobile phone provider. Please keep this in mind when you change it, and use this password for this portal only.";
        SAVE = "Speichern", "Save";
        CANCEL = "Abbrechen", "Cancel";
        MUST_CHANGE_PASSWORD = "Bitte vergeben Sie ein neues Passwort, bevor Sie fortfahren.", "Please set a new password before you continue.";

        STAFF_AREA = "Mitarbeiterbereich", "Staff workspace";
        STAFF_QUEUE = "Ticket-Warteschlange", "Ticket queue";
        CUSTOMER = "Kunde", "Customer";
        ASSIGNEE = "Zuständig", "Assignee";
        UNASSIGNED = "Nicht zugewiesen", "Unassigned";

        ERROR_TITLE = "Fehler", "Error";
        ERR_404_TITLE = "Nicht gefunden", "Not found";
        ERR_404 = "Diese Seite gibt es nicht, oder Sie haben keinen Zugriff darauf.", "This page does not exist, or you have no access to it.";
        ERR_403_TITLE = "Kein Zugriff", "Access denied";
        ERR_403 = "Sie haben keinen Zugriff auf diese Seite.", "You have no access to this page.";
        ERR_CSRF = "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.", "The form has expired. Please reload the page and try again.";
        ERR_400_TITLE = "Ungültige Anfrage", "Bad request";
        ERR_413_TITLE = "Zu groß", "Too large";
        ERR_BODY_TOO_LARGE = "Die Anfrage ist zu groß.", "The request is too large.";
        ERR_429_TITLE = "Zu viele Anfragen", "Too many requests";
        ERR_503_TITLE = "Vorübergehend nicht verfügbar", "Temporarily unavailable";
        ERR_503 = "Ihre Änderung konnte gerade nicht gespeichert werden. Es ging nichts verloren, was bereits bestätigt war. Bitte versuchen Sie es in einigen Minuten erneut.", "Your change could not be saved right now. Nothing that was already confirmed is lost. Please try again in a few minutes.";
        ERR_500_TITLE = "Interner Fehler", "Internal error";
        ERR_500 = "Leider ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.", "Sorry, something went wrong. Please try again later.";
        REQUEST_ID = "Anfrage-ID", "Request ID";
        ERR_BAD_FORM = "Das Formular konnte nicht gelesen werden.", "The form could not be read.";
        TO_START = "Zur Startseite", "To the start page";
        ERR_CUSTOMER_NO_TAKEN = "Diese Kundennummer ist bereits vergeben.", "This customer number is already taken.";
        ERR_EMAIL_TAKEN = "Diese E-Mail-Adresse ist bereits vergeben.", "This e-mail address is already taken.";
        ERR_INVALID_PHONE = "Bitte geben Sie eine Telefonnummer ein (Ziffern, Leerzeichen, + - / ( )).", "Please enter a phone number (digits, spaces, + - / ( )).";
        ERR_NO_FILES_HERE = "Hier können keine Dateien hochgeladen werden.", "Files cannot be uploaded here.";
        ERR_USERNAME_TAKEN = "Dieser Benutzername ist bereits vergeben.", "This username is already taken.";
        ERR_USERNAME = "Bitte verwenden Sie nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich (höchstens 40 Zeichen).", "Please use only letters, digits, dot, hyphen and underscore (at most 40 characters).";
        ERR_LAST_ADMIN = "Der letzte aktive Administrator kann nicht herabgestuft oder deaktiviert werden.", "The last active administrator cannot be demoted or deactivated.";
        ERR_MINUTES = "Bitte geben Sie die Minuten als ganze Zahl ein (0 bis 10000).", "Please enter the minutes as a whole number (0 to 10000).";
        ERR_UNKNOWN_CUSTOMER = "Kein aktiver Kunde mit dieser Nummer oder diesem Namen gefunden.", "No active customer with this number or name was found.";
        NEW_TICKET_FOR_CUSTOMER = "Neues Ticket für einen Kunden", "New ticket for a customer";
        ASSIGNED_TO_ME = "Mir zugewiesen", "Assigned to me";
        SORT = "Sortierung", "Sort by";
        SORT_LAST = "Letzte Aktivität", "Last activity";
        SORT_CREATED = "Erstellt", "Created";
        SORT_PRIORITY = "Priorität", "Priority";
        COMPOSER_TITLE = "Aktivität hinzufügen", "Add activity";
        ACTIVITY_KIND = "Art", "Kind";
        INTERNAL_HINT = "Interne Notizen sieht der Kunde nie; Nachrichten, Anrufnotizen und E-Mails sieht er im Portal.", "The customer never sees internal notes; messages, call notes and e-mails show in the portal.";
        TEXT = "Text", "Text";
        MINUTES_LABEL = "Aufwand in Minuten", "Time spent in minutes";
        SAVE_ACTIVITY = "Speichern", "Save";
        ACTIVITY_SAVED = "Die Aktivität wurde gespeichert.", "The activity has been saved.";
        TICKET_UPDATED = "Das Ticket wurde aktualisiert.", "The ticket has been updated.";
        TICKET_CREATED_STAFF = "Das Ticket wurde angelegt.", "The ticket has been created.";
        CUSTOMER_PICK = "Kunde (Kundennummer, E-Mail oder Name)", "Customer (number, e-mail or name)";
        CUSTOMER_PICK_HELP = "Eine Kundennummer passt genau; ein Name muss eindeutig sein.", "A customer number matches exactly; a name must be unique.";
        CREATE_TICKET = "Ticket anlegen", "Create ticket";
        CUSTOMERS = "Kunden", "Customers";
        NEW_CUSTOMER = "Neuer Kunde", "New customer";
        CUSTOMER_SEARCH = "Kundennummer, Name, E-Mail oder Telefon", "Customer number, name, e-mail or phone";
        CUSTOMERS_COUNT = "{n} Kunden", "{n} customers";
        NO_CUSTOMERS = "Keine Kunden gefunden.", "No customers found.";
        ACTIVE = "Aktiv", "Active";
        INACTIVE = "Deaktiviert", "Deactivated";
        ACTIVE_LOGIN_ALLOWED = "Aktiv (Anmeldung erlaubt)", "Active (may log in)";
        CUSTOMER_CREATED = "Der Kunde wurde angelegt.", "The customer has been created.";
        CUSTOMER_SAVED = "Die Kundendaten wurden gespeichert.", "The customer data has been saved.";
        PASSWORD_RESET_DONE = "Das Passwort wurde gesetzt; bestehende Sitzungen des Kunden wurden beendet.", "The password has been set; the customer's existing sessions have ended.";
        GENERATED_PASSWORD = "Erzeugtes Passwort:", "Generated password:";
        SHOWN_ONCE = "Es wird nur dieses eine Mal angezeigt. Geben Sie es sicher weiter.", "It is shown this one time only. Pass it on safely.";
        PASSWORD_GENERATED_IF_EMPTY = "Leer lassen, um ein Passwort erzeugen zu lassen.", "Leave empty to have one generated.";
        SET_PASSWORD = "Passwort setzen", "Set password";
        TICKETS = "Tickets", "Tickets";
        OPEN_COUNT = "{n} offen", "{n} open";
        ALL_TICKETS_OF_CUSTOMER = "Alle Tickets dieses Kunden", "All tickets of this customer";
        TIME_STATEMENT = "Zeitnachweis", "Time statement";
        STAFF_MEMBERS = "Mitarbeiter", "Staff";
        NEW_STAFF = "Neuer Mitarbeiter", "New staff member";
        USERNAME = "Benutzername", "Username";
        ROLE = "Rolle", "Role";
        ROLE_AGENT = "Bearbeiter", "Agent";
        ROLE_ADMIN = "Administrator", "Administrator";
        STAFF_CREATED = "Der Mitarbeiter wurde angelegt.", "The staff member has been created.";
        STAFF_SAVED = "Die Änderungen wurden gespeichert.", "The changes have been saved.";
        AUDIT_LOG = "Protokoll", "Audit log";
        ACTOR = "Wer", "Who";
        ACTION = "Aktion", "Action";
        WHEN = "Wann", "When";
        TARGET = "Betrifft", "Target";
        DETAIL = "Details", "Details";
        ADDRESS = "Adresse", "Address";
        DOWNLOAD_CSV = "Als Tabelle für Excel herunterladen", "Download as a spreadsheet (CSV)";
        NO_TIME_IN_MONTH = "In diesem Monat wurde kein Aufwand erfasst.", "No time was recorded in this month.";
        DATE = "Datum", "Date";
        ACTIVITY = "Tätigkeit", "Activity";
        TOTAL = "Summe", "Total";
        ERR_FILE_TOO_LARGE = "Eine Datei ist größer als erlaubt.", "A file is larger than allowed.";
        ERR_TOO_MANY_FILES = "Zu viele Dateien auf einmal.", "Too many files at once.";
        ERR_408_TITLE = "Zeitüberschreitung", "Request timeout";
        ERR_TOO_SLOW = "Die Übertragung war zu langsam und wurde abgebrochen; es wurde nichts gespeichert. Bitte versuchen Sie es erneut.", "The upload was too slow and was stopped; nothing was saved. Please try again.";
        ERR_UPLOAD_INCOMPLETE = "Die Übertragung wurde unterbrochen; es wurde nichts gespeichert. Bitte versuchen Sie es erneut.", "The upload was interrupted; nothing was saved. Please try again.";
        ERR_NO_FILE = "Bitte wählen Sie mindestens eine Datei aus.", "Please choose at least one file.";
        ERR_416_TITLE = "Bereich nicht verfügbar", "Range not satisfiable";
        ATTACHMENTS = "Anhänge", "Attachments";
        DOCUMENTS = "Dokumente", "Documents";
        NO_DOCUMENTS = "Noch keine Dokumente.", "No documents yet.";
        ADD_FILES = "Dateien anfügen", "Attach files";
        UPLOAD_DOCUMENTS = "Dokumente hochladen", "Upload documents";
        UPLOAD_BUTTON = "Hochladen", "Upload";
        UPLOAD_HINT = "Höchstens {size} pro Datei, {count} Dateien auf einmal.", "At most {size} per file, {count} files at once.";
        DROP_HERE = "Dateien hierher ziehen oder auswählen", "Drag files here or choose them";
        FILES_UPLOADED = "Die Dateien wurden hochgeladen.", "The files have been uploaded.";
        FILE_NAME = "Datei", "File";
        SIZE = "Größe", "Size";
        UPLOADED_BY = "Von", "By";
        PREVIEW = "Vorschau", "Preview";
        DOWNLOAD = "Herunterladen", "Download";
        ERR_ADMIN_PASSWORD = "Ihr eigenes Passwort ist nicht richtig.", "Your own password is not correct.";
        ERR_REVEAL_LIMIT = "Sie haben in der letzten Stunde bereits 10 Passwörter angezeigt. Bitte warten Sie.", "You have already revealed 10 passwords in the last hour. Please wait.";
        HOTLINE = "Hotline", "Hotline";
        HOTLINE_TITLE = "Anrufer identifizieren", "Identify a caller";
        HOTLINE_SEARCH = "Kundennummer, E-Mail, Name oder Telefon", "Customer number, e-mail, name or phone";
        HOTLINE_NO_RESULT = "Kein Kunde gefunden.", "No customer found.";
        OPEN_TICKETS = "Offene Tickets", "Open tickets";
        LAST_CONTACT = "Letzter Kontakt", "Last contact";
        VERIFY_TITLE = "Passwort prüfen", "Verify password";
        VERIFY_FIELD = "Vom Anrufer genanntes Passwort", "Password the caller says";
        VERIFY_BUTTON = "Prüfen", "Verify";
        VERIFY_ATTEMPTS_LEFT = "Verbleibende Versuche in dieser Stunde: {n}", "{n} attempts left this hour.";
        VERIFY_MATCH = "Stimmt überein. Der Anrufer ist identifiziert.", "Match. The caller is identified.";
        VERIFY_NO_MATCH = "Stimmt nicht überein.", "No match.";
        VERIFY_LOCKED = "Gesperrt: In der letzten Stunde gab es bereits 5 Prüfungen für diesen Kunden. Bitte rufen Sie später zurück oder identifizieren Sie den Anrufer anders.", "Locked: this customer was already checked 5 times in the last hour. Please call back later or identify the caller another way.";
        NEW_TICKET_FROM_CALL = "Neues Ticket mit Anrufnotiz", "New ticket with call note";
        REVEAL_TITLE = "Passwort anzeigen (nur Administratoren)", "Reveal password (admins only)";
        REVEAL_INTRO = "Jede Anzeige wird mit Grund protokolliert und dem Kunden in seinem Konto angezeigt.", "Every reveal is logged with its reason and shown to the customer in their account.";
        REVEAL_REASON = "Grund", "Reason";
        REVEAL_OWN_PASSWORD = "Ihr eigenes Passwort", "Your own password";
        REVEAL_BUTTON = "Passwort anzeigen", "Reveal password";
        REVEALED_PASSWORD = "Passwort des Kunden", "The customer's password";
        REVEAL_CLICK = "Zum Anzeigen klicken", "Click to show";
        REVEAL_NO_COPY = "Für diesen Kunden ist noch keine Kopie gespeichert. Sie entsteht bei der nächsten Anmeldung oder Passwortänderung des Kunden.", "No copy is stored for this customer yet. It is created at the customer's next login or password change.";
        BACK_TO_HOTLINE = "Zurück zur Hotline", "Back to the hotline";
        HOTLINE_EVENTS_TITLE = "Zugriffe der Hotline auf Ihr Passwort", "Hotline access to your password";
        HOTLINE_EVENTS_INTRO = "Hier sehen Sie, wann Mitarbeiter Ihr Passwort am Telefon geprüft oder angezeigt haben.", "This is when staff checked or viewed your password on the phone.";
        HOTLINE_EVENTS_NONE = "Bisher keine.", "None so far.";
        HOTLINE_EVENT_VERIFY = "am Telefon geprüft", "checked on the phone";
        HOTLINE_EVENT_REVEAL = "angezeigt", "viewed";
        NAV_HOTLINE = "Hotline", "Hotline";
        KIND_FIELD = "Angabe geändert", "Detail changed";
        FIELD_CHANGED = "{field}: {old} → {new}", "{field}: {old} → {new}";
        DETAILS_TITLE = "Angaben", "Details";
        EDIT_DETAILS = "Angaben ändern", "Edit details";
        DETAILS_SAVED = "Die Angaben wurden gespeichert.", "The details have been saved.";
        EXPORT_CSV = "Tabelle für Excel", "Spreadsheet (semicolons, Excel in German)";
        CSV_COMMA = "Tabelle im Standardformat (Komma)", "Spreadsheet (commas, standard CSV)";
        PRINT = "Drucken / als PDF speichern", "Print / save as PDF";
        EXPORT_DATA = "Meine Daten exportieren (ZIP)", "Export my data (ZIP)";
        EXPORT_DATA_HINT = "Alle Ihre Tickets, Nachrichten und Dateien in einer ZIP-Datei (JSON und Dateien).", "All your tickets, messages and files in one ZIP file (JSON and files).";
        AUTHOR = "Bearbeitet von", "By";
        NAV_TIME = "Zeitnachweis", "Time statement";
        NAV_CUSTOMERS = "Kunden", "Customers";
        NAV_STAFF = "Mitarbeiter", "Staff";
        NAV_AUDIT = "Protokoll", "Audit log";
        FORMER_FIELD = "ehemaliges Feld", "former field";
        YES = "Ja", "Yes";
        NO = "Nein", "No";
        IMPRINT = "Impressum", "Imprint";
        PRIVACY = "Datenschutz", "Privacy";
        TICKET_CREATED_FLASH = "Ihr Ticket wurde erstellt. Die Ticketnummer steht oben; geben Sie sie bei Rückfragen an.", "Your ticket has been created. Its number is shown at the top; please quote it when you get in touch.";

        // E-mail notifications (app::notify, views::mail): the mails, the switches, the outbox.
        MAIL_GREETING = "Guten Tag, {name},", "Hello {name},";
        MAIL_NEW_TICKET = "{author} hat ein neues Ticket erstellt.", "{author} opened a new ticket.";
        MAIL_CUSTOMER_REPLY = "{author} hat auf das Ticket geantwortet.", "{author} replied to the ticket.";
        MAIL_CUSTOMER_DOCUMENTS = "{author} hat dem Ticket Dokumente hinzugefügt.", "{author} added documents to the ticket.";
        MAIL_OPENED_FOR_YOU = "Für Sie wurde ein neues Ticket angelegt.", "A new ticket has been opened for you.";
        MAIL_STAFF_MESSAGE = "Es gibt eine neue Antwort auf Ihr Ticket.", "There is a new reply to your ticket.";
        MAIL_STAFF_CALL = "Zu Ihrem Ticket wurde eine Anrufnotiz erfasst.", "A call note has been added to your ticket.";
        MAIL_STAFF_EMAIL = "Zu Ihrem Ticket wurde eine E-Mail erfasst.", "An e-mail has been recorded on your ticket.";
        MAIL_STAFF_DOCUMENT = "Ihrem Ticket wurden Dokumente hinzugefügt.", "Documents have been added to your ticket.";
        MAIL_STATUS = "Der Status Ihres Tickets ist jetzt: {status}.", "Your ticket's status is now: {status}.";
        MAIL_TEXT_HEADING = "Der Text", "The text";
        MAIL_VIEW = "Ticket ansehen", "View the ticket";
        MAIL_LOGIN_TO_SEE = "Melden Sie sich im Portal an, um das Ticket zu sehen.", "Log in to the portal to see the ticket.";
        MAIL_FOOTER = "Diese E-Mail wurde automatisch versandt. Bitte antworten Sie nicht darauf, sondern im Portal.", "This e-mail was sent automatically. Please do not reply to it; answer in the portal instead.";
        MAIL_SETTINGS = "E-Mail-Benachrichtigungen ein- oder ausschalten", "Switch e-mail notifications on or off";
        MAIL_TEST_SUBJECT = "Test-E-Mail von {site}", "Test e-mail from {site}";
        MAIL_TEST_BODY = "Diese E-Mail bestätigt, dass {site} über das eingestellte SMTP-Relay senden kann.", "This e-mail confirms that {site} can send through the configured SMTP relay.";
        NOTIFY_TITLE = "E-Mail-Benachrichtigungen", "E-mail notifications";
        NOTIFY_CUSTOMER_HINT = "Wir schreiben Ihnen an {email}, wenn wir Ihr Ticket beantworten, Dokumente hinzufügen oder den Status ändern.", "We write to you at {email} when we answer your ticket, add documents or change its status.";
        NOTIFY_STAFF_HINT = "Sie erhalten eine E-Mail an {email}, wenn ein Kunde ein Ticket erstellt oder antwortet: bei Tickets, die Ihnen zugewiesen sind, und bei Tickets ohne Zuständigen.", "You get an e-mail at {email} when a customer opens a ticket or replies: for tickets assigned to you and for tickets without an assignee.";
        NOTIFY_LABEL = "E-Mail-Benachrichtigungen erhalten", "Receive e-mail notifications";
        NOTIFY_NO_EMAIL = "Für Ihr Konto ist keine E-Mail-Adresse hinterlegt; Sie erhalten keine E-Mails.", "No e-mail address is stored for your account; you get no e-mails.";
        NOTIFY_SAVED = "Ihre Einstellung wurde gespeichert.", "Your setting has been saved.";
        STAFF_ACCOUNT_HINT = "Name, E-Mail-Adresse und Rolle ändert ein Administrator.", "An administrator changes name, e-mail address and role.";
        NAV_OUTBOX = "Postausgang", "Outbox";
        OUTBOX_TITLE = "E-Mail-Postausgang", "E-mail outbox";
        OUTBOX_NO_RELAY = "Es ist kein SMTP-Relay eingerichtet ([smtp] in der Konfiguration); es werden keine E-Mails versandt.", "No SMTP relay is configured ([smtp] in the config); no e-mail is sent.";
        OUTBOX_EMPTY = "Keine E-Mails.", "No e-mails.";
        OUTBOX_PENDING = "Wartet", "Pending";
        OUTBOX_SENDING = "Wird gesendet", "Sending";
        OUTBOX_SENT = "Gesendet", "Sent";
        OUTBOX_FAILED = "Fehlgeschlagen", "Failed";
        OUTBOX_RECIPIENT = "Empfänger", "Recipient";
        OUTBOX_ATTEMPTS = "Versuche", "Attempts";
        OUTBOX_NEXT = "Nächster Versuch", "Next attempt";
        OUTBOX_RESULT = "Ergebnis", "Result";
        OUTBOX_RETRY = "Erneut versuchen", "Retry";
        OUTBOX_RETRIED = "Die E-Mail wird erneut versandt.", "The e-mail will be sent again.";
        // Accounts: two-factor sign-in for staff.
        TOTP_TITLE = "Zwei-Faktor-Anmeldung", "Two-factor sign-in";
        TOTP_INTRO = "Scannen Sie den QR-Code mit einer Authenticator-App oder geben Sie den Schlüssel ein; bestätigen Sie dann mit dem sechsstelligen Code.", "Scan the QR code with an authenticator app or enter the key, then confirm with the six-digit code.";
        TOTP_REQUIRED = "Für Ihr Konto ist die Zwei-Faktor-Anmeldung vorgeschrieben. Richten Sie sie ein, um weiterzuarbeiten.", "Two-factor sign-in is required for your account. Set it up to continue.";
        TOTP_SECRET = "Schlüssel", "Key";
        TOTP_CODE = "Code aus der App", "Code from the app";
        TOTP_CONFIRM = "Bestätigen", "Confirm";
        TOTP_WRONG_CODE = "Der Code stimmt nicht oder wurde schon verwendet.", "The code is wrong or was already used.";
        TOTP_NOT_PENDING = "Es gibt keine Einrichtung, die auf Bestätigung wartet.", "There is no set-up waiting for confirmation.";
        TOTP_ENROLLED = "Die Zwei-Faktor-Anmeldung ist eingerichtet.", "Two-factor sign-in is set up.";
        TOTP_RECOVERY_TITLE = "Wiederherstellungscodes", "Recovery codes";
        TOTP_RECOVERY_HINT = "Jeder Code gilt einmal, falls Sie Ihr Gerät verlieren. Bewahren Sie die Codes sicher auf – sie werden nur jetzt angezeigt.", "Each code works once if you lose your device. Keep them safe: they are shown only now.";
        TOTP_DISABLE = "Zwei-Faktor-Anmeldung ausschalten", "Turn off two-factor sign-in";
        TOTP_DISABLED = "Die Zwei-Faktor-Anmeldung ist ausgeschaltet.", "Two-factor sign-in is turned off.";
        TOTP_LOGIN_INTRO = "Geben Sie den Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.", "Enter the code from your authenticator app, or a recovery code.";
        TOTP_RECOVERY_CODE = "Wiederherstellungscode", "Recovery code";
        TOTP_LOGIN_EXPIRED = "Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.", "The sign-in has expired. Please sign in again.";
        // Accounts: hotline call codes and throttled password checks.
        CALL_CODE_TITLE = "Anrufcode für die telefonische Hotline", "Call code for the phone hotline";
        CALL_CODE_INTRO = "Statt Ihr Passwort am Telefon zu nennen, können Sie der Hotline einen Anrufcode sagen. Er gilt {minutes} Minuten und nur für einen Anruf; ein neuer Code ersetzt den vorigen.", "Instead of saying your password on the phone, you can give the hotline a call code. It is valid for {minutes} minutes and for one call only; a new code replaces the previous one.";
        CALL_CODE_BUTTON = "Neuen Anrufcode erzeugen", "Create a new call code";
        CALL_CODE_YOURS = "Ihr Anrufcode", "Your call code";
        CALL_CODE_ONCE = "Der Code wird nur jetzt angezeigt. Nennen Sie ihn nur der Hotline, wenn Sie selbst angerufen haben.", "The code is shown only now. Give it only to the hotline, on a call you made yourself.";
        CALL_CODE_LINK = "Anrufcode für die Hotline", "Call code for the hotline";
        CALL_CODE_FIELD = "Anrufcode (6 Ziffern)", "Call code (6 digits)";
        CALL_CODE_OR = "oder", "or";
        HOTLINE_EVENT_CALL_CODE = "mit Anrufcode geprüft", "checked with a call code";
        // Accounts: password rules, audit, files and cookies.
        ERR_PASSWORD_COMMON = "Dieses Passwort gehört zu den 10.000 häufigsten und ist leicht zu erraten. Bitte wählen Sie ein anderes.", "This password is one of the 10,000 most common ones and easy to guess. Please choose another.";
        // People (issue 18, branch `links`): passwords by e-mail, invitations, staff passwords,
        // contact management.
        FORGOT_LINK = "Passwort vergessen?", "Forgot your password?";
        FORGOT_TITLE = "Passwort vergessen", "Forgot password";
        FORGOT_INTRO = "Geben Sie Ihre Anmeldung ein. Wenn wir ein Konto dazu finden, schicken wir Ihnen einen Link, mit dem Sie ein neues Passwort festlegen.", "Enter your login. If we find an account for it, we send you a link to set a new password.";
        FORGOT_BUTTON = "Link zusenden", "Send the link";
        FORGOT_ANSWER = "Wenn es zu Ihrer Eingabe ein aktives Konto mit E-Mail-Adresse gibt, haben wir einen Link dorthin geschickt. Er gilt 60 Minuten. Bitte sehen Sie auch im Spam-Ordner nach.", "If there is an active account with an e-mail address for what you entered, we have sent a link there. It is valid for 60 minutes. Please also look in your spam folder.";
        FORGOT_BACK = "Zurück zur Anmeldung", "Back to the login";
        FORGOT_NO_MAIL_CUSTOMER = "Ein neues Passwort per E-Mail ist hier nicht eingerichtet. Bitte rufen Sie unsere Hotline an; sie setzt Ihr Passwort zurück.", "A new password by e-mail is not set up here. Please call our hotline; it resets your password.";
        FORGOT_NO_MAIL_STAFF = "Ein neues Passwort per E-Mail ist hier nicht eingerichtet. Bitte wenden Sie sich an einen Administrator.", "A new password by e-mail is not set up here. Please ask an administrator.";
        RESET_TITLE = "Neues Passwort festlegen", "Set a new password";
        RESET_INVITE_TITLE = "Willkommen: Passwort festlegen", "Welcome: set your password";
        RESET_FOR = "Für {name} (Anmeldung: {login}).", "For {name} (login: {login}).";
        RESET_BUTTON = "Passwort speichern", "Save password";
        RESET_DONE = "Ihr Passwort ist gespeichert. Bitte melden Sie sich damit an.", "Your password has been saved. Please log in with it.";
        LINK_BAD_TITLE = "Dieser Link funktioniert nicht", "This link does not work";
        LINK_UNKNOWN = "Diesen Link kennen wir nicht, oder er gilt nicht mehr, weil das Passwort inzwischen anders geändert wurde.", "We do not know this link, or it is no longer valid because the password has been changed another way since.";
        LINK_USED = "Dieser Link wurde bereits verwendet. Jeder Link gilt nur einmal.", "This link has already been used. Each link works only once.";
        LINK_EXPIRED = "Dieser Link ist abgelaufen.", "This link has expired.";
        LINK_INACTIVE = "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an uns.", "This account is deactivated. Please get in touch with us.";
        LINK_REQUEST_NEW = "Einen neuen Link anfordern", "Request a new link";
        LINK_NO_SMTP = "Es ist kein E-Mail-Versand eingerichtet ([smtp]); Links können nicht verschickt werden.", "No e-mail relay is configured ([smtp]); links cannot be sent.";
        LINK_NO_ADDRESS = "Für dieses Konto ist keine E-Mail-Adresse hinterlegt.", "No e-mail address is stored for this account.";
        LINK_PERSON_INACTIVE = "Dieses Konto ist deaktiviert; aktivieren Sie es zuerst.", "This account is deactivated; activate it first.";
        MAIL_RESET_SUBJECT = "Neues Passwort für {site}", "New password for {site}";
        MAIL_RESET_INTRO = "Sie (oder jemand anderes) haben ein neues Passwort für {site} angefordert.", "You (or someone else) asked for a new password for {site}.";
        MAIL_RESET_BUTTON = "Neues Passwort festlegen", "Set a new password";
        MAIL_RESET_VALID = "Der Link gilt 60 Minuten und nur einmal.", "The link is valid for 60 minutes and works once.";
        MAIL_RESET_IGNORE = "Wenn Sie nichts angefordert haben, ignorieren Sie diese E-Mail; Ihr Passwort bleibt, wie es ist.", "If you did not ask for this, ignore this e-mail; your password stays as it is.";
        MAIL_INVITE_SUBJECT = "Ihr Zugang zu {site}", "Your access to {site}";
        MAIL_INVITE_INTRO = "Für Sie wurde ein Zugang zu {site} eingerichtet. Legen Sie über den Link Ihr Passwort fest.", "An account at {site} has been set up for you. Set your password through the link.";
        MAIL_INVITE_BUTTON = "Passwort festlegen", "Set your password";
        MAIL_INVITE_VALID = "Der Link gilt 7 Tage und nur einmal.", "The link is valid for 7 days and works once.";
        MAIL_LINK_LOGIN = "Danach melden Sie sich mit {login} und Ihrem Passwort an.", "Then log in with {login} and your password.";
        MAIL_LINK_LOGIN_STAFF = "Danach melden Sie sich als {login} mit Ihrem Passwort an.", "Then log in as {login} with your password.";
        MAIL_LINK_NO_BASE = "Öffnen Sie im Portal die Adresse {path}.", "Open the address {path} in the portal.";
        STAFF_PW_TITLE = "Passwort zurücksetzen", "Reset the password";
        STAFF_PW_INTRO = "Schicken Sie einen Link, mit dem die Person selbst ein neues Passwort festlegt, oder setzen Sie ein vorläufiges Passwort, das bei der nächsten Anmeldung geändert werden muss. Das vorläufige Passwort beendet die Sitzungen der Person sofort, der Link erst, wenn er benutzt wird.", "Send a link with which the person sets a new password, or set a temporary password that must be changed at the next login. The temporary password ends the person's sessions at once, the link once it is used.";
        STAFF_PW_LINK = "Link per E-Mail senden", "Send a link by e-mail";
        STAFF_PW_TEMPORARY = "Vorläufiges Passwort setzen", "Set a temporary password";
        STAFF_PW_LINK_SENT = "Der Link wurde verschickt.", "The link has been sent.";
        STAFF_PW_TEMPORARY_SET = "Das vorläufige Passwort ist gesetzt; alle Sitzungen der Person sind beendet.", "The temporary password is set; all of the person's sessions have ended.";
        INVITE_TITLE = "Einladung", "Invitation";
        INVITE_INTRO = "Schickt einen Link, mit dem das Hauptkonto sein Passwort selbst festlegt (7 Tage gültig).", "Sends a link with which the main account sets its own password (valid 7 days).";
        INVITE_BUTTON = "Einladung senden", "Send invitation";
        INVITE_SENT = "Die Einladung wurde verschickt.", "The invitation has been sent.";
        INVITE_CHECKBOX = "Einladung per E-Mail senden", "Send an invitation by e-mail";
        CONTACT_NEW = "Ansprechpartner hinzufügen", "Add a contact";
        CONTACT_ROLE = "Rolle", "Role";
        CONTACT_INVITE_HINT = "Die Person erhält eine Einladung per E-Mail und legt ihr Passwort selbst fest.", "The person gets an invitation by e-mail and sets the password themselves.";
        CONTACT_CREATED = "Der Ansprechpartner wurde angelegt.", "The contact has been added.";
        CONTACT_SAVED = "Der Ansprechpartner wurde gespeichert.", "The contact has been saved.";
        CONTACT_NOT_YOURSELF = "Ihre eigene Rolle und Ihren eigenen Zugang können Sie hier nicht ändern.", "You cannot change your own role or access here.";
        CONTACTS_ACCOUNT_INTRO = "Ihre Kollegen mit eigenem Zugang: Mitarbeiter sehen ihre eigenen Tickets und die, zu denen sie hinzugefügt wurden; Verwalter sehen alle Tickets und verwalten die Ansprechpartner.", "Your colleagues with their own login: members see their own tickets and those they were added to; managers see every ticket and manage the contacts.";
        CONTACTS_MANAGE = "Ansprechpartner verwalten", "Manage contacts";
        INVITE_CHECKBOX_HELP = "Die Person legt ihr Passwort über einen Link selbst fest (7 Tage gültig); ein hier eingegebenes Passwort wird dann nicht verwendet.", "The person sets the password through a link (valid 7 days); a password entered here is then not used.";
        // People (issue 18, branch `people`): contacts, ticket people, authorship.
        CONTACT_ROLE_MEMBER = "Mitarbeiter (sieht eigene Tickets)", "Member (sees own tickets)";
        CONTACT_ROLE_MANAGER = "Verwalter (sieht alle Tickets)", "Manager (sees all tickets)";
        CONTACTS_TITLE = "Ansprechpartner", "Contacts";
        CONTACTS_NONE = "Noch keine Ansprechpartner: alle nutzen das Hauptkonto.", "No contacts yet: everyone uses the main account.";
        CONTACT_INACTIVE = "deaktiviert", "deactivated";
        CONTACT_NO_PASSWORD = "noch kein Passwort", "no password yet";
        MAIN_ACCOUNT = "Hauptkonto", "Main account";
        PEOPLE_TITLE = "Beteiligte", "People";
        PEOPLE_INTRO = "Beteiligte Kollegen sehen dieses Ticket und erhalten seine Benachrichtigungen.", "Colleagues on this ticket see it and get its notifications.";
        PEOPLE_OPENER = "hat das Ticket eröffnet", "opened the ticket";
        PEOPLE_ADD = "Kollegen hinzufügen", "Add a colleague";
        PEOPLE_ADDED = "Der Kollege wurde zum Ticket hinzugefügt.", "The colleague was added to the ticket.";
        PEOPLE_NONE_LEFT = "Alle Kollegen sind bereits beteiligt.", "All colleagues are already on this ticket.";
        PEOPLE_LINK = "Beteiligte", "People";
        EMAIL_DIRECTION = "Richtung", "Direction";
        EMAIL_RECEIVED = "vom Kunden erhalten", "received from the customer";
        EMAIL_SENT = "an den Kunden gesendet", "sent to the customer";
        HOTLINE_CONTACT = "Ansprechpartner", "Contact";
        HOTLINE_WHOSE = "Passwort von", "Password of";
        ACCOUNT_PERSON = "Ihre Anmeldung", "Your login";
        // ---- Staff day (issue 19, branch `day`): queue views, composer, snippets, follow-up, auto-close.
        QUEUE_VIEWS = "Ansichten", "Views";
        QUEUE_VIEW_ACTIVE = "Aktiv", "Active";
        QUEUE_VIEW_MINE = "Meine", "Mine";
        QUEUE_VIEW_UNASSIGNED = "Nicht zugewiesen", "Unassigned";
        QUEUE_VIEW_FOLLOW_UP = "Wiedervorlage", "Follow-up";
        SORT_CUSTOMER_ACTIVITY = "Neueste Kundenaktivität", "Newest customer activity";
        UNREAD = "Neu", "New";
        FOLLOW_UP = "Wiedervorlage", "Follow-up";
        FOLLOW_UP_ON = "Wiedervorlage am", "Follow up on";
        FOLLOW_UP_HINT = "Bis dahin steht das Ticket nicht unter „Aktiv“, sondern unter „Wiedervorlage“; an dem Tag kommt es markiert zurück. Schreibt der Kunde vorher, ist es sofort zurück. Leer lassen: keine Wiedervorlage.", "Until then the ticket is not under “Active” but under “Follow-up”; on that day it comes back, marked. If the customer writes before, it is back at once. Leave empty for none.";
        FOLLOW_UP_SET_NOTE = "Wiedervorlage am {date}", "Follow-up on {date}";
        FOLLOW_UP_CLEARED_NOTE = "Wiedervorlage entfernt", "Follow-up removed";
        ERR_FOLLOW_UP_PAST = "Bitte wählen Sie ein Datum ab morgen.", "Please choose a date from tomorrow on.";
        AUTO_CLOSED_NOTE = "Automatisch geschlossen: {days} Tage ohne Antwort.", "Closed automatically: no answer for {days} days.";
        MAIL_AUTO_CLOSED = "Ihr Ticket wurde geschlossen, weil seit {days} Tagen keine Antwort von Ihnen kam. Wenn Sie noch Hilfe brauchen, antworten Sie einfach – dann öffnen wir es wieder.", "Your ticket was closed because we have not heard from you for {days} days. If you still need help, simply reply and we will open it again.";
        COMPOSER_STATUS_AFTER = "Status danach", "Status afterwards";
        STATUS_AUTO = "Automatisch: „Wartet auf Kunde“ nach einer Nachricht an den Kunden, sonst unverändert", "Automatic: “Waiting for customer” after a message to the customer, else unchanged";
        STATUS_UNCHANGED = "Unverändert", "Unchanged";
        SEND_TO_CUSTOMER = "An Kunde senden", "Send to customer";
        SAVE_NOTE = "Notiz speichern", "Save note";
        LOG_CALL = "Anruf erfassen", "Log call";
        LOG_EMAIL = "E-Mail erfassen", "Log e-mail";
        ADD_DOCUMENTS = "Dokumente hinzufügen", "Add documents";
        SUBMIT_ENTRY = "Eintragen", "Submit";
        SNIPPET = "Textbaustein", "Snippet";
        SNIPPET_NONE = "– keiner –", "– none –";
        SNIPPET_INSERT = "Einfügen", "Insert";
        SNIPPET_INSERTED = "Der Textbaustein ist eingefügt, noch nichts ist gesendet. Prüfen Sie den Text und senden Sie ihn dann ab.", "The snippet was inserted; nothing was sent yet. Check the text, then send it.";
        SNIPPETS = "Textbausteine", "Snippets";
        SNIPPETS_MANAGE = "Textbausteine verwalten", "Manage snippets";
        SNIPPETS_INTRO = "Textbausteine fügen Sie im Antwortfeld eines Tickets ein (Auswahl „Textbaustein“, dann „Einfügen“). Persönliche sehen nur Sie; gemeinsame sehen alle Mitarbeiter, und nur Administratoren legen sie an, ändern oder löschen sie.", "You insert snippets in the answer box of a ticket (choose a “Snippet”, then “Insert”). Personal ones only you see; shared ones all staff see, and only admins create, change or delete them.";
        SNIPPETS_PLACEHOLDERS = "Platzhalter", "Placeholders";
        SNIPPETS_PLACEHOLDERS_HINT = "Beim Einfügen werden diese Platzhalter ersetzt (deutsche und englische Schreibweise gelten gleich):", "When inserting, these placeholders are replaced (German and English spellings work alike):";
        PLACEHOLDER_CUSTOMER = "der Name des Kunden", "the customer's name";
        PLACEHOLDER_TICKET = "die Ticketnummer", "the ticket number";
        PLACEHOLDER_SUBJECT = "der Betreff des Tickets", "the ticket's subject";
        PLACEHOLDER_AGENT = "Ihr Name", "your name";
        SNIPPET_NEW = "Neuer Textbaustein", "New snippet";
        SNIPPET_TITLE = "Titel", "Title";
        SNIPPET_SHARED = "Für alle Mitarbeiter (gemeinsam)", "For all staff (shared)";
        SNIPPET_SHARED_SHORT = "Gemeinsam", "Shared";
        SNIPPET_PERSONAL = "Persönlich", "Personal";
        SNIPPET_SAVED = "Der Textbaustein ist gespeichert.", "The snippet was saved.";
        SNIPPET_DELETED = "Der Textbaustein ist gelöscht.", "The snippet was deleted.";
        SNIPPET_DELETE = "Textbaustein löschen", "Delete snippet";
        SNIPPET_READ_ONLY = "Gemeinsame Textbausteine ändern nur Administratoren.", "Only admins change shared snippets.";
        NO_SNIPPETS = "Noch keine Textbausteine.", "No snippets yet.";
        ERR_SNIPPET_SHARED_ADMIN = "Gemeinsame Textbausteine legen nur Administratoren an.", "Only admins create shared snippets.";
        SIGNATURE = "Signatur", "Signature";
        SIGNATURE_HINT = "Steht unter jeder Nachricht, die Sie an einen Kunden senden („An Kunde senden“) – nicht unter Notizen, Anrufen oder E-Mail-Vermerken.", "Goes below every message you send to a customer (“Send to customer”) – not below notes, calls or e-mail records.";
        SIGNATURE_SAVED = "Die Signatur ist gespeichert.", "The signature was saved.";
        SIGNATURE_SAVE = "Signatur speichern", "Save signature";
        // ---- end of staff day
        ERR_PASSWORD_PERSONAL = "Das Passwort darf weder die Kundennummer noch den Benutzernamen noch den Teil Ihrer E-Mail-Adresse vor dem @ enthalten.", "The password must not contain the customer number, the username or the name of the e-mail address.";
        // ---- issue 19 (branch day2): never lose typed text, first start, details ----
        ERR_FILE_TOO_LARGE_KEPT = "Die Datei „{name}“ ist größer als {size} und wurde nicht übertragen. Ihr Text ist erhalten – bitte wählen Sie die Dateien erneut aus.", "The file “{name}” is larger than {size} and was not sent. Your text is kept – please choose the files again.";
        ERR_FILE_TOO_LARGE_CLIENT = "Die Datei „{name}“ ist größer als {size}. Bitte wählen Sie eine kleinere Datei – Ihr Text bleibt erhalten.", "The file “{name}” is larger than {size}. Please choose a smaller file – your text stays as it is.";
        ERR_TOO_MANY_FILES_CLIENT = "Bitte wählen Sie höchstens {count} Dateien auf einmal – Ihr Text bleibt erhalten.", "Please choose at most {count} files at once – your text stays as it is.";
        ERR_FILES_TOO_LARGE_CLIENT = "Zusammen sind die Dateien größer als {size}. Bitte senden Sie sie auf mehrere Male verteilt – Ihr Text bleibt erhalten.", "Together the files are larger than {size}. Please send them in several goes – your text stays as it is.";
        ERR_TOO_MANY_FILES_KEPT = "Höchstens {count} Dateien auf einmal. Ihr Text ist erhalten – bitte wählen Sie die Dateien erneut aus.", "At most {count} files at once. Your text is kept – please choose the files again.";
        FIRST_STEPS_TITLE = "Erste Schritte", "First steps";
        FIRST_STEPS_INTRO = "Willkommen! So richten Sie das Portal für Ihre Kunden und Ihr Team ein.", "Welcome! This is how you set up the portal for your customers and your team.";
        FIRST_STEPS_CUSTOMER = "Kunden anlegen", "Add a customer";
        FIRST_STEPS_CUSTOMER_HINT = "mit Kundennummer, Name und E-Mail-Adresse; die nächste freie Kundennummer wird vorgeschlagen.", "with customer number, name and e-mail address; the next free customer number is suggested.";
        FIRST_STEPS_STAFF = "Mitarbeiter einladen", "Invite staff";
        FIRST_STEPS_STAFF_HINT = "als Bearbeiter oder Administrator; das erste Passwort wird einmal angezeigt und muss bei der ersten Anmeldung geändert werden.", "as agent or admin; the first password is shown once and must be changed at the first sign-in.";
        FIRST_STEPS_CONFIG = "Aussehen, Formularfelder, E-Mail", "Look, form fields, e-mail";
        FIRST_STEPS_CONFIG_HINT = "Titel, Logo und Farbe ([portal]), die Felder des Ticketformulars ([[fields]]), den E-Mail-Versand ([smtp]) und den E-Mail-Eingang ([inbound]) stellen Sie in der Konfigurationsdatei ticketd.toml ein; ticketd.toml.example erklärt jede Einstellung. Versendete E-Mails:", "Title, logo and colour ([portal]), the ticket form's fields ([[fields]]), sending e-mail ([smtp]) and receiving it ([inbound]) are set in the configuration file ticketd.toml; ticketd.toml.example explains every setting. Sent e-mails:";
        FIRST_STEPS_NO_MAIL = "noch kein E-Mail-Versand eingerichtet.", "no e-mail relay set up yet.";
        FIRST_STEPS_HOTLINE = "Modus: {mode} (Einstellung [hotline] mode).", "Mode: {mode} (setting [hotline] mode).";
        FIRST_STEPS_DISMISS = "Erledigt – ausblenden", "Done – hide";
        HOTLINE_MODE_REVEAL = "Anrufer prüfen; Administratoren dürfen das Kundenpasswort anzeigen", "verify callers; admins may reveal the customer password";
        HOTLINE_MODE_VERIFY = "Anrufer nur prüfen", "verify callers only";
        HOTLINE_MODE_OFF = "ausgeschaltet", "off";
        NAV_INBOX = "Posteingang", "Inbox";
        REVEAL_HIDE = "Zum Verbergen klicken", "Click to hide";
        AUDIT_LOGIN = "Anmeldung", "Sign-in";
        AUDIT_LOGIN_FAILED = "Anmeldung fehlgeschlagen", "Failed sign-in";
        AUDIT_PASSWORD_CHANGE = "Passwort geändert", "Password changed";
        AUDIT_PASSWORD_CHANGE_DENIED = "Passwortänderung abgelehnt (altes Passwort falsch)", "Password change refused (wrong old password)";
        AUDIT_PASSWORD_RESET = "Passwort neu vergeben", "Password reset";
        AUDIT_CUSTOMER_CREATE = "Kunde angelegt", "Customer added";
        AUDIT_CUSTOMER_UPDATE = "Kundendaten geändert", "Customer details changed";
        AUDIT_CUSTOMER_ACTIVATE = "Kunde aktiviert", "Customer activated";
        AUDIT_CUSTOMER_DEACTIVATE = "Kunde deaktiviert", "Customer deactivated";
        AUDIT_STAFF_CREATE = "Mitarbeiter angelegt", "Staff member added";
        AUDIT_STAFF_UPDATE = "Mitarbeiterdaten geändert", "Staff member changed";
        AUDIT_STAFF_ROLE = "Rolle geändert", "Role changed";
        AUDIT_STAFF_ACTIVATE = "Mitarbeiter aktiviert", "Staff member activated";
        AUDIT_STAFF_DEACTIVATE = "Mitarbeiter deaktiviert", "Staff member deactivated";
        AUDIT_HOTLINE_VERIFY = "Anrufer mit Passwort geprüft", "Caller checked by password";
        AUDIT_HOTLINE_CALL_CODE = "Anrufer mit Anrufcode geprüft", "Caller checked by call code";
        AUDIT_HOTLINE_LOCKED = "Anruferprüfung gesperrt (zu viele Fehlversuche)", "Caller check locked (too many failures)";
        AUDIT_HOTLINE_REVEAL = "Kundenpasswort angezeigt", "Customer password revealed";
        AUDIT_HOTLINE_REVEAL_DENIED = "Anzeige des Kundenpassworts abgelehnt", "Customer password reveal refused";
        AUDIT_CALL_CODE_CREATE = "Anrufcode erzeugt", "Call code created";
        AUDIT_MAIL_RETRY = "E-Mail erneut versendet", "E-mail sent again";
        AUDIT_2FA_ENROLLED = "Zwei-Faktor-Anmeldung eingerichtet", "Two-factor sign-in set up";
        AUDIT_2FA_ENROL_FAILED = "Einrichtung der Zwei-Faktor-Anmeldung fehlgeschlagen", "Two-factor set-up failed";
        AUDIT_2FA_DISABLED = "Zwei-Faktor-Anmeldung ausgeschaltet", "Two-factor sign-in turned off";
        AUDIT_2FA_DISABLE_FAILED = "Ausschalten der Zwei-Faktor-Anmeldung fehlgeschlagen", "Turning off two-factor sign-in failed";
        AUDIT_2FA_FAILED = "Falscher Zwei-Faktor-Code", "Wrong two-factor code";
        AUDIT_2FA_RESET = "Zwei-Faktor-Anmeldung zurückgesetzt", "Two-factor sign-in reset";
        AUDIT_WHO_STAFF = "Mitarbeiter {name}", "Staff member {name}";
        AUDIT_WHO_CUSTOMER = "Kunde {name}", "Customer {name}";
        AUDIT_WHO_CONTACT = "Ansprechpartner {name}", "Contact {name}";
        AUDIT_WHO_UNKNOWN = "unbekanntes Konto ({name})", "unknown account ({name})";
        AUDIT_WHO_ANONYMOUS = "nicht angemeldet", "not signed in";
        AUDIT_WHO_SYSTEM = "System", "System";
        AUDIT_WHO_CLI = "Kommandozeile", "Command line";
        AUDIT_REALM_CUSTOMER = "Kundenportal", "Customer portal";
        AUDIT_REALM_STAFF = "Mitarbeiterbereich", "Staff workspace";
        AUDIT_MATCH = "stimmt überein", "match";
        AUDIT_NO_MATCH = "stimmt nicht überein", "no match";
        // ---- issue 20 (branch perf): a long timeline in pages.
        TIMELINE_OLDER = "Ältere Aktivitäten anzeigen", "Show older activities";
        TIMELINE_NEWER = "Neuere Aktivitäten anzeigen", "Show newer activities";
        // ---- end of issue 20
        // Mail in (issue 17): `ticketd mail receive`, the importer, /staff/inbox.
        INBOUND_UNREADABLE = "Die E-Mail ist nicht lesbar.", "The e-mail cannot be read.";
        INBOUND_TOO_LARGE = "Die E-Mail ist zu groß.", "The e-mail is too large.";
        INBOUND_NO_SUBJECT = "(ohne Betreff)", "(no subject)";
        INBOUND_FILE_SKIPPED = "[Anhang „{name}“ ({size}) nicht übernommen: zu groß]", "[Attachment \"{name}\" ({size}) not taken over: too large]";
        INBOUND_ORIGINAL = "Original-E-Mail (nur für Mitarbeiter sichtbar)", "Original e-mail (visible to staff only)";
        INBOUND_NO_SUCH_CUSTOMER = "Keinen Kunden mit dieser Kundennummer gefunden.", "No customer with this customer number.";
        INBOUND_NO_SUCH_TICKET = "Kein Ticket mit dieser Nummer gefunden.", "No ticket with this number.";
        MAIL_RECEIVED_BY_MAIL = "Wir haben Ihre E-Mail erhalten und als neues Ticket angelegt. Antworten Sie einfach auf diese E-Mail, um etwas hinzuzufügen.", "We received your e-mail and opened a new ticket for it. Simply reply to this e-mail to add something.";
        INBOX_TITLE = "Posteingang: zurückgehaltene E-Mails", "Inbox: held e-mails";
        INBOX_INTRO = "E-Mails, die keinem Kunden oder Ticket zugeordnet werden konnten. Nach {days} Tagen werden sie gelöscht.", "E-mails that could not be matched to a customer or ticket. They are deleted after {days} days.";
        INBOX_EMPTY = "Keine zurückgehaltenen E-Mails.", "No held e-mails.";
        INBOX_FROM = "Von", "From";
        INBOX_RECEIVED = "Eingegangen", "Received";
        INBOX_REASON = "Grund", "Reason";
        INBOX_REASON_UNKNOWN_SENDER = "Unbekannter Absender", "Unknown sender";
        INBOX_REASON_FOREIGN_REFERENCE = "Bezieht sich auf das Ticket eines anderen Kunden", "Refers to another customer's ticket";
        INBOX_REASON_RATE_LIMIT = "Zu viele E-Mails von diesem Absender", "Too many e-mails from this sender";
        INBOX_NEW_TICKET = "Neues Ticket für Kunden", "New ticket for customer";
        INBOX_NEW_TICKET_BUTTON = "Ticket anlegen", "Open ticket";
        INBOX_ATTACH = "An Ticket anhängen", "Attach to ticket";
        INBOX_ATTACH_BUTTON = "Anhängen", "Attach";
        INBOX_DISCARD = "Verwerfen", "Discard";
        INBOX_DONE_TICKET = "Die E-Mail wurde dem Ticket zugeordnet.", "The e-mail was added to the ticket.";
        INBOX_DONE_DISCARD = "Die E-Mail wurde verworfen.", "The e-mail was discarded.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let msg = m::FIELD_CHANGED;
        let filled = Lang::De.f(msg, &[("field", "Gerät"), ("old", "{new}"), ("new", "Laptop")]);
        let expected = Lang::De.t(msg).replace("{field}", "Gerät").replace("{new}", "Laptop").replace("{old}", "{new}");
        assert_eq!(filled, expected, "a value is not searched for placeholders");
        assert_eq!(Lang::En.f(m::MINUTES_SPENT, &[]), "{time} spent", "an unknown placeholder stays");
        assert_eq!(Lang::En.f(m::MINUTES_SPENT, &[("time", "1 h")]), "1 h spent");
    }

    #[test]
    fn every_message_has_both_languages_and_same_placeholders() {
        for msg in m::ALL {
            assert!(!msg.de.trim().is_empty(), "{} has no German text", msg.key);
            assert!(!msg.en.trim().is_empty(), "{} has no English text", msg.key);
            let ph = |s: &str| {
                let mut v: Vec<String> =
                    s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string())).collect();
                v.sort();
                v
            };
            assert_eq!(ph(msg.de), ph(msg.en), "{} placeholders differ", msg.key);
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = m::ALL.iter().map(|m| m.key).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len());
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,de;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr,de;q=0.5,en;q=0.4"), Some(Lang::De));
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::from_accept_language("de;q=0"), None);
    }
}
