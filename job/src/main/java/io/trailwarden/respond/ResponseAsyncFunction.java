package io.trailwarden.respond;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.ResponseConfig;
import java.time.Instant;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Runs each plan's response on a thread pool as wide as the async operator's capacity, so at most
 * {@code maxInFlight} responses call AWS at once. The async operator checkpoints the plans still in
 * flight and replays them after a restart; containment is idempotent, so a replay changes nothing twice.
 */
public final class ResponseAsyncFunction extends RichAsyncFunction<ResponsePlan, ResponseReport> {
    private static final long serialVersionUID = 1L;

    private final ResponseConfig response;
    private final AlertConfig alerts;
    private final AwsConfig aws;
    private transient AwsClients clients;
    private transient ResponseExecutor executor;
    private transient ExecutorService pool;

    public ResponseAsyncFunction(ResponseConfig response, AlertConfig alerts, AwsConfig aws) {
        this.response = response;
        this.alerts = alerts;
        this.aws = aws;
    }

    @Override
    public void open(OpenContext openContext) {
        clients = AwsClients.withDefaultCredentials(aws, response);
        executor = new ResponseExecutor(
                new IamContainment(clients, response.quarantinePolicyName, Instant::now),
                new AlertFormatter(alerts),
                alerts.topicArn == null ? null : new AlertPublisher(clients.sns(), alerts.topicArn),
                Instant::now);
        pool = Executors.newFixedThreadPool(response.maxInFlight, new ResponderThreads());
    }

    @Override
    public void asyncInvoke(ResponsePlan plan, ResultFuture<ResponseReport> resultFuture) {
        long started = System.currentTimeMillis();
        CompletableFuture.supplyAsync(() -> executor.execute(plan), pool).whenComplete((report, error) -> {
            if (error != null) {
                // Failing the job would replay this finding into the same error after every restart.
                resultFuture.complete(Collections.singletonList(ResponseExecutor.failedAll(plan, started,
                        System.currentTimeMillis() - started, "response task failed: " + error)));
            } else {
                resultFuture.complete(Collections.singletonList(report));
            }
        });
    }

    @Override
    public void timeout(ResponsePlan plan, ResultFuture<ResponseReport> resultFuture) {
        long timeoutMillis = response.actionTimeout.toMillis();
        resultFuture.complete(Collections.singletonList(ResponseExecutor.failedAll(plan,
                System.currentTimeMillis() - timeoutMillis, timeoutMillis,
                "response did not finish within " + timeoutMillis + " ms (TrailWarden.Response.actionTimeout)")));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (clients != null) {
            clients.close();
        }
    }

    private static final class ResponderThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "trailwarden-responder-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
