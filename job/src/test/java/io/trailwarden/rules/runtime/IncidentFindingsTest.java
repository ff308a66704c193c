package io.trailwarden.rules.runtime;

import static io.trailwarden.rules.runtime.Records.ATTACKER;
import static io.trailwarden.rules.runtime.Records.ONE_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.T0;
import static io.trailwarden.rules.runtime.Records.TWO_MIN_LATER;
import static io.trailwarden.rules.runtime.Records.attachAdmin;
import static io.trailwarden.rules.runtime.Records.createAccessKey;
import static io.trailwarden.rules.runtime.Records.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * Without an after-match skip the CEP operator emits one match per start event; the real backdoor rule's
 * CEP matches are fed on into {@link IncidentFindings}, which lets one finding per incident through.
 */
class IncidentFindingsTest {
    private static final OutputTag<RuleEvent> LATE = new OutputTag<>("late", TypeInformation.of(RuleEvent.class));

    @Test
    void matchesSharingEventsAreOneIncidentAndItsMemoryEndsWithTheWindow() throws Exception {
        Rule backdoor = RepoRules.rule("backdoor-admin-user");
        CompiledRule rule = new RuleCompiler(ListsConfig.defaults().lists).compile(backdoor);
        KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Finding> cep = RuleHarnesses.sequenceHarness(rule, LATE);
        KeyedOneInputStreamOperatorTestHarness<String, Finding, Finding> incidents = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IncidentFindings(rule)), new CompiledRules.FindingKey(rule), Types.STRING);
        cep.open();
        incidents.open();
        try {
            // A retried CreateUser: two first steps, one grant, one key.
            RuleHarnesses.feed(rule, cep, createUser("c1", T0, ATTACKER, "backdoor"),
                    createUser("c2", T0.plusSeconds(5), ATTACKER, "backdoor"),
                    attachAdmin("a", ONE_MIN_LATER, ATTACKER, "backdoor"),
                    createAccessKey("k", TWO_MIN_LATER, ATTACKER, "backdoor"));
            cep.processWatermark(TWO_MIN_LATER.toEpochMilli());
            List<Finding> matches = RuleHarnesses.findings(cep);
            assertThat(matches).extracting(IncidentFindingsTest::eventIds)
                    .containsExactlyInAnyOrder(List.of("c1", "a", "k"), List.of("c2", "a", "k"));

            for (Finding match : matches) {
                incidents.processElement(new StreamRecord<>(match, match.lastEventTimeMillis()));
            }
            assertThat(incidents.extractOutputValues()).extracting(IncidentFindingsTest::eventIds)
                    .containsExactly(eventIds(matches.get(0)));

            incidents.processWatermark(TWO_MIN_LATER.plus(rule.within).toEpochMilli());
            assertThat(incidents.numKeyedStateEntries()).isZero();
            assertThat(incidents.numEventTimeTimers()).isZero();
        } finally {
            incidents.close();
            cep.close();
        }
    }

    private static List<String> eventIds(Finding finding) {
        return finding.events.stream().map(event -> event.eventId).collect(Collectors.toList());
    }
}
