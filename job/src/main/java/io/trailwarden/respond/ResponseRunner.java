package io.trailwarden.respond;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.finding.PlannedAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;

/**
 * Runs one kind of action (containments, or alerts) keyed by what it acts on: one target, one alert.
 *
 * <ul>
 *   <li>The pending action lives in keyed state and is retried with exponential backoff until it
 *       succeeds or {@code retryFor} runs out; a restart resumes it from the checkpoint.</li>
 *   <li>Attempts run on a pool of {@code maxInFlight} threads that queues nothing: when every thread is
 *       busy, the attempt waits in state for the next poll. The task thread never blocks on AWS, so a
 *       hanging IAM cannot back-pressure the alerts.</li>
 *   <li>One attempt per key at a time: a timed-out attempt's thread must end (it makes no call past its
 *       deadline) before the next one starts.</li>
 *   <li>A second finding for a target being contained joins the containment's next attempt, cut-off
 *       included. While an attempt is under way it cannot cover a finding it never saw: the finding waits
 *       and joins the retry, or runs next when the attempt holds.</li>
 *   <li>A second alert with the same key (the update that closes an incident shares its opening
 *       finding's id) waits and is sent next; only a replay of a waiting alert is dropped.</li>
 * </ul>
 */
public final class ResponseRunner extends KeyedProcessFunction<String, ResponseTask, ResponseReport> {
    private static final long serialVersionUID = 1L;
    /** How often a running attempt is checked on. */
    static final long POLL_MILLIS = 100;

    /** Alerts that follow a containment: its outcome, escalated when it does not hold. */
    public static final OutputTag<ResponseTask> FOLLOW_UP_ALERTS = new OutputTag<ResponseTask>("response-follow-up-alerts") {
        private static final long serialVersionUID = 1L;
    };

    private final ResponseTask.Kind kind;
    private final ResponseConfig response;
    private final AlertConfig alerts;
    private final AwsConfig aws;
    private transient ValueState<ResponseTask> pending;
    /** What waits for the pending action to end: for a containment, at most one task, which later ones join. */
    private transient ListState<ResponseTask> queued;
    private transient AwsClients clients;
    private transient ResponseExecutor executor;
    private transient ThreadPoolExecutor pool;
    private transient Map<String, Attempt> running;
    private transient Counter retries;
    private transient Counter givenUp;

    public ResponseRunner(ResponseTask.Kind kind, ResponseConfig response, AlertConfig alerts, AwsConfig aws) {
        this.kind = kind;
        this.response = response;
        this.alerts = alerts;
        this.aws = aws;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-" + kind.name().toLowerCase(), ResponseTask.class));
        queued = getRuntimeContext().getListState(
                new ListStateDescriptor<>("queued-" + kind.name().toLowerCase(), ResponseTask.class));
        clients = AwsClients.withDefaultCredentials(aws, response);
        executor = new ResponseExecutor(
                new IamContainment(clients, response.quarantinePolicyName, ResponsePlanner.protectedPatterns(response), Instant::now,
                        response.actionTimeout),
                new AlertFormatter(alerts),
                alerts.topicArn == null ? null : new AlertPublisher(clients.sns(), alerts.topicArn),
                Instant::now);
        pool = new ThreadPoolExecutor(response.maxInFlight, response.maxInFlight, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new ExecutorThreadFactory("trailwarden-" + kind.name().toLowerCase(Locale.ROOT)));
        running = new HashMap<>();
        String name = kind == ResponseTask.Kind.ALERT ? "alert" : "containment";
        retries = getRuntimeContext().getMetricGroup().counter(name + "AttemptsFailed");
        givenUp = getRuntimeContext().getMetricGroup().counter(name + "sGivenUp");
    }

    @Override
    public void processElement(ResponseTask task, Context ctx, Collector<ResponseReport> out) throws Exception {
        ResponseTask active = pending.value();
        if (active == null) {
            start(task, ctx.timerService());
            return;
        }
        List<ResponseTask> waiting = waiting();
        if (kind == ResponseTask.Kind.ALERT) {
            if (!active.sameAlert(task) && waiting.stream().noneMatch(task::sameAlert)) {
                queued.add(task);
            }
            return;
        }
        // The same target again (another rule, a duplicate, a replay): it joins the containment, whose outcome it
        // reports, and costs no second set of IAM writes.
        if (active.covers(task)) {
            return;
        }
        Attempt attempt = running.get(ctx.getCurrentKey());
        if (attempt == null || attempt.reported) {
            active.join(task);
            pending.update(active);
        } else if (waiting.isEmpty()) {
            queued.add(task);
        } else {
            waiting.get(0).join(task);
            queued.update(waiting);
        }
    }

    private void start(ResponseTask task, TimerService timers) throws Exception {
        long now = timers.currentProcessingTime();
        task.firstAttemptMillis = now;
        task.nextAttemptMillis = now;
        pending.update(task);
        timers.registerProcessingTimeTimer(now);
    }

