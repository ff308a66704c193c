package io.trailwarden.pipeline;

import io.trailwarden.config.AuditConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.ConfigException;
import io.trailwarden.config.S3Location;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.DeadLetterRecord;
import io.trailwarden.finding.FindingJson;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.source.S3Clients;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The audit store: every audit record and dead letter as one line of finding.schema.json, in objects
 * under {@code LOCATION/audit/} and {@code LOCATION/dead-letter/}, a folder per hour
 * ({@code dt=2024-08-01/hour=13/}, UTC). Unlike a log line, no log level can silence it. The sink
 * ({@link AuditObjectSink}) commits one object per subtask and checkpoint, exactly once.
 */
public final class AuditStore {
    public static final String AUDIT_FOLDER = "audit";
    public static final String DEAD_LETTER_FOLDER = "dead-letter";
    public static final String AUDIT_SINK_UID = "audit-store";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-store";

    private AuditStore() {}

    /** Adds both sinks; fails when the audit store is not configured, since its records would be lost. */
    public static void attach(DataStream<ActionResult> audit, DataStream<DeadLetter> deadLetters, AuditConfig config,
            AwsConfig aws) throws ConfigException {
        if (config.location == null) {
            throw new ConfigException(List.of(AuditConfig.GROUP + ".location: required: where audit and dead-letter"
                    + " records are kept (s3://BUCKET/PREFIX/ or an absolute directory)"));
        }
        audit.map(new AuditLines()).uid("audit-lines").name("Audit records as JSON lines")
                .sinkTo(new AuditObjectSink(AUDIT_FOLDER, objects(config.location, aws)))
                .uid(AUDIT_SINK_UID).name("Audit store");
        deadLetters.map(new DeadLetterLines()).uid("dead-letter-lines").name("Dead letters as JSON lines")
                .sinkTo(new AuditObjectSink(DEAD_LETTER_FOLDER, objects(config.location, aws)))
                .uid(DEAD_LETTER_SINK_UID).name("Dead-letter store");
    }

    /** Where committed objects go: one put per object, a second put of the same key replaces it whole. */
    public interface Objects extends Serializable {
        void put(String key, byte[] content) throws IOException;
    }

    static Objects objects(String location, AwsConfig aws) {
        if (S3Location.isS3(location)) {
            S3Location s3 = S3Location.parse(location);
            return new S3Objects(s3.bucket, s3.prefix, aws);
        }
        return new DirectoryObjects(location);
    }

    /** An S3 prefix: PutObject is atomic, so a reader never sees half an object. */
    static final class S3Objects implements Objects {
        private static final long serialVersionUID = 1L;
        private final String bucket;
        private final String prefix;
        private final AwsConfig aws;
        private transient S3Client client;

        S3Objects(String bucket, String prefix, AwsConfig aws) {
            this.bucket = bucket;
            this.prefix = prefix;
            this.aws = aws;
        }

        @Override
        public void put(String key, byte[] content) {
            if (client == null) {
                client = S3Clients.create(aws, Duration.ofSeconds(20));
            }
            client.putObject(r -> r.bucket(bucket).key(prefix + key).contentType("application/x-ndjson"),
                    RequestBody.fromBytes(content));
        }
    }

    /** A local directory: written to a temporary file and moved into place, so a reader never sees half a file. */
    static final class DirectoryObjects implements Objects {
        private static final long serialVersionUID = 1L;
        private final String directory;

        DirectoryObjects(String directory) {
            this.directory = directory;
        }

        @Override
        public void put(String key, byte[] content) throws IOException {
            Path target = Path.of(directory).resolve(key);
            Files.createDirectories(target.getParent());
            Path staged = Files.createTempFile(target.getParent(), ".staged-", ".tmp");
            try {
                Files.write(staged, content);
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UncheckedIOException e) {
                Files.deleteIfExists(staged);
                throw e;
            }
        }
    }

    /** An action's result as its audit record line. */
    static final class AuditLines implements MapFunction<ActionResult, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(ActionResult result) {
            return FindingJson.line(result.toRecord());
        }
    }

    /** A dead letter as its record line. */
    static final class DeadLetterLines implements MapFunction<DeadLetter, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(DeadLetter letter) {
            return FindingJson.line(DeadLetterRecord.of(letter));
        }
    }
}
