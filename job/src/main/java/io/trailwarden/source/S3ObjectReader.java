package io.trailwarden.source;

import io.trailwarden.config.AwsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads the S3 objects whose keys it receives, one whole object per key, into input units (the same
 * cutting, gzip handling and decompression budget as local files). An object that cannot be read
 * (deleted since the listing, access denied, a connection that breaks) becomes one unreadable unit,
 * and so a dead letter naming it, never a failed job. A key is handled within one call, so a
 * checkpoint never falls inside an object: a restored job re-reads exactly the keys after it.
 */
public final class S3ObjectReader extends RichFlatMapFunction<String, RawInput> {
    private static final long serialVersionUID = 1L;
    public static final String UID = "read-s3-objects";

    private final AwsConfig aws;
    private final String bucket;
    private transient S3Client s3;

    public S3ObjectReader(AwsConfig aws, String bucket) {
        this.aws = aws;
        this.bucket = bucket;
    }

    @Override
    public void open(OpenContext context) {
        s3 = S3Clients.create(aws, Duration.ofSeconds(60));
    }

    @Override
    public void flatMap(String key, Collector<RawInput> out) {
        String origin = "s3://" + bucket + "/" + key;
        try (InputStream object = s3.getObject(request -> request.bucket(bucket).key(key));
                FileUnits units = new FileUnits(origin, object, RawInput.MAX_UNIT_BYTES)) {
            RawInput unit;
            while ((unit = units.next()) != null) {
                out.collect(unit);
            }
        } catch (SdkException | IOException e) {
            out.collect(RawInput.unreadable(origin, "the S3 object cannot be read: " + e.getMessage()));
        }
        ReadProgress.objectDone(key);
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }
}
