package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryOrderTest {
    private static final String DAY = "AWSLogs/o-abcdefghij/111122223333/CloudTrail/";

    @Test
    void deliveryTimeIsReadFromCloudTrailsFileName() {
        assertThat(DeliveryOrder.deliveryTime(DAY + "eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T2355Z_Ab1.json.gz"))
                .contains(Instant.parse("2026-11-01T23:55:00Z"));
        assertThat(DeliveryOrder.deliveryTime("events.jsonl")).isEmpty();
        assertThat(DeliveryOrder.deliveryTime("x_CloudTrail_us-east-1_20261341T9999Z_a.json.gz")).as("not a date").isEmpty();
        assertThat(DeliveryOrder.deliveryTime("a_CloudTrail_us-east-1_20261101T0005Z_u/inner.json"))
                .as("the time must be in the file's own name, not a folder's").isEmpty();
    }

    @Test
    void filesWithoutATimeFirstThenByTimeAcrossAccountsAndRegionsThenByPath() {
        List<String> paths = new ArrayList<>(List.of(
                DAY + "us-east-1/2026/11/02/111122223333_CloudTrail_us-east-1_20261102T0000Z_b.json.gz",
                DAY + "us-east-1/2026/11/01/111122223333_CloudTrail_us-east-1_20261101T2355Z_a.json.gz",
                "AWSLogs/999999999999/CloudTrail/ap-south-1/2026/11/01/999999999999_CloudTrail_ap-south-1_20261101T0010Z_c.json.gz",
                DAY + "eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T2355Z_a.json.gz",
                "z-own-export.jsonl",
                "a-own-export.jsonl"));

        paths.sort(DeliveryOrder.PATHS);

        assertThat(paths).containsExactly(
                "a-own-export.jsonl",
                "z-own-export.jsonl",
                "AWSLogs/999999999999/CloudTrail/ap-south-1/2026/11/01/999999999999_CloudTrail_ap-south-1_20261101T0010Z_c.json.gz",
                DAY + "eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T2355Z_a.json.gz",
                DAY + "us-east-1/2026/11/01/111122223333_CloudTrail_us-east-1_20261101T2355Z_a.json.gz",
                DAY + "us-east-1/2026/11/02/111122223333_CloudTrail_us-east-1_20261102T0000Z_b.json.gz");
    }
}
