package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged MSF application jar: what it must leave out (what MSF provides and what the job never runs),
 * its size bound, and that it still holds everything StreamingJob needs on MSF. Runs after {@code package}
 * (the jar paths come from the failsafe configuration in job/pom.xml).
 */
class MsfJarIT {
    /** The bound for the MSF jar; MSF's own limit is 512 MB, and every restart downloads the jar. */
    private static final long MAX_MSF_JAR_BYTES = 50_000_000L;

    private static final Path MSF_JAR = Path.of(System.getProperty("trailwarden.msfJar", "target/trailwarden-msf.jar"));
    private static final Path CLI_JAR = Path.of(System.getProperty("trailwarden.cliJar", "target/trailwarden.jar"));
    private static final Path PROVIDED_CLASSPATH =
            Path.of(System.getProperty("trailwarden.providedClasspath", "target/msf-provided.classpath"));

    private static final String KPL_BINARIES = "amazon-kinesis-producer-native-binaries/";

    /** Entry prefixes the MSF jar must not contain, and why. */
    private static final Map<String, String> LEFT_OUT = Map.ofEntries(
            Map.entry(KPL_BINARIES, "Kinesis Producer Library native binaries: the job only consumes"),
            Map.entry("cacerts/", "the Kinesis Producer Library's CA bundle"),
            Map.entry("org/apache/flink/shaded/guava31/", "Flink's shaded Guava: in flink-dist, which MSF provides"),
            Map.entry("org/apache/hc/", "httpclient5: every AWS client uses the URL-connection client"),
            Map.entry("software/amazon/awssdk/http/apache5/", "apache5-client: every AWS client uses the URL-connection client"),
            Map.entry("software/amazon/awssdk/http/apache/", "apache-client: every AWS client uses the URL-connection client"),
            Map.entry("software/amazon/awssdk/http/nio/netty/", "netty-nio-client: every AWS client uses the URL-connection client"),
            Map.entry("io/trailwarden/cli/", "the command line: MSF starts StreamingJob"),
            Map.entry("picocli/", "the command line's parser"),
            Map.entry("org/apache/commons/lang/", "commons-lang 2.x: used only by the Kinesis Producer Library, CVE-2025-48924 unfixed"),
            Map.entry("org/apache/flink/streaming/api/environment/", "Flink's runtime: MSF provides it"),
            Map.entry("org/apache/flink/runtime/", "Flink's runtime: MSF provides it"),
            Map.entry("org/slf4j/", "logging API: MSF provides it"),
            Map.entry("org/apache/logging/log4j/", "logging: MSF provides and configures it"),
            Map.entry("log4j2.properties", "the command line's logging set-up: MSF configures logging"));

    /** What StreamingJob needs on MSF that MSF does not provide, and the licence and notice of what the jar redistributes. */
    private static final List<String> KEPT_IN = List.of(
            "io/trailwarden/pipeline/StreamingJob.class",
            "org/apache/flink/cep/operator/CepOperator.class",
            "org/apache/flink/streaming/connectors/kinesis/FlinkKinesisConsumer.class",
            "org/apache/flink/kinesis/shaded/com/amazonaws/services/kinesis/AmazonKinesisClient.class",
            "software/amazon/awssdk/services/iam/IamClient.class",
            "software/amazon/awssdk/services/sns/SnsClient.class",
            "software/amazon/awssdk/services/sts/StsClient.class",
            "software/amazon/awssdk/services/s3/S3Client.class",
            "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
            "com/fasterxml/jackson/databind/ObjectMapper.class",
            "com/fasterxml/jackson/dataformat/yaml/YAMLFactory.class",
            "org/yaml/snakeyaml/Yaml.class",
            "com/amazonaws/services/kinesisanalytics/runtime/KinesisAnalyticsRuntime.class",
            "trailwarden-rules/backdoor-admin-user.yaml",
            "META-INF/trailwarden/LICENSE",
            "META-INF/trailwarden/NOTICE");

    /** Bundled libraries and the first release without the known CVEs named in docs/dependencies.md. */
    private static final Map<String, String> MINIMUM_VERSIONS = Map.of(
            "com.fasterxml.jackson.core/jackson-core", "2.22.1",
            "org.apache.commons/commons-lang3", "3.18.0");

    @Test
    void msfJarStaysWithinItsSizeBound() throws IOException {
        assertThat(Files.size(MSF_JAR)).isLessThanOrEqualTo(MAX_MSF_JAR_BYTES);
    }

