package io.trailwarden.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.util.FileUtils;
import org.apache.flink.util.StringUtils;

/**
 * Checkpoints of one replay, so that the same replay started again after an interruption resumes from
 * the last one instead of from the start: Flink's own checkpoints (sources' positions, dedup memory,
 * open sequences and thresholds), kept under a folder named by a digest of the command's arguments and
 * removed once the replay finishes. Findings made between the last checkpoint and the interruption are
 * made again (at least once).
 */
final class ReplayCheckpoints {
    private final Path directory;
    private final Duration interval;

    ReplayCheckpoints(Path root, String arguments, Duration interval) {
        this.directory = root.resolve(digest(arguments)).toAbsolutePath();
        this.interval = interval;
    }

    /** The newest complete checkpoint of this replay, if an earlier run left one. */
    Optional<Path> latest() {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(directory, 3)) {
            return files.filter(file -> file.getFileName().toString().equals("_metadata"))
                    .max(Comparator.comparingLong(ReplayCheckpoints::modified))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void configure(Configuration flink, PrintWriter err) {
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.toUri().toString());
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Optional<Path> latest = latest();
        if (latest.isPresent()) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
            err.println("resuming an interrupted replay from " + latest.get());
            err.flush();
        }
    }

    /** The replay is complete: nothing left to resume. */
    void finished() throws IOException {
        FileUtils.deleteDirectoryQuietly(directory.toFile());
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException gone) {
            return Long.MIN_VALUE;
        }
    }

    private static String digest(String arguments) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(arguments.getBytes(StandardCharsets.UTF_8));
            return StringUtils.byteToHexString(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
