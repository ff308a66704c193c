package io.trailwarden.production;

import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands every record of a job on the in-process mini-cluster to a queue the test holds. The sink itself
 * is serialized into the job, so it carries only a key to the queue, not the queue.
 */
public final class QueueSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();

    private final String key = UUID.randomUUID().toString();

    @SuppressWarnings("unchecked")
    public QueueSink(Queue<? super T> queue) {
        QUEUES.put(key, (Queue<Object>) queue);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new QueueWriter<>(QUEUES.get(key));
    }

    /** Flink 1.20 still declares this older overload abstract; its runtime calls the one above. */
    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return new QueueWriter<>(QUEUES.get(key));
    }

    private static final class QueueWriter<T> implements SinkWriter<T> {
        private final Queue<Object> queue;

        QueueWriter(Queue<Object> queue) {
            this.queue = queue;
        }

        @Override
        public void write(T element, Context context) {
            queue.add(element);
        }

        @Override
        public void flush(boolean endOfInput) {
            // Written straight into the queue: nothing is buffered.
        }

        @Override
        public void close() {
            // The queue belongs to the test.
        }
    }
}
