package io.trailwarden.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands files to the source readers in {@link DeliveryOrder}, one at a time as each reader asks: the
 * readers then move through event time together. (Flink's own assigners hand splits out in no
 * particular order; its simple one takes them from the end of its list.)
 */
final class DeliveryOrderSplitAssigner implements FileSplitAssigner {
    private static final Comparator<FileSourceSplit> ORDER =
            Comparator.comparing(split -> split.path().toString(), DeliveryOrder.PATHS);

    private final PriorityQueue<FileSourceSplit> remaining = new PriorityQueue<>(ORDER);

    DeliveryOrderSplitAssigner(Collection<FileSourceSplit> splits) {
        remaining.addAll(splits);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return Optional.ofNullable(remaining.poll());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> splits) {
        remaining.addAll(splits);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        List<FileSourceSplit> splits = new ArrayList<>(remaining);
        splits.sort(ORDER);
        return splits;
    }
}
