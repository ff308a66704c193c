package io.trailwarden.bench;

import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.pipeline.StreamingJob;
import io.trailwarden.production.IncidentTraffic;
import io.trailwarden.production.QueueSink;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.respond.Outcome;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.Kinesalite;
import io.trailwarden.source.KinesisInput;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Latency from putting a record into the stream to the identity being contained, through the
 * production graph ({@link StreamingJob#graph}: Kinesis source on kinesalite, parse, dedup, event time,
 * the packaged rules, the responders on moto), on a local mini-cluster at parallelism 2.
 *
 * <ul>
 *   <li>single-event rule {@code iam-user-created}: from the put of the CreateUser to the end of the
 *       containment of the new user;
 *   <li>sequence rule {@code console-login-then-s3-enumeration}: from the put of the GetObject (the
 *       last step) to the end of the containment of the principal. A sequence waits for event time to
 *       pass its last step, so this latency is bounded below by the configured out-of-orderness plus
 *       CloudTrail's one-second eventTime resolution; a heartbeat principal keeps event time moving,
 *       as steady CloudTrail traffic does in an account.
 * </ul>
 * "Contained" is the end of the containment action as the audit stream reports it (its start plus its
 * duration, both on this machine's clock), checked against IAM on moto at the end. Run from the
 * repository root, in a JVM of its own (exec:java's class loading breaks the mini-cluster; JDK 17 needs
 * the same --add-opens as the tests):
 *
 * <pre>
 * mvn -o -q -pl job test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
 *   -cp %classpath io.trailwarden.bench.EndToEndLatencyBenchmark [INCIDENTS [OUT_OF_ORDERNESS]]"
 * </pre>
 * Defaults: 100 incidents of each kind, out-of-orderness 5s.
 */
public final class EndToEndLatencyBenchmark {
    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;
    private static final String STREAM = "cloudtrail-events";
    private static final Duration INCIDENT_SPACING = Duration.ofMillis(100);
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Queue<ActionResult> AUDIT = new ConcurrentLinkedQueue<>();
    private static final Queue<DeadLetter> DEAD_LETTERS = new ConcurrentLinkedQueue<>();
    /** Containments finished, by contained user name: the end time on this machine's clock. */
    private static final Map<String, Long> CONTAINED_AT = new ConcurrentHashMap<>();
    /** How long each user's containment calls to IAM took, by user name. */
    private static final Map<String, Long> CONTAINMENT_DURATION = new ConcurrentHashMap<>();

    private EndToEndLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int incidents = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        String outOfOrderness = args.length > 1 ? args[1] : "5s";
        try (Kinesalite kinesalite = Kinesalite.start(); MotoServer moto = new MotoServer().start()) {
            IamClient iam = MotoClients.iam(moto, ACCOUNT);
            String topicArn = MotoClients.sns(moto).createTopic(r -> r.name("trailwarden-alerts")).topicArn();
            kinesalite.createStream(STREAM, 2);
            for (int i = 0; i <= incidents; i++) {
                iam.createUser(newUser(i));
                String user = consoleUser(i);
                iam.createUser(r -> r.userName(user));
                iam.createAccessKey(r -> r.userName(user));
            }

            TrailWardenConfig config = TrailWardenConfig.from(configuration(kinesalite, moto, topicArn, outOfOrderness));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            CompiledRules rules = RuleCatalogue.compile(config);
            StreamingJob.Outputs outputs =
                    StreamingJob.graph(KinesisInput.create(env, config.source, Kinesalite.ENVIRONMENT), config, rules);
            outputs.audit.sinkTo(new QueueSink<>(AUDIT)).name("audit");
            outputs.deadLetters.sinkTo(new QueueSink<>(DEAD_LETTERS)).name("dead letters");
            JobClient job = env.executeAsync("trailwarden-latency-benchmark");

            IncidentTraffic traffic = new IncidentTraffic(ACCOUNT);
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
            heartbeat.scheduleAtFixedRate(() -> put(kinesalite, traffic.listBuckets("heartbeat", Instant.now())),
                    0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                // Warm-up incident (not measured): the job is running and its clients are connected.
                put(kinesalite, traffic.createUser("intruder", newUserName(incidents), Instant.now()));
                awaitContained(List.of(newUserName(incidents)), Duration.ofMinutes(2));

                List<Long> single = measure(incidents, i -> {
                    long start = System.currentTimeMillis();
                    put(kinesalite, traffic.createUser("intruder", newUserName(i), Instant.now()));
                    return start;
                }, EndToEndLatencyBenchmark::newUserName);
                List<Long> sequence = measure(incidents, i -> {
                    List<IncidentTraffic.Put> steps =
                            traffic.scriptedConsoleEnumeration(consoleUser(i), "payroll-exports", Instant.now());
                    put(kinesalite, steps.get(0));
                    put(kinesalite, steps.get(1));
                    long start = System.currentTimeMillis();
                    put(kinesalite, steps.get(2));
                    return start;
                }, EndToEndLatencyBenchmark::consoleUser);

                int quarantined = 0;
                for (int i = 0; i < incidents; i++) {
                    for (String user : List.of(newUserName(i), consoleUser(i))) {
                        if (iam.listUserPolicies(r -> r.userName(user)).policyNames().contains("TrailWardenQuarantine")) {
                            quarantined++;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "TrailWarden put -> contained latency, kinesalite + moto, parallelism 2,"
                                + " 2 shards, GetRecords every 100 ms, out-of-orderness %s, idleness 2s%n", outOfOrderness);
                report("single-event rule iam-user-created", single);
                report("  of which the IAM containment calls", iamDurations(incidents, EndToEndLatencyBenchmark::newUserName));
                report("sequence rule console-login-then-s3-enumeration", sequence);
                report("  of which the IAM containment calls", iamDurations(incidents, EndToEndLatencyBenchmark::consoleUser));
                System.out.printf(Locale.ROOT, "IAM check: %d of %d identities carry the quarantine policy; %d dead letters%n",
                        quarantined, 2 * incidents, DEAD_LETTERS.size());
            } finally {
                heartbeat.shutdownNow();
                job.cancel().get();
            }
        }
    }

    interface Incident {
        long start(int index) throws Exception;
    }

    interface Target {
        String user(int index);
    }

    /** Starts the incidents {@link #INCIDENT_SPACING} apart, then collects each one's latency. */
    private static List<Long> measure(int incidents, Incident incident, Target target) throws Exception {
        long[] starts = new long[incidents];
        List<String> users = new ArrayList<>();
        for (int i = 0; i < incidents; i++) {
            starts[i] = incident.start(i);
            users.add(target.user(i));
            Thread.sleep(INCIDENT_SPACING.toMillis());
        }
        awaitContained(users, Duration.ofMinutes(3));
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < incidents; i++) {
            latencies.add(CONTAINED_AT.get(users.get(i)) - starts[i]);
        }
        return latencies;
    }

    private static List<Long> iamDurations(int incidents, Target target) {
        List<Long> durations = new ArrayList<>();
        for (int i = 0; i < incidents; i++) {
            durations.add(CONTAINMENT_DURATION.get(target.user(i)));
        }
        return durations;
    }

    private static void awaitContained(List<String> users, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!drainAudit().keySet().containsAll(users)) {
            if (System.nanoTime() > deadline) {
                List<String> missing = new ArrayList<>(users);
                missing.removeAll(CONTAINED_AT.keySet());
                throw new IllegalStateException(missing.size() + " identities not contained within " + timeout
                        + ", e.g. " + missing.get(0));
            }
            Thread.sleep(20);
        }
    }

    /** Moves new audit records into the containment times (start + duration of each DONE containment). */
    private static Map<String, Long> drainAudit() {
        for (ActionResult result = AUDIT.poll(); result != null; result = AUDIT.poll()) {
            if (result.action != PlannedAction.Type.ALERT && result.outcome == Outcome.DONE && result.target != null) {
                // The label is the target's ARN (".../user/NAME") or "KIND NAME".
                String user = result.target.substring(Math.max(result.target.lastIndexOf('/'), result.target.lastIndexOf(' ')) + 1);
                CONTAINED_AT.putIfAbsent(user, result.startedAtMillis + result.durationMillis);
                CONTAINMENT_DURATION.putIfAbsent(user, result.durationMillis);
            }
        }
        return CONTAINED_AT;
    }

    private static void report(String what, List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "%-50s n=%d  median %5d ms  p90 %5d ms  p99 %5d ms  max %5d ms%n", what,
                sorted.size(), percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile. */
    private static long percentile(List<Long> sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static void put(Kinesalite kinesalite, IncidentTraffic.Put put) {
        kinesalite.put(STREAM, put.partitionKey, put.json.getBytes(StandardCharsets.UTF_8));
    }

    private static String newUserName(int index) {
        return "backdoor-" + index;
    }

    private static java.util.function.Consumer<software.amazon.awssdk.services.iam.model.CreateUserRequest.Builder>
            newUser(int index) {
        return r -> r.userName(newUserName(index));
    }

    private static String consoleUser(int index) {
        return "mallory-" + index;
    }

    private static PropertyGroups configuration(Kinesalite kinesalite, MotoServer moto, String topicArn, String outOfOrderness) {
        return PropertyGroups.of(Map.of(
                "TrailWarden.Source", kinesalite.sourceGroup(STREAM),
                "TrailWarden.Detection", Map.of("outOfOrderness", outOfOrderness, "idleness", "2s"),
                "TrailWarden.Response", Map.of("dryRun", "false", "ownAccountId", ACCOUNT, "maxContainments", "10000"),
                "TrailWarden.Alerts", Map.of("topicArn", topicArn),
                "TrailWarden.Aws", Map.of("region", MotoServer.REGION, "endpointOverride", moto.endpoint().toString()),
                "TrailWarden.Lists", Map.of("sensitiveBuckets", "payroll-exports")));
    }
}
