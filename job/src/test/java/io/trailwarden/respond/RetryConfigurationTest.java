package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.testing.MotoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;

/** The SDK retry strategy as configured: which failures are retried, how often, how long apart. */
class RetryConfigurationTest {
    private static final String LIST_USERS_OK = "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            + "<ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult>"
            + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>";
    private static final String THROTTLED = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            + "<Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>";
    private static final String DENIED = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
            + "<Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>";

    private HttpServer server;
    private final List<Long> requestTimes = new ArrayList<>();
    private final List<String> userAgents = new ArrayList<>();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** A server answering with the given statuses in turn, then 200. */
    private AwsClients clients(int maxAttempts, String errorBody, int... statuses) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int index;
            synchronized (requestTimes) {
                requestTimes.add(System.nanoTime());
                userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
                index = requestTimes.size() - 1;
            }
            int status = index < statuses.length ? statuses[index] : 200;
            byte[] body = (status == 200 ? LIST_USERS_OK : errorBody).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, Map.of(
                "maxAttempts", String.valueOf(maxAttempts), "backoffBase", "20ms", "backoffMax", "200ms")))).response;
        AwsConfig aws = new AwsConfig("us-east-1", "http://127.0.0.1:" + server.getAddress().getPort());
        return new AwsClients(aws, response, MotoServer.anyCredentials());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedUntilTheyPass() throws Exception {
        try (AwsClients clients = clients(4, THROTTLED, 400, 503, 500)) {
            IamClient iam = clients.iamFor(null, "aws");
            assertThat(iam.listUsers().users()).isEmpty();
        }
        assertThat(requestTimes).hasSize(4);
        assertThat(userAgents).allSatisfy(agent -> assertThat(agent).contains(AwsClients.USER_AGENT_MARKER));
    }

    @Test
    void retriesStopAtMaxAttempts() throws Exception {
        try (AwsClients clients = clients(3, THROTTLED, 503, 503, 503, 503, 503)) {
            IamClient iam = clients.iamFor(null, "aws");
            assertThatThrownBy(iam::listUsers).isInstanceOf(SdkException.class);
        }
        assertThat(requestTimes).hasSize(3);
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        try (AwsClients clients = clients(4, DENIED, 403)) {
            IamClient iam = clients.iamFor(null, "aws");
            assertThatThrownBy(iam::listUsers).hasMessageContaining("Status Code: 403").hasMessageContaining("Attempt Count: 1");
        }
        assertThat(requestTimes).hasSize(1);
    }
}
