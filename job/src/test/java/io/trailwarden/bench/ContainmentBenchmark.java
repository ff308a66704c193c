package io.trailwarden.bench;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.production.QueueSink;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.respond.AwsClients;
import io.trailwarden.respond.ContainmentResult;
import io.trailwarden.respond.CorpusFindings;
import io.trailwarden.respond.IamContainment;
import io.trailwarden.respond.Outcome;
import io.trailwarden.respond.ResponsePlanner;
import io.trailwarden.respond.ResponseStage;
import io.trailwarden.testing.FaultProxy;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import io.trailwarden.testing.ThenIdleSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Time from a finding to its user being fully contained (real ARN read, deny-all policy, keys inactive
 * and re-listed, login profile deleted, tags written), against a local moto server over HTTP.
 *
 * <ol>
 *   <li>The containment code alone: latency one finding at a time, then throughput with 32 containments
 *       in flight (the default capacity); then the same through the fault proxy with every IAM call one
 *       second late.</li>
 *   <li>The Flink response stage ({@link ResponseStage}: planner, cap, alert and containment responders)
 *       on a local mini-cluster at parallelism 2: finding handed to the stage -> its alert delivered to
 *       SNS, and -> its containment DONE; with IAM direct, with every IAM call one second late, and with
 *       every IAM call hanging (the alert latency then, which must not wait for IAM).</li>
 * </ol>
 *
 * <p>Run: {@code scripts/benchmark ContainmentBenchmark [FINDINGS IN_FLIGHT SLOW_FINDINGS STAGE_FINDINGS]}
 * (defaults 200 32 64 50).
 */
public final class ContainmentBenchmark {
    /** Every IAM call: the query protocol's API version of IAM, which SNS and STS do not share. */
    private static final String IAM_CALLS = "Version=2010-05-08";
    private static final String CONTAINED = "finding submitted -> user fully contained";

    private ContainmentBenchmark() {}

