package io.trailwarden.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real moto server (IAM, STS, SNS, SQS, Kinesis over HTTP) on a free loopback port, for integration
 * tests and benchmarks. As a JUnit 5 extension ({@code @RegisterExtension static MotoServer moto = new
 * MotoServer();}) it starts before the class's tests and stops after them; elsewhere use
 * {@link #start()} and {@link #close()}. The server comes from {@code .tools/venv}, which
 * {@code scripts/install-test-tools.sh} installs (the build runs it before the integration tests).
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    /** moto's default account: the one requests signed with unknown keys act in. */
    public static final String DEFAULT_ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private Process process;
    private int port;
    private Path log;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public MotoServer start() throws IOException, InterruptedException {
        Path executable = repoRoot().resolve(".tools/venv/bin/moto_server");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("moto server not found at " + executable
                    + ": run scripts/install-test-tools.sh (the Maven build runs it in pre-integration-test)");
        }
        port = freePort();
        log = Files.createTempFile("moto-server-", ".log");
        ProcessBuilder builder = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Request authorisation starts off; tests that check it switch it on through /moto-api/reset-auth.
        builder.environment().remove("INITIAL_NO_AUTH_ACTION_COUNT");
        builder.environment().put("MOTO_ALLOW_NONEXISTENT_REGION", "true");
        // The responder falls back to the AWS-managed AWSDenyAll policy; moto knows it only when told to load them.
        builder.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
        process = builder.start();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto server exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            if (responds()) {
                useAsDefaultCredentials();
                return this;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("moto server did not answer within " + STARTUP_TIMEOUT + "; log: " + log);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Credentials moto accepts while authorisation is off (any key works then). */
    public static StaticCredentialsProvider anyCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIATRAILWARDENTEST1", "secret"));
    }

    /**
     * The job's AWS clients take credentials from the SDK's default chain, as on MSF; system properties
     * come first in it, so code under test reaches this server with {@link #anyCredentials()}.
     */
    private static void useAsDefaultCredentials() {
        System.setProperty("aws.accessKeyId", "AKIATRAILWARDENTEST1");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    /** Forgets every resource of every account. */
    public void reset() throws IOException {
        post("/moto-api/reset", "");
    }

    /**
     * From the next request on, every request must be signed with a key moto knows and is checked
     * against the caller's IAM policies.
     */
    public void enableAuthorisation() throws IOException {
        post("/moto-api/reset-auth", "0");
    }

    public void disableAuthorisation() throws IOException {
        post("/moto-api/reset-auth", "inf");
    }

    @Override
    public void close() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (log != null) {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // A temp file left behind is harmless.
            }
        }
    }

    private boolean responds() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve("/moto-api/data.json").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private void post(String path, String body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) endpoint().resolve(path).toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        // Not form-encoded (the default): moto reads reset-auth's count from the raw body.
        connection.setRequestProperty("Content-Type", "text/plain");
        connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        int status = connection.getResponseCode();
        if (status != 200) {
            throw new IOException("moto " + path + " answered " + status);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The folder holding {@code scripts/install-test-tools.sh}, found by walking up from the working directory. */
    public static Path repoRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("scripts/install-test-tools.sh"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no scripts/install-test-tools.sh above " + Paths.get("").toAbsolutePath());
    }
}
