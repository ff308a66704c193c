package io.trailwarden.finding;

import java.time.Instant;

/**
 * The {@code audit} record of finding.schema.json: one action of one finding's response and how it
 * went. Written to the audit store and listed in the alert's {@code results}. Action and outcome are
 * names, so the responder can add one without changing this document.
 */
public final class AuditRecord {
    public static final String TYPE = "audit";
    /** Details quote error messages and names an attacker chose; this bounds them. */
    static final int MAX_FIELD_CHARS = 4096;

    public final int schemaVersion = FindingDocument.SCHEMA_VERSION;
    public final String type = TYPE;
    public String findingId;
    public String ruleId;
    /** CONTAIN, ALERT, ... */
    public String action;
    /** The target's ARN, or its name when the ARN is unknown; the topic for an alert. */
    public String target;
    public String targetAccount;
    /** DONE, ALREADY_DONE, DRY_RUN, SKIPPED, FAILED, ... */
    public String outcome;
    public String detail;
    public String startedAt;
    public long durationMillis;

    public static AuditRecord of(String findingId, String ruleId, String action, String target, String targetAccount,
            String outcome, String detail, long startedAtMillis, long durationMillis) {
        AuditRecord record = new AuditRecord();
        record.findingId = SafeText.cut(findingId, MAX_FIELD_CHARS);
        record.ruleId = SafeText.cut(ruleId, MAX_FIELD_CHARS);
        record.action = action;
        record.target = SafeText.cut(target, MAX_FIELD_CHARS);
        record.targetAccount = SafeText.cut(targetAccount, MAX_FIELD_CHARS);
        record.outcome = outcome;
        record.detail = SafeText.cut(detail, MAX_FIELD_CHARS);
        record.startedAt = Instant.ofEpochMilli(startedAtMillis).toString();
        record.durationMillis = durationMillis;
        return record;
    }
}