    public static void main(String[] args) throws Exception {
        int findings = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int slowFindings = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int stageFindings = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        try (MotoServer moto = new MotoServer().start()) {
            ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP,
                    Map.of("dryRun", "false", "ownAccountId", MotoServer.DEFAULT_ACCOUNT)))).response;
            measure(moto, response, moto.endpoint().toString(), "IAM direct", findings, 50, inFlight);
            try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
                // Every IAM call (API version 2010-05-08) answers one second late.
                proxy.latency(Duration.ofSeconds(1), IAM_CALLS);
                // About ten calls per containment: ten findings one at a time already take over a minute and a half.
                measure(moto, response, proxy.endpoint().toString(), "IAM +1 s per call", slowFindings, 10, inFlight);
            }

            // The cap would hold most of them back; here every finding is to be contained.
            ResponseConfig stage = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP,
                    Map.of("dryRun", "false", "ownAccountId", MotoServer.DEFAULT_ACCOUNT, "maxContainments", "10000"))))
                    .response;
            responders(moto, stage, moto.endpoint().toString(), "responders, IAM direct", stageFindings, false);
            try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
                proxy.latency(Duration.ofSeconds(1), IAM_CALLS);
                responders(moto, stage, proxy.endpoint().toString(), "responders, IAM +1 s per call", stageFindings, false);
            }
            try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
                proxy.inject(FaultProxy.Kind.HANG, Integer.MAX_VALUE, IAM_CALLS);
                responders(moto, stage, proxy.endpoint().toString(), "responders, IAM hanging", stageFindings, true);
            }
        }
    }

    /**
     * The response stage on a local mini-cluster over {@code count} backdoor findings handed to it at once:
     * how long until each one's alert is delivered and (unless IAM hangs) its user is contained.
     */
    private static void responders(MotoServer moto, ResponseConfig response, String endpoint, String label, int count,
            boolean iamHangs) throws Exception {
        moto.reset();
        try (IamClient iam = MotoClients.iam(moto, MotoServer.DEFAULT_ACCOUNT)) {
            for (int i = 0; i < count; i++) {
                createBackdoor(iam, "stage-" + i);
            }
        }
        String topic;
        try (SnsClient sns = MotoClients.sns(moto)) {
            topic = sns.createTopic(r -> r.name("bench-alerts")).topicArn();
        }
        SUBMITTED.clear();
        Queue<ActionResult> audit = new ConcurrentLinkedQueue<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        new ResponseStage(response, List.of(), new AlertConfig(topic, 50, 256), new AwsConfig(MotoServer.REGION, endpoint))
                .apply(env.addSource(new ThenIdleSource(count), Types.INT).map(new SubmittedFinding()).returns(Finding.class))
                .sinkTo(new QueueSink<>(audit));
        JobClient job = env.executeAsync(label);
        List<Long> alerted = new ArrayList<>();
        List<Long> contained = new ArrayList<>();
        long lastContained = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try {
            while ((alerted.size() < count || (!iamHangs && contained.size() < count)) && System.nanoTime() < deadline) {
                ActionResult result = audit.poll();
                if (result == null) {
                    Thread.sleep(1);
                    continue;
                }
                long now = System.nanoTime();
                if (result.outcome != Outcome.DONE) {
                    continue;
                }
                if (result.action == PlannedAction.Type.ALERT && result.detail.startsWith("FINDING")) {
                    alerted.add(now - SUBMITTED.get(result.findingId));
                } else if (result.action == PlannedAction.Type.CONTAIN) {
                    contained.add(now - SUBMITTED.get(result.findingId));
                    lastContained = now;
                }
            }
        } finally {
            job.cancel().get();
        }
        report(label, "finding handed to the stage -> its alert delivered", alerted, -1);
        if (!iamHangs) {
            long firstSubmitted = SUBMITTED.values().stream().mapToLong(Long::longValue).min().orElse(0);
            report(label, "finding handed to the stage -> user fully contained", contained, lastContained - firstSubmitted);
        }
    }

    /** When each finding was handed to the response stage, by finding id; the stage runs in this JVM. */
    private static final Map<String, Long> SUBMITTED = new ConcurrentHashMap<>();

    /** Finding i: the corpus backdoor for user stage-i, with its own id, its hand-over time recorded. */
    private static final class SubmittedFinding implements org.apache.flink.api.common.functions.MapFunction<Integer, Finding> {
        private static final long serialVersionUID = 1L;

        @Override
        public Finding map(Integer i) {
            Finding finding = CorpusFindings.backdoorUser(MotoServer.DEFAULT_ACCOUNT, "stage-" + i);
            // The corpus events give every copy the same finding id; distinct incidents have distinct ids.
            finding.findingId = finding.findingId + "-" + i;
            SUBMITTED.put(finding.findingId, System.nanoTime());
            return finding;
        }
    }

    private static void createBackdoor(IamClient iam, String user) {
        iam.createUser(r -> r.userName(user));
        iam.createLoginProfile(r -> r.userName(user).password("Bench-Passw0rd!"));
        iam.createAccessKey(r -> r.userName(user));
    }

    private static void measure(MotoServer moto, ResponseConfig response, String endpoint, String label, int findings,
            int oneAtATime, int inFlight) throws Exception {
        try (AwsClients clients = new AwsClients(new AwsConfig(MotoServer.REGION, endpoint), response, MotoServer.anyCredentials())) {
            IamContainment containment = new IamContainment(clients, response.quarantinePolicyName,
                    ResponsePlanner.protectedPatterns(response), Instant::now, response.actionTimeout);
            run(moto, containment, "warm-up", Math.min(findings, 20), Math.min(inFlight, 20));
            List<Long> sequential = run(moto, containment, "one at a time", oneAtATime, 1);
            report(label + ", one at a time", CONTAINED, sequential, -1);
            long started = System.nanoTime();
            List<Long> parallel = run(moto, containment, inFlight + " in flight", findings, inFlight);
            report(label + ", " + inFlight + " in flight", CONTAINED, parallel, System.nanoTime() - started);
        }
    }

    private static List<Long> run(MotoServer moto, IamContainment containment, String label, int count, int inFlight)
            throws Exception {
        moto.reset();
        List<Finding> findings = new ArrayList<>();
        try (IamClient iam = MotoClients.iam(moto, MotoServer.DEFAULT_ACCOUNT)) {
            for (int i = 0; i < count; i++) {
                String user = "bench-" + i;
                createBackdoor(iam, user);
                findings.add(CorpusFindings.backdoorUser(MotoServer.DEFAULT_ACCOUNT, user));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (Finding finding : findings) {
                long submitted = System.nanoTime();
                Future<Long> future = pool.submit(() -> {
                    ContainmentResult result = containment.contain(finding.target, finding.findingId,
                            Instant.ofEpochMilli(finding.lastEventTimeMillis()), List.of());
                    if (result.outcome != Outcome.DONE) {
                        throw new IllegalStateException(label + ": " + finding.target.name + " " + result);
                    }
                    return System.nanoTime() - submitted;
                });
                futures.add(future);
                if (inFlight == 1) {
                    // One at a time means the next finding arrives after this one is contained: no queueing.
                    future.get();
                }
            }
            List<Long> latencies = new ArrayList<>();
            for (Future<Long> future : futures) {
                latencies.add(future.get());
            }
            return latencies;
        } finally {
            pool.shutdown();
        }
    }

    private static void report(String label, String measured, List<Long> latenciesNanos, long wallNanos) {
        List<Long> sorted = new ArrayList<>(latenciesNanos);
        Collections.sort(sorted);
        double median = sorted.get(sorted.size() / 2) / 1e6;
        double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
        System.out.printf("%s: %d findings, %s: median %.1f ms, p99 %.1f ms, max %.1f ms%n",
                label, sorted.size(), measured, median, p99, sorted.get(sorted.size() - 1) / 1e6);
        if (wallNanos > 0) {
            System.out.printf("%s: throughput %.1f containments/s (%d in %.2f s)%n", label,
                    sorted.size() / (wallNanos / 1e9), sorted.size(), wallNanos / 1e9);
        }
    }
}