    @Test
    void msfJarLeavesOutWhatMsfProvidesAndWhatTheJobNeverRuns() throws IOException {
        List<String> entries = entries(MSF_JAR);

        List<String> found = LEFT_OUT.entrySet().stream()
                .filter(left -> entries.stream().anyMatch(entry -> entry.startsWith(left.getKey())))
                .map(left -> left.getKey() + " (" + left.getValue() + ")")
                .collect(Collectors.toList());

        assertThat(found).isEmpty();
    }

    @Test
    void msfJarStartsStreamingJobAndCarriesWhatMsfDoesNotProvide() throws IOException {
        try (JarFile jar = new JarFile(MSF_JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.trailwarden.pipeline.StreamingJob");
        }
        assertThat(entries(MSF_JAR)).containsAll(KEPT_IN);
    }

    @Test
    void msfJarBundlesNoLibraryVersionWithAKnownCve() throws IOException {
        try (JarFile jar = new JarFile(MSF_JAR.toFile())) {
            for (Map.Entry<String, String> minimum : MINIMUM_VERSIONS.entrySet()) {
                Properties pom = new Properties();
                try (InputStream in = jar.getInputStream(
                        jar.getEntry("META-INF/maven/" + minimum.getKey() + "/pom.properties"))) {
                    pom.load(in);
                }
                String bundled = pom.getProperty("version");
                assertThat(compareVersions(bundled, minimum.getValue()))
                        .as("%s %s is older than %s", minimum.getKey(), bundled, minimum.getValue())
                        .isGreaterThanOrEqualTo(0);
            }
        }
    }

    /**
     * The proof that leaving things out broke nothing: StreamingJob's whole job graph builds and every
     * operator deserializes from the MSF jar plus only the jars MSF provides, with nothing of the test's
     * own class path visible.
     */
    @Test
    void productionJobGraphBuildsFromTheMsfJarAndWhatMsfProvidesAlone(@TempDir Path probeDirectory) throws Exception {
        List<URL> classPath = new ArrayList<>();
        for (String jar : Files.readString(PROVIDED_CLASSPATH).trim().split(File.pathSeparator)) {
            classPath.add(Path.of(jar).toUri().toURL());
        }
        classPath.add(MSF_JAR.toUri().toURL());
        classPath.add(copyOfProbeClass(probeDirectory).toUri().toURL());

        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader msf = new URLClassLoader(classPath.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(msf);
            assertThatThrownBy(() -> msf.loadClass("picocli.CommandLine"))
                    .as("the test's own class path must not leak in")
                    .isInstanceOf(ClassNotFoundException.class);

            @SuppressWarnings("unchecked")
            Function<Map<String, Properties>, List<String>> probe = (Function<Map<String, Properties>, List<String>>)
                    msf.loadClass(MsfJobGraphProbe.class.getName()).getDeclaredConstructor().newInstance();
            List<String> operators = probe.apply(Map.of(
                    "TrailWarden.Source", properties("streamName", "trailwarden-events", "region", "us-east-1"),
                    "TrailWarden.Response", properties("ownAccountId", "123456789012"),
                    "TrailWarden.Audit", properties("location", "s3://trailwarden-audit/prod/")));

            assertThat(operators).contains(
                    "org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer",
                    "org.apache.flink.cep.operator.CepOperator");
            assertThat(Path.of(msf.loadClass("org.apache.flink.cep.operator.CepOperator")
                    .getProtectionDomain().getCodeSource().getLocation().toURI()))
                    .isEqualTo(MSF_JAR.toAbsolutePath());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void cliJarCarriesNoKinesisProducerBinariesButKeepsTheCommandLine() throws IOException {
        List<String> entries = entries(CLI_JAR);

        assertThat(entries).noneMatch(entry -> entry.startsWith(KPL_BINARIES));
        assertThat(entries).contains("io/trailwarden/cli/TrailWardenCli.class", "picocli/CommandLine.class",
                "META-INF/trailwarden/LICENSE", "META-INF/trailwarden/NOTICE");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(entry -> entry.getName()).collect(Collectors.toList());
        }
    }

    /** The probe's class file alone, so the isolated class loader sees no other test class or resource. */
    private static Path copyOfProbeClass(Path directory) throws IOException {
        String name = MsfJobGraphProbe.class.getName().replace('.', '/') + ".class";
        Path target = directory.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = MsfJobGraphProbe.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, target);
        }
        return directory;
    }

    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    /** Numeric comparison of dotted release versions (2.22.1 against 2.18.6). */
    private static int compareVersions(String left, String right) {
        int[] a = Arrays.stream(left.split("[.-]")).limit(3).mapToInt(Integer::parseInt).toArray();
        int[] b = Arrays.stream(right.split("[.-]")).limit(3).mapToInt(Integer::parseInt).toArray();
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int difference = (i < a.length ? a[i] : 0) - (i < b.length ? b[i] : 0);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }
}
