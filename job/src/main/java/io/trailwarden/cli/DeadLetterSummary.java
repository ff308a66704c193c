package io.trailwarden.cli;

import static io.trailwarden.finding.SafeText.safe;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.SafeText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts dead letters by stage and keeps the first few as examples, so a run over a file with a
 * million bad lines prints a summary rather than a million lines. Reasons and origins are printed
 * through {@link SafeText#safe}: parser messages quote the bad input.
 */
public final class DeadLetterSummary {
    static final int EXAMPLES = 20;

    private final Map<String, Long> byStage = new TreeMap<>();
    private final List<DeadLetter> examples = new ArrayList<>();
    private long total;

    public void add(DeadLetter letter) {
        total++;
        byStage.merge(String.valueOf(letter.stage), 1L, Long::sum);
        if (examples.size() < EXAMPLES) {
            examples.add(letter);
        }
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
