package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import io.trailwarden.rules.runtime.DetectionStage;
import io.trailwarden.source.CloudTrailInputs;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole topology at parallelism 2 over the real corpus, shuffled, with duplicate deliveries and
 * malformed records interleaved: exactly the corpus's one backdoor-user finding, every distinct record
 * reaching detection exactly once, and one dead letter per malformed record; and the hostile file read
 * by the streaming file source.
 *
 * <p>Detection is the packaged {@code iam-user-created} rule alone. A single-event rule sees every
 * event whether it is late or not, so its findings over a shuffled input are exact; which shuffled
 * events fall behind the watermark depends on timing, so sequences and thresholds would make the
 * expected findings a matter of luck (their event-time behaviour is tested in the rules package).
 */
class TrailWardenTopologyITCase {
    private static final int PARALLELISM = 2;
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build());

    private static final String RULE_ID = "iam-user-created";
    private static final String CREATE_USER_EVENT_ID = "3346344c-5a3e-429e-8405-420f98f75d6e";
    private static final String ACCOUNT = "229654561268";
    private static final int EXTRA_CREATE_USER_DELIVERIES = 2;
    private static final int OTHER_DUPLICATED_RECORDS = 10;

    /** The lines of {@code hostile.jsonl.gz} that are not usable records (see make_hostile.py). */
    private static final List<Integer> HOSTILE_BAD_LINES =
            List.of(2, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 22, 23);

    private static final List<String> MALFORMED = List.of(
            "{\"eventVersion\": \"1.08\", \"userIdentity\": {\"type\": \"IAMUser\"",
            "\u0000\u0001\u00ff binary junk \u001b[31m",
            "   ",
            "{\"eventID\": \"no-time\", \"eventName\": \"CreateUser\", \"eventSource\": \"iam.amazonaws.com\"}",
            "{\"eventID\": \"bad-time\", \"eventName\": \"CreateUser\", \"eventTime\": \"yesterday\"}",
            "[1, 2, 3]");

    @Test
    void corpusOutOfOrderWithDuplicatesAndMalformedRecords() throws Exception {
        List<String> records = Corpus.records();
        List<RawInput> units = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            units.add(RawInput.of("corpus:" + i, records.get(i)));
        }
        String createUser = records.stream()
                .filter(record -> record.contains(CREATE_USER_EVENT_ID)).findFirst().orElseThrow();
        for (int i = 0; i < EXTRA_CREATE_USER_DELIVERIES; i++) {
            units.add(RawInput.of("redelivery:create-user:" + i, createUser));
        }
        for (int i = 0; i < OTHER_DUPLICATED_RECORDS; i++) {
            units.add(RawInput.of("redelivery:" + i, records.get(i * 29)));
        }
        for (int i = 0; i < MALFORMED.size(); i++) {
            units.add(RawInput.of("malformed:" + i, MALFORMED.get(i).getBytes(StandardCharsets.ISO_8859_1)));
        }
        Collections.shuffle(units, new Random(20240801));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        EventCapture detection = new EventCapture(PackagedRules.only(RULE_ID));
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                env.fromData(units).rebalance(), DetectionConfig.defaults(), detection);
        CloseableIterator<Finding> findingsOut = outputs.findings.collectAsync();
        CloseableIterator<DeadLetter> deadLettersOut = outputs.deadLetters.collectAsync();
        JobClient job = env.executeAsync("topology-itcase");

        List<Finding> findings = drain(findingsOut);
        List<DeadLetter> deadLetters = drain(deadLettersOut);
        List<CloudTrailEvent> detected = drain(detection.events);
        job.getJobExecutionResult().get();

        assertThat(findings).hasSize(1);
        Finding finding = findings.get(0);
        assertThat(finding.ruleId).isEqualTo(RULE_ID);
        assertThat(finding.title).isEqualTo("IAM user created by a principal that is not an allowed provisioner");
        assertThat(finding.severity).isEqualTo(Severity.HIGH);
        assertThat(finding.mitre).containsExactly("T1136.003");
        assertThat(finding.actor.arn).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/christophe");
        assertThat(finding.actor.accessKeyId).isEqualTo("AKIAOZUDECYXYM4ONAN4");
        Target backdoor = Target.of(Target.Kind.IAM_USER, "malicious-iam-user",
                "arn:aws:iam::" + ACCOUNT + ":user/malicious-iam-user", ACCOUNT);
        assertThat(finding.target).isEqualTo(backdoor);
        assertThat(finding.events).extracting(event -> event.eventId).containsExactly(CREATE_USER_EVENT_ID);
        assertThat(finding.findingId).isEqualTo(Finding.findingId(RULE_ID, finding.events));
        assertThat(finding.response).containsExactly(
                PlannedAction.of(PlannedAction.Type.CONTAIN, backdoor, false, "rule " + RULE_ID),
                PlannedAction.of(PlannedAction.Type.ALERT, backdoor, false, "rule " + RULE_ID));

        // Three different corpus records share one eventID: all three are distinct events and pass.
        Set<String> distinctRecords = new HashSet<>(records);
        assertThat(detected).hasSize(distinctRecords.size()).hasSize(Corpus.RECORD_COUNT);
        assertThat(detected.stream().map(event -> EventJson.readTree(event.rawJson())).collect(Collectors.toSet()))
                .isEqualTo(records.stream().map(EventJson::readTree).collect(Collectors.toSet()));
        assertThat(counter(job.getJobID(), "duplicateEvents"))
                .isEqualTo(EXTRA_CREATE_USER_DELIVERIES + OTHER_DUPLICATED_RECORDS);

        List<DeadLetter> parseLetters = deadLetters.stream()
                .filter(letter -> CloudTrailParser.STAGE.equals(letter.stage)).collect(Collectors.toList());
        assertThat(parseLetters).extracting(letter -> letter.origin)
                .containsExactlyInAnyOrderElementsOf(malformedOrigins());
        List<DeadLetter> lateLetters = deadLetters.stream()
                .filter(letter -> LateEventTagger.STAGE.equals(letter.stage)).collect(Collectors.toList());
        assertThat(parseLetters.size() + lateLetters.size()).isEqualTo(deadLetters.size());
        // Every late event is counted; only a bounded sample of them becomes a dead letter.
        long late = counter(job.getJobID(), "lateEvents");
        assertThat((long) lateLetters.size()).isLessThanOrEqualTo(late);
        assertThat(lateLetters.isEmpty()).isEqualTo(late == 0);
    }

    /**
     * The event helper's hostile file (see {@code hostile/make_hostile.py}): real records with malformed
     * and hostile lines between them, read by the streaming file source at parallelism 2.
     */
    @Test
    void theHostileFileYieldsItsFindingAndOneDeadLetterPerBadLine() throws Exception {
        Path hostile = Corpus.path("/hostile/hostile.jsonl.gz");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        DataStream<RawInput> input = env.fromSource(
                CloudTrailInputs.fileSource(List.of(hostile)), WatermarkStrategy.noWatermarks(), "hostile file");
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(
                input, DetectionConfig.defaults(), PackagedRules.only(RULE_ID));
        CloseableIterator<Finding> findingsOut = outputs.findings.collectAsync();
        CloseableIterator<DeadLetter> deadLettersOut = outputs.deadLetters.collectAsync();
        JobClient job = env.executeAsync("topology-itcase-hostile");

        List<Finding> findings = drain(findingsOut);
        List<DeadLetter> deadLetters = drain(deadLettersOut);
        job.getJobExecutionResult().get();

        assertThat(findings).extracting(finding -> finding.events.get(0).eventId).containsExactly(CREATE_USER_EVENT_ID);
        String origin = new org.apache.flink.core.fs.Path(hostile.toUri()).toString();
        assertThat(deadLetters.stream().filter(letter -> CloudTrailParser.STAGE.equals(letter.stage))
                        .map(letter -> letter.origin))
                .containsExactlyInAnyOrderElementsOf(HOSTILE_BAD_LINES.stream()
                        .map(line -> origin + ":" + line).collect(Collectors.toList()));
    }

    private static List<String> malformedOrigins() {
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < MALFORMED.size(); i++) {
            origins.add("malformed:" + i);
        }
        return origins;
    }

    static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> items = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(items::add);
        }
        return items;
    }

    /** The sum of a counter over all subtasks of the job. */
    private static long counter(JobID job, String name) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : METRICS.getMetricsByGroup().entrySet()) {
            Metric metric = group.getValue().get(name);
            if (metric != null && job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                sum += ((Counter) metric).getCount();
            }
        }
        return sum;
    }

    /** The real rules, plus a tap on exactly the events the detection stage receives. */
    static final class EventCapture implements DetectionStage {
        private static final long serialVersionUID = 1L;
        private final DetectionStage rules;
        transient CloseableIterator<CloudTrailEvent> events;

        EventCapture(DetectionStage rules) {
            this.rules = rules;
        }

        @Override
        public DataStream<Finding> apply(DataStream<CloudTrailEvent> stream) {
            events = stream.collectAsync();
            return rules.apply(stream);
        }
    }
}
