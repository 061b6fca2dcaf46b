-- Staff workspace: the audit log becomes append-only, and lookups the queue needs.

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE INDEX tickets_customer_created ON tickets (customer_id, created_at);
CREATE INDEX customers_phone ON customers (phone) WHERE phone <> '';
