package io.trailwarden.testing;

import io.trailwarden.pipeline.StreamingJob;
import java.io.DataInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Savepoint tests on a mini-cluster with the state settings MSF applies, and what their savepoints hold. */
public final class Savepoints {
    private Savepoints() {}

    /** One task manager, two slots, RocksDB and checkpoints under the directory given once the test class starts. */
    public static MiniClusterExtension rocksDbCluster(Supplier<Path> stateDirectory) {
        return new MiniClusterExtension(() -> new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(StreamingJob.selfManagedConfiguration(stateDirectory.get().resolve("checkpoints")))
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** The savepoint's metadata: which operators have state, and of which kind. */
    public static CheckpointMetadata metadata(String savepoint) throws Exception {
        Path metadata = Path.of(URI.create(savepoint)).resolve("_metadata");
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
            return Checkpoints.loadCheckpointMetadata(in, Savepoints.class.getClassLoader(), savepoint);
        }
    }
}
