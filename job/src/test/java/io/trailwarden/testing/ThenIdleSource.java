package io.trailwarden.testing;

import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Emits 0 .. count-1, then stays open until cancelled, as a Kinesis source does: a bounded source would
 * end the job before processing-time timers fire, and the responders retry on those timers. Tests map
 * each number to their record (records such as findings are not Java-serializable).
 */
@SuppressWarnings("deprecation")
public final class ThenIdleSource implements SourceFunction<Integer> {
    private static final long serialVersionUID = 1L;

    private final int count;
    private volatile boolean running = true;

    public ThenIdleSource(int count) {
        this.count = count;
    }

    @Override
    public void run(SourceContext<Integer> context) throws Exception {
        for (int i = 0; i < count; i++) {
            synchronized (context.getCheckpointLock()) {
                context.collect(i);
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
