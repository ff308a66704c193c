package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.S3Location;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * Listing a CloudTrail archive on moto S3: an organization trail and a plain trail side by side, 40
 * days of delivery files, digest and Insights folders beside them. The listing returns only the days
 * asked for, in delivery order across accounts and regions, and never lists a day folder outside them
 * (every ListObjectsV2 request is recorded and checked).
 */
class S3ArchiveIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "org-cloudtrail-archive";
    private static final String ORG = "AWSLogs/o-abcdefghij/";
    private static final LocalDate FIRST_DAY = LocalDate.of(2026, 10, 15);

    private static String key(String accountPath, String account, String region, LocalDate day, String hhmm, String unique) {
        return accountPath + account + "/CloudTrail/" + region + "/" + day.toString().replace('-', '/') + "/" + account
                + "_CloudTrail_" + region + "_" + day.toString().replace("-", "") + "T" + hhmm + "Z_" + unique + ".json.gz";
    }

    @BeforeAll
    static void archive() {
        try (S3Client s3 = MotoClients.s3(MOTO)) {
            s3.createBucket(r -> r.bucket(BUCKET));
            for (int d = 0; d < 40; d++) {
                LocalDate day = FIRST_DAY.plusDays(d);
                put(s3, key(ORG, "111111111111", "us-east-1", day, "2355", "late"));
                put(s3, key(ORG, "111111111111", "eu-west-1", day, "0005", "early"));
                put(s3, key(ORG, "222222222222", "us-east-1", day, "1200", "noon"));
                put(s3, key("AWSLogs/", "333333333333", "ap-southeast-2", day, "0600", "plain"));
                put(s3, ORG + "111111111111/CloudTrail-Digest/us-east-1/" + day.toString().replace('-', '/')
                        + "/111111111111_CloudTrail-Digest_us-east-1_trail_us-east-1_" + day.toString().replace("-", "")
                        + "T0100Z.json.gz");
                put(s3, ORG + "111111111111/CloudTrail-Insight/us-east-1/" + day.toString().replace('-', '/')
                        + "/111111111111_CloudTrailInsight_us-east-1_" + day.toString().replace("-", "")
                        + "T0100Z_x.json.gz");
            }
        }
    }

    private static void put(S3Client s3, String key) {
        s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("{\"Records\":[]}"));
    }

    private static S3Client recording(List<String> listedPrefixes) {
        return S3Client.builder()
                .region(Region.of(MotoServer.REGION))
                .endpointOverride(MOTO.endpoint())
                .forcePathStyle(true)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof ListObjectsV2Request) {
                            listedPrefixes.add(((ListObjectsV2Request) context.request()).prefix());
                        }
                    }
                }))
                .build();
    }

    @Test
    void aWeekOfAnOrganizationTrailInDeliveryOrder() throws Exception {
        List<String> listed = new CopyOnWriteArrayList<>();
        List<S3Archive.Entry> files;
        try (S3Client s3 = recording(listed)) {
            files = new S3Archive(s3).list(S3Location.parse("s3://" + BUCKET + "/" + ORG),
                    LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 7));
        }

        List<String> keys = files.stream().map(entry -> entry.key).collect(Collectors.toList());
        assertThat(keys).hasSize(7 * 3);
        assertThat(keys.subList(0, 3)).containsExactly(
                key(ORG, "111111111111", "eu-west-1", LocalDate.of(2026, 11, 1), "0005", "early"),
                key(ORG, "222222222222", "us-east-1", LocalDate.of(2026, 11, 1), "1200", "noon"),
                key(ORG, "111111111111", "us-east-1", LocalDate.of(2026, 11, 1), "2355", "late"));
        assertThat(keys).allSatisfy(key -> assertThat(key).contains("/CloudTrail/").contains("/2026/11/0"))
                .noneMatch(key -> key.contains("/2026/11/08/") || key.contains("/2026/10/31/"));
        assertThat(keys).isSortedAccordingTo(DeliveryOrder.PATHS);
        assertThat(files).allSatisfy(entry -> assertThat(entry.size).isEqualTo("{\"Records\":[]}".length()));
        // Day folders only within the range; above them, folder listings only (a handful, not 40 days' worth).
        List<String> dayListings = listed.stream().filter(prefix -> prefix.matches(".*/\\d{4}/\\d{2}/\\d{2}/"))
                .collect(Collectors.toList());
        assertThat(dayListings).hasSize(7 * 3)
                .allSatisfy(prefix -> assertThat(prefix).matches(".*/2026/11/0[1-7]/"));
        assertThat(listed).noneMatch(prefix -> prefix.contains("CloudTrail-Digest") || prefix.contains("CloudTrail-Insight"));
        assertThat(listed.size() - dayListings.size()).isLessThanOrEqualTo(8);
    }

    @Test
    void theWholeBucketFindsBothTrailsAndAPrefixAtARegionReadsThatRegionOnly() throws Exception {
        try (S3Client s3 = MotoClients.s3(MOTO)) {
            S3Archive archive = new S3Archive(s3);
            LocalDate day = LocalDate.of(2026, 11, 3);

            assertThat(archive.list(S3Location.parse("s3://" + BUCKET + "/"), day, day))
                    .extracting(entry -> entry.key.substring(entry.key.lastIndexOf('_') + 1))
                    .containsExactly("early.json.gz", "plain.json.gz", "noon.json.gz", "late.json.gz");
            assertThat(archive.list(S3Location.parse("s3://" + BUCKET + "/" + ORG + "111111111111/CloudTrail/eu-west-1/"),
                    day, day.plusDays(1)))
                    .extracting(entry -> entry.key.substring(entry.key.lastIndexOf('_') + 1))
                    .containsExactly("early.json.gz", "early.json.gz");
        }
    }
}
