package io.trailwarden.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.ParseResult;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's cidr conditions (instance-credentials-from-user-address and -second-address) on
 * hostile sourceIPAddress values, through the parser and the compiled conditions, as the job reads
 * them. The expected results are those of the build before an event kept its parsed address (d95fe87),
 * checked against it value by value; the record is a real corpus call (DataDog/stratus-red-team,
 * Apache-2.0) with its address replaced.
 */
class ConditionsCidrTest {
    private static final EventCondition PUBLIC_OR_PRIVATE = compile("{sourceIPAddress: {cidr: ['0.0.0.0/0', '::/0']}}");
    private static final EventCondition PRIVATE = compile(
            "{sourceIPAddress: {cidr: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']}}");
    private static final EventCondition PUBLIC = compile(
            "{sourceIPAddress: {cidr: ['0.0.0.0/0', '::/0']}, not: {sourceIPAddress: "
                    + "{cidr: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']}}}");

    private static EventCondition compile(String yaml) {
        List<RuleError> errors = new ArrayList<>();
        ConditionSpec spec = new RuleLoader(List.of(), Duration.ofDays(1)).condition(yaml, errors);
        assertThat(errors).as(yaml).isEmpty();
        return Conditions.compile(spec, Map.of());
    }

    private static CloudTrailEvent withAddress(String address) {
        ObjectNode record = Corpus.first(r -> r.path("sourceIPAddress").asText().matches("[0-9.]+"));
        record.put("sourceIPAddress", address);
        record.putObject("requestParameters").put("cidrIp", "10.9.8.7");
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("test", record.toString()));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }

    /** Address -> {in 0.0.0.0/0 or ::/0, in a private range, public per the rule}. */
    private static Map<String, boolean[]> hostile() {
        Map<String, boolean[]> expected = new LinkedHashMap<>();
        expected.put("203.0.113.7", new boolean[] {true, false, true});
        expected.put("10.1.2.3", new boolean[] {true, true, false});
        expected.put("010.001.002.003", new boolean[] {true, true, false});
        expected.put("100.127.255.255", new boolean[] {true, true, false});
        expected.put("100.128.0.0", new boolean[] {true, false, true});
        expected.put("2001:db8::7", new boolean[] {true, false, true});
        expected.put("2001:DB8::A", new boolean[] {true, false, true});
        expected.put("fd12:3456::1", new boolean[] {true, true, false});
        expected.put("::", new boolean[] {true, false, true});
        // IPv4-mapped IPv6 is not read as an address (nor was it before).
        expected.put("::ffff:10.1.2.3", new boolean[] {false, false, false});
        // A zone id is ignored on IPv6, and makes IPv4 text no address.
        expected.put("fe80::1%eth0", new boolean[] {true, false, true});
        expected.put("fd00::1%25en0", new boolean[] {true, true, false});
        expected.put("10.1.2.3%eth0", new boolean[] {false, false, false});
        expected.put("AWS Internal", new boolean[] {false, false, false});
        expected.put("ec2.amazonaws.com", new boolean[] {false, false, false});
        expected.put("300.1.1.1", new boolean[] {false, false, false});
        expected.put("192.168.0.1.", new boolean[] {false, false, false});
        expected.put(" 10.1.2.3", new boolean[] {false, false, false});
        expected.put("\uff110.1.2.3", new boolean[] {false, false, false});
        expected.put("1.2.3.4:80", new boolean[] {false, false, false});
        expected.put("[::1]", new boolean[] {false, false, false});
        expected.put("1:2:3:4:5:6:7:8:9", new boolean[] {false, false, false});
        expected.put("1".repeat(10_000), new boolean[] {false, false, false});
        expected.put("10.1.2.3".repeat(1_250), new boolean[] {false, false, false});
        expected.put("1:".repeat(5_000) + "1", new boolean[] {false, false, false});
        return expected;
    }

    @Test
    void hostileAddressesGiveTheResultsTheyGaveBefore() {
        for (Map.Entry<String, boolean[]> entry : hostile().entrySet()) {
            String shown = entry.getKey().length() > 40 ? entry.getKey().substring(0, 20) + "..." : entry.getKey();
            CloudTrailEvent event = withAddress(entry.getKey());
            boolean[] expected = entry.getValue();
            // Asked in both orders, so a kept address cannot stand in for another condition's answer.
            assertThat(new boolean[] {PUBLIC_OR_PRIVATE.test(event, null), PRIVATE.test(event, null), PUBLIC.test(event, null)})
                    .as(shown).containsExactly(expected);
            assertThat(new boolean[] {PUBLIC.test(event, null), PRIVATE.test(event, null), PUBLIC_OR_PRIVATE.test(event, null)})
                    .as(shown).containsExactly(expected[2], expected[1], expected[0]);
        }
    }

    /** The kept address belongs to the string it was read from: another field's address is read anew. */
    @Test
    void conditionsOnTwoFieldsOfOneEventEachReadTheirOwnAddress() {
        CloudTrailEvent event = withAddress("203.0.113.7");
        EventCondition cidrIpPrivate = compile("{requestParameters.cidrIp: {cidr: ['10.0.0.0/8']}}");
        EventCondition sourcePrivate = compile("{sourceIPAddress: {cidr: ['10.0.0.0/8']}}");
        for (int i = 0; i < 3; i++) {
            assertThat(sourcePrivate.test(event, null)).isFalse();
            assertThat(cidrIpPrivate.test(event, null)).isTrue();
        }
    }
}
