package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One finding per incident of a sequence rule, keyed by the rule's key.
 *
 * <p>The CEP operator runs without an after-match skip strategy, because under every skip strategy
 * flink-cep holds a completed match back until all partial matches of the key that started earlier
 * have completed or timed out: one unrelated first step (a CreateUser of another user) delayed a
 * backdoor finding by the rule's whole window. Without skipping, a match is emitted as soon as the
 * watermark passes its last step. The price is that two first steps followed by one completing step
 * are two matches; they share events, and an incident is exactly that: a finding that shares an event
 * with one already emitted for the key is the same incident and is dropped here. (Skip-past-last-event
 * would also have discarded unrelated partial matches that started before the match ended, a way to
 * hide a second backdoor behind a first; sharing events is the narrower test.)
 *
 * <p>The events of emitted findings are remembered until event time passes the rule's window after
 * the finding's last event: no match that could share one can complete later than that.
 */
public class IncidentFindings extends KeyedProcessFunction<String, Finding, Finding> {
    private static final long serialVersionUID = 1L;
    public static final String REPEATED_MATCHES_METRIC = "repeatedMatches";

    private final String ruleId;
    private final long spanMillis;
    /** The identity of every event of an emitted finding, to the event time it may be forgotten at. */
    private transient MapState<String, Long> claimed;
    private transient Counter findings;
    private transient Counter repeated;

    public IncidentFindings(CompiledRule rule) {
        this.ruleId = rule.id;
        this.spanMillis = rule.span().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        claimed = getRuntimeContext().getMapState(new MapStateDescriptor<>("claimed-events", Types.STRING, Types.LONG));
        findings = getRuntimeContext().getMetricGroup().addGroup("rule", ruleId).counter("findings");
        repeated = getRuntimeContext().getMetricGroup().addGroup("rule", ruleId).counter(REPEATED_MATCHES_METRIC);
    }

    @Override
    public void processElement(Finding finding, Context context, Collector<Finding> out) throws Exception {
        List<String> identities = new ArrayList<>(finding.events.size());
        for (CloudTrailEvent event : finding.events) {
            String identity = identity(event);
            if (claimed.contains(identity)) {
                repeated.inc();
                return;
            }
            identities.add(identity);
        }
        long forgetAt = finding.lastEventTimeMillis() + spanMillis;
        for (String identity : identities) {
            claimed.put(identity, forgetAt);
        }
        context.timerService().registerEventTimeTimer(forgetAt);
        findings.inc();
        out.collect(finding);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Finding> out) throws Exception {
        forgetExpired(claimed, timestamp);
    }

    /** Removes the claims that may be forgotten by this event time. */
    static void forgetExpired(MapState<String, Long> claims, long eventTime) throws Exception {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Long> entry : claims.entries()) {
            if (entry.getValue() <= eventTime) {
                expired.add(entry.getKey());
            }
        }
        for (String identity : expired) {
            claims.remove(identity);
        }
    }

    /** CloudTrail eventIDs are not unique across records (the corpus has three records sharing one). */
    static String identity(CloudTrailEvent event) {
        return event.eventId + "@" + event.eventTimeMillis + "/" + event.eventName;
    }
}
