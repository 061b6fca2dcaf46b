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
        // Byte searches (the braces are ASCII): `str::find(char)` cost more than the rest of a
        // short text's filling, once per timeline entry with minutes.
        while let Some(open) = rest.bytes().position(|b| b == b'{') {
            s.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let arg = after.bytes().position(|b| b == b'}').and_then(|close| {
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

        // ---- Hour contingents (issue 22, branch `contingents`): /staff/customers/<no>/contingents,
        // the balance on /account/time, in the header and the composer, the warnings.
        CONTINGENTS = "Stundenkontingente", "Hour contingents";
        CONTINGENT = "Stundenkontingent", "Hour contingent";
        CONTINGENT_BLOCK = "Stundenkontingent ({hours})", "Block of hours ({hours})";
        CONTINGENT_MONTHLY = "Monatliches Kontingent ({hours} pro Monat)", "Monthly allowance ({hours} per month)";
        CONTINGENT_MONTHLY_CARRY = "Monatliches Kontingent ({hours} pro Monat, Rest wird übertragen)", "Monthly allowance ({hours} per month, the rest carries over)";
        CONTINGENT_BOUGHT = "gebucht", "bought";
        CONTINGENT_USED = "verbraucht", "used";
        CONTINGENT_REMAINING = "verbleibend", "remaining";
        CONTINGENT_EXPIRED = "verfallen", "expired";
        CONTINGENT_UNCOVERED = "nicht abgedeckt", "not covered";
        CONTINGENT_UNCOVERED_TITLE = "Nicht durch ein Kontingent abgedeckt", "Not covered by a contingent";
        CONTINGENT_BAR = "{used} von {bought} verbraucht ({percent} %)", "{used} of {bought} used ({percent} %)";
        CONTINGENT_REMAINING_BALANCE = "Verbleibendes Stundenkontingent", "Remaining hour contingent";
        CONTINGENT_VALID = "Gültig", "Valid";
        CONTINGENT_VALID_FROM = "Gültig ab", "Valid from";
        CONTINGENT_VALID_UNTIL = "Gültig bis (optional)", "Valid until (optional)";
        CONTINGENT_OPEN_END = "unbefristet", "no end date";
        CONTINGENT_ENDED = "abgelaufen", "ended";
        CONTINGENT_NOT_YET = "noch nicht gültig", "not valid yet";
        CONTINGENT_HOURS = "Stunden (Kontingent)", "Hours (block)";
        CONTINGENT_HOURS_HELP = "Für ein Stundenkontingent: die gekauften Stunden, z. B. 10 oder 7,5.", "For a block: the hours bought, e.g. 10 or 7.5.";
        CONTINGENT_HOURS_PER_MONTH = "Stunden pro Monat", "Hours per month";
        CONTINGENT_HOURS_PER_MONTH_HELP = "Für einen Wartungsvertrag: die Stunden je Kalendermonat. Nur eines der beiden Felder ausfüllen.", "For a maintenance contract: the hours per calendar month. Fill in only one of the two fields.";
        CONTINGENT_CARRY_OVER = "Nicht verbrauchte Stunden in den nächsten Monat übertragen", "Carry unused hours over to the next month";
        CONTINGENT_NOTE = "Notiz", "Note";
        CONTINGENT_NEW = "Neues Kontingent", "New contingent";
        CONTINGENT_EDIT = "Kontingent bearbeiten", "Edit contingent";
        CONTINGENT_SAVE = "Kontingent speichern", "Save contingent";
        CONTINGENT_SAVED = "Das Kontingent wurde gespeichert.", "The contingent was saved.";
        CONTINGENT_NONE = "Für diesen Kunden ist kein Stundenkontingent erfasst.", "No hour contingent is recorded for this customer.";
        CONTINGENT_BOOKING_RULE = "Erfasste Zeit wird auf das gültige Kontingent gebucht, das zuerst abläuft; was darüber hinausgeht, ist nicht abgedeckt.", "Logged time is booked against the valid contingent that expires first; whatever goes beyond is not covered.";
        CONTINGENT_MONTH_ENTRIES = "Gebuchte Zeit im {month}", "Time booked in {month}";
        CONTINGENT_NO_ENTRIES = "In diesem Monat wurde nichts darauf gebucht.", "Nothing was booked against it this month.";
        CONTINGENT_NO_UNCOVERED = "In diesem Monat ist alle Zeit abgedeckt.", "All time of this month is covered.";
        CONTINGENT_STATEMENT = "Monatsnachweis je Kontingent", "Monthly statement per contingent";
        CONTINGENT_MONTH_TOTAL = "Zeit im Monat insgesamt", "Time in the month in total";
        CONTINGENT_COMPOSER = "Verbleibendes Kontingent des Kunden: {time}", "The customer's remaining contingent: {time}";
        CONTINGENT_COMPOSER_NONE = "Der Kunde hat kein gültiges Stundenkontingent: erfasste Zeit ist nicht abgedeckt.", "The customer has no valid hour contingent: logged time is not covered.";
        CONTINGENT_ERR_HOURS = "Bitte eine Stundenzahl größer als 0 und höchstens 10.000 angeben (z. B. 10 oder 7,5).", "Please enter hours greater than 0 and at most 10,000 (e.g. 10 or 7.5).";
        CONTINGENT_ERR_HOURS_PER_MONTH = "Bitte Stunden pro Monat größer als 0 und höchstens 744 angeben.", "Please enter hours per month greater than 0 and at most 744.";
        CONTINGENT_ERR_ONE_SIZE = "Bitte genau eines angeben: Stunden (Kontingent) oder Stunden pro Monat.", "Please fill in exactly one: hours (block) or hours per month.";
        CONTINGENT_ERR_DATE = "Bitte ein gültiges Datum angeben.", "Please enter a valid date.";
        CONTINGENT_ERR_UNTIL = "Das Ende darf nicht vor dem Beginn liegen.", "The end must not be before the start.";
        CONTINGENT_ERR_NOTE = "Die Notiz darf höchstens 500 Zeichen lang sein.", "The note must be at most 500 characters long.";
        CONTINGENT_MAIL_SUBJECT = "Stundenkontingent zu {percent} % verbraucht: {customer}", "Hour contingent {percent} % used: {customer}";
        CONTINGENT_MAIL_BODY = "Für {customer} ({customer_no}) sind {percent} % des Kontingents verbraucht: {contingent}. Verbleibend: {remaining}.", "{percent} % of the contingent of {customer} ({customer_no}) is used: {contingent}. Remaining: {remaining}.";
        CONTINGENT_MAIL_SPENT = "Weitere Zeit ist nicht abgedeckt, bis ein neues Kontingent gebucht ist.", "Further time is not covered until a new contingent is bought.";
        CONTINGENT_MAIL_LINK = "Übersicht:", "Overview:";
        CONTINGENT_MAIL_LOGIN = "Melden Sie sich im Portal an, um die Übersicht zu sehen.", "Log in to the portal to see the overview.";
        AUDIT_CONTINGENT_CREATE = "Stundenkontingent angelegt", "Hour contingent added";
        AUDIT_CONTINGENT_UPDATE = "Stundenkontingent geändert", "Hour contingent changed";
        // ---- end of hour contingents
        // API tokens and /api/v1 (issue 21, helper `api`).
        ERR_401_TITLE = "Nicht angemeldet", "Not authenticated";
        API_ERR_TOKEN = "Kein gültiges API-Token (Authorization: Bearer …).", "No valid API token (Authorization: Bearer …).";
        API_ERR_SCOPE = "Diesem API-Token fehlt die nötige Berechtigung.", "This API token lacks the required scope.";
        API_ERR_RATE = "Zu viele Anfragen mit diesem API-Token. Bitte in {minutes} Minute(n) erneut versuchen.", "Too many requests with this API token. Please try again in {minutes} minute(s).";
        API_ERR_NAME_TAKEN = "Ein aktives Token mit diesem Namen gibt es schon (der Name steht im Protokoll).", "An active token with this name exists already (the name appears in the audit log).";
        API_ERR_NO_SCOPE = "Bitte mindestens eine Berechtigung wählen.", "Please choose at least one scope.";
        API_ERR_JSON = "Der Inhalt ist kein gültiges JSON-Objekt.", "The body is not a valid JSON object.";
        API_ERR_TYPE = "Falscher Typ: erwartet wird {expected}.", "Wrong type: expected {expected}.";
        API_ERR_UNKNOWN_FIELD = "Unbekanntes Feld.", "Unknown field.";
        API_ERR_CONTENT_TYPE = "Bitte Content-Type: application/json senden.", "Please send Content-Type: application/json.";
        API_ERR_PARAM = "Ungültiger Parameter.", "Invalid parameter.";
        API_ERR_NOT_FOUND = "Nicht gefunden.", "Not found.";
        API_ERR_CONFLICT = "Existiert bereits.", "Already exists.";
        API_ERR_INTERNAL = "Interner Fehler.", "Internal error.";
        API_TOKENS = "API-Tokens", "API tokens";
        API_TOKENS_INTRO = "Mit einem API-Token greifen andere Programme (Monitoring, Buchhaltung, CRM) über /api/v1 auf das Portal zu. Das Token wird nur einmal angezeigt; gespeichert wird nur sein Hash. Änderungen über die API stehen unter dem Namen des Tokens im Protokoll.", "With an API token other programs (monitoring, accounting, CRM) use the portal through /api/v1. The token is shown once; only its hash is stored. Changes through the API are logged under the token's name.";
        API_TOKEN_NEW = "Neues API-Token", "New API token";
        API_TOKEN_NAME = "Name", "Name";
        API_TOKEN_SCOPES = "Berechtigungen", "Scopes";
        API_TOKEN_EXPIRES = "Gültig bis (optional)", "Valid until (optional)";
        API_TOKEN_CREATE = "Token erstellen", "Create token";
        API_TOKEN_SHOWN_ONCE = "Das neue Token – jetzt kopieren, es wird nicht noch einmal angezeigt:", "The new token – copy it now, it will not be shown again:";
        API_TOKEN_CREATED_AT = "Erstellt", "Created";
        API_TOKEN_LAST_USED = "Zuletzt benutzt", "Last used";
        API_TOKEN_NEVER_USED = "noch nie", "never";
        API_TOKEN_STATE = "Status", "State";
        API_TOKEN_ACTIVE = "aktiv", "active";
        API_TOKEN_REVOKED = "widerrufen", "revoked";
        API_TOKEN_EXPIRED = "abgelaufen", "expired";
        API_TOKEN_NO_EXPIRY = "unbegrenzt", "no expiry";
        API_TOKEN_REVOKE = "Widerrufen", "Revoke";
        API_TOKEN_REVOKED_NOTICE = "Das Token wurde widerrufen.", "The token was revoked.";
        API_TOKEN_NONE = "Noch keine API-Tokens.", "No API tokens yet.";
        API_SCOPE_TICKETS_READ = "Tickets lesen", "Read tickets";
        API_SCOPE_TICKETS_WRITE = "Tickets anlegen und bearbeiten (auch interne Notizen sehen)", "Create and edit tickets (also sees internal notes)";
        API_SCOPE_CUSTOMERS_READ = "Kunden lesen", "Read customers";
        API_SCOPE_CUSTOMERS_WRITE = "Kunden anlegen und bearbeiten", "Create and edit customers";
        API_SCOPE_TIME_READ = "Zeitnachweise lesen", "Read time statements";
        AUDIT_API_TOKEN_CREATE = "API-Token erstellt", "API token created";
        AUDIT_API_TOKEN_REVOKE = "API-Token widerrufen", "API token revoked";
        AUDIT_API_TICKET_CREATE = "Ticket über die API angelegt", "Ticket created through the API";
        AUDIT_API_TICKET_UPDATE = "Ticket über die API geändert", "Ticket changed through the API";
        AUDIT_API_ACTIVITY_CREATE = "Aktivität über die API erfasst", "Activity added through the API";
        AUDIT_WHO_API = "API-Token {name}", "API token {name}";
        // ---- Scale (issue 24, branch `scale`): bounded staff search.
        TICKETS_COUNT_MORE = "mindestens {n} Tickets", "at least {n} tickets";
        // ---- end of scale
        // Webhooks and customer import (issue 21, branch hooks).
        WEBHOOKS_TITLE = "Webhooks", "Webhooks";
        WEBHOOKS_NONE = "Keine Webhooks eingerichtet ([[webhooks]] in ticketd.toml).", "No webhooks set up ([[webhooks]] in ticketd.toml).";
        WEBHOOKS_EMPTY = "Noch keine Zustellungen.", "No deliveries yet.";
        WEBHOOK_EVENT = "Ereignis", "Event";
        WEBHOOK_TARGET = "Ziel", "Target";
        WEBHOOK_RETRIED = "Der Webhook wird erneut zugestellt.", "The webhook will be delivered again.";
        AUDIT_WEBHOOK_RETRY = "Webhook erneut zugestellt", "Webhook delivered again";
        IMPORT_TOO_LARGE = "Die Datei ist zu groß (höchstens 10 MB).", "The file is too large (10 MB at most).";
        IMPORT_EMPTY = "Die Datei ist leer.", "The file is empty.";
        IMPORT_UNREADABLE = "Zeile nicht lesbar: {value}", "Line cannot be read: {value}";
        IMPORT_MISSING_COLUMN = "Die Kopfzeile nennt die Spalte „{column}“ nicht.", "The header line does not name the column \"{column}\".";
        IMPORT_FIELD_COUNT = "{found} Felder statt {expected} – ist die Zeile kaputt (Anführungszeichen, Trennzeichen)?", "{found} fields instead of {expected}: is the line broken (quotes, separators)?";
        IMPORT_FORMULA = "Formeln sind nicht erlaubt: {value}", "Formulas are not allowed: {value}";
        IMPORT_BAD_NUMBER = "Keine gültige Kundennummer: {value}", "Not a valid customer number: {value}";
        IMPORT_BAD_EMAIL = "Keine gültige E-Mail-Adresse: {value}", "Not a valid e-mail address: {value}";
        IMPORT_BAD_PHONE = "Keine gültige Telefonnummer: {value}", "Not a valid phone number: {value}";
        IMPORT_BAD_CONTACT = "Ansprechpartner nicht lesbar: {value} (Form: Name <E-Mail-Adresse>, mehrere durch | getrennt)", "Contact cannot be read: {value} (form: Name <e-mail address>, several separated by |)";
        IMPORT_DUPLICATE_NO = "Die Kundennummer {value} steht schon in Zeile {line}.", "Customer number {value} is already in line {line}.";
        IMPORT_DUPLICATE_EMAIL = "Die E-Mail-Adresse {value} steht schon in Zeile {line}.", "E-mail address {value} is already in line {line}.";
        IMPORT_EXISTS = "Die Kundennummer {value} gibt es schon (Vorhandene aktualisieren: --update).", "Customer number {value} exists already (to update existing ones: --update).";
        IMPORT_EMAIL_TAKEN = "Die E-Mail-Adresse {value} ist bereits vergeben.", "E-mail address {value} is already taken.";
        IMPORT_TITLE = "Kunden importieren", "Import customers";
        IMPORT_HELP = "Eine CSV-Datei (Excel: „CSV (Trennzeichen-getrennt)“) mit Kopfzeile: Kundennummer, Name, E-Mail, Telefon, Ansprechpartner (Name <E-Mail-Adresse>, mehrere durch | getrennt). Erst wird geprüft, dann bestätigen Sie.", "A CSV file with a header line: customer_no, name, email, phone, contacts (Name <e-mail address>, several separated by |). It is checked first, then you confirm.";
        IMPORT_FILE = "CSV-Datei", "CSV file";
        IMPORT_UPDATE = "Vorhandene Kundennummern aktualisieren", "Update existing customer numbers";
        IMPORT_INVITE = "Neue Kunden und Ansprechpartner per E-Mail einladen", "Invite new customers and contacts by e-mail";
        IMPORT_CHECK = "Prüfen", "Check";
        IMPORT_CONFIRM = "Jetzt importieren", "Import now";
        IMPORT_SUMMARY = "{rows} Zeilen: {created} neu, {updated} geändert, {unchanged} unverändert, {contacts} neue Ansprechpartner, {invited} Einladungen", "{rows} lines: {created} new, {updated} changed, {unchanged} unchanged, {contacts} new contacts, {invited} invitations";
        IMPORT_DONE = "Der Import ist abgeschlossen.", "The import is done.";
        IMPORT_HAS_ERRORS = "{n} Fehler – es wurde nichts importiert. Bitte korrigieren Sie die Datei und laden Sie sie erneut hoch.", "{n} errors: nothing was imported. Please correct the file and upload it again.";
        IMPORT_LINE = "Zeile", "Line";
        IMPORT_COLUMN = "Spalte", "Column";
        IMPORT_PROBLEM = "Problem", "Problem";
        IMPORT_ACTION = "Aktion", "Action";
        IMPORT_CREATE = "neu", "new";
        IMPORT_CHANGE = "ändern", "change";
        IMPORT_UNCHANGED = "unverändert", "unchanged";
        IMPORT_CONTACTS_N = "{n} Ansprechpartner", "{n} contacts";
        IMPORT_IGNORED = "Nicht übernommene Spalten:", "Columns not imported:";
        IMPORT_EXPIRED = "Die hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie erneut hoch.", "The uploaded file is no longer there. Please upload it again.";
        IMPORT_NO_FILE = "Bitte wählen Sie eine CSV-Datei.", "Please choose a CSV file.";
        IMPORT_LINK = "Importieren", "Import";
        IMPORT_EXPORT_CSV = "Als CSV exportieren", "Export as CSV";
        // --- settings in the browser (/admin/settings) ---
        SETTINGS_TITLE = "Einstellungen", "Settings";
        SETTINGS_PORTAL = "Portal und Erscheinungsbild", "Portal and branding";
        SETTINGS_FIELDS = "Ticket-Felder", "Ticket fields";
        SETTINGS_SECURITY = "Sicherheit und Abläufe", "Security and workflow";
        SETTINGS_SAVED = "Die Einstellungen wurden gespeichert. Sie gelten ab sofort.", "The settings have been saved. They apply from now on.";
        SETTINGS_SAVE = "Speichern", "Save";
        SETTINGS_SOURCE = "Herkunft", "Source";
        SETTINGS_SOURCE_DEFAULT = "Voreinstellung", "Default";
        SETTINGS_SOURCE_FILE = "Konfigurationsdatei", "Configuration file";
        SETTINGS_SOURCE_BROWSER = "Im Browser gesetzt", "Set in the browser";
        SETTINGS_RESET = "Auf Wert der Datei zurücksetzen", "Reset to the file's value";
        SETTINGS_FILE_VALUE = "Wert der Datei: {value}", "File value: {value}";
        SETTINGS_FIELD_TITLE = "Titel des Portals", "Portal title";
        SETTINGS_FIELD_ACCENT = "Akzentfarbe", "Accent colour";
        SETTINGS_FIELD_LOGIN_TEXT = "Text auf der Anmeldeseite", "Text on the login page";
        SETTINGS_FIELD_IMPRINT = "Link zum Impressum", "Imprint link";
        SETTINGS_FIELD_PRIVACY = "Link zur Datenschutzerklärung", "Privacy policy link";
        SETTINGS_FIELD_CSS = "Eigenes CSS", "Custom CSS";
        SETTINGS_FIELD_HOTLINE = "Hotline-Modus", "Hotline mode";
        SETTINGS_FIELD_2FA = "Zwei-Faktor-Anmeldung verlangen für", "Require two-factor login for";
        SETTINGS_FIELD_AUTO_CLOSE = "Wartende Tickets automatisch schließen nach (Tagen, leer: nie)", "Close waiting tickets automatically after (days, empty: never)";
        SETTINGS_FIELD_WARN = "Kontingent-Warnung ab (Prozent)", "Contingent warning at (percent)";
        SETTINGS_OPT_REVEAL = "Passwort anzeigen", "Reveal the password";
        SETTINGS_OPT_VERIFY = "Passwort prüfen", "Verify the password";
        SETTINGS_OPT_OFF = "Aus", "Off";
        SETTINGS_OPT_ADMINS = "Administratoren", "Administrators";
        SETTINGS_OPT_STAFF = "Alle Mitarbeiter", "All staff";
        SETTINGS_CONFLICT = "Jemand anderes hat diese Einstellungen inzwischen geändert. Bitte laden Sie die Seite neu; Ihre Eingaben stehen unten noch.", "Someone else changed these settings meanwhile. Please reload the page; your input is still shown below.";
        SETTINGS_ERR_TOO_LONG = "Der Wert ist zu lang.", "The value is too long.";
        SETTINGS_ERR_COLOR = "Bitte eine Farbe wie #1d4ed8 angeben.", "Please give a colour like #1d4ed8.";
        SETTINGS_ERR_CONTRAST = "Text auf dieser Farbe hat nur einen Kontrast von {ratio}:1; WCAG AA verlangt 4.5:1.", "Text on this colour has a contrast of only {ratio}:1; WCAG AA needs 4.5:1.";
        SETTINGS_ERR_CSS = "Das CSS darf kein </style> enthalten.", "The CSS must not contain </style>.";
        SETTINGS_ERR_DAYS = "Bitte eine Zahl zwischen 1 und 3650 angeben oder leer lassen.", "Please give a number between 1 and 3650 or leave it empty.";
        SETTINGS_ERR_PERCENT = "Bitte geben Sie eine Zahl zwischen 1 und 99 an (bei 100 % kommt die zweite Warnung von selbst).", "Please give a number between 1 and 99 (the second warning comes at 100 % by itself).";
        SETTINGS_ERR_INVALID = "Ungültiger Wert: {why}", "Invalid value: {why}";
        SETTINGS_NEW_FIELD = "Neues Feld", "New field";
        SETTINGS_FIELD_KEY = "Schlüssel (a–z, 0–9, _)", "Key (a–z, 0–9, _)";
        SETTINGS_FIELD_LABEL_DE = "Bezeichnung (Deutsch)", "Label (German)";
        SETTINGS_FIELD_LABEL_EN = "Bezeichnung (Englisch)", "Label (English)";
        SETTINGS_FIELD_TYPE = "Art", "Type";
        SETTINGS_FIELD_REQUIRED = "Pflichtfeld", "Required";
        SETTINGS_FIELD_OPTIONS = "Auswahlwerte (einer pro Zeile)", "Options (one per line)";
        SETTINGS_FIELD_HELP = "Hilfetext", "Help text";
        SETTINGS_FIELD_SHOW_WHEN = "Nur zeigen, wenn Feld", "Only show when field";
        SETTINGS_FIELD_SHOW_VALUES = "einen dieser Werte hat (einer pro Zeile)", "has one of these values (one per line)";
        SETTINGS_FIELD_ALWAYS = "(immer zeigen)", "(always show)";
        SETTINGS_FIELD_LIST_COLUMN = "Als Spalte in Ticketlisten", "As a column in ticket lists";
        SETTINGS_FIELD_CUSTOMER_EDITABLE = "Kunde darf den Wert ändern", "Customer may change the value";
        SETTINGS_FIELD_RETIRED = "Stillgelegt (gespeicherte Werte bleiben erhalten)", "Retired (stored values are kept)";
        SETTINGS_FIELD_MOVE_UP = "Nach oben", "Move up";
        SETTINGS_FIELD_MOVE_DOWN = "Nach unten", "Move down";
        SETTINGS_FIELD_EDIT = "Bearbeiten", "Edit";
        SETTINGS_FIELDS_NONE = "Noch keine Felder.", "No fields yet.";
        SETTINGS_PREVIEW = "Vorschau: Formular „Neues Ticket“ des Kunden", "Preview: the customer's new-ticket form";
        SETTINGS_ERR_KEY_EXISTS = "Ein Feld mit diesem Schlüssel gibt es schon.", "A field with this key exists already.";
        SETTINGS_ERR_KEY = "Bitte nur a–z, 0–9 und _ verwenden (höchstens 40 Zeichen).", "Please use only a–z, 0–9 and _ (at most 40 characters).";
        SETTINGS_ERR_SHOW_SELF = "Ein Feld kann nicht von sich selbst abhängen.", "A field cannot depend on itself.";
        SETTINGS_ERR_SHOW_RETIRED = "Dieses Feld ist stillgelegt.", "This field is retired.";
        SETTINGS_ERR_SHOW_UNKNOWN = "Dieses Feld gibt es nicht.", "There is no such field.";
        SETTINGS_ERR_SHOW_VALUES = "Bitte mindestens einen Wert angeben, der ein Auswahlwert des Feldes ist.", "Please give at least one value, each an option of that field.";
        SETTINGS_ERR_OPTION_USED = "Der Auswahlwert „{value}“ wird noch von {n} Tickets verwendet.", "The option “{value}” is still used by {n} tickets.";
        SETTINGS_ERR_PORT = "Bitte eine Portnummer zwischen 1 und 65535 angeben.", "Please give a port number between 1 and 65535.";
        SETTINGS_MAIL = "Benachrichtigungen und SMTP", "Notifications and SMTP";
        SETTINGS_INBOUND = "E-Mail-Eingang (IMAP)", "Mail in (IMAP)";
        SETTINGS_SMTP_HOST = "SMTP-Server (leer: kein E-Mail-Versand)", "SMTP server (empty: no e-mail)";
        SETTINGS_PORT = "Port", "Port";
        SETTINGS_TLS = "Verschlüsselung", "Encryption";
        SETTINGS_USERNAME = "Benutzername", "Username";
        SETTINGS_PASSWORD_WRITE_ONLY = "Passwort (wird nie angezeigt; leer lassen, um es zu behalten)", "Password (never shown; leave empty to keep it)";
        SETTINGS_SMTP_FROM = "Absenderadresse", "Sender address";
        SETTINGS_INCLUDE_TEXT = "Nachrichtentext in Benachrichtigungen mitschicken", "Include the message text in notifications";
        SETTINGS_INBOUND_ADDRESS = "Adresse, an die Kunden schreiben", "Address customers write to";
        SETTINGS_IMAP_HOST = "IMAP-Server (leer: kein Abruf)", "IMAP server (empty: no polling)";
        SETTINGS_IMAP_FOLDER = "Ordner", "Folder";
        SETTINGS_TEST = "Verbindung testen", "Test the connection";
        SETTINGS_TEST_TO = "Testmail an", "Test mail to";
        SETTINGS_TEST_OK = "Antwort des Servers: {reply}", "The server replied: {reply}";
        SETTINGS_TEST_FAILED = "Test fehlgeschlagen: {reply}", "The test failed: {reply}";
        SETTINGS_ERR_LOGO_SIZE = "Das Logo darf höchstens 512 KiB groß sein.", "The logo may be at most 512 KiB.";
        SETTINGS_ERR_LOGO_TYPE = "Bitte ein Logo als PNG, JPEG oder SVG hochladen.", "Please upload a PNG, JPEG or SVG logo.";
        SETTINGS_ERR_LOGO_SCRIPT = "SVG-Logos mit Skripten oder Ereignis-Attributen werden nicht angenommen.", "SVG logos with scripts or event attributes are not accepted.";
        SETTINGS_FIELD_LOGO = "Logo (PNG, JPEG oder SVG, höchstens 512 KiB)", "Logo (PNG, JPEG or SVG, at most 512 KiB)";
        AUDIT_SETTINGS_CHANGED = "Einstellungen geändert", "Settings changed";
        SETTINGS_OPT_STARTTLS = "STARTTLS", "STARTTLS";
        SETTINGS_OPT_TLS = "TLS", "TLS";
        SETTINGS_OPT_AUTO = "(Voreinstellung)", "(default)";
        SETTINGS_ERR_OPTIONS = "Eine Auswahl braucht Auswahlwerte; andere Arten haben keine.", "A select needs options; other types have none.";
        // Settings in the browser, second pass (issue 25): IMAP and mail retries live, the
        // hotline turned on at run time, the field form's preview, tests with the form's values.
        SETTINGS_ERR_HOTLINE_KEY = "Die Hotline lässt sich nicht einschalten, weil die Schlüsseldatei nicht benutzbar ist: {why}", "The hotline cannot be turned on because its key file cannot be used: {why}";
        SETTINGS_ERR_SECONDS = "Bitte eine Zahl von Sekunden zwischen 1 und 86400 angeben.", "Please give a number of seconds between 1 and 86400.";
        SETTINGS_ERR_AFTER_IMPORT = "Bitte „seen“, „delete“ oder „move:<Ordner>“ angeben.", "Please give “seen”, “delete” or “move:<folder>”.";
        SETTINGS_ERR_DAYS_REQUIRED = "Bitte eine Zahl zwischen 1 und 3650 angeben.", "Please give a number between 1 and 3650.";
        SETTINGS_ERR_COUNT = "Bitte eine Zahl zwischen 1 und 100000 angeben.", "Please give a number between 1 and 100000.";
        SETTINGS_POLL_SECONDS = "Abruf alle (Sekunden)", "Poll every (seconds)";
        SETTINGS_AFTER_IMPORT = "Nach dem Import: seen (als gelesen markieren), delete (löschen) oder move:<Ordner> (verschieben)", "After the import: seen (flag as read), delete, or move:<folder>";
        SETTINGS_HOLD_DAYS = "Zurückgehaltene E-Mails löschen nach (Tagen)", "Purge held mail after (days)";
        SETTINGS_MAX_PER_SENDER = "E-Mails je Absender und Stunde, mehr werden zurückgehalten", "Mails per sender and hour; more are held";
        SETTINGS_RETRY_SECONDS = "Erster neuer Versuch nach (Sekunden, verdoppelt sich bis zu einer Stunde)", "First retry after (seconds, doubling up to an hour)";
        SETTINGS_MAX_ATTEMPTS = "Versuche, bevor eine E-Mail als fehlgeschlagen gilt", "Attempts before a mail counts as failed";
        SETTINGS_PREVIEW_BUTTON = "Vorschau aktualisieren", "Update the preview";
        SETTINGS_PREVIEW_FIELD = "Vorschau: Formular „Neues Ticket“ des Kunden mit diesem Feld (noch nicht gespeichert)", "Preview: the customer's new-ticket form with this field (not saved yet)";
        SETTINGS_TEST_USES_FORM = "Der Test verwendet die Werte im Formular, auch ungespeicherte; ein leeres Passwortfeld nimmt das gespeicherte. Gespeichert wird dabei nichts.", "The test uses the values in the form, unsaved ones too; an empty password field uses the stored one. Nothing is saved by a test.";
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
