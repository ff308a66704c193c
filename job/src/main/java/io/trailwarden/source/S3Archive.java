package io.trailwarden.source;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.S3Location;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The CloudTrail delivery files of an S3 archive between two dates, in {@link DeliveryOrder}. CloudTrail
 * writes {@code AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/FILE} and, for an organization trail,
 * {@code AWSLogs/o-ORGID/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/FILE}. The listing walks the folders
 * above the regions with a delimiter (one page per account, not one per file) and then lists only the
 * day folders in range, so a replay of a week never lists the rest of a year. Digest and Insights
 * folders ({@code CloudTrail-Digest}, {@code CloudTrail-Insight}) are not read.
 *
 * <p>The location may start at any level: the bucket, {@code AWSLogs/}, an organization, an account,
 * {@code CloudTrail/} or a region. Day folders are by delivery date, and the range is inclusive.
 */
public final class S3Archive {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ORGANIZATION = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final DateTimeFormatter DAY_FOLDER = DateTimeFormatter.ofPattern("yyyy/MM/dd/");
    private static final String TRAIL_FOLDER = "CloudTrail";

    private final S3Client s3;

    public S3Archive(S3Client s3) {
        this.s3 = s3;
    }

    /** One delivery file: its key and stored size. */
    public static final class Entry {
        public final String key;
        public final long size;

        Entry(String key, long size) {
            this.key = key;
            this.size = size;
        }
    }

    /** The delivery files under {@code location} delivered from {@code from} to {@code to}, both days included. */
    public List<Entry> list(S3Location location, LocalDate from, LocalDate to) throws IOException {
        List<String> regions = new ArrayList<>();
        try {
            findRegions(location.bucket, location.prefix, regions);
            List<Entry> files = new ArrayList<>();
            for (String region : regions) {
                for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                    listDay(location.bucket, region + DAY_FOLDER.format(day), files);
                }
            }
            files.sort(Comparator.comparing(entry -> entry.key, DeliveryOrder.PATHS));
            return files;
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            String hint = e.statusCode() == 403 ? " (reading an archive needs s3:ListBucket on the bucket and"
                    + " s3:GetObject on its objects)" : e.statusCode() == 301 ? " (the bucket is not in TrailWarden.Aws.region)" : "";
            throw new IOException(location + ": S3 answered " + e.statusCode() + code + hint, e);
        } catch (SdkClientException e) {
            throw new IOException(location + ": S3 could not be reached: " + e.getMessage(), e);
        }
    }

    /** Collects the region folders ({@code .../CloudTrail/REGION/}) at or below {@code prefix}. */
    private void findRegions(String bucket, String prefix, List<String> regions) {
        String[] segments = prefix.isEmpty() ? new String[0] : prefix.split("/");
        int depth = segments.length;
        if (depth >= 2 && segments[depth - 2].equals(TRAIL_FOLDER) && REGION.matcher(segments[depth - 1]).matches()) {
            regions.add(prefix);
            return;
        }
        boolean underTrailFolder = depth >= 1 && segments[depth - 1].equals(TRAIL_FOLDER);
        for (String child : folders(bucket, prefix)) {
            String name = child.substring(prefix.length(), child.length() - 1);
            if (underTrailFolder ? REGION.matcher(name).matches() : isFolderAboveRegions(name, depth)) {
                findRegions(bucket, child, regions);
            }
        }
    }

    /** AWSLogs, an organization, an account or CloudTrail itself; never deeper than CloudTrail's layout goes. */
    private static boolean isFolderAboveRegions(String name, int depth) {
        return depth < 6 && (name.equals("AWSLogs") || name.equals(TRAIL_FOLDER)
                || ACCOUNT.matcher(name).matches() || ORGANIZATION.matcher(name).matches());
    }

    private List<String> folders(String bucket, String prefix) {
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket).prefix(prefix).delimiter("/").build();
        List<String> folders = new ArrayList<>();
        for (CommonPrefix folder : s3.listObjectsV2Paginator(request).commonPrefixes()) {
            folders.add(folder.prefix());
        }
        return folders;
    }

    private void listDay(String bucket, String dayPrefix, List<Entry> files) {
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(dayPrefix).build();
        for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
            if (DeliveryOrder.deliveryTime(object.key()).isPresent()) {
                files.add(new Entry(object.key(), object.size() == null ? 0 : object.size()));
            }
        }
    }
}
