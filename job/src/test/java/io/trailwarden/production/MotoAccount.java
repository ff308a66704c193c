package io.trailwarden.production;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.EventJson;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Set-up and inspection of the moto account the end-to-end runs contain identities in. */
final class MotoAccount {
    private MotoAccount() {}

    /** A user as it looks before anything happens: one active access key and a console password. */
    static void userWithKeyAndPassword(IamClient iam, String userName) {
        iam.createUser(r -> r.userName(userName));
        iam.createAccessKey(r -> r.userName(userName));
        iam.createLoginProfile(r -> r.userName(userName).password("Initial-Passw0rd!"));
    }

    static List<StatusType> keyStatuses(IamClient iam, String user) {
        return iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata().stream()
                .map(AccessKeyMetadata::status).collect(Collectors.toList());
    }

    static boolean hasLoginProfile(IamClient iam, String user) {
        try {
            iam.getLoginProfile(r -> r.userName(user));
            return true;
        } catch (NoSuchEntityException e) {
            return false;
        }
    }

    /** Waits for {@code condition}; a job that fails meanwhile is reported with its own cause. */
    static void await(JobClient job, BooleanSupplier condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new AssertionError("the job ended before the condition held");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** An SQS queue subscribed to a new SNS topic: what TrailWarden publishes there can be read back. */
    static final class AlertInbox {
        final String topicArn;
        private final String queueUrl;
        private final SqsClient sqs;
        private final List<JsonNode> received = new ArrayList<>();

        AlertInbox(MotoServer moto, String name) {
            sqs = MotoClients.sqs(moto);
            topicArn = MotoClients.sns(moto).createTopic(r -> r.name(name)).topicArn();
            queueUrl = sqs.createQueue(r -> r.queueName(name)).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            MotoClients.sns(moto).subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        }

        /** Reads SNS envelopes until alerts of every rule in {@code ruleIds} arrived; returns all read so far. */
        List<JsonNode> awaitRules(Set<String> ruleIds, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!seenRules().containsAll(ruleIds)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("alerts of " + ruleIds + " expected, got " + seenRules());
                }
                receive();
            }
            return List.copyOf(received);
        }

        List<JsonNode> receivedSoFar() {
            receive();
            return List.copyOf(received);
        }

        private void receive() {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                received.add(EventJson.readTree(message.body()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }

        private Set<String> seenRules() {
            Set<String> rules = new TreeSet<>();
            received.forEach(alert -> rules.add(alert.at("/MessageAttributes/ruleId/Value").asText()));
            return rules;
        }
    }

    static AlertInbox inbox(MotoServer moto, String name) {
        return new AlertInbox(moto, name);
    }
}
