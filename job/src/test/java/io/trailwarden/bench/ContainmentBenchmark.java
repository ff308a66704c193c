package io.trailwarden.bench;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.respond.AwsClients;
import io.trailwarden.respond.ContainmentResult;
import io.trailwarden.respond.CorpusFindings;
import io.trailwarden.respond.IamContainment;
import io.trailwarden.respond.Outcome;
import io.trailwarden.respond.ResponsePlanner;
import io.trailwarden.testing.FaultProxy;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Time from a finding to its user being fully contained (real ARN read, deny-all policy, keys inactive
 * and re-listed, login profile deleted, tags written), against a local moto server over HTTP: latency
 * one finding at a time, then throughput with 32 containments in flight (the default capacity). Then
 * the same through the fault proxy with every IAM call one second late.
 *
 * <p>Run: {@code mvn -o -q -pl job test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.trailwarden.bench.ContainmentBenchmark [-Dexec.args="200 32 64"]}, or with plain
 * {@code java -cp} over the test classpath.
 */
public final class ContainmentBenchmark {
    private ContainmentBenchmark() {}

    public static void main(String[] args) throws Exception {
        int findings = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int slowFindings = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        try (MotoServer moto = new MotoServer().start()) {
            ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP,
                    Map.of("dryRun", "false", "ownAccountId", MotoServer.DEFAULT_ACCOUNT)))).response;
            measure(moto, response, moto.endpoint().toString(), "IAM direct", findings, 50, inFlight);
            try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
                // Every IAM call (API version 2010-05-08) answers one second late.
                proxy.latency(Duration.ofSeconds(1), "Version=2010-05-08");
                // About ten calls per containment: ten findings one at a time already take over a minute and a half.
                measure(moto, response, proxy.endpoint().toString(), "IAM +1 s per call", slowFindings, 10, inFlight);
            }
        }
    }

    private static void measure(MotoServer moto, ResponseConfig response, String endpoint, String label, int findings,
            int oneAtATime, int inFlight) throws Exception {
        try (AwsClients clients = new AwsClients(new AwsConfig(MotoServer.REGION, endpoint), response, MotoServer.anyCredentials())) {
            IamContainment containment = new IamContainment(clients, response.quarantinePolicyName,
                    ResponsePlanner.protectedPatterns(response), Instant::now);
            run(moto, containment, "warm-up", Math.min(findings, 20), Math.min(inFlight, 20));
            List<Long> sequential = run(moto, containment, "one at a time", oneAtATime, 1);
            report(label + ", one at a time", sequential, -1);
            long started = System.nanoTime();
            List<Long> parallel = run(moto, containment, inFlight + " in flight", findings, inFlight);
            report(label + ", " + inFlight + " in flight", parallel, System.nanoTime() - started);
        }
    }

    private static List<Long> run(MotoServer moto, IamContainment containment, String label, int count, int inFlight)
            throws Exception {
        moto.reset();
        List<Finding> findings = new ArrayList<>();
        try (IamClient iam = MotoClients.iam(moto, MotoServer.DEFAULT_ACCOUNT)) {
            for (int i = 0; i < count; i++) {
                String user = "bench-" + i;
                iam.createUser(r -> r.userName(user));
                iam.createLoginProfile(r -> r.userName(user).password("Bench-Passw0rd!"));
                iam.createAccessKey(r -> r.userName(user));
                findings.add(CorpusFindings.backdoorUser(MotoServer.DEFAULT_ACCOUNT, user));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (Finding finding : findings) {
                long submitted = System.nanoTime();
                Future<Long> future = pool.submit(() -> {
                    ContainmentResult result = containment.contain(finding.target, finding.findingId,
                            Instant.ofEpochMilli(finding.lastEventTimeMillis()));
                    if (result.outcome != Outcome.DONE) {
                        throw new IllegalStateException(label + ": " + finding.target.name + " " + result);
                    }
                    return System.nanoTime() - submitted;
                });
                futures.add(future);
                if (inFlight == 1) {
                    // One at a time means the next finding arrives after this one is contained: no queueing.
                    future.get();
                }
            }
            List<Long> latencies = new ArrayList<>();
            for (Future<Long> future : futures) {
                latencies.add(future.get());
            }
            return latencies;
        } finally {
            pool.shutdown();
        }
    }

    private static void report(String label, List<Long> latenciesNanos, long wallNanos) {
        List<Long> sorted = new ArrayList<>(latenciesNanos);
        Collections.sort(sorted);
        double median = sorted.get(sorted.size() / 2) / 1e6;
        double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
        System.out.printf("%s: %d findings, finding submitted -> user fully contained: median %.1f ms, p99 %.1f ms, max %.1f ms%n",
                label, sorted.size(), median, p99, sorted.get(sorted.size() - 1) / 1e6);
        if (wallNanos > 0) {
            System.out.printf("%s: throughput %.1f containments/s (%d in %.2f s)%n", label,
                    sorted.size() / (wallNanos / 1e9), sorted.size(), wallNanos / 1e9);
        }
    }
}
