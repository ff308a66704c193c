package io.trailwarden.source;

import io.trailwarden.config.AwsConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The one S3 client factory, for everything TrailWarden reads from or writes to S3 (archives, rule
 * files, the audit store) with the job's AWS settings ({@code TrailWarden.Aws}). Credentials come from
 * the SDK's default chain (the application's role on MSF), never from configuration. An endpoint
 * override is an emulator, which serves buckets by path, not by host name.
 */
public final class S3Clients {
    private S3Clients() {}

    /** {@code socketTimeout} bounds one read: archives stream large objects, rule files are small. */
    public static S3Client create(AwsConfig aws, Duration socketTimeout) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(aws.region))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(socketTimeout));
        if (aws.endpointOverride != null) {
            builder.endpointOverride(URI.create(aws.endpointOverride)).forcePathStyle(true);
        }
        return builder.build();
    }
}
