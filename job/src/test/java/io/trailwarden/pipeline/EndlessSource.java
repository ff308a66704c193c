package io.trailwarden.pipeline;

import io.trailwarden.source.RawInput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Emits the units in order, pausing a second at each {@link #PAUSE} unit (so the watermark of what came
 * before is emitted), then stays open as the stream does, until the job is cancelled: event time moves
 * only as records arrive, as in production.
 */
final class EndlessSource implements SourceFunction<RawInput> {
    private static final long serialVersionUID = 1L;
    /** The origin of a unit that is not emitted but makes the source pause. */
    static final String PAUSE = "pause";
    /** Origin and text of each unit: RawInput itself is not Java-serializable. */
    private final ArrayList<String[]> units = new ArrayList<>();
    private volatile boolean running = true;

    EndlessSource(List<RawInput> units) {
        for (RawInput unit : units) {
            this.units.add(new String[] {unit.origin, new String(unit.bytes, StandardCharsets.UTF_8)});
        }
    }

    @Override
    public void run(SourceContext<RawInput> context) throws InterruptedException {
        for (String[] unit : units) {
            if (PAUSE.equals(unit[0])) {
                Thread.sleep(1000);
                continue;
            }
            synchronized (context.getCheckpointLock()) {
                context.collect(RawInput.of(unit[0], unit[1]));
            }
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
