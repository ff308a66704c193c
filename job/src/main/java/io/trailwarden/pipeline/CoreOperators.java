package io.trailwarden.pipeline;

import io.trailwarden.rules.compile.CompiledRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's core operators: every operator that does not belong to a rule (source, parse, dedup, the
 * responders, the audit store). Their state is the stream position, the dedup memory and the
 * responders' pending work, and none of it may be lost.
 *
 * <p>The job restores with {@code AllowNonRestoredState} on, so that the state of a removed rule, or of
 * an edited rule's former detection, is dropped without a manual flag. Flink would drop the state of a
 * core operator whose uid changed just as silently. {@link #PRODUCTION} is therefore a golden list: the
 * production job checks its graph against it before it is submitted, and {@link CoreStateGuard} records
 * it in every snapshot and refuses to start from a snapshot whose core operators are not all in the job.
 */
public final class CoreOperators {
    /**
     * The uids of the production job's core operators, written out rather than taken from the
     * constants that set them, so that changing a uid fails here. Never rename or remove an entry to
     * make a check pass: the operator's state would be dropped on the next restore. An operator whose
     * state is meant to go moves to {@link #RETIRED}.
     */
    public static final Set<String> PRODUCTION = Set.of(
            "kinesis-source",
            "parse",
            "event-time",
            "dedup-by-principal",
            "late-events",
            "response-planner",
            "response-blast-radius-cap",
            "response-tasks",
            "response-containment",
            "response-alerts",
            "response-audit",
            CoreStateGuard.UID,
            "audit-lines",
            "audit-store",
            "dead-letter-lines",
            "dead-letter-store");

    /**
     * Core uids whose state a snapshot may hold and the job may drop, because the operator was removed
     * or replaced on purpose (such as a source whose state the new one cannot read).
     */
    public static final Set<String> RETIRED = Set.of();

    private CoreOperators() {}

    /** The uids of every operator of the graph built in {@code env} that does not belong to a rule. */
    public static Set<String> in(StreamExecutionEnvironment env) {
        Set<String> uids = new TreeSet<>();
        Set<Transformation<?>> seen = new HashSet<>();
        List<Transformation<?>> pending = new ArrayList<>(env.getTransformations());
        while (!pending.isEmpty()) {
            Transformation<?> next = pending.remove(pending.size() - 1);
            if (seen.add(next)) {
                pending.addAll(next.getInputs());
                String uid = next.getUid();
                if (uid != null && !uid.startsWith(CompiledRule.UID_PREFIX)) {
                    uids.add(uid);
                }
            }
        }
        return uids;
    }

    /** Fails unless the core operators of the graph built in {@code env} are exactly {@code expected}. */
    public static void check(StreamExecutionEnvironment env, Set<String> expected) {
        Set<String> actual = in(env);
        if (!actual.equals(expected)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            Set<String> unlisted = new TreeSet<>(actual);
            unlisted.removeAll(expected);
            throw new IllegalStateException("the job's core operators differ from CoreOperators: missing " + missing
                    + ", not listed " + unlisted + ". A changed uid drops that operator's state on the next restore;"
                    + " keep the uid, or retire the old one (CoreOperators.RETIRED) and list the new one.");
        }
    }
}
