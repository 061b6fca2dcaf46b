//! What happens to tickets by itself: `[workflow] auto_close_days`. A background thread
//! ([`spawn`], started by `web::server::serve` beside the mail sender) closes tickets that
//! waited on the customer that long, at start and every [`INTERVAL`].

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::clock;
use crate::db::tickets::{self as tdb, Author, NewActivity};
use crate::db::{self};
use crate::error::Result;
use crate::model::{ActivityKind, Status};

/// How often the thread looks for tickets to close.
pub const INTERVAL: Duration = Duration::from_secs(600);
/// Tickets closed per transaction, so a first run on a big backlog never holds the writer long.
const BATCH: usize = 100;

/// Starts the thread. Each round reads `auto_close_days` from the configuration in effect, so
/// setting it in the browser (`/admin/settings/security`) needs no restart; unset, a round does
/// nothing.
pub fn spawn(app: Arc<App>) -> std::io::Result<()> {
    std::thread::Builder::new().name("ticketd-workflow".into()).spawn(move || loop {
        match auto_close(&app, clock::now()) {
            Ok(0) => {}
            Ok(n) => eprintln!("{} workflow: {n} ticket(s) closed automatically", clock::rfc3339(clock::now())),
            Err(e) => eprintln!("{} workflow: {e}", clock::rfc3339(clock::now())),
        }
        std::thread::sleep(INTERVAL);
    })?;
    Ok(())
}

/// Closes every ticket waiting on the customer (`waiting`) with no activity for
/// `auto_close_days`: per ticket a status activity by the system (with the reason as its
/// text) and, through the outbox, a mail to the customer, in the ticket's transaction.
/// Returns how many were closed.
pub fn auto_close(app: &App, now: i64) -> Result<usize> {
    let Some(days) = app.config().workflow.auto_close_days else {
        return Ok(0);
    };
    let before = now - i64::from(days) * 86_400;
    let note = app.config().language().unwrap_or(crate::i18n::Lang::De);
    let text = note.f(crate::i18n::m::AUTO_CLOSED_NOTE, &[("days", &days.to_string())]);
    let mut closed = 0;
    loop {
        let mut conn = app.conn()?;
        let n = db::write(&mut conn, |tx| {
            let due = tdb::waiting_since(tx, before, BATCH)?;
            for (id, _) in &due {
                tdb::set_status(tx, *id, Status::Closed, now)?;
                let activity = tdb::add_activity(
                    tx,
                    *id,
                    &NewActivity {
                        old_value: Some(Status::Waiting.as_str()),
                        new_value: Some(Status::Closed.as_str()),
                        ..NewActivity::new(ActivityKind::Status, Author::SYSTEM, &text, now)
                    },
                )?;
                crate::app::notify::queue_for_activity(tx, app, activity)?;
            }
            Ok(due.len())
        })?;
        closed += n;
        if n < BATCH {
            return Ok(closed);
        }
    }
}
