package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.pipeline.AuditStore;
import io.trailwarden.pipeline.StreamingJob;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.respond.AlertFormatter;
import io.trailwarden.respond.Outcome;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.Kinesalite;
import io.trailwarden.source.KinesisInput;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 10 item 8: the production graph ({@link StreamingJob#graph} and the audit store, as
 * {@link StreamingJob#build} wires them) on a mini-cluster with checkpointing, reading kinesalite and
 * acting on moto in two accounts, while tasks fail at seeded random moments until the job has restarted
 * from its last checkpoint {@value #FAILURES} times (fixed-delay). Incidents arrive throughout the
 * failures: backdoor users (three findings each) and console users enumerating a sensitive bucket, in the
 * job's own account and a member account, among benign principals and near misses.
 *
 * <p>Afterwards every incident's user is contained exactly (deny policy, every key inactive, password
 * gone), every finding's alert and every containment's follow-up alert reached SNS at least once, the
 * audit store holds every one of those actions, and no benign principal was touched.
 */
class ResponseUnderTaskFailuresIT {
    private static final String OWN = MotoServer.DEFAULT_ACCOUNT;
    private static final String MEMBER = "210987654321";
    private static final String STREAM = "cloudtrail-events";
    private static final String AUDIT_BUCKET = "trailwarden-audit";
    private static final String QUARANTINE_POLICY = "TrailWardenQuarantine";
    private static final int FAILURES = 20;
    private static final long SEED = 20261129L;
    /** Failures injected so far; the mini-cluster runs in this JVM, so the job's source sees it. */
    private static final AtomicInteger INJECTED = new AtomicInteger();
    /** The highest execution attempt the failing task reached: proof the job really restarted. */
    private static final AtomicInteger LAST_ATTEMPT = new AtomicInteger();
    /** Audit records by action and outcome, committed or not: how far the responders got, for the progress line. */
    private static final Map<String, AtomicInteger> ACTIONS_SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(restartingConfiguration())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static Kinesalite kinesalite;
    private static MotoServer moto;

    @BeforeAll
    static void startEmulators() throws Exception {
        kinesalite = Kinesalite.start();
        moto = new MotoServer().start();
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        moto.close();
        kinesalite.close();
    }

    /** Every failure restarts the whole job from its last checkpoint, as MSF does; restarts never run out. */
    private static Configuration restartingConfiguration() {
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        configuration.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, "full");
        return configuration;
    }

    /** One incident: the user it must end with contained, and the rules whose findings name that user. */
    private static final class Incident {
        final String account;
        final String user;
        final Set<String> rules;
        final List<IncidentTraffic.Put> puts;

        Incident(String account, String user, Set<String> rules, List<IncidentTraffic.Put> puts) {
            this.account = account;
            this.user = user;
            this.rules = rules;
            this.puts = puts;
        }

        String key() {
            return account + "/" + user;
        }
    }

    @Test
    void everyIncidentIsContainedAndAlertedThroughTwentyTaskFailures() throws Exception {
        S3Client s3 = MotoClients.s3(moto);
        s3.createBucket(r -> r.bucket(AUDIT_BUCKET));
        MotoAccount.AlertInbox inbox = MotoAccount.inbox(moto, "trailwarden-alerts");
        Map<String, IamClient> iam = Map.of(OWN, MotoClients.iam(moto, OWN), MEMBER, MotoClients.iam(moto, MEMBER));
        // The member account's responder role; moto acts in the account of the role an AssumeRole was for.
        iam.get(MEMBER).createRole(r -> r.roleName("TrailWardenResponder").assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                        + OWN + ":root\"},\"Action\":\"sts:AssumeRole\"}]}"));

        List<Incident> incidents = new ArrayList<>();
        List<IncidentTraffic.Put> benignTraffic = new ArrayList<>();
        Map<String, List<String>> benign = new HashMap<>();
        for (String account : List.of(OWN, MEMBER)) {
            IncidentTraffic traffic = new IncidentTraffic(account);
            IamClient accountIam = iam.get(account);
            int backdoors = account.equals(OWN) ? 14 : 6;
            int consoles = account.equals(OWN) ? 4 : 2;
            MotoAccount.userWithKeyAndPassword(accountIam, "christophe");
            for (int i = 0; i < backdoors; i++) {
                String user = "backdoor-" + i;
                MotoAccount.userWithKeyAndPassword(accountIam, user);
                incidents.add(new Incident(account, user, Set.of("iam-user-created", "backdoor-admin-user"),
                        traffic.backdoor("christophe", user, Instant.EPOCH)));
            }
            for (int i = 0; i < consoles; i++) {
                String user = "mallory-" + i;
                MotoAccount.userWithKeyAndPassword(accountIam, user);
                incidents.add(new Incident(account, user, Set.of("console-login-then-s3-enumeration"),
                        traffic.scriptedConsoleEnumeration(user, "payroll-exports", Instant.EPOCH)));
            }
            List<String> benignUsers = new ArrayList<>(List.of("christophe"));
            for (int i = 0; i < 3; i++) {
                for (String name : List.of("bob-" + i, "carol-" + i, "dave-" + i)) {
                    MotoAccount.userWithKeyAndPassword(accountIam, name);
                    benignUsers.add(name);
                }
                // Near misses: a read without login or listing, an enumeration of an ordinary bucket, a login and a listing.
                benignTraffic.add(traffic.listBuckets("bob-" + i, Instant.EPOCH));
                benignTraffic.add(traffic.getObject("bob-" + i, "payroll-exports", Instant.EPOCH));
                benignTraffic.addAll(traffic.scriptedConsoleEnumeration("carol-" + i, "public-assets", Instant.EPOCH));
                benignTraffic.addAll(traffic.consoleLoginAndList("dave-" + i, Instant.EPOCH));
            }
            benign.put(account, benignUsers);
        }
        Collections.shuffle(incidents, new Random(SEED));
        kinesalite.createStream(STREAM, 2);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // Every checkpoint commits audit objects to S3 (moto): often enough to make progress between failures.
        env.enableCheckpointing(2000);
        TrailWardenConfig config = TrailWardenConfig.from(configuration(inbox.topicArn));
        // StreamingJob.build, with a task that fails on schedule joined to its input: one pipelined region,
        // so each failure restarts every operator, responders included, from the last checkpoint.
        DataStream<RawInput> input = KinesisInput.create(env, config.source, Kinesalite.ENVIRONMENT)
                .union(env.addSource(new ScheduledTaskFailures(), TypeInformation.of(RawInput.class))
                        .setParallelism(1).uid("injected-task-failures").name("Injected task failures"));
        StreamingJob.Outputs outputs = StreamingJob.graph(input, config, RuleCatalogue.compile(config));
        // And a task that fails after a seeded number of actions since it (re)started: right after an action
        // took effect, before its audit record is committed.
        DataStream<ActionResult> failingAudit = outputs.audit.map(new FailAfterActions()).uid("injected-failures-after-actions")
                .name("Injected failures after actions");
        AuditStore.attach(failingAudit, outputs.deadLetters, config.audit, config.aws);

        INJECTED.set(0);
        LAST_ATTEMPT.set(0);
        ACTIONS_SEEN.clear();
        long started = System.nanoTime();
        JobClient job = env.executeAsync("trailwarden-under-task-failures");
        AtomicBoolean feeding = new AtomicBoolean(true);
        Thread feeder = new Thread(() -> feed(incidents, benignTraffic, feeding), "kinesis-feeder");
        feeder.start();
        try {
            awaitContained(job, incidents, iam, Duration.ofMinutes(8));
            Map<String, Set<String>> alerted = awaitAlerts(inbox, incidents, Duration.ofMinutes(3));
            List<JsonNode> audit = awaitAudit(s3, incidents, alerted, Duration.ofMinutes(3));
            // A wrong containment would be as quick as the right ones; give it the same time to show.
            Thread.sleep(2000);
            System.out.printf("%d task failures injected (the failing task reached attempt %d); %d incidents contained"
                    + " in %.0f s; %d SNS messages; %d audit records%n", INJECTED.get(), LAST_ATTEMPT.get(), incidents.size(),
                    (System.nanoTime() - started) / 1e9, inbox.receivedSoFar().size(), audit.size());

            assertThat(LAST_ATTEMPT.get()).as("the job restarted once per injected failure").isGreaterThanOrEqualTo(FAILURES);
            for (Incident incident : incidents) {
                IamClient accountIam = iam.get(incident.account);
                assertThat(MotoAccount.keyStatuses(accountIam, incident.user)).as(incident.key()).containsOnly(StatusType.INACTIVE);
                assertThat(MotoAccount.hasLoginProfile(accountIam, incident.user)).as(incident.key()).isFalse();
                assertThat(accountIam.listUserPolicies(r -> r.userName(incident.user)).policyNames())
                        .as(incident.key()).containsExactly(QUARANTINE_POLICY);
            }
            Set<String> auditedTargets = audit.stream().filter(record -> record.get("action").asText().equals("CONTAIN"))
                    .map(record -> record.get("targetAccount").asText() + "/" + userOf(record.get("target").asText()))
                    .collect(Collectors.toCollection(TreeSet::new));
            for (Map.Entry<String, List<String>> entry : benign.entrySet()) {
                IamClient accountIam = iam.get(entry.getKey());
                for (String user : entry.getValue()) {
                    String key = entry.getKey() + "/" + user;
                    assertThat(accountIam.listUserPolicies(r -> r.userName(user)).policyNames()).as(key).isEmpty();
                    assertThat(MotoAccount.keyStatuses(accountIam, user)).as(key).containsOnly(StatusType.ACTIVE);
                    assertThat(MotoAccount.hasLoginProfile(accountIam, user)).as(key).isTrue();
                    assertThat(auditedTargets).as("containments in the audit store").doesNotContain(key);
                }
            }
        } finally {
            feeding.set(false);
            feeder.join();
            job.cancel().get();
        }
    }

    /** Waits for every failure to be injected and every incident contained; says how far it got if not. */
    private static void awaitContained(JobClient job, List<Incident> incidents, Map<String, IamClient> iam, Duration timeout)
            throws Exception {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long nextReport = started;
        Set<String> contained = new HashSet<>();
        while (true) {
            // Containment is never undone here: a user seen contained is not asked about again.
            incidents.stream().filter(incident -> !contained.contains(incident.key())
                    && isContained(iam.get(incident.account), incident.user)).forEach(incident -> contained.add(incident.key()));
            List<String> open = incidents.stream().map(Incident::key).filter(key -> !contained.contains(key))
                    .collect(Collectors.toList());
            // Until every scheduled restart has happened: the state checked afterwards has survived each of them.
            if (LAST_ATTEMPT.get() >= FAILURES && open.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (now > nextReport) {
                System.out.printf("after %.0f s: %d failures injected, attempt %d, job %s, %d of %d incidents not contained;"
                        + " actions %s%n", (now - started) / 1e9, INJECTED.get(), LAST_ATTEMPT.get(), job.getJobStatus().get(),
                        open.size(), incidents.size(), new java.util.TreeMap<>(ACTIONS_SEEN));
                nextReport = now + Duration.ofSeconds(10).toNanos();
            }
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new AssertionError("the job ended");
            }
            if (now > deadline) {
                throw new AssertionError("after " + timeout + ": " + INJECTED.get() + " failures injected; not contained: " + open);
            }
            Thread.sleep(2000);
        }
    }

    /**
     * Puts the incidents into the stream one every 300 ms, among the benign traffic, each dated when it is
     * put; two heartbeat principals keep event time moving until the test ends, so sequences complete.
     */
    private static void feed(List<Incident> incidents, List<IncidentTraffic.Put> benignTraffic, AtomicBoolean feeding) {
        IncidentTraffic heartbeats = new IncidentTraffic(OWN);
        List<IncidentTraffic.Put> pending = new ArrayList<>();
        incidents.forEach(incident -> pending.addAll(incident.puts));
        int benignEvery = Math.max(1, pending.size() / Math.max(1, benignTraffic.size()));
        int next = 0;
        int benignNext = 0;
        try {
            while (feeding.get()) {
                Instant now = Instant.now().minusSeconds(1);
                if (next < pending.size()) {
                    // The three records of a backdoor, or of a scripted enumeration, within one second.
                    for (int i = 0; i < 3 && next < pending.size(); i++) {
                        put(redated(pending.get(next++), now));
                    }
                    for (int i = 0; i < 3 && benignNext < benignTraffic.size() && next / benignEvery >= benignNext; i++) {
                        put(redated(benignTraffic.get(benignNext++), now));
                    }
                }
                put(heartbeats.listBuckets("heartbeat-a", now));
                put(heartbeats.listBuckets("heartbeat-b", now));
                Thread.sleep(300);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The record with its event time set to {@code time}: the stream sees incidents as they happen. */
    private static IncidentTraffic.Put redated(IncidentTraffic.Put put, Instant time) {
        JsonNode envelope = EventJson.readTree(put.json);
        String second = time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        ((com.fasterxml.jackson.databind.node.ObjectNode) envelope).put("time", second);
        ((com.fasterxml.jackson.databind.node.ObjectNode) envelope.get("detail")).put("eventTime", second);
        return new IncidentTraffic.Put(put.partitionKey, envelope.toString(), put.eventName, put.userName);
    }

    private static void put(IncidentTraffic.Put put) {
        kinesalite.put(STREAM, put.partitionKey, put.json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads SNS until, for every incident, a finding alert of each of its rules naming its user and a
     * CONTAINED follow-up alert arrived. Returns the finding ids alerted, per alert kind.
     */
    private static Map<String, Set<String>> awaitAlerts(MotoAccount.AlertInbox inbox, List<Incident> incidents,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> seen = new HashSet<>();
            Map<String, Set<String>> findingIds = new HashMap<>();
            List<JsonNode> received = inbox.receivedSoFar();
            for (int before = -1; received.size() > before; received = inbox.receivedSoFar()) {
                before = received.size();
            }
            for (JsonNode alert : received) {
                String message = alert.get("Message").asText();
                JsonNode finding = EventJson.readTree(message.substring(message.indexOf(AlertFormatter.JSON_SEPARATOR)
                        + AlertFormatter.JSON_SEPARATOR.length()));
                String kind = alert.at("/MessageAttributes/alertKind/Value").asText();
                String target = finding.at("/target/accountId").asText() + "/" + finding.at("/target/name").asText();
                seen.add(kind + " " + finding.get("ruleId").asText() + " " + target);
                seen.add(kind + " " + target);
                findingIds.computeIfAbsent(kind, k -> new TreeSet<>()).add(finding.get("findingId").asText());
            }
            List<String> missing = new ArrayList<>();
            for (Incident incident : incidents) {
                for (String rule : incident.rules) {
                    if (!seen.contains("FINDING " + rule + " " + incident.key())) {
                        missing.add("FINDING " + rule + " " + incident.key());
                    }
                }
                if (!seen.contains("CONTAINED " + incident.key())) {
                    missing.add("CONTAINED " + incident.key());
                }
            }
            if (missing.isEmpty()) {
                return findingIds;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("alerts never delivered: " + missing);
            }
            Thread.sleep(500);
        }
    }

    /**
     * Reads the audit store until it holds a delivered-alert record for every finding alerted and a DONE or
     * ALREADY_DONE containment of every incident's user (a restart after the change but before the
     * checkpoint makes the retried containment ALREADY_DONE; the tags keep what release needs).
     */
    private static List<JsonNode> awaitAudit(S3Client s3, List<Incident> incidents, Map<String, Set<String>> alerted,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> records = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(AUDIT_BUCKET).prefix("audit/audit/")).contents()) {
                String content = s3.getObjectAsBytes(r -> r.bucket(AUDIT_BUCKET).key(object.key())).asUtf8String();
                for (String line : content.split("\n")) {
                    records.add(EventJson.readTree(line));
                }
            }
            Set<String> alertsDone = new HashSet<>();
            Set<String> contained = new HashSet<>();
            for (JsonNode record : records) {
                String outcome = record.get("outcome").asText();
                if (record.get("action").asText().equals("ALERT") && outcome.equals("DONE")) {
                    alertsDone.add(record.get("detail").asText().split(" ")[0] + " " + record.get("findingId").asText());
                } else if (record.get("action").asText().equals("CONTAIN") && Set.of("DONE", "ALREADY_DONE").contains(outcome)) {
                    contained.add(record.get("targetAccount").asText() + "/" + userOf(record.get("target").asText()));
                }
            }
            List<String> missing = new ArrayList<>();
            alerted.forEach((kind, ids) -> ids.stream().filter(id -> !alertsDone.contains(kind + " " + id))
                    .forEach(id -> missing.add("ALERT " + kind + " " + id)));
            incidents.stream().filter(incident -> !contained.contains(incident.key()))
                    .forEach(incident -> missing.add("CONTAIN " + incident.key()));
            if (missing.isEmpty()) {
                return records;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not in the audit store: " + missing);
            }
            Thread.sleep(500);
        }
    }

    /** A containment's audit target is the user's ARN, or {@code IAM_USER NAME} where the rule had no ARN. */
    private static String userOf(String target) {
        return target.substring(Math.max(target.lastIndexOf('/'), target.lastIndexOf(' ')) + 1);
    }

    private PropertyGroups configuration(String topicArn) {
        return PropertyGroups.of(Map.of(
                "TrailWarden.Source", kinesalite.sourceGroup(STREAM),
                "TrailWarden.Detection", Map.of("outOfOrderness", "3s", "idleness", "2s"),
                "TrailWarden.Response", Map.of("dryRun", "false", "ownAccountId", OWN, "accounts", OWN + "," + MEMBER,
                        "maxContainments", "100", "retryBackoffBase", "1s", "retryBackoffMax", "5s"),
                "TrailWarden.Alerts", Map.of("topicArn", topicArn),
                "TrailWarden.Aws", Map.of("region", MotoServer.REGION, "endpointOverride", moto.endpoint().toString()),
                "TrailWarden.Audit", Map.of("location", "s3://" + AUDIT_BUCKET + "/audit/"),
                "TrailWarden.Lists", Map.of("sensitiveBuckets", "payroll-exports")));
    }

    private static boolean isContained(IamClient iam, String user) {
        return iam.listUserPolicies(r -> r.userName(user)).policyNames().contains(QUARANTINE_POLICY)
                && !MotoAccount.keyStatuses(iam, user).contains(StatusType.ACTIVE) && !MotoAccount.hasLoginProfile(iam, user);
    }


    /** Claims the next failure to inject, or returns -1 when all {@value #FAILURES} have been. */
    /**
     * The number of the failure to inject now, or -1 once the job has restarted {@value #FAILURES} times: two
     * failures that strike during one restart cost one restart, so failures are injected until that many
     * restarts have happened, not until that many have been thrown.
     */
    private static int claimFailure() {
        return LAST_ATTEMPT.get() < FAILURES ? INJECTED.getAndIncrement() : -1;
    }

    /**
     * Passes the audit stream through, and fails at the seeded n-th containment result (1 to 4) since the job
     * (re)started, until {@value #FAILURES} failures have been injected: right after a containment took
     * effect (or failed), before its audit record is committed, while others are under way.
     */
    private static final class FailAfterActions extends RichMapFunction<ActionResult, ActionResult> {
        private static final long serialVersionUID = 1L;
        private transient int seen;
        private transient int failAt;

        @Override
        public void open(OpenContext context) {
            seen = 0;
            failAt = 1 + new Random(SEED ^ INJECTED.get() ^ getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()).nextInt(4);
        }

        @Override
        public ActionResult map(ActionResult result) {
            ACTIONS_SEEN.computeIfAbsent(result.action + " " + result.outcome, k -> new AtomicInteger()).incrementAndGet();
            if (result.action != PlannedAction.Type.CONTAIN || result.outcome == Outcome.STARTED) {
                return result;
            }
            if (++seen == failAt) {
                int failure = claimFailure();
                if (failure >= 0) {
                    throw new IllegalStateException("injected task failure " + (failure + 1) + ", after action " + seen
                            + " since the restart");
                }
            }
            return result;
        }
    }

    /**
     * Emits nothing; each time the job (re)starts it waits a seeded random 10 to 25 s, then fails, until
     * the job has restarted {@value #FAILURES} times: failures also come when no action is under way.
     * Joined to the job's input, so the failure restarts the whole job wherever the responders are.
     */
    @SuppressWarnings("deprecation")
    private static final class ScheduledTaskFailures
            extends org.apache.flink.streaming.api.functions.source.RichSourceFunction<RawInput> {
        private static final long serialVersionUID = 1L;
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<RawInput> context) throws Exception {
            LAST_ATTEMPT.accumulateAndGet(getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
            long at = System.nanoTime() + Duration.ofMillis(10_000 + new Random(SEED + INJECTED.get()).nextInt(15_000)).toNanos();
            while (running && System.nanoTime() < at) {
                Thread.sleep(20);
            }
            int failure = running ? claimFailure() : -1;
            if (failure >= 0) {
                throw new IllegalStateException("injected task failure " + (failure + 1)
                        + ", at a seeded time since the restart");
            }
            while (running) {
                Thread.sleep(50);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }
}
