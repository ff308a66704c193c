package io.trailwarden.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

/**
 * CloudTrail files as a {@code FileSource} format, one {@link RawInput} per unit of {@link FileUnits}.
 * A bulk format rather than a {@code StreamFormat} because units carry their file name as origin, and
 * only a bulk format's reader is told which file it reads. Files are not split (a JSON document cannot
 * be); a restored reader re-reads its file and skips the units it had already emitted.
 */
public final class CloudTrailFileFormat implements BulkFormat<RawInput, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    private static final int UNITS_PER_BATCH = 256;
    /** A batch waits in the reader's queue; bounding its bytes bounds what each reader keeps there. */
    private static final long BYTES_PER_BATCH = 4L << 20;

    private final int maxUnitBytes;

    public CloudTrailFileFormat() {
        this(RawInput.MAX_UNIT_BYTES);
    }

    public CloudTrailFileFormat(int maxUnitBytes) {
        this.maxUnitBytes = maxUnitBytes;
    }

    @Override
    public Reader<RawInput> createReader(Configuration config, FileSourceSplit split) throws IOException {
        Path path = split.path();
        FSDataInputStream stream = path.getFileSystem().open(path);
        long alreadyEmitted = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        FileUnits units;
        try {
            units = new FileUnits(path.toString(), stream, maxUnitBytes);
            // Re-reading is the price of not splitting: positions count units, not bytes.
            long skipped = 0;
            while (skipped < alreadyEmitted && units.next() != null) {
                skipped++;
            }
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
        return new UnitReader(units, alreadyEmitted);
    }

    @Override
    public Reader<RawInput> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        return createReader(config, split);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawInput> getProducedType() {
        return TypeInformation.of(RawInput.class);
    }

    private static final class UnitReader implements Reader<RawInput> {
        private final FileUnits units;
        private long emitted;

        UnitReader(FileUnits units, long emitted) {
            this.units = units;
            this.emitted = emitted;
        }

        @Override
        public RecordIterator<RawInput> readBatch() throws IOException {
            List<RawInput> batch = new ArrayList<>(UNITS_PER_BATCH);
            RawInput unit;
            long bytes = 0;
            while (batch.size() < UNITS_PER_BATCH && bytes < BYTES_PER_BATCH && (unit = units.next()) != null) {
                batch.add(unit);
                bytes += unit.bytes.length;
            }
            if (batch.isEmpty()) {
                return null;
            }
            long before = emitted;
            emitted += batch.size();
            return new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, before);
        }

        @Override
        public void close() throws IOException {
            units.close();
        }
    }
}
