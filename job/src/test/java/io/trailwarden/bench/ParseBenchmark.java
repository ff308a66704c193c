package io.trailwarden.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.EventJson;
import io.trailwarden.source.RawInput;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Single-threaded parse throughput over the real corpus replicated to at least one million records,
 * each with a fresh eventID, as JSON-lines units in memory (what a file replay or a Kinesis source
 * hands the parse stage). Run from the repository root:
 *
 * <pre>
 * MAVEN_OPTS=-Xmx4g mvn -o -q -pl job test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.trailwarden.bench.ParseBenchmark [-Dexec.args="RECORDS ROUNDS"]
 * </pre>
 */
public final class ParseBenchmark {
    private static final int DEFAULT_RECORDS = 1_000_000;
    private static final int DEFAULT_ROUNDS = 3;

    private ParseBenchmark() {}

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_RECORDS;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_ROUNDS;
        List<RawInput> units = replicate(records);
        long totalBytes = 0;
        for (RawInput unit : units) {
            totalBytes += unit.bytes.length;
        }
        System.out.printf(Locale.ROOT, "%d JSON-lines units, %.1f MB, from %d corpus records%n",
                units.size(), totalBytes / 1e6, Corpus.RECORD_COUNT);

        measure(units, rounds);
    }

    /**
     * Parses {@code units} on this thread after a warm-up, {@code rounds} times, printing each round;
     * returns the median rates in events per second of wall time and per second of the thread's CPU.
     */
    static double[] measure(List<RawInput> units, int rounds) {
        long totalBytes = 0;
        for (RawInput unit : units) {
            totalBytes += unit.bytes.length;
        }
        CloudTrailParser parser = new CloudTrailParser();
        Tally warmUp = new Tally();
        for (int i = 0; i < Math.min(units.size(), 300_000); i++) {
            parser.parse(units.get(i), warmUp);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] rates = new double[rounds];
        double[] cpuRates = new double[rounds];
        for (int round = 1; round <= rounds; round++) {
            Tally tally = new Tally();
            long gcBefore = gcMillis();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (RawInput unit : units) {
                parser.parse(unit, tally);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            rates[round - 1] = tally.events / seconds;
            cpuRates[round - 1] = tally.events / cpuSeconds;
            // On a shared machine wall time includes waiting for a core; the thread's CPU time does not.
            System.out.printf(Locale.ROOT,
                    "round %d: %d events, %d dead letters in %.2f s wall = %,.0f events/s, %.1f MB/s;"
                            + " %.2f s on the parsing thread = %,.0f events/CPU-s; GC %d ms (check %d)%n",
                    round, tally.events, tally.deadLetters, seconds, tally.events / seconds,
                    totalBytes / 1e6 / seconds, cpuSeconds, tally.events / cpuSeconds, gcMillis() - gcBefore,
                    tally.check);
            if (tally.deadLetters > 0 || tally.events != units.size()) {
                throw new IllegalStateException("benchmark input must parse completely");
            }
        }
        java.util.Arrays.sort(rates);
        java.util.Arrays.sort(cpuRates);
        return new double[] {rates[rounds / 2], cpuRates[rounds / 2]};
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }

    /** The corpus records cycled to {@code count} units, each with its own eventID. */
    private static List<RawInput> replicate(int count) {
        List<ObjectNode> records = new ArrayList<>();
        for (String record : Corpus.records()) {
            records.add((ObjectNode) EventJson.readTree(record));
        }
        List<RawInput> units = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode record = records.get(i % records.size());
            record.put("eventID", String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", i));
            byte[] line = record.toString().getBytes(StandardCharsets.UTF_8);
            units.add(RawInput.of("bench:" + (i + 1), line));
        }
        return units;
    }

    /** Counts what the parser emits and folds the event ids in, so the work cannot be optimised away. */
    private static final class Tally implements CloudTrailParser.ParseOutput {
        long events;
        long deadLetters;
        long check;

        @Override
        public void event(CloudTrailEvent event) {
            events++;
            check += event.eventId.hashCode() + event.eventTimeMillis + event.rawJson().length();
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            deadLetters++;
        }
    }
}
