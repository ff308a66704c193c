package io.trailwarden.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.rules.compile.Conditions;
import io.trailwarden.rules.compile.EventCondition;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What deciding admin rights from a policy's meaning costs against the regex over its text it replaced:
 * the condition of iam-admin-policy-attached before (regexes on the document, a suffix on the ARN) and
 * after ({@code adminEquivalent}), each on its own freshly parsed copies of the same grants (the real
 * Stratus AttachUserPolicy, and PutUserPolicy documents: allow-all, NotAction, iam:Put*, narrow), so
 * the embedded document is parsed inside the measured time, as in the job. Median of the rounds.
 *
 * <p>Run: {@code scripts/benchmark AdminEquivalenceBenchmark [EVENTS] [ROUNDS]}.
 */
public final class AdminEquivalenceBenchmark {
    private static final String BEFORE = "{eventSource: iam.amazonaws.com, errorCode: {exists: false}, any: ["
            + "{eventName: [AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy],"
            + " requestParameters.policyArn: {suffix: ':policy/AdministratorAccess'}},"
            + "{eventName: [PutUserPolicy, PutGroupPolicy, PutRolePolicy],"
            + " requestParameters.policyDocument: {regex: '\"Action\"\\s*:\\s*(\\[\\s*)?\"\\*\"'},"
            + " all: [{requestParameters.policyDocument: {regex: '\"Resource\"\\s*:\\s*(\\[\\s*)?\"\\*\"'}},"
            + " {requestParameters.policyDocument: {regex: '\"Effect\"\\s*:\\s*\"Allow\"'}}]}]}";
    private static final String AFTER = "{eventSource: iam.amazonaws.com, errorCode: {exists: false}, any: ["
            + "{eventName: [AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy],"
            + " requestParameters.policyArn: {adminEquivalent: policy}},"
            + "{eventName: [PutUserPolicy, PutGroupPolicy, PutRolePolicy],"
            + " requestParameters.policyDocument: {adminEquivalent: policy}}]}";
    private static final String[] DOCUMENTS = {
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": [\"iam:*\","
                + " \"organizations:*\", \"account:*\"], \"Resource\": \"*\"}, {\"Effect\": \"Allow\", \"Action\":"
                + " [\"iam:CreateServiceLinkedRole\", \"iam:ListRoles\"], \"Resource\": \"*\"}]}",
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\","
                + " \"iam:Put*\"], \"Resource\": \"*\"}]}",
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\","
                + " \"s3:ListBucket\"], \"Resource\": [\"arn:aws:s3:::reports\", \"arn:aws:s3:::reports/*\"]}]}"};

    private AdminEquivalenceBenchmark() {}

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> records = records();
        EventCondition before = compile(BEFORE);
        EventCondition after = compile(AFTER);
        System.out.printf("%d grants per round (%d kinds), %d rounds after a warm-up round%n", events,
                records.size(), rounds);
        List<long[]> nanos = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            long[] pair = {time(before, parsed(records, events)), time(after, parsed(records, events))};
            if (round > 0) {
                nanos.add(pair);
            }
        }
        double beforeNs = median(nanos, 0) / (double) events;
        double afterNs = median(nanos, 1) / (double) events;
        System.out.printf("regex over the text (before):   %8.0f ns/grant%n", beforeNs);
        System.out.printf("adminEquivalent (after):        %8.0f ns/grant%n", afterNs);
        System.out.printf("after / before:                 %8.2f%n", afterNs / beforeNs);
    }

    private static EventCondition compile(String yaml) {
        List<RuleError> errors = new ArrayList<>();
        var lists = ListsConfig.defaults().lists;
        var spec = new RuleLoader(lists.keySet(), Duration.ofDays(1)).condition(yaml, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.toString());
        }
        return Conditions.compile(spec, lists);
    }

    private static List<String> records() {
        String attach = Corpus.records().stream().filter(r -> r.contains("083dc4ad-e264-46bc-a407-d0dd31b58bdc"))
                .findFirst().orElseThrow();
        List<String> records = new ArrayList<>(List.of(attach));
        for (String document : DOCUMENTS) {
            ObjectNode node = (ObjectNode) EventJson.readTree(attach);
            node.put("eventName", "PutUserPolicy");
            ((ObjectNode) node.get("requestParameters")).put("policyDocument", document).remove("policyArn");
            records.add(node.toString());
        }
        return records;
    }

    /** Fresh events (no cached embedded documents), their trees already read: the condition's own cost remains. */
    private static List<CloudTrailEvent> parsed(List<String> records, int count) {
        CloudTrailParser parser = new CloudTrailParser();
        List<CloudTrailEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            CloudTrailEvent event = parser.parseAll(RawInput.of("bench", records.get(i % records.size()))).events.get(0);
            event.tree();
            events.add(event);
        }
        return events;
    }

    private static long time(EventCondition condition, List<CloudTrailEvent> events) {
        long start = System.nanoTime();
        int matched = 0;
        for (CloudTrailEvent event : events) {
            matched += condition.test(event) ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        if (matched == 0) {
            throw new IllegalStateException("nothing matched: the benchmark measures nothing");
        }
        return elapsed;
    }

    private static long median(List<long[]> rounds, int index) {
        long[] values = rounds.stream().mapToLong(pair -> pair[index]).sorted().toArray();
        return values[values.length / 2];
    }
}
