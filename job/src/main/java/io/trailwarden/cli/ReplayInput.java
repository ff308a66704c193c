package io.trailwarden.cli;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.S3Location;
import io.trailwarden.source.RawInput;
import io.trailwarden.source.S3Archive;
import io.trailwarden.source.S3Clients;
import io.trailwarden.source.S3ObjectReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.s3.S3Client;

/** What a replay reads, as the job's input: local files, or the delivery files of an S3 archive. */
abstract class ReplayInput {
    static final String S3_KEYS_UID = "s3-archive-keys";

    abstract DataStream<RawInput> attach(StreamExecutionEnvironment env);

    /** The input's stored size, for the progress bar. */
    abstract long totalBytes();

    static ReplayInput files(List<Path> files) {
        long total = 0;
        for (Path file : files) {
            try {
                total += Files.size(file);
            } catch (IOException gone) {
                // the reader reports it as a dead letter; the size only feeds the progress estimate
            }
        }
        long totalBytes = total;
        return new ReplayInput() {
            @Override
            DataStream<RawInput> attach(StreamExecutionEnvironment env) {
                return LocalRun.files(env, files);
            }

            @Override
            long totalBytes() {
                return totalBytes;
            }
        };
    }

    /**
     * The archive's delivery files of the days from {@code from} to {@code to}, in delivery order, listed
     * now, so a wrong bucket or missing permission is reported before the job starts.
     */
    static List<S3Archive.Entry> listS3(S3Location location, LocalDate from, LocalDate to, AwsConfig aws)
            throws IOException {
        List<S3Archive.Entry> entries;
        try (S3Client s3 = S3Clients.create(aws, Duration.ofSeconds(60))) {
            entries = new S3Archive(s3).list(location, from, to);
        }
        if (entries.isEmpty()) {
            throw new IOException("no CloudTrail delivery files under " + location + " delivered from " + from
                    + " to " + to);
        }
        return entries;
    }

    /**
     * Delivery files of an S3 archive ({@link #listS3}), read in their order: one subtask hands the keys
     * out in that order, round robin, to the parallel readers.
     */
    static ReplayInput s3(S3Location location, List<S3Archive.Entry> entries, AwsConfig aws) {
        List<String> keys = entries.stream().map(entry -> entry.key).collect(Collectors.toList());
        long totalBytes = entries.stream().mapToLong(entry -> entry.size).sum();
        return new ReplayInput() {
            @Override
            DataStream<RawInput> attach(StreamExecutionEnvironment env) {
                return env.fromData(keys).uid(S3_KEYS_UID).name("CloudTrail archive " + location + " keys")
                        .rebalance()
                        .flatMap(new S3ObjectReader(aws, location.bucket)).uid(S3ObjectReader.UID)
                        .name("Read S3 objects");
            }

            @Override
            long totalBytes() {
                return totalBytes;
            }
        };
    }
}
