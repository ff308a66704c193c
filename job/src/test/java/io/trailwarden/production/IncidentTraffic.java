package io.trailwarden.production;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * EventBridge-shaped CloudTrail traffic for the end-to-end test and the latency benchmark, built from
 * the real records in {@code production/incident-records.jsonl}: each incident gets its own user
 * names, fresh event ids and times, and the records move to the account the emulators act in.
 */
public final class IncidentTraffic {
    private static final String BACKDOOR_ACCOUNT = "229654561268";
    private static final String CONSOLE_ACCOUNT = "562283505220";
    private static final String BACKDOOR_ACTOR = "christophe";
    private static final String BACKDOOR_USER = "malicious-iam-user";
    private static final String CONSOLE_USER = "stratus-red-team-nmfalu-jfzdtsvchl";
    private static final String SENSITIVE_BUCKET = "payroll-exports";

    private static final List<String> RECORDS = load();

    private final String account;

    public IncidentTraffic(String account) {
        this.account = account;
    }

    /** One record put into the stream: the EventBridge envelope and the partition key EventBridge would use. */
    public static final class Put {
        public final String partitionKey;
        public final String json;
        public final String eventName;
        public final String userName;

        Put(String partitionKey, String json, String eventName, String userName) {
            this.partitionKey = partitionKey;
            this.json = json;
            this.eventName = eventName;
            this.userName = userName;
        }
    }

    /** CreateUser, AttachUserPolicy AdministratorAccess, CreateAccessKey: all in one second, as recorded. */
    public List<Put> backdoor(String actor, String newUser, Instant second) {
        List<Put> puts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String record = RECORDS.get(i)
                    .replace(BACKDOOR_ACCOUNT, account)
                    .replace(BACKDOOR_USER, newUser)
                    .replace(BACKDOOR_ACTOR, actor);
            puts.add(envelope(record, second));
        }
        return puts;
    }

    /** The CreateUser alone, as recorded: what the single-event rule contains on. */
    public Put createUser(String actor, String newUser, Instant second) {
        return backdoor(actor, newUser, second).get(0);
    }

    /** ConsoleLogin, then ListBuckets and GetObject of {@code bucket}, spaced as recorded (106 s, 318 s). */
    public List<Put> consoleEnumeration(String user, String bucket, Instant login) {
        return consoleSteps(user, bucket, login, 3, true);
    }

    /** ConsoleLogin, ListBuckets and GetObject of {@code bucket} within one second, as a script would. */
    public List<Put> scriptedConsoleEnumeration(String user, String bucket, Instant second) {
        return consoleSteps(user, bucket, second, 3, false);
    }

    /** The same principal's login and listing without the read: a near miss. */
    public List<Put> consoleLoginAndList(String user, Instant login) {
        return consoleSteps(user, SENSITIVE_BUCKET, login, 2, true);
    }

    private List<Put> consoleSteps(String user, String bucket, Instant login, int steps, boolean spacedAsRecorded) {
        Instant recordedLogin = Instant.parse(EventJson.readTree(RECORDS.get(3)).get("eventTime").asText());
        List<Put> puts = new ArrayList<>();
        for (int i = 3; i < 3 + steps; i++) {
            String record = RECORDS.get(i)
                    .replace(CONSOLE_ACCOUNT, account)
                    .replace(CONSOLE_USER, user)
                    .replace(SENSITIVE_BUCKET, bucket);
            Instant recorded = Instant.parse(EventJson.readTree(record).get("eventTime").asText());
            puts.add(envelope(record, spacedAsRecorded ? login.plus(Duration.between(recordedLogin, recorded)) : login));
        }
        return puts;
    }

    /** A ListBuckets by {@code user} alone: matches no rule, and moves event time forward. */
    public Put listBuckets(String user, Instant time) {
        return envelope(RECORDS.get(4).replace(CONSOLE_ACCOUNT, account).replace(CONSOLE_USER, user), time);
    }

    /** A GetObject by {@code user} without any login or listing before it. */
    public Put getObject(String user, String bucket, Instant time) {
        return envelope(RECORDS.get(5).replace(CONSOLE_ACCOUNT, account).replace(CONSOLE_USER, user)
                .replace(SENSITIVE_BUCKET, bucket), time);
    }

    private Put envelope(String recordJson, Instant eventTime) {
        ObjectNode record = (ObjectNode) EventJson.readTree(recordJson);
        String time = eventTime.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        record.put("eventID", UUID.randomUUID().toString());
        record.put("requestID", UUID.randomUUID().toString());
        record.put("eventTime", time);
        String eventSource = record.get("eventSource").asText();
        ObjectNode envelope = EventJson.MAPPER.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("detail-type", "ConsoleLogin".equals(record.get("eventName").asText())
                ? "AWS Console Signin via CloudTrail" : "AWS API Call via CloudTrail");
        envelope.put("source", "aws." + eventSource.substring(0, eventSource.indexOf('.')));
        envelope.put("account", account);
        envelope.put("time", time);
        envelope.put("region", record.get("awsRegion").asText());
        envelope.putArray("resources");
        envelope.set("detail", record);
        JsonNode identity = record.get("userIdentity");
        return new Put(identity.get("arn").asText(), envelope.toString(), record.get("eventName").asText(),
                identity.get("userName").asText());
    }

    private static List<String> load() {
        InputStream in = IncidentTraffic.class.getResourceAsStream("/production/incident-records.jsonl");
        if (in == null) {
            throw new IllegalStateException("production/incident-records.jsonl is not on the test classpath");
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
