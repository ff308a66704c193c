package io.trailwarden.respond;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes an alert to the configured SNS topic; returns SNS's message id. */
public final class AlertPublisher {
    private final SnsClient sns;
    private final String topicArn;

    public AlertPublisher(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    public String publish(Alert alert) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        alert.attributes.forEach((name, value) -> attributes.put(name,
                MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return sns.publish(r -> r.topicArn(topicArn)
                .subject(alert.subject)
                .message(alert.message)
                .messageAttributes(attributes)).messageId();
    }

    public String topicArn() {
        return topicArn;
    }
}
