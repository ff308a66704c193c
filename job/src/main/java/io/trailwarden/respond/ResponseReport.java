package io.trailwarden.respond;

import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.ListTypeInfoFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** Everything one finding's response produced: an audit record per action, a dead letter per failure. */
public class ResponseReport {
    public String findingId;
    @TypeInfo(ListTypeInfoFactory.class)
    public List<ActionResult> results = new ArrayList<>();
    @TypeInfo(ListTypeInfoFactory.class)
    public List<DeadLetter> deadLetters = new ArrayList<>();

    public ResponseReport() {}

    @Override
    public String toString() {
        return findingId + " " + results + (deadLetters.isEmpty() ? "" : " dead letters " + deadLetters);
    }
}
