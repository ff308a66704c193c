package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole catalogue on a benign working day ({@link BenignWorkload}, 10,000 records) with every
 * corpus technique's detonation mixed in at its own time of the day: false alarms per 10,000 benign
 * records, and recall on the techniques. Run with the documented lists configured: the Terraform CI
 * role is an allowed provisioner, the helpdesk role is trusted automation. Prints the per-rule numbers.
 */
class BenignWorkloadITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final int BENIGN = 10_000;
    static final Instant DAY = Instant.parse("2026-03-02T07:00:00Z");

    private static final Map<String, Integer> falseAlarmsByRule = new TreeMap<>();
    private static final Map<String, Set<String>> rulesByTechnique = new TreeMap<>();
    private static int benignCount;
    private static int benignDeadLetters;

    @BeforeAll
    static void replayADayWithTheAttacksInIt() throws Exception {
        CloudTrailParser parser = new CloudTrailParser();
        List<CloudTrailEvent> events = new ArrayList<>();
        for (String record : BenignWorkload.generate(BENIGN, 42, DAY)) {
            io.trailwarden.event.ParseResult parsed = parser.parseAll(RawInput.of("benign", record));
            benignDeadLetters += parsed.deadLetters.size();
            events.addAll(parsed.events);
        }
        benignCount = events.size();
        TechniqueCorpus corpus = TechniqueCorpus.read(TechniqueCoverageITCase.CORPUS);
        Map<String, String> techniqueOfEvent = new HashMap<>();
        int index = 0;
        for (Map.Entry<String, List<String>> technique : corpus.recordsByTechnique.entrySet()) {
            List<CloudTrailEvent> attack = new ArrayList<>();
            for (String record : technique.getValue()) {
                attack.addAll(parser.parseAll(RawInput.of(technique.getKey(), record)).events);
            }
            long earliest = attack.stream().mapToLong(event -> event.eventTimeMillis).min().orElseThrow();
            long shift = DAY.plus(Duration.ofMinutes(15L * index)).toEpochMilli() - earliest;
            for (CloudTrailEvent event : attack) {
                event.eventTimeMillis += shift;
                event.eventId = "attack-" + index + "/" + event.eventId;
                techniqueOfEvent.put(event.eventId, technique.getKey());
                events.add(event);
            }
            rulesByTechnique.put(technique.getKey(), new java.util.TreeSet<>());
            index++;
        }
        List<Rule> rules = RepoRules.load();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        var input = env.fromData(TypeInformation.of(CloudTrailEvent.class), events.toArray(new CloudTrailEvent[0]))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<CloudTrailEvent>noWatermarks()
                        .withTimestampAssigner((event, previous) -> event.eventTimeMillis));
        try (CloseableIterator<Finding> findings = CompiledRules.compile(rules, BenignWorkload.lists())
                .apply(input.keyBy(new PrincipalKey())).executeAndCollect("benign workload")) {
            while (findings.hasNext()) {
                Finding finding = findings.next();
                if (finding.incidentUpdate) {
                    continue;
                }
                Set<String> techniques = finding.events.stream().map(event -> techniqueOfEvent.get(event.eventId))
                        .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
                if (techniques.isEmpty()) {
                    falseAlarmsByRule.merge(finding.ruleId, 1, Integer::sum);
                }
                techniques.forEach(technique -> rulesByTechnique.get(technique).add(finding.ruleId));
            }
        }
        System.out.printf("benign records: %d; false alarms by rule: %s%n", benignCount, falseAlarmsByRule);
        System.out.printf("false alarms per 10,000 benign records: whole catalogue %.2f%n", perTenThousand(falseAlarms()));
        System.out.printf("recall: %d of %d techniques%n",
                rulesByTechnique.values().stream().filter(found -> !found.isEmpty()).count(), rulesByTechnique.size());
    }

    private static double perTenThousand(int count) {
        return count * 10_000.0 / benignCount;
    }

    private static int falseAlarms() {
        return falseAlarmsByRule.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void everyTechniqueIsStillFoundAmongTheBenignTraffic() {
        assertThat(rulesByTechnique).hasSize(37);
        rulesByTechnique.forEach((technique, rules) -> assertThat(rules).as(technique).isNotEmpty());
    }

    @Test
    void theWholeCatalogueRaisesUnderOneFalseAlarmPerTenThousandRecords() {
        assertThat(benignDeadLetters).isZero();
        assertThat(benignCount).isGreaterThanOrEqualTo(BENIGN);
        assertThat(perTenThousand(falseAlarms())).as(falseAlarmsByRule.toString()).isLessThan(1.0);
    }

    @Test
    void helpdeskResetsByTheTrustedRoleAreNotFindings() {
        assertThat(BenignWorkload.generate(BENIGN, 42, DAY)).filteredOn(record -> record.contains("UpdateLoginProfile"))
                .hasSizeGreaterThan(10);
        assertThat(falseAlarmsByRule).doesNotContainKey("iam-login-profile-for-other-user");
    }

    @Test
    void theReconnaissanceBurstIgnoresConsoleTerraformAndApplications() {
        assertThat(falseAlarmsByRule).doesNotContainKey("reconnaissance-burst");
    }
}
