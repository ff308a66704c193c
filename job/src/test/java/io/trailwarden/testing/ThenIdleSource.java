package io.trailwarden.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Emits the given records, then stays open until cancelled, as a Kinesis source does. A bounded source
 * would end the job before processing-time timers fire, and the responders retry on those timers.
 */
@SuppressWarnings("deprecation")
public final class ThenIdleSource<T> implements SourceFunction<T> {
    private static final long serialVersionUID = 1L;

    private final ArrayList<T> records;
    private volatile boolean running = true;

    public ThenIdleSource(List<T> records) {
        this.records = new ArrayList<>(records);
    }

    @Override
    public void run(SourceContext<T> context) throws Exception {
        for (T record : records) {
            synchronized (context.getCheckpointLock()) {
                context.collect(record);
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
