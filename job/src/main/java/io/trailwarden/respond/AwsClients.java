package io.trailwarden.respond;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.ResponseConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The responders' AWS clients. Synchronous clients, called from the async-I/O thread pool: a
 * containment is a chain of dependent calls (list the keys, then deactivate each), which reads plainly
 * as sequential code, and the URL-connection HTTP client keeps Netty out of the job jar.
 *
 * <p>Retries are the SDK's own standard strategy, configured rather than duplicated: it retries
 * throttling errors, 5xx and I/O errors with exponential backoff and full jitter, up to
 * {@code maxAttempts} attempts in all. TrailWarden adds no retry loop on top, so a throttled call is
 * never retried attempts-squared times.
 */
public final class AwsClients implements AutoCloseable {
    public static final String USER_AGENT_MARKER = "TrailWarden";

    private final AwsConfig aws;
    private final ResponseConfig response;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final IamClient iam;
    private final SnsClient sns;
    private final StsClient sts;
    private volatile String callerArn;
    private final Map<String, IamClient> memberAccounts = new ConcurrentHashMap<>();
    private final Map<String, StsAssumeRoleCredentialsProvider> memberCredentials = new ConcurrentHashMap<>();

    public AwsClients(AwsConfig aws, ResponseConfig response, AwsCredentialsProvider credentials) {
        this.aws = aws;
        this.response = response;
        this.credentials = credentials;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(min(Duration.ofSeconds(5), attemptTimeout(response)))
                .socketTimeout(attemptTimeout(response))
                .build();
        this.iam = configure(IamClient.builder(), credentials, Region.AWS_GLOBAL).httpClient(http).build();
        this.sns = configure(SnsClient.builder(), credentials, Region.of(aws.region)).httpClient(http).build();
        this.sts = configure(StsClient.builder(), credentials, Region.of(aws.region)).httpClient(http).build();
    }

    /** Credentials from the SDK's default chain: the application's role on MSF, the environment locally. */
    public static AwsClients withDefaultCredentials(AwsConfig aws, ResponseConfig response) {
        return new AwsClients(aws, response, DefaultCredentialsProvider.builder().build());
    }

    public static RetryStrategy retryStrategy(ResponseConfig response) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(response.maxAttempts)
                .backoffStrategy(BackoffStrategy.exponentialDelay(response.backoffBase, response.backoffMax))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(
                        response.backoffBase.multipliedBy(5), response.backoffMax))
                // The token bucket would stop retrying after a burst of failures; the attempt bound is enough.
                .circuitBreakerEnabled(false)
                .build();
    }

    /**
     * One call, its SDK retries included: a third of the action timeout, so a containment's chain of
     * calls still reports its own failures before the responder gives the attempt up.
     */
    static Duration callTimeout(ResponseConfig response) {
        return response.actionTimeout.dividedBy(3);
    }

    /** One HTTP attempt: an equal share of the call's time, at most 15 s. */
    static Duration attemptTimeout(ResponseConfig response) {
        return min(Duration.ofSeconds(15), callTimeout(response).dividedBy(response.maxAttempts));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, AwsCredentialsProvider provider, Region region) {
        builder.region(region)
                .credentialsProvider(provider)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retryStrategy(response))
                        .apiCallAttemptTimeout(attemptTimeout(response))
                        .apiCallTimeout(callTimeout(response))
                        // Shows up in CloudTrail's userAgent: lets people see TrailWarden's calls. The loop
                        // guard does not rely on it, because any caller can send it.
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, USER_AGENT_MARKER)
                        .build());
        if (aws.endpointOverride != null) {
            builder.endpointOverride(URI.create(aws.endpointOverride));
        }
        return builder;
    }

    /**
     * IAM in the target's account: the job's own credentials there, elsewhere a session of the
     * responder role in that account, opened with a TrailWarden session name (the loop guard relies on it).
     */
    public IamClient iamFor(String accountId, String partition) {
        if (accountId == null || accountId.equals(ownAccountId())) {
            return iam;
        }
        return memberAccounts.computeIfAbsent(accountId, account -> {
            StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(request -> request
                            .roleArn(IamNames.roleArn(partition, account, response.responderRoleName))
                            .roleSessionName(ResponsePlanner.SESSION_PREFIX + "responder"))
                    .build();
            memberCredentials.put(account, provider);
            return configure(IamClient.builder(), provider, Region.AWS_GLOBAL).httpClient(http).build();
        });
    }

    /**
     * The ARN of the identity these clients act as, asked of STS once. The responder never contains
     * itself, whether or not {@code ownRoleArns} names it.
     */
    public String callerArn() {
        String arn = callerArn;
        if (arn == null) {
            arn = sts.getCallerIdentity().arn();
            callerArn = arn;
        }
        return arn;
    }

    /** The configured own account, or else the account of the identity these clients act as. */
    private String ownAccountId() {
        if (response.ownAccountId != null) {
            return response.ownAccountId;
        }
        return Arn.tryFromString(callerArn()).flatMap(Arn::accountId).orElse(null);
    }

    public SnsClient sns() {
        return sns;
    }

    @Override
    public void close() {
        memberAccounts.values().forEach(IamClient::close);
        memberCredentials.values().forEach(StsAssumeRoleCredentialsProvider::close);
        iam.close();
        sns.close();
        sts.close();
        http.close();
        if (credentials instanceof AutoCloseable) {
            try {
                ((AutoCloseable) credentials).close();
            } catch (Exception e) {
                // Closing releases cached credentials only; nothing to recover.
            }
        }
    }
}
