package io.trailwarden.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.IdentityType;
import java.time.Duration;
import java.time.Instant;

/** Builds CloudTrail events for operator harness tests; instants are named so a test reads as a timeline. */
final class TestEvents {
    static final Instant T0 = Instant.parse("2024-08-01T13:33:28Z");
    static final Instant ONE_SECOND_LATER = T0.plusSeconds(1);
    static final Instant ONE_MIN_LATER = T0.plus(Duration.ofMinutes(1));
    static final Instant FIVE_MIN_LATER = T0.plus(Duration.ofMinutes(5));

    static final String ACCOUNT = "229654561268";
    static final String ATTACKER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/christophe";

    private final ObjectNode record = EventJson.MAPPER.createObjectNode();
    private final CloudTrailEvent event = new CloudTrailEvent();

    private TestEvents(String eventName, String eventId, Instant at) {
        event.eventName = eventName;
        event.eventId = eventId;
        event.eventTimeMillis = at.toEpochMilli();
        event.eventSource = "iam.amazonaws.com";
        event.recipientAccountId = ACCOUNT;
        event.awsRegion = "us-east-1";
        event.actor = iamUser(ATTACKER_ARN);
        record.put("eventName", eventName);
        record.put("eventID", eventId);
        record.put("eventTime", at.toString());
        record.put("eventSource", event.eventSource);
        record.put("recipientAccountId", ACCOUNT);
    }

    static TestEvents event(String eventName, String eventId, Instant at) {
        return new TestEvents(eventName, eventId, at);
    }

    /** A successful {@code CreateUser} of {@code userName}, with the response naming the new user's ARN. */
    static TestEvents createUser(String eventId, Instant at, String userName) {
        TestEvents builder = new TestEvents("CreateUser", eventId, at);
        builder.record.putObject("requestParameters").put("userName", userName);
        builder.record.putObject("responseElements").putObject("user")
                .put("userName", userName)
                .put("arn", userArn(userName));
        return builder;
    }

    static String userArn(String userName) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + userName;
    }

    TestEvents by(Actor actor) {
        event.actor = actor;
        return this;
    }

    CloudTrailEvent build() {
        event.setRawJson(record.toString());
        return event;
    }

    static Actor iamUser(String arn) {
        Actor actor = new Actor();
        actor.type = IdentityType.IAM_USER;
        actor.arn = arn;
        actor.accountId = ACCOUNT;
        actor.userName = arn.substring(arn.lastIndexOf('/') + 1);
        return actor;
    }
}