    private List<ResponseTask> waiting() throws Exception {
        List<ResponseTask> waiting = new ArrayList<>();
        queued.get().forEach(waiting::add);
        return waiting;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResponseReport> out) throws Exception {
        ResponseTask task = pending.value();
        String key = ctx.getCurrentKey();
        long now = ctx.timerService().currentProcessingTime();
        Attempt attempt = running.get(key);
        if (attempt != null) {
            if (attempt.finished()) {
                running.remove(key);
                if (!attempt.reported && task != null) {
                    finish(task, attempt.result != null ? attempt.result
                            : failedAttempt(task, attempt.startedAt, now, "attempt ended without a result"), ctx, out);
                }
            } else if (!attempt.reported && now - attempt.startedAt > response.actionTimeout.toMillis()) {
                attempt.reported = true;
                attempt.future.cancel(true);
                if (task != null) {
                    finish(task, failedAttempt(task, attempt.startedAt, now, "attempt did not finish within "
                            + response.actionTimeout.toMillis() + " ms (TrailWarden.Response.actionTimeout)"), ctx, out);
                }
            }
            ctx.timerService().registerProcessingTimeTimer(now + POLL_MILLIS);
            return;
        }
        if (task == null) {
            return;
        }
        if (now < task.nextAttemptMillis) {
            ctx.timerService().registerProcessingTimeTimer(task.nextAttemptMillis);
            return;
        }
        Attempt started = new Attempt(now);
        try {
            started.future = pool.submit(() -> started.run(() -> kind == ResponseTask.Kind.CONTAIN
                    ? executor.contain(task) : executor.alert(task)));
            running.put(key, started);
        } catch (RejectedExecutionException busy) {
            // Every thread is busy: the task waits in state for the next poll.
        }
        ctx.timerService().registerProcessingTimeTimer(now + POLL_MILLIS);
    }

    private void finish(ResponseTask task, ActionResult result, OnTimerContext ctx, Collector<ResponseReport> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        ResponseReport report = new ResponseReport();
        report.findingId = task.finding.findingId;
        report.results.add(result);
        boolean failed = ResponseExecutor.isFailure(result.outcome);
        task.attempts++;
        boolean givingUp = failed && now - task.firstAttemptMillis >= response.retryFor.toMillis();
        if (failed) {
            retries.inc();
            result.detail = result.detail + (givingUp
                    ? "; attempt " + task.attempts + ", retried for " + response.retryFor + ": given up, a human has to act"
                    : "; attempt " + task.attempts + ", retried at " + Instant.ofEpochMilli(now + backoff(task.attempts)));
            report.deadLetters.add(ResponseExecutor.deadLetter(task.finding, result));
        }
        if (kind == ResponseTask.Kind.CONTAIN) {
            for (String joined : task.joinedFindings) {
                ActionResult copy = ActionResult.of(joined, task.finding.ruleId, PlannedAction.Type.CONTAIN, result.target,
                        result.targetAccount, failed ? result.outcome : Outcome.ALREADY_DONE,
                        "joined the containment of finding " + task.finding.findingId + ": " + result.detail,
                        result.startedAtMillis, result.durationMillis);
                report.results.add(copy);
            }
            // Only a containment that holds is reported contained; one IAM turned out protected is plainly alerted.
            ResponseTask.AlertKind alertKind = failed
                    ? givingUp ? ResponseTask.AlertKind.GAVE_UP
                            : result.outcome == Outcome.PARTIAL ? ResponseTask.AlertKind.PARTIAL : ResponseTask.AlertKind.FAILED
                    : result.outcome == Outcome.DONE || result.outcome == Outcome.ALREADY_DONE ? ResponseTask.AlertKind.CONTAINED
                    : ResponseTask.AlertKind.FINDING;
            // A failing containment is escalated once when it first fails and once when it is given up;
            // the retries in between are in the audit stream.
            if (!failed || givingUp || task.attempts == 1) {
                ctx.output(FOLLOW_UP_ALERTS, ResponseTask.alert(task.finding, alertKind,
                        task.key + "|" + task.attempts, List.of(result), List.of(), 0));
            }
        }
        List<ResponseTask> waiting = waiting();
        if (!failed || givingUp) {
            if (givingUp) {
                givenUp.inc();
            }
            if (waiting.isEmpty()) {
                pending.clear();
            } else {
                queued.update(new ArrayList<>(waiting.subList(1, waiting.size())));
                start(waiting.get(0), ctx.timerService());
            }
        } else {
            task.nextAttemptMillis = now + backoff(task.attempts);
            if (kind == ResponseTask.Kind.CONTAIN && !waiting.isEmpty()) {
                // What arrived during this attempt joins the retry.
                task.join(waiting.get(0));
                queued.clear();
            }
            pending.update(task);
        }
        out.collect(report);
    }

    private ActionResult failedAttempt(ResponseTask task, long startedAt, long now, String detail) {
        return ActionResult.of(task.finding.findingId, task.finding.ruleId,
                kind == ResponseTask.Kind.CONTAIN ? PlannedAction.Type.CONTAIN : PlannedAction.Type.ALERT,
                kind == ResponseTask.Kind.CONTAIN ? ResponseExecutor.targetLabel(task.step.target) : "-",
                kind == ResponseTask.Kind.CONTAIN ? task.step.target.accountId : null,
                Outcome.FAILED, detail, startedAt, now - startedAt);
    }

    /** Exponential from {@code retryBackoffBase}, at most {@code retryBackoffMax}. */
    long backoff(int attempts) {
        long base = response.retryBackoffBase.toMillis();
        long max = response.retryBackoffMax.toMillis();
        int doublings = Math.min(attempts - 1, 30);
        return Math.min(max, base << doublings);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (clients != null) {
            clients.close();
        }
    }

    /** One attempt on the pool; finished only when its thread is done with it, even after a timeout. */
    private static final class Attempt {
        final long startedAt;
        volatile Future<?> future;
        volatile ActionResult result;
        volatile boolean began;
        volatile boolean done;
        /** Its outcome (or its timeout) has been handled. */
        boolean reported;

        Attempt(long startedAt) {
            this.startedAt = startedAt;
        }

        void run(java.util.function.Supplier<ActionResult> action) {
            began = true;
            try {
                result = action.get();
            } finally {
                done = true;
            }
        }

        boolean finished() {
            // Cancelled before its thread began: it never will.
            return done || (future != null && future.isCancelled() && !began);
        }
    }
}
