package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.Corpus;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.RawInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology's RocksDB write buffers, as RocksDB itself records them: the cluster here sets RocksDB
 * but no write buffer size (as MSF's does not), the job sets it ({@link KeyedStateTuning}), and every
 * column family of every RocksDB instance of the running production topology must have it. And the
 * reason it must: the column families of one slot, each holding at least one arena block (an eighth of
 * its write buffer) once written, must fit in the write buffer manager's flush threshold (7/8 of half the
 * managed memory) of a slot with 256 MiB of managed memory, which RocksDB's 64 MiB default does not.
 */
class RocksDbMemtablesITCase {
    private static final MemorySize SLOT_MANAGED_MEMORY = MemorySize.ofMebiBytes(256);
    private static final long DEFAULT_WRITE_BUFFER = MemorySize.ofMebiBytes(64).getBytes();
    private static final Pattern SUBTASK = Pattern.compile("__(\\d+)_(\\d+)__uuid_");
    private static final Pattern COLUMN_FAMILY = Pattern.compile("^\\[CFOptions \"(.*)\"\\]$");

    @TempDir
    static Path rocksDbDirectory;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(() -> {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDbDirectory.toString());
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(2 * SLOT_MANAGED_MEMORY.getMebiBytes()));
        return new MiniClusterResourceConfiguration.Builder().setConfiguration(flink)
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build();
    });

    @Test
    void everyColumnFamilyHasTheTopologysWriteBufferAndASlotsColumnFamiliesFitTheWriteBufferManager() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<RawInput> units = new ArrayList<>();
        for (String record : Corpus.records()) {
            units.add(RawInput.of("corpus", record));
        }
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.addSource(new EndlessSource(units), TypeInformation.of(RawInput.class)).setParallelism(1),
                TrailWardenConfig.defaults().detection, RuleCatalogue.compile(TrailWardenConfig.defaults()));
        outputs.findings.sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("rocksdb-memtables");
        Map<String, List<ColumnFamily>> instances;
        try {
            instances = settledInstances();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        List<ColumnFamily> all = instances.values().stream().flatMap(List::stream).collect(Collectors.toList());
        assertThat(all).as("RocksDB instances of the running topology").hasSizeGreaterThan(100);
        assertThat(all).allSatisfy(family -> assertThat(family.writeBufferSize).as(family.name)
                .isEqualTo(KeyedStateTuning.WRITE_BUFFER_SIZE.getBytes()));

        long flushThreshold = SLOT_MANAGED_MEMORY.getBytes() / 2 * 7 / 8;
        Map<String, Integer> perSubtask = new TreeMap<>();
        instances.forEach((instance, families) -> perSubtask.merge(subtask(instance), families.size(), Integer::sum));
        assertThat(perSubtask).hasSize(2);
        perSubtask.forEach((subtask, families) -> {
            assertThat(families * KeyedStateTuning.WRITE_BUFFER_SIZE.getBytes() / 8)
                    .as("arena blocks of subtask %s's %d column families", subtask, families)
                    .isLessThanOrEqualTo(flushThreshold);
            assertThat(families * DEFAULT_WRITE_BUFFER / 8)
                    .as("with RocksDB's default write buffer they would not fit").isGreaterThan(flushThreshold);
        });
    }

    /**
     * Every RocksDB instance's column families, once they have stopped changing (RocksDB replaces its
     * options file whenever a column family is added, so a file listed may be gone when read: not settled).
     */
    private static Map<String, List<ColumnFamily>> settledInstances() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<String, List<ColumnFamily>> previous = Map.of();
        while (System.nanoTime() < deadline) {
            Thread.sleep(3000);
            Map<String, List<ColumnFamily>> now = instances();
            if (!now.isEmpty() && now.equals(previous)) {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the RocksDB instances did not settle in 120 s: " + previous.keySet());
    }

    private static Map<String, List<ColumnFamily>> instances() throws IOException {
        Map<String, List<ColumnFamily>> instances = new TreeMap<>();
        List<Path> optionFiles;
        try (Stream<Path> files = Files.walk(rocksDbDirectory)) {
            optionFiles = files.filter(file -> file.getFileName().toString().startsWith("OPTIONS-")
                    && !file.getFileName().toString().endsWith(".dbtmp")).collect(Collectors.toList());
        }
        Map<Path, Path> newestPerDatabase = new TreeMap<>();
        for (Path file : optionFiles) {
            // OPTIONS files are numbered with leading zeros: the newest sorts last.
            newestPerDatabase.merge(file.getParent(), file, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        for (Path file : newestPerDatabase.values()) {
            try {
                instances.put(file.getParent().getParent().getFileName().toString(), columnFamilies(file));
            } catch (NoSuchFileException replacedMeanwhile) {
                return Map.of();
            }
        }
        return instances;
    }

    private static List<ColumnFamily> columnFamilies(Path optionsFile) throws IOException {
        List<ColumnFamily> families = new ArrayList<>();
        String name = null;
        for (String line : Files.readAllLines(optionsFile)) {
            String trimmed = line.trim();
            Matcher section = COLUMN_FAMILY.matcher(trimmed);
            if (section.matches()) {
                name = section.group(1);
            } else if (trimmed.startsWith("[")) {
                name = null;
            } else if (name != null && trimmed.startsWith("write_buffer_size=")) {
                families.add(new ColumnFamily(name, Long.parseLong(trimmed.substring("write_buffer_size=".length()))));
            }
        }
        return families;
    }

    private static String subtask(String instance) {
        Matcher matcher = SUBTASK.matcher(instance);
        assertThat(matcher.find()).as("subtask in %s", instance).isTrue();
        return matcher.group(1);
    }

    private static final class ColumnFamily {
        final String name;
        final long writeBufferSize;

        ColumnFamily(String name, long writeBufferSize) {
            this.name = name;
            this.writeBufferSize = writeBufferSize;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ColumnFamily && ((ColumnFamily) other).name.equals(name)
                    && ((ColumnFamily) other).writeBufferSize == writeBufferSize;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Long.hashCode(writeBufferSize);
        }
    }
}
