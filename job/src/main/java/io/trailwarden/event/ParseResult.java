package io.trailwarden.event;

import java.util.ArrayList;
import java.util.List;

/** Everything one unit of input produced, in order; for tests and the command line. */
public final class ParseResult implements CloudTrailParser.ParseOutput {
    public final List<CloudTrailEvent> events = new ArrayList<>();
    public final List<DeadLetter> deadLetters = new ArrayList<>();

    @Override
    public void event(CloudTrailEvent event) {
        events.add(event);
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
        deadLetters.add(deadLetter);
    }

    @Override
    public String toString() {
        return events.size() + " events, " + deadLetters.size() + " dead letters " + deadLetters;
    }
}
