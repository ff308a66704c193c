package io.trailwarden.finding;

import io.trailwarden.event.DeadLetter;
import java.time.Instant;

/** The {@code dead-letter} record of finding.schema.json: input or an action the job could not use, and why. */
public final class DeadLetterRecord {
    public static final String TYPE = "dead-letter";

    public final int schemaVersion = FindingDocument.SCHEMA_VERSION;
    public final String type = TYPE;
    /** Where it was rejected: parse, late, response, ... */
    public String stage;
    public String reason;
    /** Where the input came from (file and line, stream and shard), when known. */
    public String origin;
    /** The input, cut to {@link DeadLetter#MAX_RAW_CHARS}; for a failed response, the finding document. */
    public String raw;
    /** The size of the whole input, so a cut one shows as such. */
    public long rawLength;
    public String recordedAt;

    public static DeadLetterRecord of(DeadLetter letter) {
        DeadLetterRecord record = new DeadLetterRecord();
        record.stage = SafeText.cut(letter.stage, AuditRecord.MAX_FIELD_CHARS);
        record.reason = SafeText.cut(letter.reason, AuditRecord.MAX_FIELD_CHARS);
        record.origin = SafeText.cut(letter.origin, AuditRecord.MAX_FIELD_CHARS);
        record.raw = SafeText.cut(letter.raw, DeadLetter.MAX_RAW_CHARS);
        record.rawLength = letter.rawLength;
        record.recordedAt = Instant.ofEpochMilli(letter.recordedAtMillis).toString();
        return record;
    }
}
