package io.trailwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.production.IncidentTraffic;
import io.trailwarden.production.QueueSink;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * The streaming job at organization scale on a local mini-cluster: RocksDB state, checkpoints every
 * 10 s, {@code PRINCIPALS} active principals spread over 200 accounts sending realistic mixed traffic
 * ({@link BenignWorkload}'s records, each given one of the principals, a fresh id and the current time)
 * at {@code RATE} events/s, with incidents inside. A record keeps its identity's kind (IAM user keys,
 * SSO console, Terraform and CloudFormation roles, application instance roles) and becomes the
 * principal's: its user name and key, or its session of the record's role; its address is one of the
 * principal's own, one for its keys, one for its instances and one for its other sessions. (Until
 * stop 11 every record became an IAM user's access-key call from one of the workload's ten addresses:
 * every event reached the rules keyed by address, on ten hot keys.) The incidents: a {@code CreateUser} (single-event
 * rule {@code iam-user-created}) and a scripted console login, bucket listing and object read
 * (sequence rule {@code console-login-then-s3-enumeration}), each every {@code 2 x INCIDENT_EVERY}
 * events. The whole packaged catalogue runs, through the same topology as production.
 *
 * <p>Measures for {@code MINUTES} after the source has started and run for 30 s more. Prints, every 10 s and at the end: events/s generated (the source is rate-limited, so a rate
 * below the target is back-pressure reaching the source), the busiest task's back-pressured share,
 * alert latency p50/p99 of both incident kinds (from the moment the source emits the last event of an
 * incident to the finding at the sink; event times are whole seconds, as CloudTrail's), every
 * completed checkpoint's size and duration, and from the last checkpoint's metadata the state bytes
 * per operator kind (dedup, match suppression, thresholds, sequences, one finding per incident) and
 * per principal that has sent at least one event. Run from the repository root:
 *
 * <pre>
 * scripts/benchmark OrgScaleBenchmark [MINUTES (10)] [RATE (20000)] [PRINCIPALS (100000)] [PARALLELISM (2)] [OUT_OF_ORDERNESS (30s)]
 * </pre>
 */
public final class OrgScaleBenchmark {
    private static final int ACCOUNTS = 200;
    private static final int INCIDENT_EVERY = 500;
    private static final int TEMPLATES = 20_000;
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final String SINGLE_RULE = "iam-user-created";
    private static final String SEQUENCE_RULE = "console-login-then-s3-enumeration";
    /** When the source emitted each incident's events, by event id, on this machine's nano clock. */
    static final Map<String, Long> EMITTED = new ConcurrentHashMap<>();
    static final AtomicLong GENERATED = new AtomicLong();
    /** The principals that have sent at least one event: the state's denominator. */
    static final Set<Integer> ACTIVE = ConcurrentHashMap.newKeySet();
    private static final Queue<Finding> FINDINGS = new ConcurrentLinkedQueue<>();

    private OrgScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int principals = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Duration outOfOrderness = Duration.parse("PT" + (args.length > 4 ? args[4] : "30s").toUpperCase(Locale.ROOT));
        Path checkpoints = Files.createTempDirectory("orgscale-checkpoints");

        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(ExecutionCheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        flink.set(ExecutionCheckpointingOptions.EXTERNALIZED_CHECKPOINT,
                org.apache.flink.streaming.api.environment.CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(512));
        flink.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);

        TrailWardenConfig config = TrailWardenConfig.defaults();
        DetectionConfig detection = new DetectionConfig(outOfOrderness, config.detection.idleness,
                config.detection.dedupTtl, config.detection.maxRuleWindow);
        CompiledRules rules = RuleCatalogue.compile(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        DataGeneratorSource<RawInput> source = new DataGeneratorSource<>(new OrgTraffic(principals), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(rate), TypeInformation.of(RawInput.class));
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "organization traffic").uid("org-traffic"),
                detection, rules);
        outputs.findings.sinkTo(new QueueSink<>(FINDINGS)).name("findings");
        outputs.deadLetters.sinkTo(new QueueSink<>(new ConcurrentLinkedQueue<>())).name("dead letters");
        StreamGraph graph = env.getStreamGraph();
        Map<OperatorID, String> kinds = operatorKinds(graph);

        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build();
        try (MiniCluster mini = new MiniCluster(cluster)) {
            mini.start();
            JobID job = mini.submitJob(graph.getJobGraph()).get().getJobID();
            System.out.printf(Locale.ROOT, "organization scale: target %,d events/s, %,d principals in %d accounts,"
                            + " parallelism %d, RocksDB (incremental), checkpoints every 10 s, out-of-orderness %s,"
                            + " dedup TTL %s, %d rules; %.1f minutes%n", rate, principals, ACCOUNTS, parallelism,
                    outOfOrderness, detection.dedupTtl, rules.rules().size(), minutes);
            Latencies single = new Latencies();
            Latencies sequence = new Latencies();
            List<Double> rates = new ArrayList<>();
            List<Double> backPressure = new ArrayList<>();
            // Deploying some 400 operators takes a while on a busy machine; measure from a steady state.
            while (GENERATED.get() == 0) {
                Thread.sleep(100);
            }
            long warmUpEnd = System.nanoTime() + WARM_UP.toNanos();
            while (System.nanoTime() < warmUpEnd) {
                drain(new Latencies(), new Latencies());
                Thread.sleep(5);
            }
            System.out.printf(Locale.ROOT, "source running; after a warm-up of %s, measuring%n", WARM_UP);
            long end = System.nanoTime() + (long) (minutes * 60e9);
            long startCount = GENERATED.get();
            long startCpu = processCpuNanos();
            long lastCount = startCount;
            long lastTime = System.nanoTime();
            long nextReport = lastTime + 10_000_000_000L;
            while (System.nanoTime() < end) {
                drain(single, sequence);
                if (System.nanoTime() >= nextReport) {
                    long now = System.nanoTime();
                    long count = GENERATED.get();
                    double interval = (count - lastCount) / ((now - lastTime) / 1e9);
                    rates.add(interval);
                    double busiest = BackPressure.busiestShare(mini.getRestAddress().get(), job);
                    backPressure.add(busiest);
                    System.out.printf(Locale.ROOT, "  %4.0f s: %,8.0f events/s; back-pressured %3.0f%% (busiest task);"
                                    + " latency single p50 %s p99 %s, sequence p50 %s p99 %s%n",
                            (now - (end - (long) (minutes * 60e9))) / 1e9, interval, busiest * 100,
                            single.percentile(50), single.percentile(99), sequence.percentile(50), sequence.percentile(99));
                    lastCount = count;
                    lastTime = now;
                    nextReport = now + 10_000_000_000L;
                }
                Thread.sleep(5);
            }
            double cpuMicrosPerEvent = (processCpuNanos() - startCpu) / 1e3 / Math.max(1, GENERATED.get() - startCount);
            System.out.printf(Locale.ROOT, "CPU: %.1f us per event, all threads of this process (generator, mini-cluster,"
                    + " RocksDB, JIT, GC); %d cores here%n", cpuMicrosPerEvent, Runtime.getRuntime().availableProcessors());
            CheckpointStatsSnapshot stats = mini.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
            mini.cancelJob(job).get();
            report(rate, principals, rates, backPressure, single, sequence, stats, checkpoints, job, kinds);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void drain(Latencies single, Latencies sequence) {
        Finding finding;
        long now = System.nanoTime();
        while ((finding = FINDINGS.poll()) != null) {
            Long emitted = EMITTED.remove(finding.events.get(finding.events.size() - 1).eventId);
            if (emitted == null) {
                continue;
            }
            if (finding.ruleId.equals(SINGLE_RULE)) {
                single.add((now - emitted) / 1_000_000);
            } else if (finding.ruleId.equals(SEQUENCE_RULE)) {
                sequence.add((now - emitted) / 1_000_000);
            }
        }
    }

    private static void report(int rate, int principals, List<Double> rates, List<Double> backPressure,
            Latencies single, Latencies sequence, CheckpointStatsSnapshot stats, Path checkpoints, JobID job,
            Map<OperatorID, String> kinds) throws IOException {
        List<Double> steady = rates.size() > 2 ? rates.subList(1, rates.size()) : rates;
        System.out.printf(Locale.ROOT, "events/s held (10 s intervals after the first): min %,.0f, median %,.0f, max %,.0f"
                        + " of %,d targeted%n", Collections.min(steady), median(steady), Collections.max(steady), rate);
        System.out.printf(Locale.ROOT, "back-pressure, busiest task: median %.0f%%, max %.0f%%%n",
                median(backPressure) * 100, Collections.max(backPressure) * 100);
        System.out.printf(Locale.ROOT, "alert latency %s: p50 %s, p99 %s ms (%d incidents)%n", SINGLE_RULE,
                single.percentile(50), single.percentile(99), single.count());
        System.out.printf(Locale.ROOT, "alert latency %s: p50 %s, p99 %s ms (%d incidents)%n", SEQUENCE_RULE,
                sequence.percentile(50), sequence.percentile(99), sequence.count());
        List<Long> durations = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        List<Long> fullSizes = new ArrayList<>();
        for (AbstractCheckpointStats checkpoint : stats.getHistory().getCheckpoints()) {
            if (checkpoint.getStatus() == CheckpointStatsStatus.COMPLETED) {
                durations.add(checkpoint.getEndToEndDuration());
                sizes.add(checkpoint.getCheckpointedSize());
                fullSizes.add(checkpoint.getStateSize());
            }
        }
        System.out.printf(Locale.ROOT, "checkpoints: %d completed, %d failed; duration median %,d ms, max %,d ms;"
                        + " incremental size median %,d KiB; full state at the last %,d KiB%n",
                stats.getCounts().getNumberOfCompletedCheckpoints(), stats.getCounts().getNumberOfFailedCheckpoints(),
                medianLong(durations), durations.isEmpty() ? 0 : Collections.max(durations), medianLong(sizes) >> 10,
                fullSizes.isEmpty() ? 0 : fullSizes.get(0) >> 10);
        stateByKind(checkpoints, job, kinds, ACTIVE.size());
    }

    /** The state of the newest retained checkpoint, per operator kind, in bytes and per principal. */
    private static void stateByKind(Path checkpoints, JobID job, Map<OperatorID, String> kinds, int activePrincipals)
            throws IOException {
        Path newest;
        try (var dirs = Files.list(checkpoints.resolve(job.toHexString()))) {
            newest = dirs.filter(dir -> dir.getFileName().toString().startsWith("chk-"))
                    .filter(dir -> Files.exists(dir.resolve("_metadata")))
                    .max((a, b) -> Integer.compare(number(a), number(b))).orElse(null);
        }
        if (newest == null) {
            System.out.println("no retained checkpoint to read the state from");
            return;
        }
        CheckpointMetadata metadata;
        try (InputStream in = Files.newInputStream(newest.resolve("_metadata"))) {
            metadata = Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
                    OrgScaleBenchmark.class.getClassLoader(), newest.toString());
        }
        Map<String, Long> bytes = new TreeMap<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            bytes.merge(kinds.getOrDefault(state.getOperatorID(), "other"), state.getStateSize(), Long::sum);
        }
        System.out.printf(Locale.ROOT, "state in %s (RocksDB, full size of every handle) of %,d active principals, per kind:%n",
                newest.getFileName(), activePrincipals);
        bytes.forEach((kind, size) -> {
            if (size > 0) {
                System.out.printf(Locale.ROOT, "  %-26s %,12d bytes  %,8.1f bytes per active principal%n",
                        kind, size, (double) size / activePrincipals);
            }
        });
    }

    private static int number(Path checkpoint) {
        return Integer.parseInt(checkpoint.getFileName().toString().substring("chk-".length()));
    }

    /** Each operator with a uid, by the id Flink derives from it, named by its kind. */
    private static Map<OperatorID, String> operatorKinds(StreamGraph graph) {
        Map<OperatorID, String> kinds = new HashMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid != null) {
                // StreamGraphHasherV2's hash of a user-specified uid.
                byte[] hash = Hashing.murmur3_128(0).newHasher().putString(uid, StandardCharsets.UTF_8).hash().asBytes();
                kinds.put(new OperatorID(hash), kind(uid));
            }
        }
        return kinds;
    }

    /** The state kinds reported, by the uid suffix of the operators that hold them. */
    private static final Map<String, String> KINDS_BY_UID_SUFFIX = Map.of(
            "suppression", "suppression",
            "threshold", "threshold",
            "cep", "sequence (CEP)",
            "release", "sequence events waiting for their time",
            "incident", "one finding per incident",
            "match", "match",
            "late-buffer", "late-path buffers");

    private static String kind(String uid) {
        if (uid.equals(TrailWardenTopology.DEDUP_UID)) {
            return "dedup";
        }
        for (Map.Entry<String, String> kind : KINDS_BY_UID_SUFFIX.entrySet()) {
            if (uid.endsWith(kind.getKey())) {
                return kind.getValue();
            }
        }
        return "other (" + uid + ")";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().collect(Collectors.toList());
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static long medianLong(List<Long> values) {
        List<Long> sorted = values.stream().sorted().collect(Collectors.toList());
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /** The mini-cluster's REST API: the share of time the busiest subtask of any task was back-pressured. */
    static final class BackPressure {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        static double busiestShare(URI rest, JobID job) {
            try {
                double busiest = 0;
                for (JsonNode vertex : get(rest, "/jobs/" + job).get("vertices")) {
                    JsonNode sample = get(rest, "/jobs/" + job + "/vertices/" + vertex.get("id").asText() + "/backpressure");
                    for (JsonNode subtask : sample.path("subtasks")) {
                        busiest = Math.max(busiest, subtask.path("ratio").asDouble());
                    }
                }
                return busiest;
            } catch (IOException e) {
                return Double.NaN;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }

        private static JsonNode get(URI rest, String path) throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(rest.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return EventJson.MAPPER.readTree(response.body());
        }
    }

    /** Latencies in milliseconds. */
    static final class Latencies {
        private final List<Long> millis = new ArrayList<>();

        void add(long value) {
            millis.add(value);
        }

        int count() {
            return millis.size();
        }

        String percentile(int p) {
            if (millis.isEmpty()) {
                return "-";
            }
            List<Long> sorted = millis.stream().sorted().collect(Collectors.toList());
            return String.format(Locale.ROOT, "%,d", sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)));
        }
    }

    /**
     * The traffic: benign records as templates, each event a template with one of the principals, a
     * fresh id and the current second; every {@link #INCIDENT_EVERY}th event the next step of an
     * incident. One instance per source reader.
     */
    static final class OrgTraffic implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private static final Pattern MARK = Pattern.compile("@@(ID|TIME|P|A|IP[0-2])@@");
        private final int principals;
        private transient List<String[]> templates;
        private transient List<IncidentTraffic.Put> pending;
        private transient IncidentTraffic incidents;
        private transient long incidentSerial;
        private transient long second;
        private transient String time;

        OrgTraffic(int principals) {
            this.principals = principals;
        }

        @Override
        public void open(org.apache.flink.api.connector.source.SourceReaderContext context) {
            templates = new ArrayList<>();
            for (String text : BenignWorkload.generate(TEMPLATES, context.getIndexOfSubtask(), Instant.now())) {
                ObjectNode record = (ObjectNode) EventJson.readTree(text);
                ownedByPrincipal((ObjectNode) record.get("userIdentity"));
                if (record.path("sourceIPAddress").asText().matches("[0-9.]+")) {
                    record.put("sourceIPAddress", "@@IP" + addressKind(record) + "@@");
                }
                record.put("eventID", "@@ID@@");
                record.put("eventTime", "@@TIME@@");
                record.put("recipientAccountId", "@@A@@");
                templates.add(split(record.toString().replace(BenignWorkload.ACCOUNT, "@@A@@")));
            }
            pending = new ArrayList<>();
            incidents = new IncidentTraffic(BenignWorkload.ACCOUNT);
        }

        /**
         * The template's identity made one of the organization's principals, of the template's kind: an
         * IAM user keeps its kind with the principal's name and key; a role session (SSO console user,
         * Terraform, CloudFormation, an application's instance role) keeps its role, and its session
         * and key become the principal's.
         */
        private static void ownedByPrincipal(ObjectNode identity) {
            identity.put("accountId", "@@A@@");
            if (identity.path("type").asText().equals("IAMUser")) {
                String name = identity.path("userName").asText() + "-@@P@@";
                identity.put("userName", name);
                identity.put("arn", "arn:aws:iam::@@A@@:user/" + name);
                identity.put("principalId", "AIDA@@P@@");
                identity.put("accessKeyId", "AKIA@@P@@");
                return;
            }
            String arn = identity.path("arn").asText();
            String session = arn.substring(arn.lastIndexOf('/') + 1) + "-@@P@@";
            identity.put("arn", arn.substring(0, arn.lastIndexOf('/') + 1) + session);
            String roleId = identity.path("principalId").asText();
            identity.put("principalId", roleId.substring(0, roleId.indexOf(':') + 1) + session);
            identity.put("accessKeyId", "ASIA@@P@@");
        }

        /**
         * Which of a principal's addresses a call comes from: its workstation (IAM user keys), its
         * instances (instance-role sessions) or elsewhere (other role sessions), so that no address
         * carries both an instance's role and a user's keys, as none does in a healthy organization.
         */
        private static int addressKind(ObjectNode record) {
            JsonNode identity = record.get("userIdentity");
            if (identity.path("type").asText().equals("IAMUser")) {
                return 0;
            }
            return identity.path("sessionContext").has("ec2RoleDelivery") ? 1 : 2;
        }

        /** Text and marks alternating: text, mark, text, mark, ..., text. */
        private static String[] split(String text) {
            List<String> parts = new ArrayList<>();
            Matcher matcher = MARK.matcher(text);
            int at = 0;
            while (matcher.find()) {
                parts.add(text.substring(at, matcher.start()));
                parts.add(matcher.group(1));
                at = matcher.end();
            }
            parts.add(text.substring(at));
            return parts.toArray(new String[0]);
        }

        @Override
        public RawInput map(Long index) {
            GENERATED.incrementAndGet();
            long nowSecond = System.currentTimeMillis() / 1000;
            if (nowSecond != second) {
                second = nowSecond;
                time = Instant.ofEpochSecond(nowSecond).toString();
            }
            if (index % INCIDENT_EVERY == 0) {
                return incidentStep(index);
            }
            long mixed = index * 0x9E3779B97F4A7C15L;
            int principal = (int) Math.floorMod(mixed >>> 17, (long) principals);
            ACTIVE.add(principal);
            String account = String.valueOf(100_000_000_000L + principal % ACCOUNTS);
            String[] template = templates.get((int) Math.floorMod(index, (long) templates.size()));
            StringBuilder record = new StringBuilder(2048);
            for (int i = 0; i < template.length; i++) {
                if (i % 2 == 0) {
                    record.append(template[i]);
                } else {
                    switch (template[i]) {
                        case "ID":
                            record.append("0e000000-0000-4000-8000-").append(String.format(Locale.ROOT, "%012x", index & 0xffffffffffffL));
                            break;
                        case "TIME":
                            record.append(time);
                            break;
                        case "P":
                            record.append(principal);
                            break;
                        case "IP0":
                        case "IP1":
                        case "IP2":
                            record.append("100.").append(64 + 4 * (template[i].charAt(2) - '0') + (principal >> 16 & 3))
                                    .append('.').append(principal >> 8 & 0xff).append('.').append(principal & 0xff);
                            break;
                        default:
                            record.append(account);
                    }
                }
            }
            return RawInput.of("org:" + index, record.toString().getBytes(StandardCharsets.UTF_8));
        }

        /** The next step of an incident: a CreateUser, then the three steps of a console enumeration, and so on. */
        private RawInput incidentStep(long index) {
            if (pending.isEmpty()) {
                long serial = incidentSerial++;
                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                String actor = "intruder-" + index + "-" + serial;
                if (serial % 2 == 0) {
                    pending.add(incidents.createUser(actor, "backdoor-" + index, now));
                } else {
                    pending.addAll(incidents.scriptedConsoleEnumeration(actor, "payroll-exports", now));
                }
            }
            IncidentTraffic.Put put = pending.remove(0);
            JsonNode detail = EventJson.readTree(put.json).get("detail");
            EMITTED.put(detail.get("eventID").asText(), System.nanoTime());
            return RawInput.of("org-incident:" + index, put.json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
