package io.trailwarden.source;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.kinesis.shaded.com.amazonaws.SDKGlobalConfiguration;
import org.apache.flink.kinesis.shaded.com.amazonaws.auth.AWSStaticCredentialsProvider;
import org.apache.flink.kinesis.shaded.com.amazonaws.auth.BasicAWSCredentials;
import org.apache.flink.kinesis.shaded.com.amazonaws.client.builder.AwsClientBuilder;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.AmazonKinesis;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.AmazonKinesisClientBuilder;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.model.PutRecordResult;

/**
 * A real kinesalite (installed by {@code scripts/install-test-tools.sh}) on a free port, with a Kinesis
 * client for the test's own writes. The client is the AWS SDK v1 the connector bundles (shaded), so
 * tests add no SDK of their own; the v2 Kinesis client does not resolve from the mirror here.
 */
public final class Kinesalite implements AutoCloseable {
    public static final String REGION = "us-east-1";
    /** Emulator keys, handed to the source the way production would read them: from the environment. */
    public static final Map<String, String> ENVIRONMENT =
            Map.of(KinesisInput.ACCESS_KEY_VARIABLE, "test", KinesisInput.SECRET_KEY_VARIABLE, "test");

    private final Process process;
    private final int port;
    private final AmazonKinesis client;

    private Kinesalite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = AmazonKinesisClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), REGION))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials("test", "test")))
                .build();
    }

    public static Kinesalite start() throws IOException, InterruptedException {
        // kinesalite speaks JSON; the shaded SDK v1 reads this (relocated) property, not the plain one.
        System.setProperty(SDKGlobalConfiguration.AWS_CBOR_DISABLE_SYSTEM_PROPERTY, "true");
        Path root = repositoryRoot();
        Path executable = root.resolve(".tools/node/node_modules/.bin/kinesalite");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is missing: run scripts/install-test-tools.sh");
        }
        int port = freePort();
        Path log = Files.createTempFile("kinesalite-", ".log");
        Process process = new ProcessBuilder(executable.toString(), "--port", Integer.toString(port),
                        "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitPort(process, port, Duration.ofSeconds(20), log);
        return new Kinesalite(process, port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The {@code TrailWarden.Source} group that reads {@code stream} here from its start, polling every 100 ms. */
    public Map<String, String> sourceGroup(String stream) {
        return Map.of(
                "streamName", stream,
                "region", REGION,
                "endpoint", endpoint(),
                "credentialsProvider", "BASIC",
                "initialPosition", "TRIM_HORIZON",
                "getRecordsIntervalMillis", "100");
    }

    public AmazonKinesis client() {
        return client;
    }

    public void createStream(String name, int shards) throws InterruptedException {
        client.createStream(name, shards);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!"ACTIVE".equals(client.describeStream(name).getStreamDescription().getStreamStatus())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + name + " did not become ACTIVE");
            }
            Thread.sleep(50);
        }
    }

    public PutRecordResult put(String stream, String partitionKey, byte[] data) {
        return client.putRecord(stream, ByteBuffer.wrap(data), partitionKey);
    }

    @Override
    public void close() {
        client.shutdown();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The folder holding {@code scripts/install-test-tools.sh}, found by walking up from here. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("scripts/install-test-tools.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no scripts/install-test-tools.sh above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(Process process, int port, Duration timeout, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kinesalite exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("kinesalite did not listen on " + port + " within " + timeout);
    }
}
