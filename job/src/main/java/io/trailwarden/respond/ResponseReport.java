package io.trailwarden.respond;

import io.trailwarden.event.DeadLetter;
import java.util.ArrayList;
import java.util.List;

/** Everything one finding's response produced: an audit record per action, a dead letter per failure. */
public class ResponseReport {
    public String findingId;
    public List<ActionResult> results = new ArrayList<>();
    public List<DeadLetter> deadLetters = new ArrayList<>();

    public ResponseReport() {}

    @Override
    public String toString() {
        return findingId + " " + results + (deadLetters.isEmpty() ? "" : " dead letters " + deadLetters);
    }
}
