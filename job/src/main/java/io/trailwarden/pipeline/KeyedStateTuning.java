package io.trailwarden.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The RocksDB settings this topology needs, set on the job rather than the cluster: Flink builds the
 * state backend from the cluster's configuration with the job's laid over it, so they hold on MSF, where
 * the service owns the cluster's. The heap backend of replay ignores them.
 *
 * <p>Why a smaller write buffer. Every keyed operator of a subtask is its own RocksDB instance and each
 * of its states and timer queues a column family: with the packaged rules, 40 keyed operators and 292
 * column families per slot. Flink bounds the memtables of all of them in a slot with one write buffer
 * manager (half the slot's managed memory), which counts memory in arena blocks, and a column family
 * that has been written holds at least one block, an eighth of its write buffer: 8 MiB at RocksDB's
 * 64 MiB default. With more written column families than blocks fit in the budget, nearly every write
 * forced a flush of some memtable, and the flushes fed constant compactions: the organization-scale
 * benchmark held 148 events/s with the default and 3,625 with 2 MiB buffers (docs/scale.md). At 2 MiB a
 * block is 256 KiB, and a slot's column families fit in the 112 MiB flush threshold of a slot with
 * 256 MiB of managed memory ({@code RocksDbMemtablesITCase} counts them; at 4 MiB they would not).
 * The price: small memtables make small level-0 files for compaction to merge, about a third of a core
 * at 3,400 events/s on the benchmark's two.
 */
public final class KeyedStateTuning {
    public static final MemorySize WRITE_BUFFER_SIZE = MemorySize.parse("2mb");

    private KeyedStateTuning() {}

    static void applyTo(StreamExecutionEnvironment env) {
        Configuration tuning = new Configuration();
        tuning.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, WRITE_BUFFER_SIZE);
        env.configure(tuning);
    }
}
