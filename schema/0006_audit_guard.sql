-- The audit log is append-only even against INSERT OR REPLACE, whose implicit delete does not
-- fire delete triggers unless recursive triggers are on.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
