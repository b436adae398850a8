-- The audit log page filters by action and by actor, newest first.
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_kind, actor_id, id);
