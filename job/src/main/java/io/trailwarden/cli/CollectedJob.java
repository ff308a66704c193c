package io.trailwarden.cli;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.SafeText;
import io.trailwarden.pipeline.TrailWardenTopology;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;

/**
 * A local job whose findings and dead letters come back to this process: the findings, marked
 * dry-run and rendered inside the job in the command's {@link FindingForm}, are handed over one by one
 * as they arrive, the dead letters summarised. The skeleton shared by {@code run --local} and
 * {@code replay}.
 */
final class CollectedJob {
    private final CloseableIterator<RenderedFinding> findings;
    private final CloseableIterator<DeadLetter> deadLetters;
    private final DeadLetterSummary summary = new DeadLetterSummary();

    /**
     * Attaches the collecting sinks to {@code outputs}, the findings rendered in {@code form};
     * {@code command} names who never acts.
     */
    CollectedJob(TrailWardenTopology.Outputs outputs, String command, FindingForm form) {
        String why = command + " never acts";
        findings = outputs.findings
                .map(new DryRunFindings(why)).uid("dry-run-findings").name("Mark responses dry-run (" + why + ")")
                .map(new RenderFindings(form)).uid("render-findings").name("Render findings (" + form + ")")
                .collectAsync();
        deadLetters = outputs.deadLetters.collectAsync();
    }

    /**
     * Runs the job to its end. {@code started} is called once the job is submitted, {@code onFinding}
     * for every finding on this thread. False after printing to {@code err} why the job failed.
     */
    boolean run(StreamExecutionEnvironment env, String jobName, Consumer<JobClient> started,
            Consumer<RenderedFinding> onFinding, PrintWriter err) throws Exception {
        JobClient job = env.executeAsync(jobName);
        started.accept(job);
        ExecutorService drainer = Executors.newSingleThreadExecutor(new ExecutorThreadFactory("dead-letter-drain"));
        // Both collect sinks must be drained at once: a full, unread one would stall the whole job.
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
            while (deadLetters.hasNext()) {
                DeadLetter letter = deadLetters.next();
                synchronized (summary) {
                    summary.add(letter);
                }
            }
        }, drainer);
        try (findings; deadLetters) {
            while (findings.hasNext()) {
                onFinding.accept(findings.next());
            }
            drained.get();
            job.getJobExecutionResult().get();
            return true;
        } catch (ExecutionException | RuntimeException e) {
            err.println();
            err.println("the job failed: " + SafeText.safe(String.valueOf(ExceptionUtils.stripExecutionException(e))));
            err.flush();
            return false;
        } finally {
            drainer.shutdownNow();
        }
    }

    /** The dead letters so far; complete once {@link #run} returned true. */
    DeadLetterSummary deadLetters() {
        return summary;
    }
}
