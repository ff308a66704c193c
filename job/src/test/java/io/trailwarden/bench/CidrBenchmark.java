package io.trailwarden.bench;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailEventSerializer;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.rules.compile.Conditions;
import io.trailwarden.rules.compile.EventCondition;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Cidr;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the catalogue's cidr conditions cost per event: the three of instance-credentials-from-user-address
 * and instance-credentials-from-second-address (9 networks), compiled as the job compiles them, on fresh
 * copies of the corpus records (their sourceIPAddress: IPv4, IPv6, service names, "AWS Internal"), so
 * no address is parsed before the measured time; CPU time of the measuring thread. Beside it, each network parsing the address itself
 * ({@link Cidr#contains(String)}), which is what the compiled conditions did before an event kept its
 * parsed address. Median of the rounds.
 *
 * <p>Run: {@code scripts/benchmark CidrBenchmark [EVENTS] [ROUNDS]}. The compiled measurement uses only
 * API older builds have too, so running this class against an older build's classes (its classes
 * directory first on the class path) measures that build.
 */
public final class CidrBenchmark {
    private static final List<String> CONDITIONS = List.of(
            "{sourceIPAddress: {cidr: ['0.0.0.0/0', '::/0']}}",
            "{sourceIPAddress: {cidr: ['0.0.0.0/0', '::/0']}}",
            "{sourceIPAddress: {cidr: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']}}");

    /** CPU time of this thread, not wall time: the benchmark machine is shared. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private CidrBenchmark() {}

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<CloudTrailEvent> corpus = new ArrayList<>();
        CloudTrailParser parser = new CloudTrailParser();
        for (String record : Corpus.records()) {
            corpus.add(parser.parseAll(RawInput.of("corpus", record)).events.get(0));
        }
        List<EventCondition> conditions = new ArrayList<>();
        for (String condition : CONDITIONS) {
            conditions.add(compile(condition));
        }
        List<Cidr> networks = new ArrayList<>();
        for (String cidr : List.of("0.0.0.0/0", "::/0", "0.0.0.0/0", "::/0", "10.0.0.0/8", "172.16.0.0/12",
                "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")) {
            networks.add(Cidr.parse(cidr));
        }
        System.out.printf("%d events per round (%d corpus records), %d rounds after a warm-up round%n",
                events, corpus.size(), rounds);
        long[] compiledNanos = new long[rounds];
        long[] perNetworkNanos = new long[rounds];
        long check = 0;
        for (int round = 0; round <= rounds; round++) {
            CloudTrailEvent[] fresh = copies(corpus, events);
            long start = CPU.getCurrentThreadCpuTime();
            for (CloudTrailEvent event : fresh) {
                for (EventCondition condition : conditions) {
                    check += condition.test(event, null) ? 1 : 0;
                }
            }
            long compiled = CPU.getCurrentThreadCpuTime() - start;
            start = CPU.getCurrentThreadCpuTime();
            for (CloudTrailEvent event : fresh) {
                for (Cidr network : networks) {
                    check += network.contains(event.sourceIpAddress) ? 1 : 0;
                }
            }
            long perNetwork = CPU.getCurrentThreadCpuTime() - start;
            if (round > 0) {
                compiledNanos[round - 1] = compiled;
                perNetworkNanos[round - 1] = perNetwork;
            }
        }
        System.out.printf("3 compiled cidr conditions:             %6.0f CPU-ns/event%n", median(compiledNanos) / events);
        System.out.printf("9 networks, each parsing the address:   %6.0f CPU-ns/event%n", median(perNetworkNanos) / events);
        System.out.printf("(check %d)%n", check);
    }

    private static CloudTrailEvent[] copies(List<CloudTrailEvent> corpus, int events) {
        CloudTrailEvent[] copies = new CloudTrailEvent[events];
        for (int i = 0; i < events; i++) {
            copies[i] = CloudTrailEventSerializer.INSTANCE.copy(corpus.get(i % corpus.size()));
        }
        return copies;
    }

    private static EventCondition compile(String yaml) {
        List<RuleError> errors = new ArrayList<>();
        var spec = new RuleLoader(List.of(), Duration.ofDays(1)).condition(yaml, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.toString());
        }
        return Conditions.compile(spec, Map.of());
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
