package io.trailwarden.pipeline;

import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to start the job from a snapshot that holds state of a core operator the job no longer has
 * ({@link CoreOperators}). Flink, with {@code AllowNonRestoredState} on, would drop that state without
 * a word: the stream position (the stream read again from its start, or events skipped), the dedup
 * memory, the responders' pending containments.
 *
 * <p>Every snapshot records the core operators' uids of the job that took it. On a restore, a recorded
 * uid that is neither in this job nor retired fails the job before it processes anything; it restarts
 * and fails again from the same snapshot, which stays intact, until the previous version is deployed
 * again or the uid is retired on purpose. A snapshot without a record (taken before this guard
 * existed, or none at all) is not checked: the golden list's test is what protects that upgrade.
 *
 * <p>Passes its input through unchanged; it sits on a stream of little traffic (dead letters).
 */
public class CoreStateGuard<T> extends RichMapFunction<T, T> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    public static final String UID = "core-state-guard";
    private static final Logger LOG = LoggerFactory.getLogger(CoreStateGuard.class);

    private final TreeSet<String> core;
    private final TreeSet<String> retired;
    private transient ListState<String> recorded;

    public CoreStateGuard(Set<String> core, Set<String> retired) {
        this.core = new TreeSet<>(core);
        this.retired = new TreeSet<>(retired);
    }

    /** {@code stream}, through the guard of the job's {@code core} operators. */
    public static <T> DataStream<T> attach(DataStream<T> stream, Set<String> core, Set<String> retired) {
        return stream.map(new CoreStateGuard<T>(core, retired), stream.getType())
                .uid(UID)
                .name("Refuse to drop core operator state");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union: every subtask sees the whole record, whatever the parallelism it was written with.
        recorded = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("core-operator-uids", Types.STRING));
        Set<String> dropped = new TreeSet<>();
        for (String uid : recorded.get()) {
            if (!core.contains(uid) && !retired.contains(uid)) {
                dropped.add(uid);
            }
        }
        if (!dropped.isEmpty()) {
            String message = "refusing to start: the snapshot holds the state of core operators " + dropped
                    + " that this job does not have, and AllowNonRestoredState would drop it. Deploy the version"
                    + " that took the snapshot again, or, if that state is meant to go, add the uids to"
                    + " CoreOperators.RETIRED.";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        recorded.clear();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            recorded.addAll(new ArrayList<>(core));
        }
    }

    @Override
    public T map(T value) {
        return value;
    }
}
