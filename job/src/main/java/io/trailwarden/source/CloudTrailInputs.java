package io.trailwarden.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.connector.file.src.FileSource;

/**
 * Local CloudTrail files and directories as input units. A JSON-lines file gives one unit per line
 * ({@code path:line}); any other file, a {@code {"Records": [...]}} delivery file or a single record,
 * pretty-printed or not, gives one unit ({@code path}); gzip is decompressed. How a file is recognised
 * as JSON lines is {@link JsonLayout}'s rule: by its first non-blank line.
 *
 * <p>Directories are read recursively; hidden files and folders (leading {@code .} or {@code _}, the
 * same rule as Flink's {@code DefaultFileFilter}, which the streaming source applies) are skipped.
 */
public final class CloudTrailInputs {
    private CloudTrailInputs() {}

    /** Every unit of every file, files in path order; for small inputs (tests, rule tests, the CLI). */
    public static List<RawInput> readAll(List<Path> paths) {
        List<RawInput> units = new ArrayList<>();
        for (Path file : files(paths)) {
            try (InputStream in = Files.newInputStream(file);
                    FileUnits fileUnits = new FileUnits(file.toString(), in, RawInput.MAX_UNIT_BYTES)) {
                RawInput unit;
                while ((unit = fileUnits.next()) != null) {
                    units.add(unit);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return units;
    }

    /**
     * A bounded Flink source over the same files, streaming them (for replays larger than memory).
     * Files go to the readers in {@link DeliveryOrder}, one file per reader at a time, so units of a
     * few neighbouring files interleave and event time stays within a bounded out-of-orderness.
     */
    public static FileSource<RawInput> fileSource(List<Path> paths) {
        org.apache.flink.core.fs.Path[] flinkPaths = paths.stream()
                .map(path -> new org.apache.flink.core.fs.Path(path.toAbsolutePath().toUri()))
                .toArray(org.apache.flink.core.fs.Path[]::new);
        return FileSource.forBulkFileFormat(new CloudTrailFileFormat(), flinkPaths)
                .setSplitAssigner(DeliveryOrderSplitAssigner::new)
                .build();
    }

    /** The regular, non-hidden files under {@code paths}, in {@link DeliveryOrder}; a missing path is an error. */
    public static List<Path> files(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new UncheckedIOException(new java.io.FileNotFoundException("no such file or directory: " + path));
            }
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            try (Stream<Path> walk = Files.walk(path)) {
                files.addAll(walk.filter(Files::isRegularFile)
                        .filter(file -> !hiddenBelow(path, file))
                        .collect(Collectors.toList()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + path, e);
            }
        }
        files.sort(Comparator.comparing(Path::toString, DeliveryOrder.PATHS));
        return files;
    }

    private static boolean hiddenBelow(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            String name = part.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
