package io.trailwarden.respond;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.EventJson;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Server-side setup and inspection for the response integration tests. */
final class MotoFixture {
    static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private MotoFixture() {}

    /** A user as a backdoor looks after the attack: admin rights, an access key, a console password. */
    static AccessKey backdoorUser(IamClient iam, String userName) {
        iam.createUser(r -> r.userName(userName));
        iam.putUserPolicy(r -> r.userName(userName).policyName("admin").policyDocument(ALLOW_ALL));
        iam.createLoginProfile(r -> r.userName(userName).password("Attacker-Passw0rd!"));
        return iam.createAccessKey(r -> r.userName(userName)).accessKey();
    }

    static Map<String, String> userTags(IamClient iam, String userName) {
        return IamContainment.userTags(iam, userName);
    }

    /** An SQS queue subscribed to a new topic: alerts published there can be read back. */
    static final class AlertInbox {
        final String topicArn;
        final String queueUrl;
        private final SqsClient sqs;

        AlertInbox(MotoServer moto, SnsClient sns, SqsClient sqs, String name) {
            this.sqs = sqs;
            topicArn = sns.createTopic(r -> r.name(name)).topicArn();
            queueUrl = sqs.createQueue(r -> r.queueName(name)).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        }

        /** The SNS envelopes (not raw delivery: the envelope keeps the subject and the attributes). */
        List<JsonNode> receive() {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(2)).messages();
            return messages.stream().map(m -> EventJson.readTree(m.body())).collect(java.util.stream.Collectors.toList());
        }
    }

    static AlertInbox inbox(MotoServer moto, String name) {
        return new AlertInbox(moto, MotoClients.sns(moto), MotoClients.sqs(moto), name);
    }
}
