package io.trailwarden.cli;

import static io.trailwarden.finding.SafeText.safe;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.SafeText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Counts dead letters by stage and keeps the first few as examples, so a run over a file with a
 * million bad lines prints a summary rather than a million lines. Reasons and origins are printed
 * through {@link SafeText#safe}: parser messages quote the bad input.
 *
 * <p>It also groups them by reason ({@link #reasons}), for the HTML report: reasons quote the input and
 * name times and sizes, so the group is the reason with quoted text and numbers blanked out
 * ({@link #reasonGroup}), and at most {@link #MAX_REASONS} groups are kept, with a few samples each; the
 * dead letters of further reasons are counted in one group of their stage.
 */
public final class DeadLetterSummary {
    static final int EXAMPLES = 20;
    static final int MAX_REASONS = 50;
    static final int SAMPLES_PER_REASON = 3;
    private static final int REASON_GROUP_CHARS = 160;
    private static final Pattern QUOTED = Pattern.compile("([\"'])[^\"']*\\1");

    private final Map<String, Long> byStage = new TreeMap<>();
    private final List<DeadLetter> examples = new ArrayList<>();
    private final Map<List<String>, Reason> byReason = new LinkedHashMap<>();
    private long total;

    /** The dead letters of one stage and reason group, with the first few of them. */
    public static final class Reason {
        public final String stage;
        /** The reason with quoted text as {@code "…"} and numbers as {@code #}; null for the overflow group. */
        public final String group;
        public long count;
        public final List<DeadLetter> samples = new ArrayList<>();

        Reason(String stage, String group) {
            this.stage = stage;
            this.group = group;
        }
    }

    public void add(DeadLetter letter) {
        total++;
        String stage = String.valueOf(letter.stage);
        byStage.merge(stage, 1L, Long::sum);
        if (examples.size() < EXAMPLES) {
            examples.add(letter);
        }
        String group = reasonGroup(letter.reason);
        Reason reason = byReason.get(List.of(stage, group));
        if (reason == null) {
            reason = byReason.size() < MAX_REASONS
                    ? byReason.computeIfAbsent(List.of(stage, group), key -> new Reason(stage, group))
                    : byReason.computeIfAbsent(List.of(stage), key -> new Reason(stage, null));
        }
        reason.count++;
        if (reason.samples.size() < SAMPLES_PER_REASON) {
            reason.samples.add(letter);
        }
    }

    /** Every dead letter so far. */
    public long total() {
        return total;
    }

    /** The reason groups, the most frequent first. */
    public List<Reason> reasons() {
        List<Reason> reasons = new ArrayList<>(byReason.values());
        reasons.sort(Comparator.comparingLong((Reason reason) -> reason.count).reversed());
        return reasons;
    }

    /**
     * What dead letters of one kind share: the reason's start, with quoted text and digits blanked, so
     * {@code EventBridge source "x": ...} and {@code EventBridge source "y": ...} count together.
     */
    static String reasonGroup(String reason) {
        String start = reason == null ? "-" : SafeText.cut(reason, REASON_GROUP_CHARS);
        return QUOTED.matcher(start).replaceAll("$1…$1").replaceAll("[0-9]+", "#");
    }

    /** Dead letters of one stage ({@code parse}, {@code late}, ...) so far. */
    public long count(String stage) {
        return byStage.getOrDefault(stage, 0L);
    }

    public void print(PrintWriter out) {
        if (total == 0) {
            out.println("dead letters: none");
            out.flush();
            return;
        }
        StringBuilder stages = new StringBuilder();
        byStage.forEach((stage, count) ->
                stages.append(stages.length() == 0 ? "" : ", ").append(safe(stage)).append(": ").append(count));
        out.println("dead letters: " + total + " (" + stages + ")");
        for (DeadLetter letter : examples) {
            out.println("  " + safe(letter.stage) + "  " + safe(letter.origin, 120) + "  " + safe(letter.reason, 200)
                    + "  (" + letter.rawLength + " chars)");
        }
        if (total > examples.size()) {
            out.println("  ... and " + (total - examples.size()) + " more");
        }
        out.flush();
    }
}
