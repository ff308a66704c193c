package io.trailwarden.respond;

import java.util.Map;

/** One SNS message: subject, body (text then JSON), message attributes for subscription filters. */
public final class Alert {
    public final String subject;
    public final String message;
    public final Map<String, String> attributes;

    public Alert(String subject, String message, Map<String, String> attributes) {
        this.subject = subject;
        this.message = message;
        this.attributes = Map.copyOf(attributes);
    }
}
