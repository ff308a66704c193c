package io.trailwarden.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Clients a test uses to set up and inspect a moto server: acting in a chosen account (moto's
 * {@code x-moto-account-id} header), with chosen credentials. Never used by the code under test.
 */
public final class MotoClients {
    private MotoClients() {}

    public static IamClient iam(MotoServer moto, String account) {
        return configure(IamClient.builder(), moto, MotoServer.anyCredentials(), account, Region.AWS_GLOBAL).build();
    }

    public static IamClient iam(MotoServer moto, AwsCredentialsProvider credentials) {
        return configure(IamClient.builder(), moto, credentials, null, Region.AWS_GLOBAL).build();
    }

    public static SnsClient sns(MotoServer moto) {
        return configure(SnsClient.builder(), moto, MotoServer.anyCredentials(), null, Region.of(MotoServer.REGION)).build();
    }

    /** Path-style: moto serves buckets under its own host name, not as {@code BUCKET.host}. */
    public static S3Client s3(MotoServer moto) {
        return configure(S3Client.builder(), moto, MotoServer.anyCredentials(), null, Region.of(MotoServer.REGION))
                .forcePathStyle(true).build();
    }

    public static SqsClient sqs(MotoServer moto) {
        return configure(SqsClient.builder(), moto, MotoServer.anyCredentials(), null, Region.of(MotoServer.REGION)).build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, MotoServer moto,
            AwsCredentialsProvider credentials, String account, Region region) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        if (account != null) {
            override.putHeader("x-moto-account-id", account);
        }
        builder.region(region)
                .credentialsProvider(credentials)
                .endpointOverride(URI.create(moto.endpoint().toString()))
                .overrideConfiguration(override.build());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder) {
            ((software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?>) builder)
                    .httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        return builder;
    }
}
